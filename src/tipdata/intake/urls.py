from django.urls import path

from tipdata.intake import views

urlpatterns = [
    path("", views.import_runs_view, name="intake-runs"),
    path("upload/", views.import_upload_view, name="intake-upload"),
    path("upload/<str:upload_id>/", views.import_preview_view, name="intake-preview"),
    path("runs/<int:run_id>/", views.import_run_view, name="intake-run"),
    path("runs/<int:run_id>/quarantine/", views.import_quarantine_view, name="intake-quarantine"),
]
