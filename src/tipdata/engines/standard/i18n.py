"""Labels in the user's language: translation files, and ISO country / language names.

Translations of the dictionary live in ``data/translations/<lang>.json`` (structure in
``data/translations/README.md``). Each entry carries ``needs_review``: a translation no
fluent speaker has checked is shown, but callers can mark it as unreviewed. Country and
language names come from Babel's CLDR data (shipped with Babel, no download), with
pycountry's English names as the fallback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pycountry
from babel import Locale, UnknownLocaleError

from .errors import DictionaryFileError, UnknownCodeError

if TYPE_CHECKING:
    from .dictionary import Dictionary

TRANSLATIONS_FORMAT = "tipdata-standard-translations"
_ENTRY_KEYS = {"label", "definition", "description", "needs_review", "note"}


@dataclass(frozen=True)
class Translation:
    """A translated label (and optionally definition) with its review status."""

    lang: str
    label: str
    definition: str | None = None
    description: str | None = None
    needs_review: bool = True
    note: str | None = None


def lang_candidates(lang: str) -> list[str]:
    """``"th-TH"`` -> ``["th_TH", "th"]``: the file names to try, most specific first."""
    tag = lang.strip().replace("-", "_")
    out = [tag]
    if "_" in tag:
        out.append(tag.split("_", 1)[0])
    return out


def is_english(lang: str | None) -> bool:
    return not lang or lang_candidates(lang)[-1].lower() == "en"


class TranslationCatalog:
    """Loads and checks translation files for one dictionary, one language at a time."""

    def __init__(self, directory: Path | None, dictionary: Dictionary) -> None:
        self.directory = directory
        self._dictionary = dictionary
        self._loaded: dict[str, dict[tuple[str, ...], Translation] | None] = {}

    def available(self) -> list[str]:
        """Languages with a translation file."""
        if self.directory is None or not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json"))

    def entries(self, lang: str) -> Mapping[tuple[str, ...], Translation]:
        """All entries for ``lang`` keyed by ``("field", name)``, ``("value", list, code)`` …"""
        for candidate in lang_candidates(lang):
            if candidate not in self._loaded:
                self._loaded[candidate] = self._load(candidate)
            found = self._loaded[candidate]
            if found is not None:
                return found
        return {}

    def get(self, key: tuple[str, ...], lang: str) -> Translation | None:
        return self.entries(lang).get(key)

    def _load(self, lang: str) -> dict[tuple[str, ...], Translation] | None:
        if self.directory is None:
            return None
        path = self.directory / f"{lang}.json"
        if not path.is_file():
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DictionaryFileError(
                str(path), "", f"cannot read translation file: {exc}"
            ) from exc
        return parse_translations(doc, str(path), lang, self._dictionary)


def parse_translations(
    doc: Any, path: str, lang: str, dictionary: Dictionary
) -> dict[tuple[str, ...], Translation]:
    """Check a translation document against the dictionary and index its entries."""
    if not isinstance(doc, dict):
        raise DictionaryFileError(path, "", "a translation file must be a JSON object")
    if doc.get("format") != TRANSLATIONS_FORMAT:
        raise DictionaryFileError(path, "format", f"must be {TRANSLATIONS_FORMAT!r}")
    if doc.get("language") != lang:
        raise DictionaryFileError(path, "language", f"must be {lang!r} (the file's name)")
    unknown = set(doc) - {
        "format",
        "format_version",
        "language",
        "dictionary",
        "note",
        "entities",
        "fields",
        "lists",
    }
    if unknown:
        raise DictionaryFileError(path, ", ".join(sorted(unknown)), "unknown top-level keys")
    out: dict[tuple[str, ...], Translation] = {}

    def entry(where: str, raw: Any) -> Translation | None:
        if not isinstance(raw, dict):
            raise DictionaryFileError(path, where, "must be an object with at least 'label'")
        extra = set(raw) - _ENTRY_KEYS
        if extra:
            raise DictionaryFileError(
                path, where, f"unknown keys {sorted(extra)}; allowed {sorted(_ENTRY_KEYS)}"
            )
        label = raw.get("label")
        if not isinstance(label, str):
            raise DictionaryFileError(path, where + ".label", "must be text")
        needs_review = raw.get("needs_review", True)
        if not isinstance(needs_review, bool):
            raise DictionaryFileError(path, where + ".needs_review", "must be true or false")
        for key in ("definition", "description", "note"):
            if key in raw and not isinstance(raw[key], str):
                raise DictionaryFileError(path, f"{where}.{key}", "must be text")
        if not label.strip():
            return None  # a template entry nobody has translated yet: English is used
        return Translation(
            lang=lang,
            label=label.strip(),
            definition=raw.get("definition"),
            description=raw.get("description"),
            needs_review=needs_review,
            note=raw.get("note"),
        )

    entity_keys = {e.key for e in dictionary.entities}
    for key, raw in _mapping(doc, "entities", path).items():
        if key not in entity_keys:
            raise DictionaryFileError(path, f"entities.{key}", "no such entity in the dictionary")
        _put(out, ("entity", key), entry(f"entities.{key}", raw))
    field_names = {f.name for f in dictionary.fields}
    for key, raw in _mapping(doc, "fields", path).items():
        if key not in field_names:
            raise DictionaryFileError(
                path,
                f"fields.{key}",
                "no such field (use the dictionary name, e.g. vic_methods_of_control)",
            )
        _put(out, ("field", key), entry(f"fields.{key}", raw))
    for list_name, raw_list in _mapping(doc, "lists", path).items():
        if list_name not in dictionary.lists:
            raise DictionaryFileError(path, f"lists.{list_name}", "no such choice list")
        if not isinstance(raw_list, dict):
            raise DictionaryFileError(path, f"lists.{list_name}", "must be an object")
        choice_list = dictionary.lists[list_name]
        if "label" in raw_list:
            list_entry = {k: v for k, v in raw_list.items() if k != "values"}
            _put(out, ("list", list_name), entry(f"lists.{list_name}", list_entry))
        codes = set(choice_list.codes)
        for code, raw in _mapping(raw_list, "values", f"{path}: lists.{list_name}").items():
            if code not in codes:
                raise DictionaryFileError(
                    path, f"lists.{list_name}.values.{code}", "no such value code"
                )
            _put(out, ("value", list_name, code), entry(f"lists.{list_name}.values.{code}", raw))
    return out


def _put(
    out: dict[tuple[str, ...], Translation], key: tuple[str, ...], value: Translation | None
) -> None:
    if value is not None:
        out[key] = value


def _mapping(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise DictionaryFileError(where, key, "must be an object keyed by name or code")
    return value


def translation_template(dictionary: Dictionary, lang: str) -> dict[str, Any]:
    """A translation file skeleton for ``lang``: every key, English text as ``source``.

    Labels are left empty so nothing untranslated can pass for a translation (an entry with
    an empty label is ignored when loading, so a half-done file is usable); a translator
    fills ``label`` (and ``definition``) and sets ``needs_review`` to false only after a
    fluent speaker has checked the entry. Country and language names are not included:
    they come from CLDR via Babel.
    """

    def item(label: str, definition: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"label": "", "needs_review": True, "note": f"EN: {label}"}
        if definition:
            out["definition"] = ""
        return out

    iso_lists = {COUNTRY_LIST, LANGUAGE_LIST}
    return {
        "format": TRANSLATIONS_FORMAT,
        "format_version": 1,
        "language": lang,
        "dictionary": dictionary.name,
        "entities": {e.key: item(e.label) for e in dictionary.entities},
        "fields": {f.name: item(f.label, f.definition) for f in dictionary.fields},
        "lists": {
            lst.name: {
                "values": {v.code: item(v.label, v.definition) for v in lst.values},
            }
            for lst in dictionary.lists.values()
            if lst.name not in iso_lists
        },
    }


# ---------------------------------------------------------------------------------------
# ISO countries and languages

COUNTRY_LIST = "citizenship"  # the XLSForm's name for its ISO 3166-1 list
LANGUAGE_LIST = "languages"


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    for candidate in lang_candidates(lang):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return None


def _country(code: str) -> Any:
    text = code.strip().upper()
    found = None
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text)
    elif len(text) == 3:
        found = pycountry.countries.get(alpha_3=text) or (
            pycountry.countries.get(numeric=text) if text.isdigit() else None
        )
    if found is None:
        raise UnknownCodeError(
            f"unknown country code {code!r} (expected ISO 3166-1 alpha-2 or alpha-3)"
        )
    return found


def country_name(code: str, lang: str | None = "en") -> str:
    """Name of a country (ISO 3166-1 alpha-2, alpha-3 or numeric code) in ``lang``.

    >>> country_name("KH", "th")
    'กัมพูชา'
    >>> country_name("VNM")
    'Vietnam'

    Falls back to the ISO English name when CLDR lacks the locale or the territory.
    Raises ``UnknownCodeError`` for a code ISO 3166-1 does not have.
    """
    country = _country(code)
    locale = _locale(lang or "en")
    if locale is not None:
        name = locale.territories.get(country.alpha_2)
        if name:
            return str(name)
    return str(country.name)


def _language(code: str) -> Any:
    text = code.strip().lower()
    found = None
    if len(text) == 2:
        found = pycountry.languages.get(alpha_2=text)
    elif len(text) == 3:
        found = (
            pycountry.languages.get(alpha_3=text)
            or pycountry.languages.get(bibliographic=text)
            or pycountry.language_families.get(alpha_3=text)
        )
    if found is None:
        raise UnknownCodeError(
            f"unknown language code {code!r} (expected ISO 639-1, 639-2 or 639-3)"
        )
    return found


def language_name(code: str, lang: str | None = "en") -> str:
    """Name of a language (ISO 639-1/-2/-3 code) in ``lang``.

    >>> language_name("khm", "km")
    'ខ្មែរ'
    """
    language = _language(code)
    locale = _locale(lang or "en")
    if locale is not None:
        for key in (getattr(language, "alpha_2", None), language.alpha_3):
            if key and locale.languages.get(key):
                return str(locale.languages[key])
    return str(language.name)


def iter_translation_keys(dictionary: Dictionary) -> Iterator[tuple[str, ...]]:
    """Every key a translation file may hold (for coverage reports)."""
    for e in dictionary.entities:
        yield ("entity", e.key)
    for f in dictionary.fields:
        yield ("field", f.name)
    for lst in dictionary.lists.values():
        yield ("list", lst.name)
        for v in lst.values:
            yield ("value", lst.name, v.code)
