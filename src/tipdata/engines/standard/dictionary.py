"""The HTCDS data dictionary: loading, checking, looking up, validating and exporting.

``load_dictionary()`` reads the packaged ``data/htcds-2.0.json`` (built from the standard's
sources by ``tools/build_dictionary.py``) and merges the hand-maintained privacy overlay
``data/privacy.yaml``. Both are checked when loaded; a malformed file raises
``DictionaryFileError`` naming the file and the entry, so the application refuses to start
on a broken dictionary instead of misclassifying data later.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .errors import DictionaryFileError, UnknownEntityError, UnknownFieldError
from .i18n import (
    COUNTRY_LIST,
    LANGUAGE_LIST,
    Translation,
    TranslationCatalog,
    country_name,
    is_english,
    language_name,
    translation_template,
)
from .model import PRIVACY_CLASSES, ChoiceList, Entity, Field, StandardInfo, Value
from .schema import (
    DICTIONARY_FORMAT,
    ENTITY_KEYS,
    FIELD_KEYS,
    LIST_KEYS,
    OVERLAY_FORMAT,
    STANDARD_KEYS,
    SUPPORTED_FORMAT_VERSION,
    VALUE_KEYS,
    check_annotation,
    check_field_semantics,
    check_object,
    check_str_list,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DICTIONARY_FILE = DATA_DIR / "htcds-2.0.json"
DEFAULT_OVERLAY_FILE = DATA_DIR / "privacy.yaml"
DEFAULT_TRANSLATIONS_DIR = DATA_DIR / "translations"

# Flat table columns of ``Dictionary.to_rows()`` (one row per field value; one row for a
# field without values).
ROW_COLUMNS = (
    "entity",
    "entity_label",
    "field",
    "htcds_name",
    "xlsform_name",
    "label",
    "type",
    "source_type",
    "core",
    "status",
    "category",
    "privacy_class",
    "purpose",
    "purposes",
    "description",
    "notes",
    "definition",
    "choice_list",
    "value_code",
    "value_label",
    "value_definition",
    "value_iso_alpha2",
    "value_iso_alpha3",
)


def loose_key(name: str) -> str:
    """Name key ignoring case, underscores and spaces: all spellings of a field meet here."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


