from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tipdata.intake"
    label = "intake"
    verbose_name = "Intake: imports and exports"
