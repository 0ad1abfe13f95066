from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tipdata.web"
    label = "web"
    verbose_name = "Web app shell"
