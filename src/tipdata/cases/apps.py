from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tipdata.cases"
    label = "cases"
    verbose_name = "Case records"

    def ready(self) -> None:
        from tipdata.cases.lookups import register

        register()
