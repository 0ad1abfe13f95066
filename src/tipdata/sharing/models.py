"""De-identified releases, the privacy budget they spend, and the agreements they are shared under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PrivacyBudget(models.Model):
    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="privacy_budget")
    total_epsilon = models.FloatField(default=5.0, help_text="Total privacy loss the organisation accepts for its data")
    spent_epsilon = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total_epsilon__gt=0), name="budget_total_positive"),
            models.CheckConstraint(condition=Q(spent_epsilon__gte=0), name="budget_spent_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug}: {self.spent_epsilon:g} of {self.total_epsilon:g}"

    @property
    def remaining(self) -> float:
        return max(0.0, self.total_epsilon - self.spent_epsilon)


class Release(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="releases")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    out_dir = models.CharField(max_length=500)
    spec = models.JSONField()
    manifest = models.JSONField()
    k = models.PositiveIntegerField()
    epsilon = models.FloatField()
    persons_included = models.PositiveIntegerField()
    persons_excluded = models.PositiveIntegerField(help_text="Left out: consent does not cover statistics")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=2), name="release_k_at_least_two"),
            models.CheckConstraint(condition=Q(status__in=["pending", "approved"]), name="release_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d})"


class SharingAgreement(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="agreements")
    recipient = models.CharField(max_length=200)
    terms = models.TextField()
    valid_until = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.recipient} until {self.valid_until}"
