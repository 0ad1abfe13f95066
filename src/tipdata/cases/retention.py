"""Retention: erase what has expired, by crypto-shredding, keeping de-identified statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import Person, RetentionRule
from tipdata.cases.services import person_erase


@dataclass
class RetentionReport:
    organisation: str
    rule_years: int | None
    due: int = 0
    erased: int = 0
    dry_run: bool = False
    persons: list[str] = field(default_factory=list)


def retention_rule_set(*, organisation: Organisation, actor: Any, years: int) -> RetentionRule:
    if years < 1:
        raise ValueError("retention must be at least one year after closure")
    with transaction.atomic():
        rule, _ = RetentionRule.objects.update_or_create(
            organisation=organisation, defaults={"erase_years_after_closure": years,
                                                 "updated_by": actor if getattr(actor, "is_authenticated", False) else None})
        audit_record(action="retention.rule_set", actor=actor, organisation=organisation,
                     changes={"erase_years_after_closure": years}, actor_username="" if actor else "cli")
    return rule


def persons_due(organisation: Organisation, today: date) -> list[Person]:
    """Persons whose every case is closed and whose last closure is older than the rule allows."""
    rule = RetentionRule.objects.filter(organisation=organisation).first()
    if rule is None:
        return []
    try:
        cutoff = today.replace(year=today.year - rule.erase_years_after_closure)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - rule.erase_years_after_closure, day=28)
    candidates = (
        Person.objects.filter(organisation=organisation, erased_at__isnull=True)
        .exclude(case_links__case__closed_on__isnull=True)  # any open case keeps the person
        .annotate(last_closed=Max("case_links__case__closed_on"))
        .filter(Q(last_closed__lt=cutoff))
    )
    return list(candidates)


def retention_apply(*, organisation: Organisation, actor: Any, today: date, dry_run: bool = False) -> RetentionReport:
    rule = RetentionRule.objects.filter(organisation=organisation).first()
    report = RetentionReport(organisation.slug, rule.erase_years_after_closure if rule else None, dry_run=dry_run)
    due = persons_due(organisation, today)
    report.due = len(due)
    report.persons = [str(p.public_id) for p in due]
    if dry_run:
        return report
    for person in due:
        person_erase(person=person, actor=actor, reason=f"retention: {report.rule_years} years after closure")
        report.erased += 1
    audit_record(action="retention.apply", actor=actor, organisation=organisation,
                 changes={"erased": report.erased, "rule_years": report.rule_years},
                 actor_username="" if actor else "cli")
    return report
