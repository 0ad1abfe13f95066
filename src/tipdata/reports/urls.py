"""/reports/: the indicator reports (SDG 16.2.2, UNODC, donor summary) as PDF or XLSX."""

from django.urls import path

from tipdata.reports import views

urlpatterns = [
    path("", views.reports_index_view, name="reports-index"),
    path("<slug:kind>.<slug:fmt>", views.report_download_view, name="report-download"),
]
