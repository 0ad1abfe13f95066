"""Imports: each run, and each imported row's key, so re-importing a file (or a Kobo export
that holds earlier submissions again) updates the records it made instead of duplicating.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running (or interrupted: run the same import again to resume)"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One import of one file: who, when, what came of it, and the spec it ran with.

    ``rows_done`` counts the rows whose batch committed and ``quarantine_offset`` the bytes
    of the quarantine file that belong to them, so an interrupted import resumes after its
    last complete batch.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(default=0)
    format = models.CharField(max_length=20)
    encoding = models.CharField(max_length=40, blank=True)
    mapping_fingerprint = models.CharField(max_length=32)
    spec = models.JSONField(default=dict, help_text="what the import ran with: format, mapping, limits")
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    rows_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    quarantine_path = models.CharField(max_length=500, blank=True)
    quarantine_offset = models.BigIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-started_at"], name="import_run_org_time"),
            models.Index(fields=["organisation", "file_sha256", "status"], name="import_run_resume"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__gte=models.F("imported") + models.F("updated") + models.F("quarantined")),
                name="import_run_counts_fit",
            ),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_run_status_known"),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.file_name} ({self.status})"


class ImportedRow(models.Model):
    """A source row that became a record: its key (submission key, case id, reference or
    content hash) and the fingerprint of what was stored, to tell updates from repeats."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    source_key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=32)
    person = models.ForeignKey("cases.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="rows")
    repeats = models.JSONField(
        default=dict, blank=True,
        help_text="coded values of the submission's repeat groups (no identifiers: those are sealed on the case)",
    )
    imported_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source_key"], name="imported_row_key_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.source_key} -> case {self.case_id}"