class Dictionary:
    """A loaded, checked data dictionary (HTCDS 2.0 plus tipdata's annotations).

    Look-ups accept any spelling of a field: the dictionary name (``prs_citizenship``), the
    spreadsheet name (``prs_Citizenship``), the XLSForm question name
    (``vic_Methods_of_Control``) or a toolkit alias, in any case; and the bare name without
    prefix when only one entity has it (``MethodsOfControl``).
    """

    def __init__(
        self,
        *,
        name: str,
        standard: StandardInfo,
        entities: Iterable[Entity],
        lists: Iterable[ChoiceList],
        purposes: Mapping[str, str],
        privacy_classes: Mapping[str, str],
        categories: Mapping[str, str],
        translations_dir: Path | None = None,
        build: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.standard = standard
        self.entities: tuple[Entity, ...] = tuple(entities)
        self.lists: Mapping[str, ChoiceList] = MappingProxyType({lst.name: lst for lst in lists})
        self.fields: tuple[Field, ...] = tuple(f for e in self.entities for f in e.fields)
        self.purposes: Mapping[str, str] = MappingProxyType(dict(purposes))
        self.privacy_classes: Mapping[str, str] = MappingProxyType(dict(privacy_classes))
        self.categories: Mapping[str, str] = MappingProxyType(dict(categories))
        self.build: Mapping[str, Any] = MappingProxyType(dict(build or {}))
        self._translations = TranslationCatalog(translations_dir, self)
        self._by_key: dict[str, Field] = {}
        self._by_bare_key: dict[str, list[Field]] = {}
        for f in self.fields:
            for spelling in f.names:
                key = loose_key(spelling)
                other = self._by_key.get(key)
                if other is not None and other is not f:
                    raise ValueError(f"field name {spelling!r} of {f.name} also names {other.name}")
                self._by_key[key] = f
            bare = f.htcds_name.split("_", 1)[1] if "_" in f.htcds_name else f.htcds_name
            self._by_bare_key.setdefault(loose_key(bare), []).append(f)
        for item in self._items():
            object.__setattr__(item, "_catalog", self)

    def _items(self) -> Iterable[Entity | Field | Value | ChoiceList]:
        for e in self.entities:
            yield e
            for f in e.fields:
                yield f
                yield from f.values
        for lst in self.lists.values():
            yield lst
            yield from lst.values

    # ------------------------------------------------------------------ look-ups

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dictionary):
            return NotImplemented
        return (
            self.name == other.name
            and self.standard == other.standard
            and self.entities == other.entities
            and dict(self.lists) == dict(other.lists)
            and dict(self.purposes) == dict(other.purposes)
            and dict(self.privacy_classes) == dict(other.privacy_classes)
            and dict(self.categories) == dict(other.categories)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable caches inside; compare, don't hash

    def __repr__(self) -> str:
        return f"<Dictionary {self.name}: {len(self.entities)} entities, {len(self.fields)} fields>"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find_field(name) is not None

    def find_field(self, name: str) -> Field | None:
        """The field for any of its spellings, or ``None``."""
        key = loose_key(name)
        if key in self._by_key:
            return self._by_key[key]
        bare = self._by_bare_key.get(key, [])
        return bare[0] if len(bare) == 1 else None

    def field(self, name: str) -> Field:
        """The field named ``name`` (any spelling, case-insensitive).

        Raises ``UnknownFieldError`` with close matches when there is none, and when a bare
        name (``Type``) belongs to several entities.
        """
        found = self.find_field(name)
        if found is not None:
            return found
        bare = self._by_bare_key.get(loose_key(name), [])
        if len(bare) > 1:
            raise UnknownFieldError(
                name,
                [f.htcds_name for f in bare],
                reason=f"{name!r} is ambiguous: several entities have it; use the prefixed name",
            )
        raise UnknownFieldError(name, self.suggest(name))

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Close matches among all field spellings, as spreadsheet (``htcds_name``) names."""
        by_key = {loose_key(s): f for f in self.fields for s in f.names}
        for f in self.fields:
            bare = f.htcds_name.split("_", 1)[-1]
            by_key.setdefault(loose_key(bare), f)
        hits = difflib.get_close_matches(loose_key(name), list(by_key), n=limit * 3, cutoff=0.6)
        out: list[str] = []
        for h in hits:
            n = by_key[h].htcds_name
            if n not in out:
                out.append(n)
        return out[:limit]

    def entity(self, key: str) -> Entity:
        """The entity by key (``victim_context``), label or prefix (``vic_``/``vic``)."""
        wanted = loose_key(key)
        for e in self.entities:
            spellings = {e.key, e.label}
            if e.prefix and e.key != "referral":  # cas_ is shared by case and referral
                spellings.update({e.prefix, e.prefix.rstrip("_")})
            if wanted in {loose_key(s) for s in spellings}:
                return e
        keys = [e.key for e in self.entities]
        raise UnknownEntityError(key, difflib.get_close_matches(key, keys, n=3, cutoff=0.5))

    def entity_of(self, f: Field) -> Entity:
        return self.entity(f.entity)

    def choice_list(self, name: str) -> ChoiceList:
        if name in self.lists:
            return self.lists[name]
        raise KeyError(
            f"unknown choice list {name!r}"
            + (
                f"; did you mean {', '.join(m)}?"
                if (m := difflib.get_close_matches(name, list(self.lists), n=3))
                else ""
            )
        )

    def fields_by_privacy_class(self, privacy_class: str) -> tuple[Field, ...]:
        if privacy_class not in PRIVACY_CLASSES:
            raise ValueError(
                f"unknown privacy class {privacy_class!r}; one of {', '.join(PRIVACY_CLASSES)}"
            )
        return tuple(f for f in self.fields if f.privacy_class == privacy_class)

    def validate_value(self, field: Field | str, value: Any) -> Any:
        """Validate ``value`` for a field given by object or any of its names; see ``Field.validate``."""
        f = field if isinstance(field, Field) else self.field(field)
        return f.validate(value)

    # ------------------------------------------------------------------ labels

    def translation(
        self, item: Entity | Field | Value | ChoiceList, lang: str
    ) -> Translation | None:
        """The translation file entry for ``item`` in ``lang``, if there is one."""
        return self._translations.get(_translation_key(item), lang)

    def label(self, item: Entity | Field | Value | ChoiceList, lang: str | None) -> str:
        """``item``'s label in ``lang``: translation file, else CLDR for countries/languages,
        else English."""
        return self.label_with_status(item, lang)[0]

    def label_with_status(
        self, item: Entity | Field | Value | ChoiceList, lang: str | None
    ) -> tuple[str, str]:
        """(label, status) where status is ``english``, ``reviewed``, ``needs_review`` or
        ``cldr`` (a country/language name from Babel's CLDR data)."""
        if lang is None or is_english(lang):
            return item.label, "english"
        found = self.translation(item, lang)
        if found is not None:
            return found.label, "needs_review" if found.needs_review else "reviewed"
        if isinstance(item, Value) and item.list_name in (COUNTRY_LIST, LANGUAGE_LIST):
            try:
                if item.list_name == COUNTRY_LIST:
                    return country_name(item.code, lang), "cldr"
                return language_name(item.code, lang), "cldr"
            except LookupError:
                pass  # an ISO code pycountry lacks (e.g. 'him'): the English label stands
        return item.label, "english"

    def available_languages(self) -> list[str]:
        """Languages with a translation file (English needs none)."""
        return self._translations.available()

    def check_translations(self) -> dict[str, dict[str, int]]:
        """Load and check every translation file now (call at start-up).

        Translation files are otherwise read on first use; this makes a broken one fail
        start-up with ``DictionaryFileError`` instead. Returns, per language, how many
        entries are ``reviewed`` and how many ``needs_review``.
        """
        out: dict[str, dict[str, int]] = {}
        for lang in self.available_languages():
            entries = self._translations.entries(lang).values()
            reviewed = sum(1 for t in entries if not t.needs_review)
            out[lang] = {"reviewed": reviewed, "needs_review": len(entries) - reviewed}
        return out

    def translation_template(self, lang: str) -> dict[str, Any]:
        """A skeleton translation file for ``lang`` (see ``i18n.translation_template``)."""
        return translation_template(self, lang)

    # ------------------------------------------------------------------ export

    def to_json(self, lang: str | None = None) -> list[dict[str, Any]]:
        """The dictionary as a JSON-ready list of entities, each with its fields and values.

        Every field carries ``privacy_class``, ``purpose`` and ``purposes``. With ``lang``,
        entities, fields and values also get ``label_local`` and ``label_local_status``.
        """
        out = [e.to_dict() for e in self.entities]
        if lang is not None:
            for e, e_dict in zip(self.entities, out, strict=True):
                self._localise(e, e_dict, lang)
                for f, f_dict in zip(e.fields, e_dict["fields"], strict=True):
                    self._localise(f, f_dict, lang)
                    for v, v_dict in zip(f.values, f_dict["values"], strict=True):
                        self._localise(v, v_dict, lang)
        return out

    def _localise(self, item: Entity | Field | Value, out: dict[str, Any], lang: str) -> None:
        out["label_local"], out["label_local_status"] = self.label_with_status(item, lang)

    def to_document(self) -> dict[str, Any]:
        """Everything: attribution, entities (as ``to_json``), every choice list (also those
        no field uses), purposes and privacy classes. ``from_document`` reverses it."""
        return {
            "format": DICTIONARY_FORMAT,
            "format_version": SUPPORTED_FORMAT_VERSION,
            "dictionary": self.name,
            "standard": self.standard.to_dict(),
            "privacy_classes": dict(self.privacy_classes),
            "purposes": dict(self.purposes),
            "categories": dict(self.categories),
            "entities": self.to_json(),
            "lists": [lst.to_dict() for lst in self.lists.values()],
        }

    @classmethod
    def from_document(
        cls, doc: Any, *, source: str = "<document>", translations_dir: Path | None = None
    ) -> Dictionary:
        """Rebuild a dictionary from ``to_document()`` output (privacy classes included)."""
        return _parse(
            doc, source, overlay=None, overlay_path=None, translations_dir=translations_dir
        )

    def to_rows(self, lang: str | None = None) -> list[dict[str, str]]:
        """A flat table (columns ``ROW_COLUMNS``, plus ``label_local``/``value_label_local``
        with ``lang``): one row per field value, one row for a field without values."""
        rows: list[dict[str, str]] = []
        for e in self.entities:
            for f in e.fields:
                base = {
                    "entity": e.key,
                    "entity_label": e.label,
                    "field": f.name,
                    "htcds_name": f.htcds_name,
                    "xlsform_name": f.xlsform_name or "",
                    "label": f.label,
                    "type": f.type,
                    "source_type": f.source_type,
                    "core": "true" if f.core else "false",
                    "status": f.status,
                    "category": f.category,
                    "privacy_class": f.privacy_class,
                    "purpose": f.purpose,
                    "purposes": ";".join(f.purposes),
                    "description": f.description or "",
                    "notes": f.notes or "",
                    "definition": f.definition or "",
                    "choice_list": f.choice_list or "",
                }
                if lang is not None:
                    base["label_local"] = self.label(f, lang)
                for v in f.values or (None,):
                    row = dict(base)
                    row["value_code"] = v.code if v else ""
                    row["value_label"] = v.label if v else ""
                    row["value_definition"] = (v.definition or "") if v else ""
                    row["value_iso_alpha2"] = (v.iso_alpha2 or "") if v else ""
                    row["value_iso_alpha3"] = (v.iso_alpha3 or "") if v else ""
                    if lang is not None:
                        row["value_label_local"] = self.label(v, lang) if v else ""
                    rows.append(row)
        return rows


def _translation_key(item: Entity | Field | Value | ChoiceList) -> tuple[str, ...]:
    if isinstance(item, Entity):
        return ("entity", item.key)
    if isinstance(item, Field):
        return ("field", item.name)
    if isinstance(item, Value):
        return ("value", item.list_name, item.code)
    return ("list", item.name)


# ---------------------------------------------------------------------------------------
# loading


def load_dictionary(
    path: str | Path | None = None,
    *,
    overlay_path: str | Path | None = None,
    translations_dir: str | Path | None = None,
) -> Dictionary:
    """Load and check a dictionary file and its privacy overlay.

    With no arguments, the packaged HTCDS 2.0 dictionary (loaded once, then cached). With
    ``path``, that file, its overlay ``privacy.yaml`` and translations from the same folder
    unless given. Raises ``DictionaryFileError`` naming the file and entry on any problem.
    """
    if path is None and overlay_path is None and translations_dir is None:
        return _default_dictionary()
    dict_path = Path(path) if path is not None else DEFAULT_DICTIONARY_FILE
    ov_path = Path(overlay_path) if overlay_path is not None else dict_path.parent / "privacy.yaml"
    tr_dir = (
        Path(translations_dir)
        if translations_dir is not None
        else dict_path.parent / "translations"
    )
    return _load(dict_path, ov_path, tr_dir)


@lru_cache(maxsize=1)
def _default_dictionary() -> Dictionary:
    return _load(DEFAULT_DICTIONARY_FILE, DEFAULT_OVERLAY_FILE, DEFAULT_TRANSLATIONS_DIR)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryFileError(str(path), "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryFileError(str(path), "", f"cannot read: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DictionaryFileError(
            str(path), f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from exc


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryFileError(str(path), "", "privacy overlay file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryFileError(str(path), "", f"cannot read: {exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise DictionaryFileError(str(path), where, f"not valid YAML: {exc}") from exc


def _load(dict_path: Path, overlay_path: Path, translations_dir: Path) -> Dictionary:
    doc = _read_json(dict_path)
    overlay = _read_yaml(overlay_path)
    return _parse(
        doc,
        str(dict_path),
        overlay=overlay,
        overlay_path=str(overlay_path),
        translations_dir=translations_dir,
    )


def _parse(
    doc: Any,
    path: str,
    *,
    overlay: Any,
    overlay_path: str | None,
    translations_dir: Path | None,
) -> Dictionary:
    if not isinstance(doc, dict):
        raise DictionaryFileError(path, "", "must be a JSON object")
    if doc.get("format") != DICTIONARY_FORMAT:
        raise DictionaryFileError(
            path, "format", f"must be {DICTIONARY_FORMAT!r}, found {doc.get('format')!r}"
        )
    if doc.get("format_version") != SUPPORTED_FORMAT_VERSION:
        raise DictionaryFileError(
            path,
            "format_version",
            f"this tipdata reads version {SUPPORTED_FORMAT_VERSION}, found {doc.get('format_version')!r}",
        )
    name = doc.get("dictionary")
    if not isinstance(name, str) or not name:
        raise DictionaryFileError(path, "dictionary", "must name the dictionary, e.g. 'htcds-2.0'")
    std = check_object(doc.get("standard"), STANDARD_KEYS, path, "standard")
    standard = StandardInfo(
        **{k: std[k] for k in STANDARD_KEYS if k != "column_reference"},
        column_reference=dict(std.get("column_reference", {})),
    )

    # ---- lists
    raw_lists = doc.get("lists")
    if not isinstance(raw_lists, list):
        raise DictionaryFileError(path, "lists", "must be a list of choice lists")
    list_values: dict[str, tuple[Value, ...]] = {}
    list_raw: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(raw_lists):
        where = f"lists[{i}]{_named(raw, 'name')}"
        check_object(raw, LIST_KEYS, path, where)
        if raw["name"] in list_raw:
            raise DictionaryFileError(path, where, "a list with this name appears twice")
        values = []
        seen: set[str] = set()
        for j, rv in enumerate(raw["values"]):
            vwhere = f"{where}.values[{j}]{_named(rv, 'code')}"
            check_object(rv, VALUE_KEYS, path, vwhere)
            if rv["code"] in seen:
                raise DictionaryFileError(path, vwhere, "duplicate code")
            if re.search(r"[\s;]", rv["code"]):
                raise DictionaryFileError(path, vwhere, "codes must not contain spaces or ';'")
            seen.add(rv["code"])
            values.append(_value(rv, raw["name"], path, vwhere))
        list_values[raw["name"]] = tuple(values)
        list_raw[raw["name"]] = raw
    for lname, raw in list_raw.items():
        ext = raw.get("extends")
        if ext is not None:
            if ext not in list_values:
                raise DictionaryFileError(path, f"lists ({lname}).extends", f"no list {ext!r}")
            parents = {v.code for v in list_values[ext]}
            for v in list_values[lname]:
                if v.parent not in parents:
                    raise DictionaryFileError(
                        path,
                        f"lists ({lname}).values ({v.code}).parent",
                        f"{v.parent!r} is not a code of {ext}",
                    )

    # ---- overlay (privacy classes, purposes, categories)
    annotations: dict[str, tuple[str, tuple[str, ...], str, str]] = {}
    if overlay is not None:
        assert overlay_path is not None
        purposes, classes, categories, overlay_fields = _overlay_header(overlay, overlay_path, name)
    else:
        purposes, classes, categories = _document_header(doc, path)
        overlay_fields = None

    # ---- entities and fields
    raw_entities = doc.get("entities")
    if not isinstance(raw_entities, list) or not raw_entities:
        raise DictionaryFileError(path, "entities", "must be a non-empty list")
    entities: list[Entity] = []
    seen_entities: set[str] = set()
    seen_fields: dict[str, tuple[tuple[int, int], str]] = {}
    used_by: dict[str, list[str]] = {}
    for i, raw_e in enumerate(raw_entities):
        ewhere = f"entities[{i}]{_named(raw_e, 'key')}"
        check_object(raw_e, ENTITY_KEYS, path, ewhere)
        if raw_e["key"] in seen_entities:
            raise DictionaryFileError(path, ewhere, "entity key appears twice")
        seen_entities.add(raw_e["key"])
        fields = []
        for j, raw_f in enumerate(raw_e["fields"]):
            fwhere = f"{ewhere}.fields[{j}]{_named(raw_f, 'htcds_name')}"
            check_object(raw_f, FIELD_KEYS, path, fwhere)
            check_field_semantics(raw_f, path, fwhere)
            if "entity" in raw_f and raw_f["entity"] != raw_e["key"]:
                raise DictionaryFileError(
                    path, f"{fwhere}.entity", f"says {raw_f['entity']!r} inside {raw_e['key']!r}"
                )
            for spelling in {
                raw_f["name"],
                raw_f["htcds_name"],
                raw_f.get("xlsform_name") or raw_f["name"],
                *raw_f.get("aliases", []),
            }:
                key = loose_key(spelling)
                # compare positions, not names: two entries may wrongly share a name
                if key in seen_fields and seen_fields[key][0] != (i, j):
                    raise DictionaryFileError(
                        path, fwhere, f"name {spelling!r} clashes with field {seen_fields[key][1]}"
                    )
                seen_fields[key] = ((i, j), raw_f["htcds_name"])
            clist = raw_f.get("choice_list")
            if clist is not None and clist not in list_values:
                raise DictionaryFileError(
                    path, f"{fwhere}.choice_list", f"no choice list {clist!r}"
                )
            if clist is not None:
                used_by.setdefault(clist, []).append(raw_f["name"])
            if "values" in raw_f:
                # exported documents repeat each field's values; they must agree with the list
                embedded = [v.get("code") if isinstance(v, dict) else v for v in raw_f["values"]]
                expected = [v.code for v in list_values.get(clist or "", ())]
                if embedded != expected:
                    raise DictionaryFileError(
                        path, f"{fwhere}.values", f"codes differ from choice list {clist!r}"
                    )
            if overlay_fields is not None:
                assert overlay_path is not None
                if raw_f["htcds_name"] not in overlay_fields:
                    raise DictionaryFileError(
                        overlay_path,
                        f"fields.{raw_f['htcds_name']}",
                        "missing: every field needs a privacy_class, purposes, category and why",
                    )
                annotation = check_annotation(
                    overlay_fields[raw_f["htcds_name"]],
                    overlay_path,
                    f"fields.{raw_f['htcds_name']}",
                    purposes,
                )
            else:
                annotation = _document_annotation(raw_f, path, fwhere, purposes)
            annotations[raw_f["name"]] = annotation
            fields.append(_field(raw_f, raw_e["key"], annotation, list_values.get(clist or "", ())))
        entities.append(
            Entity(
                key=raw_e["key"],
                label=raw_e["label"],
                section=raw_e["section"],
                prefix=raw_e["prefix"],
                fields=tuple(fields),
                description=raw_e.get("description"),
                notes=raw_e.get("notes"),
                definition=raw_e.get("definition"),
                example_questions=tuple(
                    check_str_list(
                        raw_e.get("example_questions", []), path, f"{ewhere}.example_questions"
                    )
                ),
            )
        )
    if overlay_fields is not None:
        assert overlay_path is not None
        known = {f.htcds_name for e in entities for f in e.fields}
        for key in overlay_fields:
            if key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise DictionaryFileError(
                    overlay_path, f"fields.{key}", f"no such field in {name}{hint}"
                )

    lists = [
        ChoiceList(
            name=lname,
            label=raw["label"],
            source=raw["source"],
            values=list_values[lname],
            used_by=tuple(sorted(used_by.get(lname, []))),
            description=raw.get("description"),
            extends=raw.get("extends"),
        )
        for lname, raw in list_raw.items()
    ]
    build = doc.get("build") if isinstance(doc.get("build"), dict) else {}
    return Dictionary(
        name=name,
        standard=standard,
        entities=entities,
        lists=lists,
        purposes=purposes,
        privacy_classes=classes,
        categories=categories,
        translations_dir=translations_dir,
        build=build,
    )


def _named(raw: Any, key: str) -> str:
    """`` (vic_MethodsOfControl)`` for error locations, when the entry has a usable name."""
    if isinstance(raw, dict) and isinstance(raw.get(key), str) and raw[key].strip():
        return f" ({raw[key]})"
    return ""


def _value(rv: dict[str, Any], list_name: str, path: str, where: str) -> Value:
    aliases = tuple(check_str_list(rv.get("aliases", []), path, f"{where}.aliases"))
    return Value(
        code=rv["code"],
        label=rv["label"],
        list_name=list_name,
        definition=rv.get("definition"),
        definition_source=rv.get("definition_source"),
        iso_alpha2=rv.get("iso_alpha2"),
        iso_alpha3=rv.get("iso_alpha3"),
        iso_numeric=rv.get("iso_numeric"),
        aliases=aliases,
        parent=rv.get("parent"),
        code_generated=bool(rv.get("code_generated", False)),
    )


def _field(
    raw: dict[str, Any],
    entity: str,
    annotation: tuple[str, tuple[str, ...], str, str],
    values: tuple[Value, ...],
) -> Field:
    privacy_class, purposes, category, why = annotation
    return Field(
        name=raw["name"],
        htcds_name=raw["htcds_name"],
        entity=entity,
        label=raw["label"],
        type=raw["type"],
        source_type=raw["source_type"],
        core=raw["core"],
        status=raw["status"],
        category=category,
        privacy_class=privacy_class,
        purposes=purposes,
        privacy_reason=why,
        description=raw.get("description"),
        notes=raw.get("notes"),
        definition=raw.get("definition"),
        definition_source=raw.get("definition_source"),
        salesforce=raw.get("salesforce"),
        choice_list=raw.get("choice_list"),
        values=values,
        lookup_target=raw.get("lookup_target"),
        pattern=raw.get("pattern"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        integer=bool(raw.get("integer", False)),
        xlsform_name=raw.get("xlsform_name"),
        xlsform_type=raw.get("xlsform_type"),
        aliases=tuple(raw.get("aliases", [])),
        source_row=raw.get("source_row"),
        build_notes=tuple(raw.get("build_notes", [])),
    )


def _described(
    raw: Any, path: str, where: str, required: Iterable[str] | None = None
) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise DictionaryFileError(path, where, "must be a mapping of name -> description")
    for k, v in raw.items():
        if not isinstance(k, str) or not isinstance(v, str) or not v.strip():
            raise DictionaryFileError(path, f"{where}.{k}", "must have a non-empty description")
    if required is not None and set(raw) != set(required):
        raise DictionaryFileError(
            path,
            where,
            f"must list exactly {', '.join(required)} (found {', '.join(map(str, raw))})",
        )
    return dict(raw)


def _overlay_header(
    overlay: Any, path: str, dictionary_name: str
) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, Any]]:
    if not isinstance(overlay, dict):
        raise DictionaryFileError(path, "", "must be a YAML mapping")
    if overlay.get("format") != OVERLAY_FORMAT:
        raise DictionaryFileError(path, "format", f"must be {OVERLAY_FORMAT!r}")
    if overlay.get("format_version") != SUPPORTED_FORMAT_VERSION:
        raise DictionaryFileError(path, "format_version", f"must be {SUPPORTED_FORMAT_VERSION}")
    if overlay.get("dictionary") != dictionary_name:
        raise DictionaryFileError(
            path,
            "dictionary",
            f"is {overlay.get('dictionary')!r} but the dictionary is {dictionary_name!r}",
        )
    unknown = set(overlay) - {
        "format",
        "format_version",
        "dictionary",
        "privacy_classes",
        "purposes",
        "categories",
        "fields",
    }
    if unknown:
        raise DictionaryFileError(
            path, ", ".join(sorted(map(str, unknown))), "unknown top-level keys"
        )
    classes = _described(overlay.get("privacy_classes"), path, "privacy_classes", PRIVACY_CLASSES)
    purposes = _described(overlay.get("purposes"), path, "purposes")
    categories = _described(overlay.get("categories"), path, "categories", ("data", "process"))
    fields = overlay.get("fields")
    if not isinstance(fields, dict):
        raise DictionaryFileError(
            path, "fields", "must map each field's spreadsheet name to its annotation"
        )
    return purposes, classes, categories, fields


def _document_header(
    doc: dict[str, Any], path: str
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    classes = _described(doc.get("privacy_classes"), path, "privacy_classes", PRIVACY_CLASSES)
    purposes = _described(doc.get("purposes"), path, "purposes")
    categories = _described(doc.get("categories"), path, "categories", ("data", "process"))
    return purposes, classes, categories


def _document_annotation(
    raw: dict[str, Any], path: str, where: str, purposes: Mapping[str, str]
) -> tuple[str, tuple[str, ...], str, str]:
    missing = [
        k for k in ("privacy_class", "purposes", "category", "privacy_reason") if k not in raw
    ]
    if missing:
        raise DictionaryFileError(
            path, where, f"missing {', '.join(missing)} (exported documents carry them)"
        )
    result = check_annotation(
        {
            "privacy_class": raw["privacy_class"],
            "purposes": raw["purposes"],
            "category": raw["category"],
            "why": raw["privacy_reason"],
        },
        path,
        where,
        purposes,
    )
    if "purpose" in raw and raw["purpose"] != result[1][0]:
        raise DictionaryFileError(path, f"{where}.purpose", "must be the first of purposes")
    return result
