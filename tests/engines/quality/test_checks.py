"""Each built-in check on hand-made records: it fires on the bad record and stays quiet on the good one."""

from __future__ import annotations

from typing import Any

import pytest

from tipdata.engines.quality import CHECKS, Issue, run_quality

AS_OF = "2026-06-30"


def good(**changes: Any) -> dict[str, Any]:
    """A complete, consistent record; tests change one thing."""
    rec: dict[str, Any] = {
        "record_id": "r1", "organisation": "shelter", "caseworker": "sok",
        "created_at": "2026-01-05T08:00:00+00:00", "updated_at": "2026-05-01",
        "registered_on": "2026-01-05", "cas_status": "Active",
        "prs_birthdate": "2001-04-03", "prs_gender": "Feminine", "prs_citizenship": ["KH"],
        "vic_trafficking_status": "ActualVictimOfTrafficking", "vic_type_of_exploitation": ["ForcedLabour"],
        "vic_forced_labour_industry": "F_Construction", "vic_methods_of_control": ["DebtBondage"],
        "vic_method_of_recruitment": ["AtWork"], "vic_age_when_trafficked": 23,
        "sealed_present": ["prs_first_name"],
    }
    rec.update(changes)
    return {k: v for k, v in rec.items() if v is not ...}


def run(*records: dict[str, Any], spec: dict[str, Any] | None = None) -> list[Issue]:
    return run_quality(list(records), {"as_of": AS_OF, **(spec or {})}).issues


def kinds(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.check, i.type) for i in issues]


def test_a_good_record_raises_nothing() -> None:
    assert run(good()) == []


@pytest.mark.parametrize("missing", ["prs_birthdate", "prs_gender", "vic_methods_of_control", "cas_status"])
def test_required_field_missing(missing: str) -> None:
    issues = run(good(**{missing: ...}))
    assert kinds(issues) == [("required_fields", "missing_required")]
    assert issues[0].field == missing and issues[0].record_id == "r1" and issues[0].dimension == "completeness"


def test_encrypted_name_counts_as_present_without_its_value_and_erasure_excuses_it() -> None:
    issues = run(good(sealed_present=[]))
    assert [(i.type, i.field) for i in issues] == [("missing_required", "prs_first_name")]
    assert run(good(sealed_present=[], erased=True)) == []


def test_conditional_field_expected_only_when_its_condition_holds() -> None:
    # The labour industry is expected for forced labour only ...
    assert [i.field for i in run(good(vic_forced_labour_industry=...))] == ["vic_forced_labour_industry"]
    marriage = good(vic_type_of_exploitation=["ForcedMarriage"], vic_forced_labour_industry=...)
    assert run(marriage) == []
    # ... and the sexual-exploitation type for sexual exploitation.
    sexual = good(vic_type_of_exploitation=["SexualExploitation"], vic_forced_labour_industry=...)
    issues = run(sexual)
    assert [i.field for i in issues] == ["vic_type_of_sex_exploitation"]
    assert "expected when vic_type_of_exploitation contains SexualExploitation" in issues[0].message


def test_only_core_limits_issues_to_core_fields() -> None:
    rec = good(vic_age_when_trafficked=..., prs_gender=...)  # age is not core in HTCDS, gender is
    assert {i.field for i in run(rec)} == {"vic_age_when_trafficked", "prs_gender"}
    assert {i.field for i in run(rec, spec={"checks": {"required_fields": {"only_core": True}}})} == {"prs_gender"}


def test_value_outside_the_dictionary_names_field_value_and_allowed_codes() -> None:
    issues = run(good(prs_gender="Female"))
    assert kinds(issues) == [("dictionary_values", "value_not_in_dictionary")]
    issue = issues[0]
    assert issue.field == "prs_gender" and issue.value == "Female" and not issue.value_withheld
    assert "'Female'" in issue.message and "Feminine" in issue.message and "Masculine" in issue.message


