from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tipdata.demo"
    label = "demo"
    verbose_name = "Synthetic demo data"
