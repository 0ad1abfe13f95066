from django.urls import path

from tipdata.cases import views

urlpatterns = [
    path("", views.case_list_view, name="case-list"),
    path("new/", views.case_create_view, name="case-new"),
    path("retention/", views.retention_view, name="retention"),
    path("<str:public_id>/", views.case_detail_view, name="case-detail"),
    path("<str:public_id>/status/", views.case_status_view, name="case-status"),
    path("<str:public_id>/consent/", views.case_consent_view, name="case-consent"),
    path("<str:public_id>/referral/", views.case_referral_view, name="case-referral"),
    path("<str:public_id>/comment/", views.case_comment_view, name="case-comment"),
    path("<str:public_id>/erase/", views.person_erase_view, name="person-erase"),
    path("<str:public_id>/plan/", views.case_plan_view, name="case-plan"),
    path("<str:public_id>/event/", views.case_event_view, name="case-event"),
    path("<str:public_id>/person/", views.case_person_view, name="case-person"),
]
