"""Reads for dashboards and reports: coded case fields in, aggregates out.

Two paths, both ending in the reports engine:

* roles with record access count the cases ``cases_visible`` gives them (the whole
  organisation for supervisors, admins and data officers; their own and assigned cases
  for caseworkers, the "my cases" scope);
* every role can see the organisation's aggregates: :func:`organisation_report` reads the
  organisation's cases by its id and returns only the finished report, suppressed for
  anyone without record access to all of them (viewers, caseworkers), so record-level
  data never reach them.

Nothing is decrypted: only coded JSON fields, dates and statuses are read (the sealed
columns are not even loaded). Reads of aggregates are not audited; exports are, in the
views and the command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from tipdata.accounts.models import Membership, Organisation
from tipdata.accounts.roles import Permission, role_has
from tipdata.cases.models import (
    Case,
    CasePerson,
    Consent,
    ConsentPurpose,
    PersonRole,
    Referral,
    SupportPlan,
    TraffickingEvent,
)
from tipdata.cases.selectors import cases_visible
from tipdata.engines.reports import (
    ReferralRecord,
    Report,
    ReportSpec,
    SupportPlanRecord,
    VictimRecord,
    build_dashboard,
    donor_summary,
    sdg_16_2_2,
    unodc_global_report,
)

SCOPE_ORGANISATION = "organisation"
SCOPE_MINE = "mine"
REPORT_KINDS = ("sdg1622", "unodc", "donor")


class ReportNotAvailable(Exception):
    """This membership may not see these aggregates (or has no organisation)."""


@dataclass(frozen=True)
class Access:
    """What a membership's dashboard counts and whether small cells must be withheld."""

    scope: str
    scopes: tuple[str, ...]
    forced_suppression: bool  # True: the reader may not see small counts
    may_unsuppress: bool


def _sees_whole_organisation(membership: Membership) -> bool:
    return role_has(membership.role, Permission.CASE_VIEW_ALL) or role_has(membership.role, Permission.DEID_VIEW)


def report_access(membership: Membership | None, scope: str = SCOPE_ORGANISATION) -> Access:
    """The scopes a membership may choose, and the suppression rule for the one chosen."""
    if membership is None or not role_has(membership.role, Permission.AGGREGATES_VIEW):
        raise ReportNotAvailable
    whole = _sees_whole_organisation(membership)
    own = role_has(membership.role, Permission.CASE_VIEW_OWN)
    scopes = (SCOPE_ORGANISATION, SCOPE_MINE) if own and not whole else (SCOPE_ORGANISATION,)
    if scope not in scopes:
        scope = SCOPE_ORGANISATION
    unsuppressed = role_has(membership.role, Permission.AGGREGATES_UNSUPPRESSED)
    # Small counts stay hidden unless the reader may open every record they come from.
    may_unsuppress = unsuppressed and (scope == SCOPE_MINE or whole)
    return Access(scope, scopes, not may_unsuppress, may_unsuppress)


def _age_at(birthdate: str | None, day: date) -> int | None:
    if not birthdate:
        return None
    try:
        born = date.fromisoformat(birthdate)
    except ValueError:
        return None
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age if 0 <= age <= 120 else None  # a birth after registration is a data error: not recorded


