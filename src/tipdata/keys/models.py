"""Organisation keys, stored only wrapped by the master key."""

from __future__ import annotations

from django.db import models


class OrganisationKey(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(max_length=16, unique=True)
    wrapped_key = models.BinaryField(help_text="AES-GCM(master key, organisation key)")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(active=True), name="one_active_key_per_org"
            )
        ]


class OrganisationIndexKey(models.Model):
    """The key of the blind indexes: kept apart so that key rotation does not force re-indexing."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="index_key")
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
