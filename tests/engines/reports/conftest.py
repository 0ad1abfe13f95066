"""A factory for victim records and a fixed small caseload with hand-counted answers."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from tipdata.engines.reports import ReferralRecord, SupportPlanRecord, VictimRecord

_ids = itertools.count(1)


def rec(**values: Any) -> VictimRecord:
    n = next(_ids)
    base: dict[str, Any] = {"case_id": f"c{n}", "person_id": f"p{n}", "registered_on": date(2025, 3, 1),
                            "status": "Active", "statistics_consent": True, "services_consent": True}
    base.update(values)
    return VictimRecord(**base)


@pytest.fixture
def caseload() -> list[VictimRecord]:
    """Twelve victims, counted by hand in the tests.

    2024: p-a (F, 16, sexual, KH->TH), p-b (M, 30, forced labour fishing, MM->TH).
    2025: ten more; p-c has two cases (counted once), p-d is a dual citizen.
    """
    return [
        rec(case_id="a", person_id="p-a", registered_on=date(2024, 5, 1), gender="Feminine", age=16,
            citizenship=("KH",), exploitation_types=("SexualExploitation",), country_of_exploitation="TH",
            methods_of_control=("DebtBondage", "SexualAbuse"), status="Closed", closed_on=date(2024, 9, 1)),
        rec(case_id="b", person_id="p-b", registered_on=date(2024, 11, 20), gender="Masculine", age=30,
            citizenship=("MM",), exploitation_types=("ForcedLabour",), labour_industry="A_AgricultureForestryAndFishing",
            country_of_exploitation="TH", methods_of_control=("DebtBondage",), recruitment=("AtWork",)),
        rec(case_id="c1", person_id="p-c", registered_on=date(2025, 1, 10), gender="Feminine", age=19,
            citizenship=("KH",), exploitation_types=("ForcedLabour",), labour_industry="C_Manufacturing",
            country_of_exploitation="MY", recruitment=("ThroughOnlineSocialNetworks",)),
        rec(case_id="c2", person_id="p-c", registered_on=date(2025, 6, 2), gender="Feminine", age=19,
            citizenship=("KH",), exploitation_types=("SexualExploitation",), country_of_exploitation="TH",
            status="FollowUp"),
        rec(case_id="d", person_id="p-d", registered_on=date(2025, 2, 14), gender="Masculine", age=8,
            citizenship=("KH", "VN"), exploitation_types=("ForcedBegging", "ChildLabour"), country_of_exploitation="TH"),
        *[rec(case_id=f"e{i}", person_id=f"p-e{i}", registered_on=date(2025, 3 + i, 1), gender="Feminine",
              age=24 + i, citizenship=("KH",), exploitation_types=("ForcedLabour",),
              labour_industry="T_ActivitiesOfHouseholdsAsEmployers", country_of_exploitation="KH",
              methods_of_control=("WithholdsDocuments",), statistics_consent=i != 0)
          for i in range(6)],
        rec(case_id="f", person_id="p-f", registered_on=date(2025, 12, 31), gender=None, age=None,
            citizenship=(), exploitation_types=("SexualExploitation", "ForcedLabour"), country_of_exploitation=None,
            status="ClosedReferred", closed_on=date(2026, 1, 5)),
        rec(case_id="g", person_id="p-g", registered_on=date(2025, 7, 7), gender="NonConforming", age=40,
            citizenship=("TH",), exploitation_types=("Other",), country_of_exploitation="KH",
            support_plans=(SupportPlanRecord("Health", planned_end=date(2025, 9, 1)),)),
    ]


@pytest.fixture
def referrals() -> list[ReferralRecord]:
    return [
        ReferralRecord("out", date(2025, 2, 1), "Partner A", "c1"),
        ReferralRecord("out", date(2025, 8, 1), "Partner A", "e1"),
        ReferralRecord("in", date(2025, 4, 1), "Police unit", None),
        ReferralRecord("out", date(2024, 6, 1), "Partner B", "a"),
        ReferralRecord("out", date(2025, 5, 1), "Partner C", "not-visible"),
    ]