def victim_records(cases: QuerySet[Case]) -> list[VictimRecord]:
    """One coded record per victim in each of these cases (no identifier, nothing decrypted)."""
    rows = list(
        CasePerson.objects.filter(case__in=cases, role=PersonRole.VICTIM)
        .values_list("case_id", "person_id", "case__registered_on", "case__status", "case__closed_on",
                     "person__attributes", "context")
        .order_by("case_id", "person_id")
    )
    person_ids = {row[1] for row in rows}
    consents: dict[int, set[str]] = {}
    active = Consent.objects.filter(
        person_id__in=person_ids, withdrawn_at__isnull=True,
        purpose__in=[ConsentPurpose.STATISTICS, ConsentPurpose.SERVICES],
    ).values_list("person_id", "purpose")
    for person_id, purpose in active:
        consents.setdefault(person_id, set()).add(purpose)
    case_ids = {row[0] for row in rows}
    plans: dict[int, list[SupportPlanRecord]] = {}
    for case_id, plan_type, planned_end, actual_end in (
        SupportPlan.objects.filter(case_id__in=case_ids).order_by("case_id", "id")
        .values_list("case_id", "plan_type", "planned_end", "actual_end")
    ):
        plans.setdefault(case_id, []).append(SupportPlanRecord(plan_type, planned_end, actual_end))
    # Where the victim's record names no country of exploitation, the case's first
    # exploitation event (hte_Type = Exploitation) may.
    exploited_in: dict[int, str] = {}
    for case_id, country in (
        TraffickingEvent.objects.filter(case_id__in=case_ids, event_type="Exploitation").exclude(country="")
        .order_by("case_id", "occurred_on", "id").values_list("case_id", "country")
    ):
        exploited_in.setdefault(case_id, country)
    records = []
    for case_id, person_id, registered_on, status, closed_on, person_attrs, context in rows:
        person_attrs = person_attrs or {}
        context = context or {}
        held = consents.get(person_id, set())
        records.append(VictimRecord(
            case_id=str(case_id), person_id=str(person_id), registered_on=registered_on, status=status,
            closed_on=closed_on,
            gender=person_attrs.get("prs_gender"),
            age=_age_at(person_attrs.get("prs_birthdate"), registered_on),
            citizenship=tuple(person_attrs.get("prs_citizenship") or ()),
            exploitation_types=tuple(context.get("vic_type_of_exploitation") or ()),
            labour_industry=context.get("vic_forced_labour_industry"),
            methods_of_control=tuple(context.get("vic_methods_of_control") or ()),
            recruitment=tuple(context.get("vic_method_of_recruitment") or ()),
            country_of_exploitation=context.get("hte_country") or exploited_in.get(case_id),
            trafficking_status=context.get("vic_trafficking_status"),
            statistics_consent=ConsentPurpose.STATISTICS in held,
            services_consent=ConsentPurpose.SERVICES in held,
            support_plans=tuple(plans.get(case_id, ())),
        ))
    return records


def referral_records(organisation_id: int, cases: QuerySet[Case], *, received_from_others: bool) -> list[ReferralRecord]:
    """Referrals of these cases, and (for the organisation scope) those other organisations made to it.

    A referral another organisation recorded as made to this one counts as received,
    unless this organisation recorded the same one (same partner, same day) itself.
    """
    out = []
    own_in: set[tuple[int | None, date]] = set()
    for direction, referred_on, partner_name, partner_id, case_id in (
        Referral.objects.filter(organisation_id=organisation_id, case__in=cases)
        .values_list("direction", "referred_on", "partner_name", "partner_id", "case_id")
    ):
        out.append(ReferralRecord(direction, referred_on, partner_name, str(case_id)))
        if direction == "in":
            own_in.add((partner_id, referred_on))
    if received_from_others:
        for referred_on, from_id, from_name in (
            Referral.objects.filter(partner_id=organisation_id, direction="out")
            .exclude(organisation_id=organisation_id)
            .values_list("referred_on", "organisation_id", "organisation__name")
        ):
            if (from_id, referred_on) not in own_in:
                out.append(ReferralRecord("in", referred_on, from_name, None))
    return out


def _inputs(membership: Membership, access: Access) -> tuple[list[VictimRecord], list[ReferralRecord]]:
    if access.scope == SCOPE_MINE or _sees_whole_organisation(membership):
        cases = cases_visible(membership)
    else:
        # Viewers and caseworkers asking for the whole organisation: read by organisation,
        # but only the finished, suppressed report leaves this module.
        cases = Case.objects.filter(organisation_id=membership.organisation_id)
    return (victim_records(cases),
            referral_records(membership.organisation_id, cases, received_from_others=access.scope == SCOPE_ORGANISATION))


