"""Score arithmetic, checked by hand on small datasets."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.quality import format_summary, run_quality

AS_OF = "2026-06-30"
# Two expected fields: gender is core (weight 2), age is not (weight 1).
SPEC: dict[str, Any] = {"as_of": AS_OF, "expected_fields": ["prs_gender", "vic_age_when_trafficked"],
                        "checks": {"suspicious_default": False}}


def rec(rid: str, **values: Any) -> dict[str, Any]:
    return {"record_id": rid, "organisation": "org", "registered_on": "2026-01-10", **values}


def test_completeness_weights_core_fields() -> None:
    records = [
        rec("a", prs_gender="Feminine", vic_age_when_trafficked=20),  # 3/3
        rec("b", prs_gender="Feminine"),  # 2/3
        rec("c", vic_age_when_trafficked=20),  # 1/3
        rec("d"),  # 0/3
    ]
    result = run_quality(records, SPEC)
    scores = result.scores
    assert scores.overall.completeness == pytest.approx((3 + 2 + 1 + 0) / 12)
    assert scores.records["b"].completeness == pytest.approx(2 / 3)
    assert scores.records["c"].completeness == pytest.approx(1 / 3)
    assert scores.fields["prs_gender"].completeness == pytest.approx(0.5)
    assert scores.fields["prs_gender"].weight == 2.0 and scores.fields["vic_age_when_trafficked"].weight == 1.0
    assert scores.entities["person"].completeness == pytest.approx(0.5)
    assert scores.entities["victim_context"].completeness == pytest.approx(0.5)
    # core_weight 1 makes every field count the same
    flat = run_quality(records, {**SPEC, "core_weight": 1})
    assert flat.scores.records["b"].completeness == pytest.approx(0.5)


def test_validity_counts_given_values_and_invalid_cells() -> None:
    records = [
        rec("a", prs_gender="Female", vic_age_when_trafficked=20),  # 1 of 2 invalid
        rec("b", prs_gender="Feminine", vic_age_when_trafficked="about twenty"),  # free text: 1 of 2
        rec("c", prs_gender="Feminine"),  # 1 valid
    ]
    result = run_quality(records, SPEC)
    assert result.scores.overall.validity == pytest.approx(3 / 5)
    assert result.scores.records["a"].validity == pytest.approx(0.5)
    assert result.scores.records["c"].validity == 1.0
    assert result.scores.fields["prs_gender"].validity == pytest.approx(2 / 3)
    assert result.scores.fields["vic_age_when_trafficked"].validity == pytest.approx(0.5)


def test_consistency_and_timeliness_are_shares_of_clean_records_and_overall_is_their_weighted_mean() -> None:
    records = [
        rec("a", prs_gender="Feminine", vic_age_when_trafficked=20),
        rec("b", prs_gender="Feminine", vic_age_when_trafficked=20, prs_birthdate="2026-02-01",
            updated_at="2025-01-01"),  # born after registration; stale
        rec("c", prs_gender="Feminine", vic_age_when_trafficked=20, updated_at="2025-01-01"),  # stale
        rec("d", prs_gender="Feminine", vic_age_when_trafficked=20),
    ]
    result = run_quality(records, SPEC)
    o = result.scores.overall
    assert (o.completeness, o.validity, o.consistency, o.timeliness) == (1.0, 1.0, 0.75, 0.5)
    assert o.overall == pytest.approx((1 + 1 + 0.75 + 0.5) / 4)
    weighted = run_quality(records, {**SPEC, "score_weights": {"completeness": 0, "validity": 0,
                                                               "consistency": 3, "timeliness": 1}})
    assert weighted.scores.overall.overall == pytest.approx((3 * 0.75 + 0.5) / 4)
    assert result.scores.records["b"].overall == pytest.approx(0.5)


def test_groups_are_scored_from_sums_not_averages_of_averages() -> None:
    records = [
        rec("a", caseworker="sok", prs_gender="Feminine", vic_age_when_trafficked=20),
        rec("b", caseworker="sok", registered_on="2026-02-03"),
        rec("c", caseworker="dara", organisation="other", prs_gender="Feminine"),
    ]
    s = run_quality(records, SPEC).scores
    assert s.caseworkers["sok"].completeness == pytest.approx(3 / 6)
    assert s.caseworkers["dara"].completeness == pytest.approx(2 / 3)
    assert s.organisations["org"].records == 2 and s.organisations["other"].records == 1
    assert s.months["2026-01"].records == 2 and s.months["2026-02"].records == 1
    assert s.overall.completeness == pytest.approx(5 / 9)
    assert s.caseworkers["sok"].issues == 2  # b misses two fields


def test_nothing_to_measure_is_none_not_zero_or_one() -> None:
    result = run_quality([rec("a")], {**SPEC, "expected_fields": []})
    o = result.scores.overall
    assert o.completeness is None and o.validity is None
    assert o.consistency == 1.0 and o.overall == 1.0
    empty = run_quality([], SPEC)
    assert empty.records == 0 and empty.scores.overall.overall is None and empty.issues == []
    assert "0 records" in format_summary(empty)


def test_dataset_level_issues_do_not_change_scores() -> None:
    records = [rec(str(i), prs_gender="Feminine", vic_age_when_trafficked=20) for i in range(25)]
    spec = {**SPEC, "checks": {}}
    result = run_quality(records, spec)
    assert any(i.check == "suspicious_default" for i in result.issues)
    assert result.scores.overall.overall == 1.0


def test_worst_fields_and_records_come_first() -> None:
    records = [
        rec("fine", prs_gender="Feminine", vic_age_when_trafficked=20),
        rec("bad", prs_gender="Female", prs_birthdate="2026-05-01"),
        rec("meh", prs_gender="Feminine"),
    ]
    result = run_quality(records, SPEC)
    assert [r.record_id for r in result.worst_records()] == ["bad", "meh"]
    worst = result.worst_fields()
    assert worst[0].field in {"prs_gender", "vic_age_when_trafficked"}
    assert all(worst[i].worst <= worst[i + 1].worst for i in range(len(worst) - 1))
    text = format_summary(result, title="Report")
    assert text.index("Worst fields first") < text.index("Worst records first")
    assert text.index("  bad ") < text.index("  meh ")


def test_result_is_json_and_carries_the_complete_spec_it_ran_with() -> None:
    result = run_quality([rec("a", prs_gender="Feminine")], {"as_of": AS_OF, "checks": {"stale_open_record": {"months": 3}}})
    data = json.loads(json.dumps(result.to_json()))
    assert data["spec"]["as_of"] == AS_OF
    assert data["spec"]["checks"]["stale_open_record"] == {"enabled": True, "months": 3}
    assert data["spec"]["checks"]["suspicious_default"]["threshold"] == 0.95
    assert {c["slug"] for c in data["checks"]} >= {"required_fields", "closed_without_reason"}
    assert data["issues"] and data["scores"]["overall"]["records"] == 1
    # running again with the stored spec gives the same result
    again = run_quality([rec("a", prs_gender="Feminine")], data["spec"])
    assert again.to_json() == result.to_json()


def test_as_of_defaults_to_today_and_is_recorded() -> None:
    import datetime as dt

    result = run_quality([rec("a")], None, today=dt.date(2030, 1, 2))
    assert result.spec["as_of"] == "2030-01-02"


def test_a_dataframe_gives_the_same_result_as_dicts() -> None:
    records = [
        rec("a", prs_gender="Feminine", vic_age_when_trafficked=20, closed_on=None),
        rec("b", prs_gender="Female", vic_age_when_trafficked=None, closed_on="2026-02-01"),
    ]
    frame = pd.DataFrame(records)
    assert frame["vic_age_when_trafficked"].isna().any()  # NaN must read as missing
    from_frame = run_quality(frame, SPEC).to_json()
    from_dicts = run_quality(records, SPEC).to_json()
    assert from_frame == from_dicts


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["Feminine", "Female", None]),
                          st.sampled_from([None, 20, "about ten years"]), st.sampled_from(["x", "y"])),
                max_size=15))
def test_scores_stay_between_0_and_1_and_groups_add_up(rows: list[tuple[bool, Any, Any, str]]) -> None:
    records = []
    for i, (stale, gender, age, worker) in enumerate(rows):
        r = rec(str(i), caseworker=worker, updated_at="2020-01-01" if stale else "2026-06-01")
        if gender is not None:
            r["prs_gender"] = gender
        if age is not None:
            r["vic_age_when_trafficked"] = age
        records.append(r)
    s = run_quality(records, SPEC).scores
    for group in [s.overall, *s.caseworkers.values(), *s.records.values()]:
        for d in ("completeness", "validity", "consistency", "timeliness", "overall"):
            value = group.get(d)
            assert value is None or 0 <= value <= 1
    assert sum(g.records for g in s.caseworkers.values()) == len(records)
    assert sum(g.issues for g in s.caseworkers.values()) == s.overall.issues
    if records:
        assert s.overall.timeliness == pytest.approx(sum(1 for r in rows if not r[0]) / len(rows))
