"""REST API v1. Thin views over the same selectors and services as the web app."""

from django.urls import path

from tipdata.api import cases, views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("standard/", views.StandardView.as_view(), name="api-standard"),
    path("standard/<str:name>/", views.StandardFieldView.as_view(), name="api-standard-field"),
    path("cases/", cases.CaseListView.as_view(), name="api-cases"),
    path("cases/search/", cases.CaseSearchView.as_view(), name="api-case-search"),
    path("cases/<str:public_id>/", cases.CaseDetailView.as_view(), name="api-case"),
    path("cases/<str:public_id>/referrals/", cases.CaseReferralsView.as_view(), name="api-case-referrals"),
    path("persons/<str:public_id>/", cases.PersonDetailView.as_view(), name="api-person"),
    path("persons/<str:public_id>/consents/", cases.PersonConsentView.as_view(), name="api-person-consents"),
]
