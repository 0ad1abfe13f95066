from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "tipdata.practice"
    label = "practice"
    verbose_name = "Practice: victim-identification screening and data-practice self-assessment"