def test_dictionary_range_and_dates_and_long_lists_are_summarised() -> None:
    issues = run(good(vic_age_when_trafficked=200, prs_birthdate="03/04/2001", prs_citizenship=["XX"]))
    by_field = {i.field: i for i in issues}
    assert set(by_field) == {"vic_age_when_trafficked", "prs_birthdate", "prs_citizenship"}
    assert "above the maximum 130" in by_field["vic_age_when_trafficked"].message
    assert "YYYY-MM-DD" in by_field["prs_birthdate"].message
    # 249 country codes are not pasted into the message
    assert "one of the 249 codes" in by_field["prs_citizenship"].message


@pytest.mark.parametrize("field,value", [
    ("vic_age_when_trafficked", "about 15"),
    ("prs_birthdate", "15 March 2001"),
    ("vic_type_of_exploitation", "worked on a fishing boat"),
    ("prs_gender", "she said she is a woman"),
    ("vic_methods_of_control", ["took her passport", "DebtBondage"]),
])
def test_free_text_in_a_coded_field_is_reported_once_and_never_repeated(field: str, value: Any) -> None:
    issues = run(good(**{field: value}))
    free = [i for i in issues if i.field == field]
    assert kinds(free) == [("free_text_in_coded_field", "free_text_in_coded_field")]
    assert free[0].value is None and free[0].value_withheld
    text = value if isinstance(value, str) else " ".join(value)
    assert text not in free[0].message


def test_a_misspelt_code_is_not_free_text() -> None:
    issues = run(good(vic_type_of_exploitation=["ForcedLabor"]))
    assert kinds([i for i in issues if i.field == "vic_type_of_exploitation"]) == [
        ("dictionary_values", "value_not_in_dictionary")]


def test_without_the_free_text_check_text_is_still_withheld() -> None:
    spec = {"checks": {"free_text_in_coded_field": {"enabled": False}}}
    issues = run(good(vic_age_when_trafficked="about fifteen I think"), spec=spec)
    assert kinds(issues) == [("dictionary_values", "value_not_in_dictionary")]
    assert issues[0].value is None and issues[0].value_withheld and "fifteen" not in issues[0].message


def test_birth_after_registration() -> None:
    issues = run(good(prs_birthdate="2026-02-01"))
    found = [i for i in issues if i.check == "birth_after_registration"]
    assert len(found) == 1 and found[0].field == "prs_birthdate" and str(found[0].value) == "2026-02-01"
    assert "2026-01-05" in found[0].message
    # an invalid birth date is a validity issue only, not also an inconsistency
    assert all(i.check != "birth_after_registration" for i in run(good(prs_birthdate="2026-13-01")))


def test_child_marked_adult_at_exploitation() -> None:
    # 16 at registration, recorded as 19 when trafficked
    issues = run(good(prs_birthdate="2009-06-01", vic_age_when_trafficked=19))
    assert kinds(issues) == [("age_at_exploitation", "child_marked_adult")]
    assert "aged 16 at registration" in issues[0].message
    # an adult recorded older than possible is the other issue type
    issues = run(good(prs_birthdate="2001-04-03", vic_age_when_trafficked=30))
    assert kinds(issues) == [("age_at_exploitation", "older_at_exploitation_than_at_registration")]
    # tolerance for approximate birth dates
    assert run(good(prs_birthdate="2008-01-01", vic_age_when_trafficked=18),
               spec={"checks": {"age_at_exploitation": {"tolerance_years": 1}}}) == []
    # the birthday counts: born 2008-01-06 is 17 on 2026-01-05
    assert kinds(run(good(prs_birthdate="2008-01-06", vic_age_when_trafficked=18))) == [
        ("age_at_exploitation", "child_marked_adult")]
    assert run(good(prs_birthdate="2008-01-05", vic_age_when_trafficked=18)) == []


