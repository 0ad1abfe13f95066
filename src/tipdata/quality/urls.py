from django.urls import path

from tipdata.quality import views

urlpatterns = [
    path("", views.quality_view, name="quality"),
]
