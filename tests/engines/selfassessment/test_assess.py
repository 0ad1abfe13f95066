"""Self-assessment: scores by hand, strengths, prioritised advice, progress, bad input, broken files."""

from __future__ import annotations

import copy
import doctest
import importlib
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.selfassessment import (
    DEFAULT_QUESTIONNAIRE_FILE,
    AnswerError,
    Assessment,
    QuestionnaireError,
    assess,
    compare,
    load_questionnaire,
    parse_questionnaire,
)

Q = load_questionnaire()
ALL_IDS = [q.id for q in Q.questions]


def everything(level: int | str) -> dict[str, Any]:
    return {qid: level for qid in ALL_IDS}


def test_questionnaire_covers_the_areas_the_issue_names() -> None:
    assert [a.id for a in Q.areas] == ["collection", "protection", "access", "retention", "quality",
                                       "standards", "sharing", "people", "use"]
    for topic in ("consent_recorded", "minimisation", "paper_records", "devices", "role_based_access",
                  "retention_rule", "quality_checks", "standard_use", "sharing_agreements", "training"):
        assert topic in ALL_IDS


def test_area_score_is_the_weighted_mean_worked_by_hand() -> None:
    # collection: consent_recorded (weight 3) = 4, consent_informed (2) = 2, minimisation (2) = 1,
    # screening_method (1) = 0  ->  (12 + 4 + 2 + 0) / 8 = 2.25
    result = assess({"consent_recorded": 4, "consent_informed": "2", "minimisation": 1, "screening_method": 0})
    area = result.area("collection")
    assert area.score == 2.25
    assert area.percent == 56
    assert area.level == "Developing"
    assert area.answered == area.total == 4 and area.complete


def test_not_applicable_is_left_out_and_dont_know_counts_as_zero() -> None:
    # protection: paper_records (3) n/a, devices (3) = 4, encryption_at_rest (2) = dont_know,
    # backups (2) = 4, messaging (2) = 4  ->  (12 + 0 + 8 + 8) / 9 = 3.11
    result = assess({"paper_records": "not_applicable", "devices": 4, "encryption_at_rest": "dont_know",
                     "backups": 4, "messaging": 4})
    assert result.area("protection").score == 3.11
    assert result.area("protection").level == "Established"
    rec = next(r for r in result.recommendations if r.question == "encryption_at_rest")
    assert rec.dont_know and rec.text.startswith("Find out first")
    assert "paper_records" not in [r.question for r in result.recommendations]


def test_unanswered_areas_are_not_assessed_and_do_not_pull_the_overall_down() -> None:
    result = assess({"consent_recorded": 4, "consent_informed": 4, "minimisation": 4, "screening_method": 4})
    assert result.area("sharing").score is None and result.area("sharing").level == "Not assessed"
    assert result.overall_score == 4.0 and result.overall_level == "Leading"
    assert len(result.unanswered) == len(ALL_IDS) - 4


def test_strengths_from_level_three() -> None:
    result = assess({"consent_recorded": 3, "devices": 4, "backups": 2})
    assert [s.question for s in result.strengths] == ["consent_recorded", "devices"]
    assert "per purpose" in result.strengths[0].text


def test_recommendations_most_urgent_first() -> None:
    result = assess({
        "honest_reporting": 0,  # medium, weight 1: gap 3
        "quality_checks": 0,  # medium, weight 2: gap 6
        "consent_informed": 1,  # high, weight 2: gap 4
        "devices": 2,  # critical, weight 3: gap 3
        "paper_records": 0,  # critical, weight 3: gap 9
        "coded_values": 0,  # low
        "training": 3,  # at target: no recommendation
    })
    assert [r.question for r in result.recommendations] == [
        "paper_records", "devices", "consent_informed", "quality_checks", "honest_reporting", "coded_values"]
    assert [r.rank for r in result.recommendations] == [1, 2, 3, 4, 5, 6]
    assert result.recommendations[0].priority == "critical"


def test_recommendations_link_to_tipdata_features() -> None:
    result = assess(everything(0))
    linked = [r for r in result.recommendations if r.links]
    assert len(linked) >= 15
    targets = {link.target for r in linked for link in r.links}
    assert {"/cases/", "/standard/", "tipdata audit verify", "/practice/screening/", "/quality/", "/releases/"} <= targets
    assert any(t.startswith("tipdata retention") for t in targets)


def test_a_custom_target_asks_for_more() -> None:
    raw = yaml.safe_load(DEFAULT_QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))
    raw["questions"][0]["target"] = 4
    q = parse_questionnaire(raw)
    assert [r.question for r in assess({"consent_recorded": 3}, questionnaire=q).recommendations] == ["consent_recorded"]
    assert assess({"consent_recorded": 3}).recommendations == ()


