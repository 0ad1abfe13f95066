from django.urls import path

from tipdata.standard import views

urlpatterns = [
    path("", views.standard_index, name="standard-index"),
    path("<str:name>/", views.standard_field, name="standard-field"),
]