def test_child_labour_for_an_adult() -> None:
    rec = good(vic_type_of_exploitation=["ForcedLabour", "ChildLabour"], vic_age_when_trafficked=20)
    assert kinds(run(rec)) == [("age_at_exploitation", "child_labour_for_adult")]
    assert run(good(vic_type_of_exploitation=["ForcedLabour", "ChildLabour"], vic_age_when_trafficked=14,
                    prs_birthdate="2010-01-01")) == []


def test_sex_subtype_without_sexual_exploitation() -> None:
    issues = run(good(vic_type_of_sex_exploitation=["Prostitution"]))
    assert kinds(issues) == [("sex_subtype_without_sexual_exploitation", "sex_subtype_without_sexual_exploitation")]
    assert issues[0].field == "vic_type_of_sex_exploitation" and issues[0].value == ("Prostitution",)
    assert "ForcedLabour" in issues[0].message
    both = good(vic_type_of_exploitation=["ForcedLabour", "SexualExploitation"], vic_type_of_sex_exploitation=["Prostitution"])
    assert run(both) == []


def test_closed_without_reason_uses_presence_only() -> None:
    closed = good(cas_status="Closed", closed_on="2026-03-01", has_closure_reason=False)
    issues = run(closed)
    assert kinds(issues) == [("closed_without_reason", "closed_without_reason")]
    assert issues[0].field == "cas_reason_for_case_closure" and issues[0].value is None
    assert run(good(cas_status="Closed", closed_on="2026-03-01", has_closure_reason=True)) == []
    # without has_closure_reason, presence in sealed_present decides
    assert run(good(cas_status="ClosedReferred", closed_on="2026-03-01",
                    sealed_present=["prs_first_name", "cas_reason_for_case_closure"])) == []
    assert kinds(run(good(cas_status="ClosedReferred", closed_on="2026-03-01"))) == [
        ("closed_without_reason", "closed_without_reason")]


def test_a_closure_reason_given_as_text_is_used_for_presence_and_dropped() -> None:
    result = run_quality([good(cas_status="Closed", closed_on="2026-03-01",
                               cas_reason_for_case_closure="Went home to Sreymom's family")], {"as_of": AS_OF})
    assert result.issues == []
    assert "Sreymom" not in repr(result.to_json())
    assert any("encrypted field" in w for w in result.warnings)


def test_case_status_and_dates() -> None:
    assert kinds(run(good(cas_status="Closed", has_closure_reason=True))) == [("case_status_dates", "closed_without_date")]
    assert kinds(run(good(closed_on="2026-03-01"))) == [("case_status_dates", "open_with_closing_date")]
    issues = run(good(cas_status="Closed", has_closure_reason=True, closed_on="2025-12-01"))
    assert kinds(issues) == [("case_status_dates", "closed_before_registration")]


def test_referral_before_registration() -> None:
    issues = run(good(referral_out_dates=["2025-12-26", "2026-02-01"]))
    assert kinds(issues) == [("referral_before_registration", "referral_before_registration")]
    assert str(issues[0].value) == "2025-12-26"
    assert kinds(run(good(cas_outgoing_referral_date="2025-12-01"))) == [
        ("referral_before_registration", "referral_before_registration")]
    assert run(good(referral_out_dates=["2026-01-05"])) == []


def test_referral_dates_out_of_order() -> None:
    rec = good(referral_in_dates=["2026-01-03"], referral_out_dates=["2026-01-02"], registered_on="2026-01-01")
    assert kinds(run(rec)) == [("referral_dates_out_of_order", "outgoing_before_incoming")]
    closed = good(cas_status="ClosedReferred", has_closure_reason=True, closed_on="2026-02-01",
                  referral_out_dates=["2026-02-05"])
    assert kinds(run(closed)) == [("referral_dates_out_of_order", "referral_after_closure")]
    assert run(closed, spec={"checks": {"referral_dates_out_of_order": {"tolerance_days": 7}}}) == []


