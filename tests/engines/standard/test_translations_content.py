"""The packaged vocabulary translations: complete for the lists case workers pick from,
and honest about review (nothing unreviewed passes as final)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tipdata.engines.standard import DEFAULT_TRANSLATIONS_DIR, Dictionary, load_dictionary

LANGUAGES = ("th", "id", "km", "fil", "vi")

# Every value of these lists needs a label in each language: they are the choices a case
# worker makes on the forms and the categories reports are broken down by.
REQUIRED_LISTS = (
    "gender",
    "typeofexploitation",
    "methodsofcontrol",
    "methodofrecruitment",
    "status",
    "traffickingstatus",
    "traffickingstatusdecisionmakingorg",
    "typeofsexexploitation",
    "forcedlabourindustry",
    # the spreadsheet-only picklists
    "marital_status",
    "education_level",
    "relationship_to_trafficker",
    "referral_reason",
    "support_plan_type",
    "trafficking_event_type",
    "perpetrator_role",
    "organisation_type",
    # complete too, so kept complete
    "consent",
    "vulnerabilities",
    "forcedlabourindustry_tier2",
    "forcedlabourindustry_tier3",
    "migrant_type",
    "international_protection",
    "other_migration_status",
)
# Brand names (Facebook, LINE, TikTok ...) are not translated; only "Other" is.
PARTLY_TRANSLATED = {"websites_and_apps": ("Other",)}
# A label may equal the English where the word is the everyday term in that language.
LOANWORDS = {("id", "trafficking_event_type", "Transit")}
# Every field of these entities is labelled (the ones on the case forms and pages).
REQUIRED_ENTITIES = (
    "person",
    "victim_context",
    "perpetrator_context",
    "case",
    "referral",
    "consent",
)


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return load_dictionary()


def _raw(lang: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (DEFAULT_TRANSLATIONS_DIR / f"{lang}.json").read_text(encoding="utf-8")
    )
    return doc


def _raw_entries(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(where, entry) for every entry of a translation file, list labels included."""
    out = [(f"entities.{k}", v) for k, v in doc.get("entities", {}).items()]
    out += [(f"fields.{k}", v) for k, v in doc.get("fields", {}).items()]
    for name, lst in doc.get("lists", {}).items():
        if "label" in lst:
            out.append((f"lists.{name}", {k: v for k, v in lst.items() if k != "values"}))
        out += [(f"lists.{name}.values.{c}", v) for c, v in lst.get("values", {}).items()]
    return out


def test_every_language_ships_a_file_that_loads(dictionary: Dictionary) -> None:
    report = dictionary.check_translations()  # what start-up calls; raises on a bad file
    for lang in LANGUAGES:
        assert lang in dictionary.available_languages()
        assert report[lang]["needs_review"] + report[lang]["reviewed"] > 0, lang


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("list_name", REQUIRED_LISTS + tuple(PARTLY_TRANSLATED))
def test_every_value_of_the_picklists_has_a_label(
    dictionary: Dictionary, lang: str, list_name: str
) -> None:
    choice_list = dictionary.choice_list(list_name)
    codes = PARTLY_TRANSLATED.get(list_name, choice_list.codes)
    missing, english = [], []
    for value in choice_list.values:
        if value.code not in codes:
            continue
        label, status = dictionary.label_with_status(value, lang)
        if status == "english":
            missing.append(value.code)
        elif label.casefold() == value.label.casefold() and (
            (lang, list_name, value.code) not in LOANWORDS
        ):
            english.append(value.code)
    assert not missing, f"{lang}: {list_name} has no label for {missing}"
    assert not english, f"{lang}: {list_name} labels still read as English for {english}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_entities_and_case_fields_have_labels(dictionary: Dictionary, lang: str) -> None:
    untranslated = [e.key for e in dictionary.entities if dictionary.translation(e, lang) is None]
    for key in REQUIRED_ENTITIES:
        entity = dictionary.entity(key)
        untranslated += [f.name for f in entity.fields if dictionary.translation(f, lang) is None]
    assert not untranslated, f"{lang}: no label for {untranslated}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_says_whether_a_fluent_speaker_reviewed_it(
    dictionary: Dictionary, lang: str
) -> None:
    doc = _raw(lang)
    entries = _raw_entries(doc)
    assert entries
    flagged = 0
    for where, entry in entries:
        # Explicit, not the loader's default: a reader of the file sees the status.
        assert isinstance(entry.get("needs_review"), bool), f"{lang}.json {where}: no needs_review"
        assert entry["label"].strip(), f"{lang}.json {where}: empty label"
        if entry["needs_review"]:
            flagged += 1
        else:
            # Only a fluent speaker clears the flag, and signs the entry (docs/translations.md).
            note = entry.get("note", "")
            assert note.startswith("Reviewed-by:"), (
                f"{lang}.json {where}: needs_review is false without a 'Reviewed-by:' note"
            )
    report = dictionary.check_translations()[lang]
    assert report["needs_review"] == flagged
    assert report["reviewed"] == len(entries) - flagged


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_has_been_reviewed_yet(dictionary: Dictionary, lang: str) -> None:
    # Every label in the files today is a draft; the application must show it as one.
    # When a fluent speaker signs entries off, this test is the one to change.
    report = dictionary.check_translations()[lang]
    assert report["reviewed"] == 0
    debt = dictionary.choice_list("methodsofcontrol").value("DebtBondage")
    assert dictionary.label_with_status(debt, lang)[1] == "needs_review"


def test_labels_differ_between_languages(dictionary: Dictionary) -> None:
    # A copy-paste slip (one language's labels pasted into another file) shows up as
    # identical labels across scripts that cannot share words.
    values = dictionary.choice_list("typeofexploitation").values
    for value in values:
        labels = {lang: dictionary.label(value, lang) for lang in ("th", "km", "vi")}
        assert len(set(labels.values())) == 3, labels