def _final_spec(spec: ReportSpec, access: Access, organisation: Organisation) -> ReportSpec:
    changes: dict[str, Any] = {"detection_country": spec.detection_country or organisation.country}
    if access.forced_suppression:
        changes["suppress"] = True
        # Periods in whole calendar years: two date ranges a day apart would otherwise
        # single out the one case registered that day, whatever each view withholds.
        if spec.date_from:
            changes["date_from"] = date(spec.date_from.year, 1, 1)
        if spec.date_to:
            changes["date_to"] = date(spec.date_to.year, 12, 31)
            if spec.as_of is None or spec.as_of > changes["date_to"]:
                changes["as_of"] = changes["date_to"]
    return spec.replace(**changes)


QUALITY_DIMENSIONS = (
    ("overall", gettext_lazy("Overall quality score")),
    ("completeness", gettext_lazy("Completeness")),
    ("validity", gettext_lazy("Validity")),
    ("consistency", gettext_lazy("Consistency")),
    ("timeliness", gettext_lazy("Timeliness")),
)


def with_quality_scores(report: Report, organisation: Organisation, *, actor: Any = None,
                        channel: str = "report") -> Report:
    """The report with the organisation's quality scores (its own checks, over all its cases).

    The quality app runs its checks as a data officer would (every case, de-identified)
    and its run is audited; only the five overall percentages are added here.
    """
    from tipdata.quality.selectors import batch_membership, quality_report

    result = quality_report(batch_membership(organisation), actor=actor, channel=channel).result
    overall = result.scores.overall
    scores = []
    for dimension, label in QUALITY_DIMENSIONS:
        value = overall.get(dimension)
        scores.append((str(label), "—" if value is None else f"{round(100 * value)}%"))
    records = "" if report.suppressed and result.records < report.threshold else f" ({result.records} records)"
    source = str(gettext_lazy(
        "From the organisation's data-quality checks (tipdata quality) over all its case records{records}, "
        "not only those counted here; 100% means no problem found."
    )).format(records=records)
    return replace(report, quality_scores=tuple(scores), quality_source=source)


def organisation_report(
    membership: Membership | None, kind: str, spec: ReportSpec, *, scope: str = SCOPE_ORGANISATION,
    year: int | None = None, population: int | None = None, translate: Callable[[str], str] | None = None,
) -> tuple[Report, Access]:
    """A dashboard (``kind="dashboard"``) or indicator report for the membership's organisation.

    Suppression is forced for readers who may not see small counts, whatever the spec says.
    """
    access = report_access(membership, scope)
    assert membership is not None
    records, referrals = _inputs(membership, access)
    final = _final_spec(spec, access, membership.organisation)
    return run_report(kind, records, referrals, final, year=year, population=population, translate=translate), access


def run_report(kind: str, records: list[VictimRecord], referrals: list[ReferralRecord], spec: ReportSpec, *,
               year: int | None = None, population: int | None = None,
               translate: Callable[[str], str] | None = None) -> Report:
    if kind == "dashboard":
        return build_dashboard(records, referrals, spec, translate=translate)
    if kind == "sdg1622":
        if year is None:
            raise ValueError("the SDG 16.2.2 report is for one year: give the year")
        return sdg_16_2_2(records, year=year, spec=spec, population=population, translate=translate)
    if kind == "unodc":
        return unodc_global_report(records, spec, translate=translate)
    if kind == "donor":
        return donor_summary(records, referrals, spec, translate=translate)
    raise ValueError(f"unknown report {kind!r}; known: dashboard, {', '.join(REPORT_KINDS)}")


def operator_report(organisation: Organisation, kind: str, spec: ReportSpec, *, year: int | None = None,
                    population: int | None = None) -> Report:
    """A report for the command line (operators acting for an organisation); suppression as the spec says."""
    cases = Case.objects.filter(organisation=organisation)
    records = victim_records(cases)
    referrals = referral_records(organisation.pk, cases, received_from_others=True)
    final = spec.replace(detection_country=spec.detection_country or organisation.country)
    from django.utils.translation import gettext

    return run_report(kind, records, referrals, final, year=year, population=population, translate=gettext)