def test_dates_in_the_future() -> None:
    issues = run(good(registered_on="2026-07-02", updated_at="2026-07-02", created_at="2026-07-02"))
    assert {(i.check, i.field) for i in issues} == {("date_in_future", f) for f in ("registered_on", "created_at", "updated_at")}
    assert run(good(updated_at="2026-07-02"), spec={"checks": {"date_in_future": {"tolerance_days": 2}}}) == []


def test_stale_open_record() -> None:
    old = good(updated_at="2025-12-29")  # six months and a day before 2026-06-30
    issues = run(old)
    assert kinds(issues) == [("stale_open_record", "stale_open_record")]
    assert issues[0].dimension == "timeliness"
    assert run(good(updated_at="2025-12-30")) == []  # exactly six months: not yet stale
    assert run(old, spec={"checks": {"stale_open_record": {"months": 7}}}) == []
    closed = good(updated_at="2024-01-01", cas_status="Closed", closed_on="2026-02-01", has_closure_reason=True)
    assert run(closed) == []
    # without any change date the record cannot be judged
    assert run(good(updated_at=..., created_at=...)) == []


def test_stale_month_arithmetic_at_month_ends() -> None:
    # 2026-08-31 minus six months is 2026-02-28
    spec = {"as_of": "2026-08-31"}
    assert run_quality([good(updated_at="2026-02-28")], spec).issues == []
    assert [i.type for i in run_quality([good(updated_at="2026-02-27")], spec).issues] == ["stale_open_record"]


def test_suspicious_default_is_found_per_organisation_for_the_dataset() -> None:
    records = [good(record_id=f"a{i}", vic_trafficking_status="PossibleVictimOfTrafficking") for i in range(20)]
    records += [good(record_id=f"b{i}", organisation="hotline",
                     vic_trafficking_status="PossibleVictimOfTrafficking" if i % 2 else "ActualVictimOfTrafficking")
                for i in range(20)]
    issues = [i for i in run(*records) if i.check == "suspicious_default" and i.field == "vic_trafficking_status"]
    assert len(issues) == 1
    assert issues[0].record_id is None and issues[0].organisation == "shelter"
    assert issues[0].value == "PossibleVictimOfTrafficking" and "20 of 20" in issues[0].message
    ignored = run(*records, spec={"checks": {"suspicious_default": {"ignore": ["vic_trafficking_status"]}}})
    assert not [i for i in ignored if i.field == "vic_trafficking_status"]


def test_suspicious_default_needs_enough_records_and_a_clear_majority() -> None:
    few = [good(record_id=str(i)) for i in range(19)]
    assert [i for i in run(*few) if i.check == "suspicious_default"] == []
    mixed = [good(record_id=str(i), prs_gender="Feminine" if i < 18 else "Masculine") for i in range(20)]
    found = {i.field for i in run(*mixed) if i.check == "suspicious_default"}
    assert "prs_gender" not in found  # 90% is below the 95% threshold
    assert "prs_gender" in {i.field for i in run(*mixed, spec={"checks": {"suspicious_default": {"threshold": 0.9}}})}


def test_birth_dates_on_first_january() -> None:
    records = [good(record_id=str(i), prs_birthdate=f"{1990 + i % 10}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                    vic_age_when_trafficked=...) for i in range(40)]
    assert not [i for i in run(*records) if i.type == "birth_dates_on_january_first"]
    for rec in records[:6]:
        rec["prs_birthdate"] = rec["prs_birthdate"][:4] + "-01-01"
    found = [i for i in run(*records) if i.type == "birth_dates_on_january_first"]
    assert len(found) == 1 and "on 1 January" in found[0].message


def test_every_check_is_documented_with_issue_types_and_parameters() -> None:
    for slug, cls in CHECKS.items():
        assert cls.slug == slug and cls.title and cls.description
        assert cls.issue_types
        for param in cls.parameters:
            assert param.description
