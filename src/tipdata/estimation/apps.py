from django.apps import AppConfig


class EstimationConfig(AppConfig):
    name = "tipdata.estimation"
    label = "estimation"
    verbose_name = "Multiple systems estimation"
