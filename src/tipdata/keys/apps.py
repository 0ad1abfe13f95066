from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "tipdata.keys"
    label = "keys"
    verbose_name = "Encryption keys"
