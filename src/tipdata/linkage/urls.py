from django.urls import path

from tipdata.linkage import views

urlpatterns = [
    path("", views.candidates_view, name="dedupe-candidates"),
    path("<int:pk>/decide/", views.candidate_decide_view, name="dedupe-decide"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="dedupe-undo"),
    path("projects/", views.projects_view, name="linkage-projects"),
    path("projects/<int:pk>/", views.project_view, name="linkage-project"),
]
