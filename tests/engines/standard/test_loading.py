"""Broken dictionary and overlay files stop loading with the file and entry named."""

from __future__ import annotations

from typing import Any

import pytest

from tipdata.engines.standard import DictionaryFileError, load_dictionary

from .conftest import DataCopy


def _field(doc: dict[str, Any], htcds_name: str) -> tuple[int, int, dict[str, Any]]:
    for i, e in enumerate(doc["entities"]):
        for j, f in enumerate(e["fields"]):
            if f["htcds_name"] == htcds_name:
                return i, j, f
    raise AssertionError(htcds_name)


def test_default_dictionary_is_cached() -> None:
    assert load_dictionary() is load_dictionary()


def test_a_good_copy_loads(data_copy: DataCopy) -> None:
    assert data_copy.load() == load_dictionary()


def test_bad_field_type_names_file_and_entry(data_copy: DataCopy) -> None:
    doc = data_copy.doc()
    i, j, f = _field(doc, "vic_MethodsOfControl")
    f["type"] = "picklist"
    data_copy.write_doc(doc)
    with pytest.raises(DictionaryFileError) as err:
        data_copy.load()
    assert err.value.path == str(data_copy.json_path)
    assert (
        err.value.entry == f"entities[{i}] (victim_context).fields[{j}] (vic_MethodsOfControl).type"
    )
    assert "'picklist' is not one of text, long_text" in str(err.value)
    assert str(data_copy.json_path) in str(err.value)


def test_truncated_json_names_line_and_column(data_copy: DataCopy) -> None:
    text = data_copy.json_path.read_text(encoding="utf-8")
    data_copy.json_path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(
        DictionaryFileError, match=r"htcds-2\.0\.json: line \d+ column \d+: not valid JSON"
    ):
        data_copy.load()


@pytest.mark.parametrize(
    ("mutate", "entry", "problem"),
    [
        (
            lambda d: _field(d, "prs_Gender")[2].pop("label"),
            "(prs_Gender)",
            "missing required key 'label'",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(core="yes"),
            "(prs_Gender).core",
            "must be bool",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(status="final"),
            "(prs_Gender).status",
            "'final' is not one of",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(choice_list="genders"),
            "(prs_Gender).choice_list",
            "no choice list 'genders'",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(colour="red"),
            "(prs_Gender)",
            "unknown keys ['colour']",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(pattern="[unclosed"),
            "(prs_Gender).pattern",
            "not a valid regular expression",
        ),
        (
            lambda d: _field(d, "prs_Gender")[2].update(name="prs_first_name"),
            "(prs_Gender)",
            "clashes with field prs_FirstName",
        ),
        (
            lambda d: d["lists"][0]["values"].append(dict(d["lists"][0]["values"][0])),
            "lists[0] (gender).values[6] (Feminine)",
            "duplicate code",
        ),
        (
            lambda d: d["lists"][0]["values"][0].update(code="Has Space"),
            "(Has Space)",
            "must not contain spaces",
        ),
        (lambda d: d.update(format_version=99), "format_version", "this tipdata reads version 1"),
        (
            lambda d: d["standard"].pop("attribution"),
            "standard",
            "missing required key 'attribution'",
        ),
    ],
)
def test_malformed_entries(data_copy: DataCopy, mutate: Any, entry: str, problem: str) -> None:
    doc = data_copy.doc()
    mutate(doc)
    data_copy.write_doc(doc)
    with pytest.raises(DictionaryFileError) as err:
        data_copy.load()
    assert entry in err.value.entry
    assert problem in err.value.problem
    assert err.value.path == str(data_copy.json_path)


def test_overlay_missing_a_field(data_copy: DataCopy) -> None:
    overlay = data_copy.overlay()
    del overlay["fields"]["prs_Birthdate"]
    data_copy.write_overlay(overlay)
    with pytest.raises(DictionaryFileError) as err:
        data_copy.load()
    assert err.value.path == str(data_copy.overlay_path)
    assert err.value.entry == "fields.prs_Birthdate"
    assert "every field needs a privacy_class" in err.value.problem


def test_overlay_naming_an_unknown_field(data_copy: DataCopy) -> None:
    overlay = data_copy.overlay()
    overlay["fields"]["prs_Birthdat"] = dict(overlay["fields"]["prs_Birthdate"])
    data_copy.write_overlay(overlay)
    with pytest.raises(DictionaryFileError) as err:
        data_copy.load()
    assert err.value.entry == "fields.prs_Birthdat"
    assert "no such field in htcds-2.0; did you mean prs_Birthdate" in err.value.problem


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("privacy_class", "secret", "'secret' is not one of direct_identifier"),
        ("purposes", ["marketing"], "'marketing' is not a declared purpose"),
        ("purposes", [], "at least one purpose"),
        ("category", "misc", "'misc' is not one of data, process"),
        ("why", "  ", "say why"),
    ],
)
def test_overlay_bad_annotation(data_copy: DataCopy, key: str, value: Any, problem: str) -> None:
    overlay = data_copy.overlay()
    overlay["fields"]["vic_MethodsOfControl"][key] = value
    data_copy.write_overlay(overlay)
    with pytest.raises(DictionaryFileError) as err:
        data_copy.load()
    assert err.value.entry == f"fields.vic_MethodsOfControl.{key}"
    assert problem in err.value.problem


def test_overlay_invalid_yaml(data_copy: DataCopy) -> None:
    data_copy.overlay_path.write_text("fields: [unclosed\n", encoding="utf-8")
    with pytest.raises(
        DictionaryFileError, match=r"privacy\.yaml: line \d+ column \d+: not valid YAML"
    ):
        data_copy.load()


def test_missing_files(data_copy: DataCopy) -> None:
    data_copy.overlay_path.unlink()
    with pytest.raises(DictionaryFileError, match="privacy overlay file not found"):
        data_copy.load()
    with pytest.raises(DictionaryFileError, match="file not found"):
        load_dictionary(data_copy.root / "nope.json")
