"""Reads of the practice app, scoped to the organisation and the role.

Screening outcomes are case content: only roles with case access (admin, supervisor,
caseworker) see them, a caseworker only the screenings they made or those of cases they
can open. The self-assessment is the organisation's own review, for the roles that oversee
all its casework (admin, supervisor). Missing and forbidden both answer "not found".
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.cases.selectors import cases_visible
from tipdata.practice.models import ScreeningRecord, SelfAssessment


class NotFound(Exception):
    """No such record for this user: it does not exist, or the user may not see it."""


def may_screen(membership: Membership | None) -> bool:
    """Who may run a screening interview: the roles that create and edit cases."""
    return membership is not None and role_has(membership.role, Permission.CASE_EDIT)


def may_see_outcome(membership: Membership | None) -> bool:
    """Who may see a screening's outcome and reasons: the roles with access to case records."""
    return membership is not None and role_has(membership.role, Permission.CASE_VIEW_OWN)


def may_self_assess(membership: Membership | None) -> bool:
    """Who may fill in and read the self-assessment: the roles that see all the organisation's cases."""
    return membership is not None and role_has(membership.role, Permission.CASE_VIEW_ALL)


def screenings_visible(membership: Membership | None) -> QuerySet[ScreeningRecord]:
    if not may_see_outcome(membership):
        return ScreeningRecord.objects.none()
    assert membership is not None
    base = ScreeningRecord.objects.filter(organisation_id=membership.organisation_id)
    if role_has(membership.role, Permission.CASE_VIEW_ALL):
        return base
    cases = cases_visible(membership).values("pk")
    return base.filter(Q(created_by_id=membership.user_id) | Q(case_id__in=cases)).distinct()


def screening_get(membership: Membership | None, public_id: Any) -> ScreeningRecord:
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound from exc
    record = screenings_visible(membership).select_related("case").filter(public_id=wanted).first()
    if record is None:
        raise NotFound
    return record


def self_assessments_visible(membership: Membership | None) -> QuerySet[SelfAssessment]:
    if not may_self_assess(membership):
        return SelfAssessment.objects.none()
    assert membership is not None
    return SelfAssessment.objects.filter(organisation_id=membership.organisation_id).select_related("created_by")


def self_assessment_get(membership: Membership | None, pk: Any) -> SelfAssessment:
    try:
        wanted = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound from exc
    record = self_assessments_visible(membership).filter(pk=wanted).first()
    if record is None:
        raise NotFound
    return record


def self_assessment_previous(record: SelfAssessment) -> SelfAssessment | None:
    """The organisation's assessment just before this one (for showing progress)."""
    return (SelfAssessment.objects.filter(organisation_id=record.organisation_id)
            .filter(Q(created_at__lt=record.created_at) | Q(created_at=record.created_at, pk__lt=record.pk))
            .order_by("-created_at", "-pk").first())
