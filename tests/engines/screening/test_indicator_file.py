"""The indicator file: what it holds, and that a broken copy fails on load with a clear message."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tipdata.engines.screening import (
    DEFAULT_INDICATOR_FILE,
    IndicatorFileError,
    interview,
    load_indicator_set,
    load_translation,
    parse_indicator_set,
    source_entries,
    translation_template,
)
from tipdata.engines.screening.interview import TRANSLATIONS_DIR


@pytest.fixture
def raw() -> Any:
    return yaml.safe_load(DEFAULT_INDICATOR_FILE.read_text(encoding="utf-8"))


def test_lists_have_the_published_number_of_indicators() -> None:
    ind = load_indicator_set()
    assert [d.id for d in ind.dimensions] == [
        "deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability",
        "exploitative_conditions", "coercion_at_destination", "abuse_of_vulnerability_at_destination",
    ]
    per_list = {lst: [len(d.indicators_in(lst)) for d in ind.dimensions] for lst in ind.lists}
    assert per_list["adult_labour"] == [10, 10, 16, 9, 15, 7]  # 67, as the ILO/EC lists
    assert per_list["child_labour"] == [10, 10, 15, 8, 15, 7]  # 65


def test_child_lists_grade_no_indicator_weak() -> None:
    ind = load_indicator_set()
    for lst in ("child_labour", "child_sexual"):
        weak = [i.key for d in ind.dimensions for i in d.indicators_in(lst) if i.grade_in(lst) == "weak"]
        assert weak == [], lst


def test_every_list_has_a_strong_indicator_in_each_non_vulnerability_dimension_except_known_gaps() -> None:
    ind = load_indicator_set()
    strong = {(lst, d.id) for lst in ind.lists for d in ind.dimensions
              for i in d.indicators_in(lst) if i.grade_in(lst) == "strong"}
    for lst in ind.lists:
        for dim in ("deceptive_recruitment", "coercive_recruitment", "coercion_at_destination"):
            assert (lst, dim) in strong, (lst, dim)
    # adults in sexual exploitation: the exploitation dimension has no strong indicator
    assert ("adult_sexual", "exploitative_conditions") not in strong


def test_every_source_cited_by_a_rule_is_listed() -> None:
    ind = load_indicator_set()
    ids = {s["id"] for s in ind.sources}
    assert {"palermo", "ilo_ec_2009", "htcds"} <= ids
    assert all(s["url"].startswith("https://") for s in ind.sources)


@pytest.mark.parametrize(("mutate", "entry", "problem"), [
    (lambda r: r["dimensions"][0]["indicators"][0]["grades"].update(adult_labour="X"),
     "dimensions[0].indicators[0] (nature_of_job).grades.adult_labour", "'X'; allowed: S, M, W"),
    (lambda r: r["dimensions"][0]["indicators"][0]["grades"].update(elderly_labour="S"),
     "dimensions[0].indicators[0] (nature_of_job).grades", "'elderly_labour' is not a list"),
    (lambda r: r["rule"]["dimension_positive_if_any"].append({"weak": 3}),
     "rule.dimension_positive_if_any[4]", "weak indicators alone may never"),
    (lambda r: r["rule"]["outcomes"]["presumed_victim"]["adult"]["all_of"].append("dimension:smuggling"),
     "rule.outcomes.presumed_victim.adult", "'dimension:smuggling' names no dimension"),
    (lambda r: r["dimensions"][4]["indicators"][1].update(htcds_methods_of_control=["Debt"]),
     "dimensions[4].indicators[1] (debt_bondage).htcds_methods_of_control", "'Debt' is not a code of vic_methods_of_control"),
    (lambda r: r["dimensions"][3]["indicators"].pop(),
     "lists.adult_labour.expected_counts.exploitative_conditions", "the publication has 9 indicators; the file grades 8"),
    (lambda r: r["rule"]["htcds_trafficking_status"].update(presumed_victim="Victim"),
     "rule.htcds_trafficking_status.presumed_victim", "'Victim' is not a code of vic_trafficking_status"),
    (lambda r: r["dimensions"][1]["indicators"].append(copy.deepcopy(r["dimensions"][1]["indicators"][0])),
     "dimensions[1].indicators[10] (abduction_forced_marriage_sale)", "duplicate indicator"),
    (lambda r: r["lists"].pop("child_sexual"), "lists", "need exactly one list per age group"),
])
def test_broken_file_names_the_entry(raw: Any, mutate: Any, entry: str, problem: str) -> None:
    mutate(raw)
    with pytest.raises(IndicatorFileError) as err:
        parse_indicator_set(raw, "copy.yaml")
    assert err.value.entry.startswith(entry), str(err.value)
    assert problem in str(err.value)
    assert str(err.value).startswith("copy.yaml: ")


def test_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: [unclosed", encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="not valid YAML"):
        load_indicator_set(bad)
    with pytest.raises(IndicatorFileError, match="cannot read"):
        load_indicator_set(tmp_path / "missing.yaml")


# --- interview and translations -----------------------------------------------------------
def test_interview_asks_every_indicator_of_the_list_and_the_palermo_questions() -> None:
    ind = load_indicator_set()
    form = interview(15, "labour")
    expected = [i.key for d in ind.dimensions for i in d.indicators_in("child_labour")]
    assert list(form.question_keys) == [*expected, "palermo.act", "palermo.purpose"]
    assert form.list_id == "child_labour"


def test_children_get_child_wording_adults_do_not() -> None:
    child = interview(11, "labour").sections[0].questions[0].question.text
    adult = interview(30, "labour").sections[0].questions[0].question.text
    assert child != adult
    assert "job" in adult and "job" not in child


def test_wording_never_calls_the_person_a_victim() -> None:
    # trauma-informed: the person is never labelled while being asked
    ind = load_indicator_set()
    for dim in ind.dimensions:
        for i in dim.indicators:
            for q in (i.question, i.question_child):
                assert "victim" not in q.lower() and "illegal" not in q.lower() and "prostitut" not in q.lower(), i.key


def test_translation_falls_back_to_english_and_marks_review() -> None:
    form = interview(30, "labour", lang="id")
    first = form.sections[0].questions[0]
    assert first.question.language == "id" and first.question.needs_review
    untranslated = form.sections[0].questions[1].question
    assert untranslated.language == "en" and not untranslated.needs_review
    assert interview(30, "labour", lang="km").sections[0].questions[0].question.language == "en"


def test_packaged_translations_are_all_marked_for_review() -> None:
    for path in TRANSLATIONS_DIR.glob("*.json"):
        entries = load_translation(path.stem)
        assert entries, path
        assert all(needs_review for _text, needs_review in entries.values()), path


def test_translation_template_covers_every_text() -> None:
    template = translation_template("th")
    assert set(template["entries"]) == set(source_entries())
    assert all(e["needs_review"] and e["text"] == "" for e in template["entries"].values())


def test_broken_translation_is_refused(tmp_path: Path) -> None:
    good = {"format": "tipdata-screening-translations", "format_version": 1, "language": "xx",
            "entries": {"answer.yes": {"text": "Oui"}}}
    (tmp_path / "xx.json").write_text(json.dumps(good), encoding="utf-8")
    assert load_translation("xx", str(tmp_path)) == {"answer.yes": ("Oui", True)}
    bad = dict(good, language="yy", entries={"answer.perhaps": {"text": "?"}})
    (tmp_path / "yy.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="answer.perhaps: no such source text"):
        load_translation("yy", str(tmp_path))
    (tmp_path / "zz.json").write_text(json.dumps(dict(good, language="xx")), encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="named for 'zz'"):
        load_translation("zz", str(tmp_path))
