"""Reads for the quality report: case records as the quality engine's flat records.

Cases are read only through ``tipdata.cases.selectors.cases_visible``, so the report of a
user covers exactly the cases their role lets them open. Nothing is decrypted: coded
values come from the records' ``attributes`` and ``context``; of the encrypted fields (names,
the reason for closing a case) only *which* hold a value is passed on, from the keys of
the ``sealed`` columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from tipdata.accounts.models import Membership, Organisation
from tipdata.accounts.roles import Permission, Role, role_has
from tipdata.audit.services import audit_record
from tipdata.cases.models import CasePerson, PersonRole, Referral
from tipdata.cases.selectors import cases_visible
from tipdata.engines.quality import QualityResult, run_quality

# Roles that may open the quality page; everyone else gets "not found".
QUALITY_PERMISSION = Permission.QUALITY_VIEW


def may_view_quality(membership: Membership | None) -> bool:
    return membership is not None and role_has(membership.role, QUALITY_PERMISSION)


def may_open_case_records(membership: Membership | None) -> bool:
    """Whether the role may open a case page at all (data officers see it de-identified)."""
    if membership is None:
        return False
    return any(role_has(membership.role, p) for p in
               (Permission.CASE_VIEW_ALL, Permission.CASE_VIEW_OWN, Permission.DEID_VIEW))


def batch_membership(organisation: Organisation) -> Membership:
    """An unsaved data-officer membership for command-line reports.

    A report from the command line reads with a data officer's rights: every case of the
    organisation, de-identified. Nothing is saved; it only tells ``cases_visible`` whose
    cases and which role.
    """
    return Membership(organisation=organisation, role=Role.DATA_OFFICER)


def quality_records(membership: Membership | None) -> list[dict[str, Any]]:
    """One flat record per (case, victim) the membership may open; see engines.quality.schema.

    ``record_id`` is the case's public id (with the person's when a case has several
    victims); ``case_id`` is always the case's public id, for links.
    """
    victims = Prefetch(
        "case_persons",
        queryset=CasePerson.objects.filter(role=PersonRole.VICTIM).select_related("person").order_by("id"),
        to_attr="victim_links",
    )
    referrals = Prefetch("referrals", queryset=Referral.objects.order_by("referred_on"), to_attr="referral_list")
    cases = (
        cases_visible(membership)
        .select_related("organisation", "owner")
        .prefetch_related(victims, referrals, "assigned_to")
        .order_by("registered_on", "id")
    )
    records: list[dict[str, Any]] = []
    for case in cases:
        links: list[CasePerson] = list(getattr(case, "victim_links", []))
        refs: list[Referral] = list(getattr(case, "referral_list", []))
        assigned = sorted(u.get_username() for u in case.assigned_to.all())
        caseworker = case.owner.get_username() if case.owner else (assigned[0] if assigned else "")
        base: dict[str, Any] = {
            "case_id": str(case.public_id),
            "case_reference": case.reference,
            "organisation": case.organisation.slug,
            "caseworker": caseworker,
            "created_at": case.created_at,
            "registered_on": case.registered_on,
            "closed_on": case.closed_on,
            **_coded(case.attributes),
            "cas_status": case.status,
            "has_closure_reason": "cas_reason_for_case_closure" in (case.sealed or {}),
            "referral_out_dates": [r.referred_on for r in refs if r.direction == "out"],
            "referral_in_dates": [r.referred_on for r in refs if r.direction == "in"],
        }
        updated = [case.updated_at] + [r.created_at for r in refs]
        if not links:
            records.append({**base, "record_id": str(case.public_id), "updated_at": max(updated),
                            "sealed_present": sorted(case.sealed or {})})
            continue
        for link in links:
            person = link.person
            record = {
                **base,
                **_coded(person.attributes),
                **_coded(link.context),
                "record_id": str(case.public_id) if len(links) == 1 else f"{case.public_id}/{person.public_id}",
                "updated_at": max([*updated, person.updated_at]),
                "sealed_present": sorted(set(case.sealed or {}) | set(person.sealed or {})),
                "erased": person.erased_at is not None,
            }
            records.append(record)
    return records


def _coded(values: Mapping[str, Any] | None) -> dict[str, Any]:
    # Only coded dictionary values are kept here (sealed values live in ``sealed``); the
    # keys "cas_status" & co. are the dictionary's own names.
    return dict(values or {})


def quality_spec_for(organisation: Organisation) -> dict[str, Any]:
    """The organisation's stored spec overrides ({} when it uses the defaults)."""
    from tipdata.quality.models import QualitySettings

    stored = QualitySettings.objects.filter(organisation=organisation).first()
    return dict(stored.spec) if stored else {}


@dataclass
class QualityReport:
    """A quality result with what the page needs: which records link to a case page."""

    result: QualityResult
    organisation: Organisation
    linkable: bool  # may the viewer open the case pages the issues point at
    custom_spec: bool = False  # the organisation's stored spec (not the defaults) was used


def quality_report(
    membership: Membership, *, actor: Any = None, channel: str, spec: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> QualityReport:
    """Run the organisation's quality checks over the cases the membership may open.

    ``spec`` replaces the organisation's stored spec for this run (``None``: use the stored
    one, or the defaults). The run is audited (who, which organisation, how many records
    and issues) — without any value from the records.
    """
    records = quality_records(membership)
    if spec is None:
        spec = quality_spec_for(membership.organisation)
    custom = bool(spec)
    result = run_quality(records, spec, today=today)
    audit_record(
        action="quality.report", actor=actor, organisation=membership.organisation,
        actor_username="" if actor else "cli",
        changes={"channel": channel, "records": result.records, "issues": len(result.issues),
                 "as_of": result.spec["as_of"]},
    )
    return QualityReport(result, membership.organisation, may_open_case_records(membership), custom)
