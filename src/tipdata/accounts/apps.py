from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tipdata.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from tipdata.accounts import signals  # noqa: F401  (connects the audit receivers)
