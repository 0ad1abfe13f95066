"""From victim-in-case records to the units reports count: victims (persons) and cases.

A person with two cases in the period is one victim. Fields a person holds once (gender,
age at first registration, country of exploitation, labour industry) come from their
earliest case in the period, the first one recording a value; fields that are lists
(citizenship, types of exploitation, methods of control, recruitment) are the union over
their cases. So every "one value per victim" table adds up to the number of victims.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from .records import ReferralRecord, SupportPlanRecord, VictimRecord
from .spec import ReportSpec


@cache
def categories() -> dict[str, Any]:
    """The category definitions shipped in ``data/categories.json``."""
    text = resources.files("tipdata.engines.reports").joinpath("data/categories.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def band_of(value: int | None, bands: Sequence[dict[str, Any]]) -> str | None:
    """The code of the band holding ``value`` (bands are inclusive; ``max: null`` is open)."""
    if value is None:
        return None
    for band in bands:
        if value >= band["min"] and (band["max"] is None or value <= band["max"]):
            return str(band["code"])
    return None


@dataclass(frozen=True)
class Victim:
    person_id: str
    first_registered: date
    gender: str | None
    age: int | None
    citizenship: tuple[str, ...]
    exploitation_types: tuple[str, ...]
    labour_industry: str | None
    methods_of_control: tuple[str, ...]
    recruitment: tuple[str, ...]
    country_of_exploitation: str | None
    trafficking_status: str | None
    statistics_consent: bool
    services_consent: bool

    @property
    def age_group(self) -> str | None:
        """``child`` under 18, ``adult`` 18 or older, None when age is not recorded."""
        if self.age is None:
            return None
        return "child" if self.age < 18 else "adult"

    @property
    def sex(self) -> str:
        mapping: dict[str, str] = categories()["sex"]["map"]
        return mapping.get(self.gender or "", "other_unknown")

    @property
    def sex_age_group(self) -> str:
        """girls, boys, women, men, or other_unknown (other gender, or sex or age not known)."""
        for group in categories()["sex_age_groups"]:
            if group["sex"] == self.sex and group["age"] == self.age_group:
                return str(group["code"])
        return "other_unknown"

    @property
    def form(self) -> str:
        """The one form of exploitation (UNODC categories) this victim is counted under."""
        forms = categories()["forms"]
        types = set(self.exploitation_types)
        if types - set(forms["age_only_types"]):
            types -= set(forms["age_only_types"])
        found = {f["code"] for f in forms["detailed"] if types & set(f["types"])}
        if not found:
            return "not_recorded"
        if len(found) > 1:
            return "mixed"
        return found.pop()

    @property
    def broad_form(self) -> str:
        for item in categories()["forms"]["detailed"]:
            if item["code"] == self.form:
                return str(item["broad"])
        raise AssertionError(self.form)


@dataclass(frozen=True)
class CaseUnit:
    case_id: str
    registered_on: date
    status: str
    closed_on: date | None
    support_plans: tuple[SupportPlanRecord, ...]
    record: VictimRecord

    def open_on(self, day: date) -> bool:
        return self.record.open_on(day)


def keep(record: VictimRecord, spec: ReportSpec) -> bool:
    """Whether the spec's period and filters keep this record."""
    if spec.date_from and record.registered_on < spec.date_from:
        return False
    if spec.date_to and record.registered_on > spec.date_to:
        return False
    if spec.exploitation_types and not set(record.exploitation_types) & set(spec.exploitation_types):
        return False
    if spec.places and record.country_of_exploitation not in spec.places:
        return False
    return not (spec.statistics_consent_only and not record.statistics_consent)


def select(records: Iterable[VictimRecord], spec: ReportSpec) -> list[VictimRecord]:
    return [r for r in records if keep(r, spec)]


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v is not None), None)


def victims(records: Sequence[VictimRecord]) -> list[Victim]:
    """One victim per person, in order of first registration."""
    by_person: dict[str, list[VictimRecord]] = {}
    for record in sorted(records, key=lambda r: (r.registered_on, r.case_id)):
        by_person.setdefault(record.person_id, []).append(record)
    out = []
    for person_id, items in by_person.items():
        def union(name: str, items: list[VictimRecord] = items) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v for r in items for v in getattr(r, name)))

        out.append(Victim(
            person_id=person_id,
            first_registered=items[0].registered_on,
            gender=_first(r.gender for r in items),
            age=items[0].age,
            citizenship=union("citizenship"),
            exploitation_types=union("exploitation_types"),
            labour_industry=_first(r.labour_industry for r in items),
            methods_of_control=union("methods_of_control"),
            recruitment=union("recruitment"),
            country_of_exploitation=_first(r.country_of_exploitation for r in items),
            trafficking_status=_first(r.trafficking_status for r in reversed(items)),
            statistics_consent=any(r.statistics_consent for r in items),
            services_consent=any(r.services_consent for r in items),
        ))
    return out


def cases(records: Sequence[VictimRecord]) -> list[CaseUnit]:
    """One unit per case (a case with two victims is one case)."""
    seen: dict[str, CaseUnit] = {}
    for record in sorted(records, key=lambda r: (r.registered_on, r.case_id, r.person_id)):
        if record.case_id not in seen:
            seen[record.case_id] = CaseUnit(
                record.case_id, record.registered_on, record.status, record.closed_on, record.support_plans, record,
            )
    return list(seen.values())


def referrals_in_scope(referrals: Iterable[ReferralRecord], records: Sequence[VictimRecord],
                       spec: ReportSpec) -> list[ReferralRecord]:
    """Referrals dated in the period.

    A referral of a case counts when that case passes the type, place and consent filters
    (whenever the case was registered); a referral of a case not among the records (not
    visible to this reader) never counts; a referral received with no case here yet counts
    only when no such filter is set, since nothing is known about it.
    """
    timeless = spec.replace(date_from=None, date_to=None)
    known = {r.case_id for r in records}
    matching = {r.case_id for r in records if keep(r, timeless)}
    filtered = bool(spec.exploitation_types or spec.places or spec.statistics_consent_only)
    out = []
    for referral in referrals:
        if spec.date_from and referral.referred_on < spec.date_from:
            continue
        if spec.date_to and referral.referred_on > spec.date_to:
            continue
        if referral.case_id is None:
            if filtered:
                continue
        elif referral.case_id not in known or referral.case_id not in matching:
            continue
        out.append(referral)
    return out
