from django.urls import path

from tipdata.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
