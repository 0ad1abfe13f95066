from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "tipdata.sharing"
    label = "sharing"
    verbose_name = "Safe sharing: de-identified releases"
