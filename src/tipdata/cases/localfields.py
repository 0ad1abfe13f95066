"""Organisations' own fields: declared like dictionary fields, validated the same way."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import LocalField
from tipdata.engines.standard import StandardError, load_dictionary

NAME = re.compile(r"^local_[A-Za-z][A-Za-z0-9_]{1,56}$")
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}


def local_field_define(
    *, organisation: Organisation, actor: Any, name: str, label: str, type: str, privacy_class: str,
    values: list[dict[str, str]] | None = None, maps_to: str = "", maps_to_value: str = "",
    definition: str = "", purpose: str = "case_management",
) -> LocalField:
    if not NAME.match(name):
        raise ValidationError(f"local field name {name!r} must look like local_SomeName (letters, digits, _)")
    if type not in dict(LocalField.TYPES):
        raise ValidationError(f"type {type!r} is not allowed; allowed: {', '.join(dict(LocalField.TYPES))}")
    if privacy_class not in dict(LocalField.PRIVACY):
        raise ValidationError(f"privacy class {privacy_class!r} is not allowed; allowed: {', '.join(dict(LocalField.PRIVACY))}")
    if privacy_class == "direct_identifier":
        raise ValidationError("local fields cannot hold direct identifiers; use the HTCDS person fields, which are encrypted")
    if type.startswith("select") and not values:
        raise ValidationError(f"a {type} field needs its values")
    if maps_to:
        try:
            target = load_dictionary().field(maps_to)
        except StandardError as exc:
            raise ValidationError(f"maps_to: {exc}") from exc
        if maps_to_value and maps_to_value not in target.allowed_codes:
            raise ValidationError(f"maps_to_value {maps_to_value!r} is not a code of {target.name}")
        maps_to = target.name
    with transaction.atomic():
        field, _ = LocalField.objects.update_or_create(
            organisation=organisation, name=name,
            defaults={"label": label, "type": type, "privacy_class": privacy_class, "values": values or [],
                      "maps_to": maps_to, "maps_to_value": maps_to_value, "definition": definition, "purpose": purpose},
        )
        audit_record(action="local_field.define", actor=actor, organisation=organisation,
                     object_type="local_field", object_id=name, changes={"type": type, "maps_to": maps_to},
                     actor_username="" if actor else "cli")
    return field


def validate_local_values(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """Check each local value against the organisation's declaration; return the clean values."""
    if not values:
        return {}
    declared = {f.name: f for f in LocalField.objects.filter(organisation=organisation, deprecated=False)}
    clean: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in values.items():
        field = declared.get(name)
        if field is None:
            errors.append(f"{name}: not a field of {organisation.slug}; declared: {', '.join(sorted(declared)) or 'none'}")
            continue
        try:
            result = _clean(field, value)
        except ValueError as exc:
            errors.append(f"{name}: {value!r} is not allowed: {exc}")
            continue
        if result is not None:
            clean[name] = result
    if errors:
        raise ValidationError(errors)
    return clean


def _clean(field: LocalField, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if field.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE | FALSE:
            return text in TRUE
        raise ValueError("expected yes/no (true/false, 1/0)")
    if field.type == "number":
        try:
            return float(value) if "." in str(value) else int(value)
        except (TypeError, ValueError) as exc:
            raise ValueError("expected a number") from exc
    if field.type == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise ValueError("expected a date as YYYY-MM-DD") from exc
    if field.type.startswith("select"):
        codes = [c["code"] for c in field.values]
        chosen = value if isinstance(value, list) else str(value).split()
        if field.type == "select_one" and len(chosen) != 1:
            raise ValueError("expected one code")
        bad = [c for c in chosen if c not in codes]
        if bad:
            raise ValueError(f"unknown code(s) {', '.join(bad)}; allowed codes: {', '.join(codes)}")
        return chosen if field.type == "select_multiple" else chosen[0]
    text = str(value).strip()
    if len(text) > 500:
        raise ValueError("text over 500 characters; long narratives belong in sealed HTCDS fields")
    return text
