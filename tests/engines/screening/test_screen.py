"""The decision rule, table-driven: adults and children, labour and sexual exploitation, borderlines.

Each row is a situation a frontline worker could meet; the expected outcome follows from
the ILO/EC dimension rule and the combinations in data/indicators.yaml.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.screening import (
    AnswerError,
    AnswersError,
    load_indicator_set,
    screen,
)
from tipdata.engines.standard import load_dictionary

RANK = {"insufficient_indicators": 0, "possible_victim": 1, "presumed_victim": 2}


def yes(*keys: str, **facts: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {k: "yes" for k in keys}
    for fact, codes in facts.items():
        answers[f"palermo.{fact}"] = codes
    return answers


# Building blocks (grades are for the adult labour list unless said otherwise).
DECEPTION = ("deceptive_recruitment.nature_of_job", "deceptive_recruitment.wages")  # S + M
EXPLOITATION = ("exploitative_conditions.excessive_hours", "exploitative_conditions.low_or_no_salary")  # S + M
DEST_COERCION = ("coercion_at_destination.confiscation_of_documents", "coercion_at_destination.debt_bondage")  # S + S
VULN_RECRUIT = ("recruitment_abuse_of_vulnerability.economic_reasons", "recruitment_abuse_of_vulnerability.family_situation",
                "recruitment_abuse_of_vulnerability.lack_of_information")  # 3 M
VULN_DEST = ("abuse_of_vulnerability_at_destination.dependency_on_exploiters",
             "abuse_of_vulnerability_at_destination.difficulty_unknown_area",
             "abuse_of_vulnerability_at_destination.economic_reasons")  # 3 M


# --- a dimension is positive --------------------------------------------------------------
DIMENSION_CASES = [
    # (why, answers, age, kind, dimension, positive)
    ("2 strong", DEST_COERCION, 30, "labour", "coercion_at_destination", True),
    ("1 strong + 1 weak", ("coercion_at_destination.confiscation_of_documents",
                           "coercion_at_destination.threats_to_inform_family"), 30, "labour", "coercion_at_destination", True),
    ("1 strong + 1 medium", DECEPTION, 30, "labour", "deceptive_recruitment", True),
    ("1 strong alone", ("coercion_at_destination.confiscation_of_documents",), 30, "labour", "coercion_at_destination", False),
    ("3 medium", ("coercion_at_destination.threats_of_violence", "coercion_at_destination.forced_to_lie",
                  "coercion_at_destination.withholding_of_wages"), 30, "labour", "coercion_at_destination", True),
    ("2 medium + 1 weak", ("coercion_at_destination.threats_of_violence", "coercion_at_destination.forced_to_lie",
                           "coercion_at_destination.threats_to_inform_family"), 30, "labour", "coercion_at_destination", True),
    ("2 medium", ("coercion_at_destination.threats_of_violence", "coercion_at_destination.forced_to_lie"),
     30, "labour", "coercion_at_destination", False),
    ("1 medium + 2 weak (adult)", ("recruitment_abuse_of_vulnerability.economic_reasons",
                                   "recruitment_abuse_of_vulnerability.cultural_religious_beliefs",
                                   "recruitment_abuse_of_vulnerability.general_context"),
     30, "labour", "recruitment_abuse_of_vulnerability", False),
    # the same three answers are 3 medium on the child list, where those two are graded medium
    ("same answers, child: 3 medium", ("recruitment_abuse_of_vulnerability.economic_reasons",
                                       "recruitment_abuse_of_vulnerability.cultural_religious_beliefs",
                                       "recruitment_abuse_of_vulnerability.general_context"),
     12, "labour", "recruitment_abuse_of_vulnerability", True),
    ("weak only never counts", ("abuse_of_vulnerability_at_destination.difficulties_in_past",
                                "abuse_of_vulnerability_at_destination.personal_characteristics"),
     30, "labour", "abuse_of_vulnerability_at_destination", False),
    # excessive hours is strong for labour, medium for adult sexual exploitation
    ("excessive hours + low pay, labour", EXPLOITATION, 30, "labour", "exploitative_conditions", True),
    ("excessive hours + low pay, sexual", EXPLOITATION, 30, "sexual", "exploitative_conditions", False),
    # hazardous work is strong only on the child sexual-exploitation list
    ("hazardous + bad living, child sexual", ("exploitative_conditions.hazardous_work",
                                              "exploitative_conditions.bad_living_conditions"),
     15, "sexual", "exploitative_conditions", True),
    ("hazardous + bad living, child labour", ("exploitative_conditions.hazardous_work",
                                              "exploitative_conditions.bad_living_conditions"),
     15, "labour", "exploitative_conditions", False),
]


@pytest.mark.parametrize(("why", "keys", "age", "kind", "dimension", "positive"), DIMENSION_CASES,
                         ids=[c[0] for c in DIMENSION_CASES])
def test_dimension_rule(why: str, keys: tuple[str, ...], age: int, kind: str, dimension: str, positive: bool) -> None:
    result = screen(yes(*keys), age=age, exploitation_kind=kind)
    dim = result.dimension(dimension)
    assert dim.positive is positive, why
    assert (dim.rule_met is not None) is positive
    assert {o.key for o in dim.observed} == set(keys)


# --- outcomes -------------------------------------------------------------------------------
OUTCOME_CASES = [
    # (why, answers, age, kind, outcome)
    # adults, labour
    ("adult labour: deception + exploitation + coercion at destination",
     yes(*DECEPTION, *EXPLOITATION, *DEST_COERCION), 34, "labour", "presumed_victim"),
    ("adult labour: vulnerability at both ends + exploitation",
     yes(*VULN_RECRUIT, *EXPLOITATION, *VULN_DEST), 25, "labour", "presumed_victim"),
    ("adult labour: deception + exploitation, nothing at destination",
     yes(*DECEPTION, *EXPLOITATION), 34, "labour", "possible_victim"),
    ("adult labour: coercion at destination alone", yes(*DEST_COERCION), 40, "labour", "possible_victim"),
    ("adult labour: vulnerability alone is not enough", yes(*VULN_RECRUIT, *VULN_DEST), 22, "labour",
     "insufficient_indicators"),
    ("adult labour: poor conditions alone are not enough", yes(*EXPLOITATION), 22, "labour", "insufficient_indicators"),
    ("adult: act and purpose answered directly, no indicators",
     yes(act=["recruitment", "transportation"], purpose=["forced_labour"]), 30, "labour", "possible_victim"),
    ("adult: purpose alone", yes(purpose=["forced_labour"]), 30, "labour", "insufficient_indicators"),
    ("nothing answered", {}, 30, "labour", "insufficient_indicators"),
    # borderline: destination has one strong indicator only -> one element short
    ("borderline adult: one strong at destination only",
     yes(*DECEPTION, *EXPLOITATION, "coercion_at_destination.confiscation_of_documents"), 30, "labour", "possible_victim"),
    # ... and one weak indicator more tips it over (1 strong + 1 weak)
    ("borderline adult: plus one weak at destination",
     yes(*DECEPTION, *EXPLOITATION, "coercion_at_destination.confiscation_of_documents",
         "coercion_at_destination.threats_to_inform_family"), 30, "labour", "presumed_victim"),
    # adults, sexual exploitation: the same answers, graded differently
    ("adult sexual: coercive recruitment + exploitation + coercion at destination",
     yes("coercive_recruitment.abduction_forced_marriage_sale", "coercive_recruitment.debt_bondage",
         "exploitative_conditions.low_or_no_salary", "exploitative_conditions.bad_living_conditions",
         "exploitative_conditions.very_bad_working_conditions",
         "coercion_at_destination.forced_tasks_or_clients", "coercion_at_destination.isolation_confinement_surveillance"),
     27, "sexual", "presumed_victim"),
    ("same answers on the labour list: recruitment only 2 medium",
     yes("coercive_recruitment.abduction_forced_marriage_sale", "coercive_recruitment.debt_bondage",
         "exploitative_conditions.low_or_no_salary", "exploitative_conditions.bad_living_conditions",
         "exploitative_conditions.very_bad_working_conditions",
         "coercion_at_destination.forced_tasks_or_clients", "coercion_at_destination.isolation_confinement_surveillance"),
     27, "labour", "possible_victim"),
    ("adult sexual: excessive hours + low pay are only 2 medium",
     yes(*DECEPTION, *EXPLOITATION, *DEST_COERCION), 27, "sexual", "possible_victim"),
    # children: act + purpose; the means are not required
    ("child labour: act answered + exploitation", yes(*EXPLOITATION, act=["recruitment"]), 14, "labour", "presumed_victim"),
    ("child labour: exploitation but no act known", yes(*EXPLOITATION), 14, "labour", "possible_victim"),
    ("child labour: act + forced begging answered directly", yes(act=["transfer"], purpose=["forced_begging"]),
     9, "labour", "presumed_victim"),
    ("child: act alone", yes(act=["transportation"]), 9, "labour", "insufficient_indicators"),
    ("child labour: one strong at destination alone", yes("coercion_at_destination.forced_illicit_activities"),
     16, "labour", "possible_victim"),
    ("child labour: coercive recruitment shows the act, coercion at destination the purpose",
     yes("coercive_recruitment.violence_on_victim", "coercive_recruitment.threats_of_violence",
         "coercion_at_destination.forced_illicit_activities", "coercion_at_destination.under_strong_influence"),
     16, "labour", "presumed_victim"),
    ("child sexual: harboured + sexual exploitation", yes(act=["harbouring"], purpose=["sexual_exploitation"]),
     16, "sexual", "presumed_victim"),
    ("child sexual: no means needed (an adult with the same answers is only possible)",
     yes(*VULN_DEST, act=["receipt"], purpose=["sexual_exploitation"]), 17, "sexual", "presumed_victim"),
    ("adult sexual: the same answers at 18", yes(*VULN_DEST, act=["receipt"], purpose=["sexual_exploitation"]),
     18, "sexual", "possible_victim"),
    ("age uncertain, possibly a child: screened as a child",
     yes(act=["receipt"], purpose=["sexual_exploitation"]), "uncertain_possibly_child", "sexual", "presumed_victim"),
]


@pytest.mark.parametrize(("why", "answers", "age", "kind", "outcome"), OUTCOME_CASES, ids=[c[0] for c in OUTCOME_CASES])
def test_outcome(why: str, answers: dict[str, Any], age: int | str, kind: str, outcome: str) -> None:
    result = screen(answers, age=age, exploitation_kind=kind)
    assert result.outcome == outcome, "\n".join(result.reasons)
    assert result.reasons, "every outcome says why"


def test_reasons_name_the_dimensions_and_the_combination() -> None:
    result = screen(yes(*DECEPTION, *EXPLOITATION, *DEST_COERCION), age=34, exploitation_kind="labour")
    text = "\n".join(result.reasons)
    assert "Deceptive recruitment" in text and "1 strong + 1 medium or weak" in text
    assert "Coercion at destination: positive - 2 strong" in text
    assert "Presumed victim" in text
    assert result.positive_dimensions == ("deceptive_recruitment", "exploitative_conditions", "coercion_at_destination")


def test_missing_element_is_named_when_not_presumed() -> None:
    result = screen(yes(*DECEPTION, *EXPLOITATION), age=34, exploitation_kind="labour")
    assert any("missing coercion or abuse of vulnerability at destination" in r for r in result.reasons)
    insufficient = screen(yes(*VULN_RECRUIT), age=34, exploitation_kind="labour")
    assert any("not a finding that the person was not trafficked" in r for r in insufficient.reasons)


def test_child_reasons_say_means_not_required_and_age_presumption() -> None:
    result = screen(yes(act=["receipt"], purpose=["sexual_exploitation"]), age="uncertain_possibly_child",
                    exploitation_kind="sexual")
    text = " ".join(result.reasons)
    assert "presumption of minority" in text
    assert "means not required" in text
    assert result.palermo["means_required"] is False
    assert result.age_group == "child" and result.list_id == "child_sexual"


@pytest.mark.parametrize(("age", "group"), [(0, "child"), (17, "child"), (18, "adult"), (65, "adult"),
                                             ("17", "child"), ("Adult", "adult"), ("child", "child")])
def test_age_groups(age: int | str, group: str) -> None:
    assert screen({}, age=age, exploitation_kind="labour").age_group == group


@pytest.mark.parametrize("age", [-1, 131, True, "old", None, 17.5])
def test_bad_age_is_refused(age: Any) -> None:
    with pytest.raises(AnswerError) as err:
        screen({}, age=age, exploitation_kind="labour")
    assert err.value.key == "age"


def test_unknown_exploitation_kind_lists_the_choices() -> None:
    with pytest.raises(AnswerError, match="allowed: labour, sexual") as err:
        screen({}, age=30, exploitation_kind="begging")
    assert "use 'labour' for forced begging" in str(err.value)


def test_bad_answers_are_all_reported_with_key_value_and_allowed() -> None:
    answers = {
        "coercion_at_destination.debt_bondge": "yes",  # typo
        "deceptive_recruitment.wages": "maybe",
        "exploitative_conditions.no_social_protection": "yes",  # not on the child lists
        "palermo.act": ["kidnap"],
        "palermo.means": ["force"],
        "deceptive_recruitment.nature_of_job": "yes",  # fine
    }
    with pytest.raises(AnswersError) as err:
        screen(answers, age=12, exploitation_kind="labour")
    messages = [str(e) for e in err.value.errors]
    assert len(messages) == 5
    assert any("did you mean coercion_at_destination.debt_bondage" in m for m in messages)
    assert any("'maybe'" in m and "allowed: yes, no, not_sure, not_asked" in m for m in messages)
    assert any("not part of the list 'Children, trafficking for labour exploitation'" in m for m in messages)
    assert any("'kidnap'" in m and "recruitment" in m for m in messages)
    assert any("palermo.means" in m for m in messages)


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(AnswerError):
        screen(["deceptive_recruitment.wages"], age=30, exploitation_kind="labour")  # type: ignore[arg-type]


def test_only_yes_counts() -> None:
    keys = (*DECEPTION, *EXPLOITATION, *DEST_COERCION)
    for value in ("no", "not_sure", "not_asked"):
        result = screen({k: value for k in keys}, age=30, exploitation_kind="labour")
        assert result.outcome == "insufficient_indicators"
        assert result.htcds["vic_methods_of_control"] == []
    answered = screen({k: "no" for k in keys}, age=30, exploitation_kind="labour")
    skipped = screen({k: "not_asked" for k in keys}, age=30, exploitation_kind="labour")
    assert len(skipped.unanswered) == len(answered.unanswered) + len(keys)


# --- HTCDS mapping --------------------------------------------------------------------------
@pytest.mark.parametrize(("answers", "age", "status"), [
    (yes(*DECEPTION, *EXPLOITATION, *DEST_COERCION), 34, "ActualVictimOfTrafficking"),
    (yes(*DEST_COERCION), 34, "PossibleVictimOfTrafficking"),
    (yes(*VULN_RECRUIT), 34, None),
])
def test_trafficking_status_codes(answers: dict[str, Any], age: int, status: str | None) -> None:
    result = screen(answers, age=age, exploitation_kind="labour")
    assert result.htcds["vic_trafficking_status"] == status
    if status is not None:
        assert status in load_dictionary().field("vic_trafficking_status").allowed_codes


def test_methods_of_control_follow_the_indicators_and_are_htcds_codes() -> None:
    result = screen(yes("coercive_recruitment.confiscation_of_documents", *DEST_COERCION,
                        "coercion_at_destination.threat_of_denunciation", "exploitative_conditions.excessive_hours",
                        "recruitment_abuse_of_vulnerability.economic_reasons"),
                    age=30, exploitation_kind="labour")
    controls = result.htcds["vic_methods_of_control"]
    assert controls == ["WithholdsDocuments", "ExcessiveWorkingHours", "DebtBondage", "ThreatsLawEnforcement"]
    allowed = load_dictionary().field("vic_methods_of_control").allowed_codes
    assert set(controls) <= set(allowed)


def test_purpose_maps_to_type_of_exploitation() -> None:
    result = screen(yes(act=["recruitment"], purpose=["sexual_exploitation", "forced_criminality", "other_exploitation"]),
                    age=15, exploitation_kind="sexual")
    assert result.htcds["vic_type_of_exploitation"] == ["SexualExploitation", "Other"]


def test_result_is_json_and_carries_its_spec() -> None:
    result = screen(yes(*DECEPTION), age=30, exploitation_kind="labour")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["outcome"] == result.outcome
    assert data["spec"]["version"] == load_indicator_set().version
    assert data["spec"]["list"] == "adult_labour"
    assert data["spec"]["rule"]["dimension_positive_if_any"][0] == {"strong": 2}
    assert data["positive_dimensions"] == ["deceptive_recruitment"]


def test_unverified_lists_carry_a_caution() -> None:
    sexual = screen({}, age=30, exploitation_kind="sexual")
    assert sexual.list_verification == "unverified_reconstruction"
    assert any("unverified_reconstruction" in c for c in sexual.cautions)


# --- properties -----------------------------------------------------------------------------
ADULT_LABOUR_KEYS = sorted(
    i.key for d in load_indicator_set().dimensions for i in d.indicators_in("adult_labour")
)


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(ADULT_LABOUR_KEYS), max_size=20), st.sampled_from(ADULT_LABOUR_KEYS),
       st.sampled_from([16, 30]))
def test_one_more_yes_never_lowers_the_outcome(keys: set[str], extra: str, age: int) -> None:
    keys = {k for k in keys if age >= 18 or load_indicator_set().indicator(k).grade_in("child_labour")}
    if age < 18 and not load_indicator_set().indicator(extra).grade_in("child_labour"):
        return
    before = screen(yes(*keys), age=age, exploitation_kind="labour")
    after = screen(yes(*keys, extra), age=age, exploitation_kind="labour")
    assert RANK[after.outcome] >= RANK[before.outcome]
    assert set(before.positive_dimensions) <= set(after.positive_dimensions)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(ADULT_LABOUR_KEYS), st.sampled_from(["yes", "no", "not_sure", "not_asked"]),
                       max_size=30))
def test_non_yes_answers_change_nothing(answers: dict[str, str]) -> None:
    only_yes = {k: v for k, v in answers.items() if v == "yes"}
    a = screen(answers, age=30, exploitation_kind="labour")
    b = screen(only_yes, age=30, exploitation_kind="labour")
    assert (a.outcome, a.positive_dimensions, a.htcds) == (b.outcome, b.positive_dimensions, b.htcds)
