from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tipdata.reports"
    label = "reports"
    verbose_name = "Dashboards and indicator reports"
