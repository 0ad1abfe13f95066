"""Screenings of persons and self-assessments of the organisation's data practice.

A screening record keeps the answers, the outcome and the reasons with the indicator-file
version it ran with, so an outcome can be explained and recomputed years later. Answers
are indicator codes (yes / no / not sure), never free text: nothing identifying is stored
here beyond the link to a case.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

SCREENING_OUTCOMES = [
    ("presumed_victim", "Presumed victim of trafficking"),
    ("possible_victim", "Possible victim of trafficking"),
    ("insufficient_indicators", "Insufficient indicators"),
]


class ScreeningRecord(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="screenings")
    person = models.ForeignKey("cases.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               help_text="The victim screened, when the case has one")
    age_group = models.CharField(max_length=8)
    exploitation_kind = models.CharField(max_length=8)
    language = models.CharField(max_length=8, blank=True, help_text="Language the interview was shown in")
    answers = models.JSONField(default=dict)
    outcome = models.CharField(max_length=32, choices=SCREENING_OUTCOMES)
    reasons = models.JSONField(default=list)
    result = models.JSONField(default=dict, help_text="The engine's full result, with the spec it ran with")
    status_written = models.CharField(max_length=40, blank=True,
                                      help_text="vic_trafficking_status written to the case, if any")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="screening_org_created")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=[c for c, _ in SCREENING_OUTCOMES]),
                                   name="screening_outcome_known"),
            models.CheckConstraint(condition=Q(age_group__in=["adult", "child"]), name="screening_age_group_known"),
            models.CheckConstraint(condition=Q(exploitation_kind__in=["labour", "sexual"]),
                                   name="screening_kind_known"),
        ]

    def __str__(self) -> str:
        return f"screening {self.public_id}"


class SelfAssessment(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict, help_text="The engine's assessment: areas, strengths, recommendations")
    questionnaire_version = models.CharField(max_length=20)
    overall_score = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="selfassess_org_created")]
        constraints = [
            models.CheckConstraint(condition=Q(overall_score__isnull=True)
                                   | (Q(overall_score__gte=0) & Q(overall_score__lte=4)),
                                   name="selfassess_score_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"self-assessment {self.pk} ({self.created_at:%Y-%m-%d})"
