"""An organisation's own quality settings: the checks it enables, their parameters, its rules.

The spec is stored as the organisation wrote it (only what differs from the defaults), so
improvements to the defaults reach every organisation that did not override them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class QualitySettings(models.Model):
    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="quality_settings")
    spec = models.JSONField(default=dict, blank=True, help_text="quality spec overrides (see docs/quality.md)")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "quality settings"

    def __str__(self) -> str:
        return f"quality settings of {self.organisation_id}"
