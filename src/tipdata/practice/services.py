"""Writes of the practice app: record a screening (and feed the case), record a self-assessment.

Keyword-only, typed, take the acting user, one transaction, audited. The computation is
the engines' (``tipdata.engines.screening``, ``tipdata.engines.selfassessment``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import Case, CasePerson, Person, PersonRole
from tipdata.cases.services import victim_context_update
from tipdata.engines import screening, selfassessment
from tipdata.practice.models import ScreeningRecord, SelfAssessment

# A screening raises the case's trafficking status, never lowers it: a later screening with
# fewer indicators (people often disclose less on a bad day) must not undo an earlier
# identification, and only a person's assessment may set "not a victim".
STATUS_RANK = {None: 0, "": 0, "NotAVictimOfTrafficking": 1, "PossibleVictimOfTrafficking": 2,
               "ActualVictimOfTrafficking": 3}

# HTCDS vic_trafficking_status_decision_making_org for the kind of organisation screening.
DECISION_ORG = {
    "police": "Police",
    "shelter_ngo": "NGO",
    "hotline": "NGO",
    "social_welfare": "NonPoliceGovernmentalOrganization",
    "labour_inspection": "NonPoliceGovernmentalOrganization",
    "international": "Other",
    "other": "Other",
}


def _merge(old: Any, new: list[str]) -> list[str]:
    merged = list(old or [])
    return merged + [code for code in new if code not in merged]


def _case_values(link: CasePerson, result: screening.ScreeningResult, organisation: Organisation) -> tuple[dict[str, Any], str]:
    """The vic_ values a screening adds to the victim context, and the status it writes ('' if none)."""
    context = link.context
    values: dict[str, Any] = {}
    status = result.htcds["vic_trafficking_status"]
    written = ""
    if status and STATUS_RANK[status] > STATUS_RANK[context.get("vic_trafficking_status")]:
        values["vic_trafficking_status"] = status
        values["vic_trafficking_status_decision_making_org"] = DECISION_ORG.get(organisation.kind, "Other")
        written = status
    for name in ("vic_methods_of_control", "vic_type_of_exploitation"):
        merged = _merge(context.get(name), result.htcds[name])
        if merged != list(context.get(name) or []):
            values[name] = merged
    return values, written


def screening_record(
    *, organisation: Organisation, actor: Any, answers: dict[str, Any], age: int | str, exploitation_kind: str,
    case: Case | None = None, person: Person | None = None, language: str = "en",
) -> ScreeningRecord:
    """Screen a person, store the answers, outcome and reasons, and feed the case's victim context.

    With a case, the outcome's HTCDS trafficking status is written to the victim's
    ``vic_trafficking_status`` (raised, never lowered) together with the methods of
    control and types of exploitation the indicators show (added to what is there).
    """
    if case is not None and case.organisation_id != organisation.pk:
        raise ValidationError("the case belongs to another organisation")
    try:
        result = screening.screen(answers, age=age, exploitation_kind=exploitation_kind)
    except screening.AnswersError as exc:
        raise ValidationError([str(e) for e in exc.errors]) from exc
    except screening.AnswerError as exc:
        raise ValidationError(str(exc)) from exc
    link: CasePerson | None = None
    if case is not None:
        victims = CasePerson.objects.filter(case=case, role=PersonRole.VICTIM).select_related("person")
        if person is not None:
            victims = victims.filter(person=person)
        found = list(victims)
        if len(found) != 1:
            raise ValidationError(
                "this case has no victim recorded; add the person to the case first, or screen without a case"
                if not found else f"this case has {len(found)} victims; say which person was screened"
            )
        link = found[0]
    with transaction.atomic():
        written = ""
        if case is not None and link is not None:
            values, written = _case_values(link, result, organisation)
            if values:
                victim_context_update(case=case, actor=actor, values=values, person=link.person)
        record = ScreeningRecord.objects.create(
            organisation=organisation, case=case, person=link.person if link else None,
            age_group=result.age_group, exploitation_kind=result.exploitation_kind, language=language[:8],
            answers=dict(answers), outcome=result.outcome, reasons=list(result.reasons), result=result.to_dict(),
            status_written=written, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="screening.record", actor=actor, organisation=organisation, object_type="screening",
            object_id=record.public_id,
            changes={"case": str(case.public_id) if case else None, "outcome": result.outcome,
                     "list": result.list_id, "indicators_version": result.spec["version"],
                     "positive_dimensions": list(result.positive_dimensions), "status_written": written or None},
        )
    return record


def self_assessment_record(*, organisation: Organisation, actor: Any, answers: dict[str, Any]) -> SelfAssessment:
    """Score the organisation's answers and keep them, so the next assessment can show progress."""
    try:
        result = selfassessment.assess(answers)
    except selfassessment.AnswerError as exc:
        raise ValidationError(list(exc.problems)) from exc
    with transaction.atomic():
        record = SelfAssessment.objects.create(
            organisation=organisation, answers=dict(result.answers), scores=result.to_dict(),
            questionnaire_version=result.version, overall_score=result.overall_score,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="self_assessment.record", actor=actor, organisation=organisation, object_type="self_assessment",
            object_id=record.pk,
            changes={"overall_score": result.overall_score, "answered": len(result.answers),
                     "version": result.version},
        )
    return record
