"""Structural checks of the dictionary file and the privacy overlay, with located errors.

Hand-written rather than JSON Schema so each error names the file and the entry in words a
maintainer can act on, e.g. ``htcds-2.0.json: entities[2].fields[7] (vic_MethodsOfControl):
type: 'picklist' is not one of text, long_text, …``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import DictionaryFileError
from .model import CATEGORIES, FIELD_TYPES, PRIVACY_CLASSES, STATUSES

DICTIONARY_FORMAT = "tipdata-standard-dictionary"
OVERLAY_FORMAT = "tipdata-standard-overlay"
SUPPORTED_FORMAT_VERSION = 1

_STR = (str,)
_OPT_STR = (str, type(None))
_NUM = (int, float, type(None))

# key -> (allowed types, required)
STANDARD_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": (_STR, True),
    "abbreviation": (_STR, True),
    "version": (_STR, True),
    "publisher": (_STR, True),
    "license": (_STR, True),
    "license_url": (_STR, True),
    "source_url": (_STR, True),
    "attribution": (_STR, True),
    "changes": (_STR, True),
    "notice": (_STR, True),
    "column_reference": ((dict,), False),
}
ENTITY_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "key": (_STR, True),
    "label": (_STR, True),
    "section": (_STR, True),
    "prefix": (_OPT_STR, True),
    "description": (_OPT_STR, False),
    "notes": (_OPT_STR, False),
    "definition": (_OPT_STR, False),
    "example_questions": ((list,), False),
    "fields": ((list,), True),
    "label_local": (_STR, False),
    "label_local_status": (_STR, False),
}
FIELD_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": (_STR, True),
    "htcds_name": (_STR, True),
    "label": (_STR, True),
    "type": (_STR, True),
    "source_type": (_STR, True),
    "core": ((bool,), True),
    "status": (_STR, True),
    "salesforce": (_OPT_STR, False),
    "description": (_OPT_STR, False),
    "notes": (_OPT_STR, False),
    "definition": (_OPT_STR, False),
    "definition_source": (_OPT_STR, False),
    "choice_list": (_OPT_STR, False),
    "lookup_target": (_OPT_STR, False),
    "pattern": (_OPT_STR, False),
    "minimum": (_NUM, False),
    "maximum": (_NUM, False),
    "integer": ((bool,), False),
    "xlsform_name": (_OPT_STR, False),
    "xlsform_type": (_OPT_STR, False),
    "aliases": ((list,), False),
    "source_row": ((int, type(None)), False),
    "build_notes": ((list,), False),
    # present in exported documents (to_document), not in the packaged data file
    "entity": (_STR, False),
    "category": (_STR, False),
    "privacy_class": (_STR, False),
    "purpose": (_STR, False),
    "purposes": ((list,), False),
    "privacy_reason": (_STR, False),
    "values": ((list,), False),
    "label_local": (_STR, False),
    "label_local_status": (_STR, False),
}
LIST_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": (_STR, True),
    "label": (_STR, True),
    "source": (_STR, True),
    "description": (_OPT_STR, False),
    "extends": (_OPT_STR, False),
    "used_by": ((list,), False),
    "values": ((list,), True),
}
VALUE_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "code": (_STR, True),
    "label": (_STR, True),
    "definition": (_OPT_STR, False),
    "definition_source": (_OPT_STR, False),
    "iso_alpha2": (_OPT_STR, False),
    "iso_alpha3": (_OPT_STR, False),
    "iso_numeric": (_OPT_STR, False),
    "aliases": ((list,), False),
    "parent": (_OPT_STR, False),
    "code_generated": ((bool,), False),
    "label_local": (_STR, False),
    "label_local_status": (_STR, False),
}
OVERLAY_FIELD_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "privacy_class": (_STR, True),
    "purposes": ((list,), True),
    "category": (_STR, True),
    "why": (_STR, True),
}


def check_object(
    obj: Any, keys: Mapping[str, tuple[tuple[type, ...], bool]], path: str, where: str
) -> dict[str, Any]:
    """Check ``obj`` is a mapping with the right keys and value types."""
    if not isinstance(obj, dict):
        raise DictionaryFileError(path, where, f"must be an object, found {type(obj).__name__}")
    unknown = sorted(set(obj) - set(keys))
    if unknown:
        raise DictionaryFileError(path, where, f"unknown keys {unknown}")
    for key, (types, required) in keys.items():
        if key not in obj:
            if required:
                raise DictionaryFileError(path, where, f"missing required key {key!r}")
            continue
        value = obj[key]
        # bool is an int subclass; a boolean where a number belongs is a mistake
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            names = " or ".join(t.__name__ if t is not type(None) else "null" for t in types)
            raise DictionaryFileError(
                path, f"{where}.{key}", f"must be {names}, found {type(value).__name__}"
            )
        if (
            key in ("label", "code", "name", "key", "htcds_name")
            and isinstance(value, str)
            and not value.strip()
        ):
            raise DictionaryFileError(path, f"{where}.{key}", "must not be empty")
    return obj


def check_str_list(value: Any, path: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise DictionaryFileError(path, where, "must be a list of non-empty strings")
    return value


def check_field_semantics(raw: dict[str, Any], path: str, where: str) -> None:
    if raw["type"] not in FIELD_TYPES:
        raise DictionaryFileError(
            path, f"{where}.type", f"{raw['type']!r} is not one of {', '.join(FIELD_TYPES)}"
        )
    if raw["status"] not in STATUSES:
        raise DictionaryFileError(
            path, f"{where}.status", f"{raw['status']!r} is not one of {', '.join(STATUSES)}"
        )
    if raw["type"] in ("select_one", "select_multiple") and not raw.get("choice_list"):
        raise DictionaryFileError(
            path, f"{where}.choice_list", f"a {raw['type']} field needs a choice list"
        )
    pattern = raw.get("pattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DictionaryFileError(
                path, f"{where}.pattern", f"not a valid regular expression: {exc}"
            ) from exc
    lo, hi = raw.get("minimum"), raw.get("maximum")
    if lo is not None and hi is not None and lo > hi:
        raise DictionaryFileError(path, where, f"minimum {lo} is above maximum {hi}")
    for key in ("aliases", "build_notes"):
        if key in raw:
            check_str_list(raw[key], path, f"{where}.{key}")


def check_annotation(
    raw: Any,
    path: str,
    where: str,
    purposes: Mapping[str, str],
) -> tuple[str, tuple[str, ...], str, str]:
    """Check one field's privacy annotation; return (class, purposes, category, why)."""
    check_object(raw, OVERLAY_FIELD_KEYS, path, where)
    if raw["privacy_class"] not in PRIVACY_CLASSES:
        raise DictionaryFileError(
            path,
            f"{where}.privacy_class",
            f"{raw['privacy_class']!r} is not one of {', '.join(PRIVACY_CLASSES)}",
        )
    field_purposes = check_str_list(raw["purposes"], path, f"{where}.purposes")
    if not field_purposes:
        raise DictionaryFileError(path, f"{where}.purposes", "at least one purpose is needed")
    for p in field_purposes:
        if p not in purposes:
            raise DictionaryFileError(
                path,
                f"{where}.purposes",
                f"{p!r} is not a declared purpose ({', '.join(purposes)})",
            )
    if len(set(field_purposes)) != len(field_purposes):
        raise DictionaryFileError(path, f"{where}.purposes", "a purpose is listed twice")
    if raw["category"] not in CATEGORIES:
        raise DictionaryFileError(
            path, f"{where}.category", f"{raw['category']!r} is not one of {', '.join(CATEGORIES)}"
        )
    if not raw["why"].strip():
        raise DictionaryFileError(path, f"{where}.why", "say why the field has this class")
    return raw["privacy_class"], tuple(field_purposes), raw["category"], raw["why"].strip()
