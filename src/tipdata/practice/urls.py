from django.urls import path

from tipdata.practice import views

urlpatterns = [
    path("screening/", views.screening_view, name="practice-screening"),
    path("screening/<str:public_id>/", views.screening_detail_view, name="practice-screening-detail"),
    path("self-assessment/", views.self_assessment_view, name="practice-self-assessment"),
    path("self-assessment/<int:pk>/", views.self_assessment_detail_view, name="practice-self-assessment-detail"),
]
