from django.urls import path

from tipdata.estimation import views

urlpatterns = [path("", views.estimation_view, name="estimation")]
