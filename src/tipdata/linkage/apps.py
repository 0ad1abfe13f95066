from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tipdata.linkage"
    label = "linkage"
    verbose_name = "Duplicates and record linkage"
