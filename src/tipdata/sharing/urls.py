from django.urls import path

from tipdata.sharing import views

urlpatterns = [
    path("", views.release_list_view, name="release-list"),
    path("<int:pk>/", views.release_detail_view, name="release-detail"),
    path("<int:pk>/approve/", views.release_approve_view, name="release-approve"),
    path("<int:pk>/share/", views.release_share_view, name="release-share"),
    path("<int:pk>/files/<path:name>", views.release_file_view, name="release-file"),
]
