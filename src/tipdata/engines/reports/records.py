"""The flat records the reports engine counts, and their validation.

One :class:`VictimRecord` is one victim in one case: the case's coded fields, the
person's coded attributes and the victim-context fields, with no identifier and no free
text. Referrals, which a case can have several of and which other organisations make to
this one, come as :class:`ReferralRecord` rows.

Schema of a victim record (``records_from_rows`` accepts these keys in a mapping):

===================== ============================ ===========================================
key                   type                         meaning (HTCDS field)
===================== ============================ ===========================================
case_id               str, required                opaque, unique per case
person_id             str, required                opaque, unique per person: a person with two
                                                   cases is one victim
registered_on         ISO date, required           date the case was registered
status                cas_Status code, required    Active, FollowUp, Closed, ClosedReferred
closed_on             ISO date or null             date the case was closed
gender                prs_Gender code or null
age                   int 0-120 or null            completed years at registration (from
                                                   prs_Birthdate)
citizenship           list of ISO 3166 alpha-2     prs_Citizenship
exploitation_types    list of codes                vic_TypeOfExploitation
labour_industry       code or null                 vic_ForcedLabourIndustry
methods_of_control    list of codes                vic_MethodsOfControl
recruitment           list of codes                vic_MethodOfRecruitment
country_of_exploitation ISO alpha-2 or null        hte_Country of the exploitation
trafficking_status    code or null                 vic_TraffickingStatus
statistics_consent    bool                         active consent to de-identified statistics
services_consent      bool                         active consent to services
support_plans         list of plans                the case's support plans, each a mapping
                                                   ``type`` (spl_Type code), ``planned_end`` and
                                                   ``actual_end`` (ISO dates or null)
===================== ============================ ===========================================

Referral record keys: ``direction`` (``out`` made, ``in`` received), ``referred_on`` (ISO
date), ``partner`` (organisation name, may be empty) and ``case_id`` (the case in this
organisation it concerns; null for a referral received that has no case here yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from tipdata.engines.standard import load_dictionary

from .errors import ReportInputError

CASE_STATUSES = ("Active", "FollowUp", "Closed", "ClosedReferred")
OPEN_STATUSES = ("Active", "FollowUp")


@dataclass(frozen=True)
class SupportPlanRecord:
    """One support plan of a case (HTCDS spl_Type, spl_PlannedEndDate, spl_ActualEndDate)."""

    type: str
    planned_end: date | None = None
    actual_end: date | None = None


@dataclass(frozen=True)
class VictimRecord:
    """One victim in one case, coded fields only (see the module docstring)."""

    case_id: str
    person_id: str
    registered_on: date
    status: str
    closed_on: date | None = None
    gender: str | None = None
    age: int | None = None
    citizenship: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    labour_industry: str | None = None
    methods_of_control: tuple[str, ...] = ()
    recruitment: tuple[str, ...] = ()
    country_of_exploitation: str | None = None
    trafficking_status: str | None = None
    statistics_consent: bool = False
    services_consent: bool = False
    support_plans: tuple[SupportPlanRecord, ...] = ()

    def open_on(self, day: date) -> bool:
        """Registered by ``day`` and not closed by then (a closed case without a date is closed)."""
        if self.registered_on > day:
            return False
        if self.closed_on is not None:
            return self.closed_on > day
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class ReferralRecord:
    """One referral made (``out``) or received (``in``)."""

    direction: str
    referred_on: date
    partner: str = ""
    case_id: str | None = None


# Which dictionary field checks the codes of each coded key.
_CODED: dict[str, str] = {
    "gender": "prs_gender",
    "citizenship": "prs_citizenship",
    "exploitation_types": "vic_type_of_exploitation",
    "labour_industry": "vic_forced_labour_industry",
    "methods_of_control": "vic_methods_of_control",
    "recruitment": "vic_method_of_recruitment",
    "country_of_exploitation": "hte_country",
    "trafficking_status": "vic_trafficking_status",
    "support_plans": "spl_type",
}
_LISTS = {"citizenship", "exploitation_types", "methods_of_control", "recruitment"}
_DATES = {"registered_on", "closed_on"}
_BOOLS = {"statistics_consent", "services_consent"}
_REQUIRED = ("case_id", "person_id", "registered_on", "status")
VICTIM_KEYS = tuple(f.name for f in fields(VictimRecord))


@cache
def allowed_codes(key: str) -> frozenset[str]:
    """The codes the dictionary allows for a coded record key."""
    return frozenset(load_dictionary().field(_CODED[key]).allowed_codes)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _problem(row: int, key: str, value: Any, allowed: str) -> str:
    return f"row {row}, field {key!r}: value {value!r} is not allowed; allowed: {allowed}"


def _allowed_text(key: str) -> str:
    codes = sorted(allowed_codes(key))
    shown = ", ".join(codes[:12])
    return shown + (f" ... ({len(codes)} codes)" if len(codes) > 12 else "")


def victim_record_from_row(row: Mapping[str, Any], number: int, problems: list[str]) -> VictimRecord | None:
    """Parse one mapping; append a problem per bad key (numbered from 1) and return None if any."""
    before = len(problems)
    unknown = sorted(set(row) - set(VICTIM_KEYS))
    if unknown:
        problems.append(f"row {number}: unknown field(s) {unknown}; known: {', '.join(VICTIM_KEYS)}")
    for key in _REQUIRED:
        if row.get(key) in (None, ""):
            problems.append(f"row {number}, field {key!r}: required, missing")
    values: dict[str, Any] = {}
    for key in VICTIM_KEYS:
        if key not in row:
            continue
        value = row[key]
        if key in _DATES:
            try:
                values[key] = _date(value)
            except (TypeError, ValueError):
                problems.append(_problem(number, key, value, "an ISO date such as 2025-03-31"))
        elif key in _BOOLS:
            if not isinstance(value, bool):
                problems.append(_problem(number, key, value, "true or false"))
            else:
                values[key] = value
        elif key == "age":
            if value is None or value == "":
                values[key] = None
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
                problems.append(_problem(number, key, value, "a whole number of years from 0 to 120, or empty"))
            else:
                values[key] = value
        elif key == "status":
            if value not in CASE_STATUSES:
                problems.append(_problem(number, key, value, ", ".join(CASE_STATUSES)))
            else:
                values[key] = value
        elif key == "support_plans":
            plans = _support_plans(value, number, problems)
            if plans is not None:
                values[key] = plans
        elif key in _LISTS:
            items = [] if value is None else value
            if isinstance(items, str) or not isinstance(items, list | tuple):
                problems.append(_problem(number, key, value, "a list of codes"))
                continue
            bad = [v for v in items if v not in allowed_codes(key)]
            if bad:
                problems.append(_problem(number, key, bad[0], _allowed_text(key)))
            else:
                values[key] = tuple(dict.fromkeys(items))
        elif key in _CODED:
            if value in (None, ""):
                values[key] = None
            elif value not in allowed_codes(key):
                problems.append(_problem(number, key, value, _allowed_text(key)))
            else:
                values[key] = value
        else:
            values[key] = str(value) if value is not None else ""
    if len(problems) > before:
        return None
    record = VictimRecord(**values)
    if record.closed_on is not None and record.closed_on < record.registered_on:
        problems.append(f"row {number}, field 'closed_on': {record.closed_on} is before registered_on {record.registered_on}")
        return None
    return record


def _support_plans(value: Any, number: int, problems: list[str]) -> tuple[SupportPlanRecord, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        problems.append(_problem(number, "support_plans", value, "a list of plans"))
        return None
    plans = []
    for plan in value:
        if isinstance(plan, SupportPlanRecord):
            plans.append(plan)
            continue
        if not isinstance(plan, Mapping) or plan.get("type") not in allowed_codes("support_plans"):
            shown = plan.get("type") if isinstance(plan, Mapping) else plan
            problems.append(_problem(number, "support_plans", shown, "plans whose type is one of " + _allowed_text("support_plans")))
            return None
        try:
            plans.append(SupportPlanRecord(str(plan["type"]), _date(plan.get("planned_end")), _date(plan.get("actual_end"))))
        except (TypeError, ValueError):
            problems.append(_problem(number, "support_plans", plan, "ISO dates such as 2025-03-31 for planned_end and actual_end"))
            return None
    return tuple(plans)


def records_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[VictimRecord]:
    """Validate mappings into victim records; every problem is reported, rows numbered from 1."""
    problems: list[str] = []
    out: list[VictimRecord] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            problems.append(f"row {number}: expected a mapping of field to value, got {type(row).__name__}")
            continue
        record = victim_record_from_row(row, number, problems)
        if record is not None:
            out.append(record)
    seen: dict[tuple[str, str], int] = {}
    for number, record in enumerate(out, start=1):
        pair = (record.case_id, record.person_id)
        if pair in seen:
            problems.append(f"row {number}: case {record.case_id!r} and person {record.person_id!r} repeat row {seen[pair]}")
        seen.setdefault(pair, number)
    if problems:
        raise ReportInputError(problems)
    return out


def referrals_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[ReferralRecord]:
    """Validate mappings into referral records (keys: direction, referred_on, partner, case_id)."""
    problems: list[str] = []
    out: list[ReferralRecord] = []
    for number, row in enumerate(rows, start=1):
        direction = row.get("direction")
        if direction not in ("in", "out"):
            problems.append(_problem(number, "direction", direction, "in, out"))
            continue
        try:
            referred_on = _date(row.get("referred_on"))
        except (TypeError, ValueError):
            referred_on = None
        if referred_on is None:
            problems.append(_problem(number, "referred_on", row.get("referred_on"), "an ISO date such as 2025-03-31"))
            continue
        case_id = row.get("case_id")
        out.append(ReferralRecord(str(direction), referred_on, str(row.get("partner") or ""),
                                  None if case_id in (None, "") else str(case_id)))
    if problems:
        raise ReportInputError(problems)
    return out
