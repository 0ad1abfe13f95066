"""/dashboard/: the organisation's charts, and each chart's numbers as CSV."""

from django.urls import path

from tipdata.reports import views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("<slug:table_id>.csv", views.dashboard_csv_view, name="dashboard-csv"),
]
