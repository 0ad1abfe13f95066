from django.urls import path

from tipdata.cases import views

urlpatterns = [
    path("", views.case_list_view, name="case-list"),
    path("new/", views.case_create_view, name="case-new"),
    path("<str:public_id>/", views.case_detail_view, name="case-detail"),
]