def test_bad_answers_are_all_reported() -> None:
    with pytest.raises(AnswerError) as err:
        assess({"consent_recorded": 5, "devices": "not_applicable", "consent": 3, "backups": True, "messaging": "3"})
    problems = err.value.problems
    assert len(problems) == 4
    assert any("'consent_recorded' = 5" in p and "allowed: 0, 1, 2, 3, 4, dont_know" in p for p in problems)
    assert any("'devices' = 'not_applicable'" in p for p in problems)  # devices does not allow n/a
    assert any("'consent': unknown question" in p for p in problems)
    assert any("'backups' = True" in p for p in problems)
    with pytest.raises(AnswerError):
        assess([("consent_recorded", 3)])  # type: ignore[arg-type]


def test_blank_answers_are_unanswered_not_errors() -> None:
    result = assess({"consent_recorded": "", "devices": None})
    assert {"consent_recorded", "devices"} <= set(result.unanswered)


def test_stored_form_round_trips_through_json() -> None:
    result = assess({**everything(2), "paper_records": "not_applicable", "backups": "dont_know"})
    stored = json.loads(json.dumps(result.to_dict()))
    again = Assessment.from_dict(stored)
    assert again == result
    with pytest.raises(ValueError, match="not a stored assessment"):
        Assessment.from_dict({"questionnaire": "data-practice"})


def test_compare_shows_progress() -> None:
    last_year = assess({**everything(1), "training": 3, "incidents": 2})
    this_year = assess({**everything(1), "consent_recorded": 4, "devices": 3, "training": 2, "incidents": 2})
    progress = compare(last_year.to_dict(), this_year)
    collection = next(a for a in progress.areas if a.id == "collection")
    # collection before: all 1 -> 1.0; after: consent 4 (w3), others 1: (12 + 2 + 2 + 1) / 8 = 2.12
    assert (collection.before, collection.after, collection.change) == (1.0, 2.12, 1.12)
    assert collection.level_before == "Starting" and collection.level_after == "Developing"
    assert [c.question for c in progress.improved] == ["consent_recorded", "devices"]
    assert [(c.question, c.area) for c in progress.worsened] == [("training", "people")]
    assert set(progress.resolved) == {"consent_recorded", "devices"}
    assert progress.new == ("training",)
    assert progress.overall_change is not None and progress.overall_change > 0
    assert progress.notes == ()


def test_compare_refuses_different_questionnaires_and_notes_versions() -> None:
    a = assess(everything(2)).to_dict()
    b = dict(a, questionnaire="another")
    with pytest.raises(ValueError, match="cannot compare"):
        compare(a, b)
    older = dict(a, version="0")
    assert "version 0 to 1" in compare(older, a).notes[0]


@pytest.mark.parametrize(("mutate", "problem"), [
    (lambda r: r["questions"][0]["options"].pop(4), "questions[0] (consent_recorded).options: expected one description for each level 0-4"),
    (lambda r: r["questions"][1].update(area="ethics"), "'ethics' is not an area"),
    (lambda r: r["questions"][0]["recommendation"]["links"].append({"kind": "video", "path": "/x/", "label": "x"}),
     "links[1].kind: 'video'; allowed: page, command, doc"),
    (lambda r: r["questions"][0]["recommendation"]["links"][0].update(path="/cases"), "a page path starts and ends with '/'"),
    (lambda r: r["questions"][0]["recommendation"]["links"].append({"kind": "command", "command": "rm -rf /", "label": "x"}),
     "a command starts with 'tipdata '"),
    (lambda r: r["questions"].append(copy.deepcopy(r["questions"][0])), "duplicate question id(s): ['consent_recorded']"),
    (lambda r: r["areas"].append({"id": "ethics", "title": "Ethics"}), "area(s) without questions: ethics"),
    (lambda r: r["questions"][0].update(priority="urgent"), "'urgent'; allowed: critical, high, medium, low"),
    (lambda r: r["questions"][0].update(weight=0), "a weight is at least 1"),
    (lambda r: r.update(format="other"), "format: expected 'tipdata-self-assessment'"),
])
def test_broken_questionnaire_names_the_problem(mutate: Any, problem: str) -> None:
    raw = yaml.safe_load(DEFAULT_QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))
    mutate(raw)
    with pytest.raises(QuestionnaireError) as err:
        parse_questionnaire(raw, "copy.yaml")
    assert problem in str(err.value)


LEVELS = st.sampled_from(["0", "1", "2", "3", "4", "dont_know"])


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(ALL_IDS), LEVELS, min_size=1), st.sampled_from(ALL_IDS))
def test_raising_one_answer_never_lowers_its_area(answers: dict[str, str], qid: str) -> None:
    # (answering a question left blank can lower a mean: blank is "not known", not 0)
    answers = {**answers, qid: answers.get(qid, "0")}
    before = assess(answers)
    current = answers[qid]
    level = 0 if current == "dont_know" else int(current)
    after = assess({**answers, qid: str(min(level + 1, 4))})
    area = Q.question(qid).area
    b, a = before.area(area).score, after.area(area).score
    assert a is not None and 0 <= a <= 4
    assert b is None or a >= b
    for s in after.areas:
        assert s.percent is None or s.percent == round(s.score / 4 * 100)  # type: ignore[operator]


def test_docstring_example_runs() -> None:
    module = importlib.import_module("tipdata.engines.selfassessment.assess")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
