"""Duplicate candidates within an organisation, the reviewers' decisions, and reversible merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DuplicateCandidate(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "To review"
        MERGED = "merged", "Merged"
        NOT_SAME = "not_same", "Not the same person"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="match probability")
    match_weight = models.FloatField()
    evidence = models.JSONField(help_text="per field: the comparison level hit and its weight (no values)")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} ({self.score:.2f})"


class PersonMerge(models.Model):
    """One merge of person ``merged`` into ``kept``: which case links moved, so it can be undone."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kept = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    moved_links = models.JSONField(help_text="ids of the CasePerson rows moved from merged to kept")
    candidate = models.ForeignKey(DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.kept_id}"


class LinkageProject(models.Model):
    """Agencies counting together: each uploads encodings (no names); the hub matches them."""

    name = models.CharField(max_length=200)
    created_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    threshold = models.FloatField(default=0.65)
    overlaps = models.JSONField(null=True, blank=True, help_text="capture-history table: lists + counts")
    match_report = models.JSONField(null=True, blank=True, help_text="pair counts per similarity band, no records")
    matched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class LinkageParticipant(models.Model):
    project = models.ForeignKey(LinkageProject, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    joined = models.BooleanField(default=False, help_text="the organisation's admin accepted")
    encodings = models.JSONField(null=True, blank=True, help_text="the uploaded encoding document (no identifiers)")
    persons = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "organisation"], name="one_participation_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.project}"
