"""The spec: bad specs are refused with the key and what is allowed; custom rules and new checks work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from tipdata.engines.quality import (
    CHECKS,
    Check,
    Issue,
    IssueType,
    Parameter,
    QualityInputError,
    QualitySpecError,
    Row,
    default_spec,
    register_check,
    run_quality,
    unregister_check,
)

AS_OF = "2026-06-30"


def rec(rid: str = "r1", **values: Any) -> dict[str, Any]:
    return {"record_id": rid, "registered_on": "2026-01-10", **values}


@pytest.mark.parametrize("spec,where,says", [
    ({"colour": "red"}, "colour", "allowed: version, as_of"),
    ({"version": 2}, "version", "reads version 1"),
    ({"as_of": "30/06/2026"}, "as_of", "YYYY-MM-DD"),
    ({"checks": {"stale_records": {}}}, "checks.stale_records", "known checks: required_fields"),
    ({"checks": {"stale_open_record": {"months": "six"}}}, "checks.stale_open_record.months", "expected int"),
    ({"checks": {"stale_open_record": {"months": 0}}}, "checks.stale_open_record.months", "at least 1"),
    ({"checks": {"stale_open_record": {"weeks": 3}}}, "checks.stale_open_record.weeks", "allowed: enabled, months"),
    ({"checks": {"stale_open_record": {"enabled": "yes"}}}, "checks.stale_open_record.enabled", "not true or false"),
    ({"checks": {"suspicious_default": {"threshold": 1.5}}}, "checks.suspicious_default.threshold", "share"),
    ({"checks": {"suspicious_default": {"fields": ["prs_first_name"]}}}, "checks.suspicious_default.fields[0]",
     "only coded fields"),
    ({"checks": {"closed_without_reason": {"closed_statuses": ["Done"]}}},
     "checks.closed_without_reason.closed_statuses[0]", "allowed: Active, FollowUp, Closed, ClosedReferred"),
    ({"checks": {"dictionary_values": {"fields": ["prs_gendr"]}}}, "checks.dictionary_values.fields[0]",
     "did you mean prs_Gender"),
    ({"expected_fields": ["prs_gender", "prs_gender"]}, "expected_fields[1]", "listed twice"),
    ({"expected_fields": ["registered_on"]}, "expected_fields[0]", "tipdata column"),
    ({"expected_fields": "prs_gender"}, "expected_fields", "list"),
    ({"expected_fields": [{"field": "vic_forced_labour_industry",
                           "when": [{"field": "vic_type_of_exploitation", "operator": "contains",
                                     "value": "ForcedLabor"}]}]},
     "expected_fields[0].when[0].value", "not a code of vic_type_of_exploitation"),
    ({"core_weight": 0.5}, "core_weight", "at least 1"),
    ({"score_weights": {"accuracy": 1}}, "score_weights.accuracy", "allowed: completeness"),
    ({"score_weights": {d: 0 for d in ("completeness", "validity", "consistency", "timeliness")}},
     "score_weights", "above 0"),
    ({"custom": [{"slug": "Bad Slug", "require": []}]}, "custom[0].slug", "lower-case"),
    ({"custom": [{"slug": "stale_open_record", "require": [{"field": "prs_gender", "operator": "present"}]}]},
     "custom[0].slug", "already the slug"),
    ({"custom": [{"slug": "my_rule"}]}, "custom[0].require", "non-empty list"),
    ({"custom": [{"slug": "my_rule", "require": [{"field": "prs_gender", "operator": "is"}]}]},
     "custom[0].require[0].operator", "allowed: present, missing, eq"),
    ({"custom": [{"slug": "my_rule", "require": [{"field": "prs_first_name", "operator": "eq", "value": "x"}]}]},
     "custom[0].require[0].operator", "encrypted field"),
    ({"custom": [{"slug": "my_rule", "require": [{"field": "prs_birthdate", "operator": "lt",
                                                    "other_field": "vic_age_when_trafficked"}]}]},
     "custom[0].require[0].other_field", "only like can be compared"),
    ({"custom": [{"slug": "my_rule", "require": [{"field": "vic_age_when_trafficked", "operator": "lt",
                                                    "value": "18"}]}]},
     "custom[0].require[0].value", "not a number"),
    ({"custom": [{"slug": "my_rule", "require": [{"field": "prs_gender", "operator": "matches", "value": "("}]}]},
     "custom[0].require[0].value", "not a valid regular expression"),
    ({"custom": [{"slug": "my_rule", "dimension": "beauty",
                  "require": [{"field": "prs_gender", "operator": "present"}]}]},
     "custom[0].dimension", "allowed: completeness"),
])
def test_a_bad_spec_names_the_key_and_what_is_allowed(spec: dict[str, Any], where: str, says: str) -> None:
    with pytest.raises(QualitySpecError) as info:
        run_quality([rec()], spec)
    assert info.value.where == where
    assert says in str(info.value)


def test_a_spec_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(QualitySpecError, match="expected a JSON object"):
        run_quality([rec()], ["checks"])  # type: ignore[arg-type]


def test_the_default_spec_runs_and_lists_every_check() -> None:
    spec = default_spec()
    assert set(spec["checks"]) == set(CHECKS)
    spec["as_of"] = AS_OF
    result = run_quality([rec(prs_gender="Feminine")], spec)
    assert result.spec["checks"] == {**spec["checks"]}


def test_disabling_a_check_silences_it() -> None:
    bad = rec(prs_birthdate="2026-02-01")
    assert any(i.check == "birth_after_registration" for i in run_quality([bad], {"as_of": AS_OF}).issues)
    quiet = run_quality([bad], {"as_of": AS_OF, "checks": {"birth_after_registration": False}})
    assert not any(i.check == "birth_after_registration" for i in quiet.issues)
    assert [c["enabled"] for c in quiet.checks if c["slug"] == "birth_after_registration"] == [False]


MINOR_RULE = {
    "slug": "minor_needs_trafficking_status",
    "title": "A child's case needs a trafficking status",
    "when": [{"field": "vic_age_when_trafficked", "operator": "lt", "value": 18}],
    "require": [{"field": "vic_trafficking_status", "operator": "present"}],
    "dimension": "completeness",
}


def test_a_custom_rule_fires_only_when_its_condition_holds() -> None:
    spec = {"as_of": AS_OF, "expected_fields": [], "custom": [MINOR_RULE]}
    result = run_quality([rec("child", vic_age_when_trafficked=15), rec("adult", vic_age_when_trafficked=25),
                          rec("unknown"), rec("ok", vic_age_when_trafficked=15,
                                               vic_trafficking_status="ActualVictimOfTrafficking")], spec)
    found = [i for i in result.issues if i.check == "minor_needs_trafficking_status"]
    assert [(i.record_id, i.field, i.dimension) for i in found] == [("child", "vic_trafficking_status", "completeness")]
    assert "vic_age_when_trafficked < 18" in found[0].message
    assert result.spec["custom"][0]["slug"] == "minor_needs_trafficking_status"


def test_a_custom_rule_comparing_two_fields_and_a_pattern() -> None:
    spec = {"as_of": AS_OF, "expected_fields": [], "custom": [
        {"slug": "closed_after_registration_plus_a_week", "message": "closed within a week of registration",
         "when": [{"field": "closed_on", "operator": "present"}],
         "require": [{"field": "closed_on", "operator": "gt", "other_field": "registered_on"}]},
        {"slug": "gender_code_style", "dimension": "validity",
         "require": [{"field": "prs_gender", "operator": "matches", "value": "^[A-Z]"}]},
    ]}
    records = [rec("same_day", closed_on="2026-01-10", cas_status="Closed", has_closure_reason=True),
               rec("later", closed_on="2026-02-10", cas_status="Closed", has_closure_reason=True),
               rec("lower", prs_gender="feminine")]
    result = run_quality(records, spec)
    custom = {(i.record_id, i.check) for i in result.issues if i.check in {"closed_after_registration_plus_a_week",
                                                                          "gender_code_style"}}
    assert custom == {("same_day", "closed_after_registration_plus_a_week"), ("lower", "gender_code_style")}
    # the raw value is what the pattern sees, and the validity rule lowers validity
    assert result.scores.records["lower"].validity == 0.0


class EvenRecordIds(Check):
    slug = "even_record_ids"
    title = "Record ids are even numbers"
    description = "A deployment's own check, to show the registry."
    issue_types = (IssueType("odd_record_id", "validity", "Odd record id."),)
    parameters = (Parameter("divisor", 2, (int,), "what the id must divide by"),)

    def validate_row(self, row: Row) -> Iterable[Issue]:
        if int(row.record_id) % self.params["divisor"]:
            yield self.issue(row, "odd_record_id", f"{row.record_id} is odd")

    def validate_dataset(self, rows: Any) -> Iterator[Issue]:
        yield self.issue(None, "odd_record_id", f"{len(rows)} records looked at")


def test_a_registered_check_runs_and_is_tuned_from_the_spec() -> None:
    register_check(EvenRecordIds)
    try:
        result = run_quality([rec("1"), rec("2"), rec("3")], {"as_of": AS_OF, "expected_fields": []})
        assert [(i.record_id, i.type) for i in result.issues if i.check == "even_record_ids"] == [
            ("1", "odd_record_id"), ("3", "odd_record_id"), (None, "odd_record_id")]
        tuned = run_quality([rec("3")], {"as_of": AS_OF, "checks": {"even_record_ids": {"divisor": 3}}})
        assert [i.record_id for i in tuned.issues if i.check == "even_record_ids"] == [None]
        with pytest.raises(ValueError, match="already registered"):
            register_check(type("Other", (EvenRecordIds,), {}))
    finally:
        unregister_check("even_record_ids")
    assert "even_record_ids" not in CHECKS


def test_a_check_class_without_issue_types_or_with_a_bad_dimension_is_refused() -> None:
    bare = type("Bare", (Check,), {"slug": "bare_check", "title": "t", "description": "d", "issue_types": ()})
    with pytest.raises(ValueError, match="no issue types"):
        register_check(bare)
    odd = type("Odd", (Check,), {"slug": "odd_check", "title": "t", "description": "d",
                                 "issue_types": (IssueType("x", "beauty", "x"),)})
    with pytest.raises(ValueError, match="dimension 'beauty'"):
        register_check(odd)


@pytest.mark.parametrize("records,says", [
    ([{"prs_gender": "Feminine"}], "row 0: record_id is None"),
    ([{"record_id": "a"}, {"record_id": "a"}], "row 1 (record a): record_id 'a' already used by row 0"),
    ([{"record_id": "a", "registered_on": "yesterday"}], "row 0 (record a): column 'registered_on' is 'yesterday'"),
    ([{"record_id": "a", "registered_on": "2026-02-30"}], "not a real calendar date"),
    ([{"record_id": "a", "has_closure_reason": "maybe"}], "expected true or false"),
    ([{"record_id": "a", "sealed_present": ["nickname"]}], "not a dictionary field"),
    ([{"record_id": "a", "prs_gender": "Feminine", "prs_Gender": "Masculine"}], "given twice"),
    (["not a record"], "row 0: expected a dict"),
])
def test_records_that_cannot_be_checked_are_refused_with_row_column_and_value(records: Any, says: str) -> None:
    with pytest.raises(QualityInputError) as info:
        run_quality(records, {"as_of": AS_OF})
    assert says in str(info.value)


def test_every_input_problem_is_listed_at_once() -> None:
    records = [{"record_id": "a", "registered_on": "x"}, {"record_id": "b", "closed_on": "y"}, {}]
    with pytest.raises(QualityInputError) as info:
        run_quality(records, {"as_of": AS_OF})
    assert len(info.value.problems) == 3


def test_unknown_columns_are_warned_about_not_dropped_silently() -> None:
    result = run_quality([rec(local_ForcedCriminality=True, colour="red")], {"as_of": AS_OF})
    assert any("'colour'" in w for w in result.warnings)
    assert any("'local_ForcedCriminality'" in w for w in result.warnings)


def test_any_spelling_of_a_dictionary_field_is_read() -> None:
    result = run_quality([rec(prs_Gender="Feminine", vic_TypeOfExploitation="ForcedLabour SexualExploitation")],
                         {"as_of": AS_OF, "expected_fields": ["prs_gender", "vic_type_of_exploitation"]})
    assert result.issues == [] and result.scores.overall.completeness == 1.0
