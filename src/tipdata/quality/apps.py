from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "tipdata.quality"
    label = "quality"
    verbose_name = "Data quality"
