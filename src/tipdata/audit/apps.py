from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tipdata.audit"
    label = "audit"
    verbose_name = "Audit trail"
