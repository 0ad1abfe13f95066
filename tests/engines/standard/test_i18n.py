"""Labels in other languages: translation files with review marks, ISO names from CLDR."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tipdata.engines.standard import (
    DictionaryFileError,
    UnknownCodeError,
    country_name,
    language_name,
    load_dictionary,
)

from .conftest import DataCopy


def _write(data_copy: DataCopy, lang: str, doc: dict[str, Any]) -> None:
    path = data_copy.root / "translations" / f"{lang}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _thai(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "tipdata-standard-translations",
        "format_version": 1,
        "language": "th",
        "dictionary": "htcds-2.0",
        "fields": {"vic_methods_of_control": {"label": "วิธีการควบคุม", "needs_review": True}},
        "lists": {
            "methodsofcontrol": {
                "values": {
                    "DebtBondage": {"label": "การผูกมัดด้วยหนี้", "needs_review": False},
                    "Other": {"label": ""},
                }
            }
        },
    }
    doc.update(extra)
    return doc


def test_translated_labels_carry_their_review_status(data_copy: DataCopy) -> None:
    # Only this test's Thai file: the packaged translations would answer for other languages.
    for packaged in (data_copy.root / "translations").glob("*.json"):
        packaged.unlink()
    _write(data_copy, "th", _thai())
    d = data_copy.load()
    f = d.field("vic_MethodsOfControl")
    assert f.label_for("th") == "วิธีการควบคุม"
    assert f.label_for("th-TH") == "วิธีการควบคุม"  # regional tag falls back to the language
    assert d.label_with_status(f, "th") == ("วิธีการควบคุม", "needs_review")
    translation = f.translation_for("th")
    assert translation is not None and translation.needs_review is True
    debt = f.value("DebtBondage")
    assert d.label_with_status(debt, "th") == ("การผูกมัดด้วยหนี้", "reviewed")
    # untranslated (empty) entries and missing ones fall back to English
    assert f.value("Other").label_for("th") == "Other"
    assert f.value("SexualAbuse").label_for("th") == "Sexual abuse"
    assert d.label_with_status(f.value("SexualAbuse"), "th") == ("Sexual abuse", "english")
    assert f.label_for("en") == "Methods of Control"
    assert f.label_for("vi") == "Methods of Control"  # no Vietnamese file
    assert d.available_languages() == ["th"]
    assert d.check_translations() == {"th": {"reviewed": 1, "needs_review": 1}}


def test_countries_and_languages_get_cldr_names(dictionary: Any) -> None:
    kh = dictionary.field("prs_Citizenship").value("KH")
    assert kh.label_for("th") == "กัมพูชา"
    assert dictionary.label_with_status(kh, "km") == ("កម្ពុជា", "cldr")
    khmer = dictionary.field("prs_PrimaryLanguage").value("khm")
    assert khmer.label_for("vi") == "Tiếng Khmer"


def test_to_json_and_rows_with_a_language(data_copy: DataCopy) -> None:
    _write(data_copy, "th", _thai())
    d = data_copy.load()
    data = d.to_json(lang="th")
    moc = next(f for e in data for f in e["fields"] if f["name"] == "vic_methods_of_control")
    assert moc["label"] == "Methods of Control"  # English stays
    assert (moc["label_local"], moc["label_local_status"]) == ("วิธีการควบคุม", "needs_review")
    rows = [r for r in d.to_rows(lang="th") if r["field"] == "vic_methods_of_control"]
    assert rows[0]["label_local"] == "วิธีการควบคุม"


@pytest.mark.parametrize(
    ("extra", "entry", "problem"),
    [
        (
            {"fields": {"vic_MethodsOfControl": {"label": "x"}}},
            "fields.vic_MethodsOfControl",
            "no such field",
        ),
        (
            {"lists": {"methodsofcontrol": {"values": {"Beating": {"label": "x"}}}}},
            "values.Beating",
            "no such value code",
        ),
        (
            {"fields": {"prs_gender": {"label": "x", "needs_review": "yes"}}},
            "fields.prs_gender.needs_review",
            "true or false",
        ),
        (
            {"fields": {"prs_gender": {"label": "x", "colour": "red"}}},
            "fields.prs_gender",
            "unknown keys",
        ),
        ({"language": "vi"}, "language", "must be 'th'"),
        ({"entities": {"victims": {"label": "x"}}}, "entities.victims", "no such entity"),
    ],
)
def test_bad_translation_files_name_file_and_entry(
    data_copy: DataCopy, extra: dict[str, Any], entry: str, problem: str
) -> None:
    _write(data_copy, "th", _thai(**extra))
    d = data_copy.load()
    with pytest.raises(DictionaryFileError) as err:
        d.check_translations()  # what start-up calls
    assert entry in err.value.entry
    with pytest.raises(DictionaryFileError) as err:
        d.field("prs_Gender").label_for("th")  # and on first use otherwise
    assert err.value.path.endswith("th.json")
    assert entry in err.value.entry
    assert problem in err.value.problem


def test_translation_template_round_trips_as_untranslated(data_copy: DataCopy) -> None:
    d = data_copy.load()
    template = d.translation_template("km")
    assert set(template["fields"]) == {f.name for f in d.fields}
    assert template["fields"]["vic_methods_of_control"]["needs_review"] is True
    assert "citizenship" not in template["lists"]  # CLDR provides country names
    _write(data_copy, "km", template)
    again = data_copy.load()
    assert again.field("vic_MethodsOfControl").label_for("km") == "Methods of Control"


def test_country_and_language_names() -> None:
    assert country_name("KH", "th") == "กัมพูชา"
    assert country_name("khm", "en") == "Cambodia"
    assert country_name("MM", "id").startswith("Myanmar")
    assert country_name("VN", "xx-unknown") == "Viet Nam"  # unknown locale: ISO English name
    assert language_name("km", "km") == "ខ្មែរ"
    assert language_name("bur", "en") == "Burmese"
    assert language_name("fil", "vi")
    with pytest.raises(UnknownCodeError, match="unknown country code 'ZZ'"):
        country_name("ZZ")
    with pytest.raises(UnknownCodeError, match="unknown language code"):
        language_name("xx1")


def test_packaged_translation_files_are_valid() -> None:
    # Whatever translation files the package ships must load cleanly.
    d = load_dictionary()
    report = d.check_translations()
    assert set(report) == set(d.available_languages())
