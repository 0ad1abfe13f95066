"""REST API v1. Thin views over the same selectors and services as the web app."""

from django.urls import path

from tipdata.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("standard/", views.StandardView.as_view(), name="api-standard"),
    path("standard/<str:name>/", views.StandardFieldView.as_view(), name="api-standard-field"),
]
