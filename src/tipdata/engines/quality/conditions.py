"""Conditions on one record: ``{"field": ..., "operator": ..., "value": ...}``.

They say when an expected field applies (``vic_forced_labour_industry`` only when the
exploitation includes forced labour) and make up an organisation's own rules. A condition
names a tipdata column or a dictionary field, one of :data:`OPERATORS`, and either a
``value`` or an ``other_field`` to compare with. Values are checked against the dictionary
when the spec is read, so a misspelt code is an error at once, not a rule that never fires.

Evaluation answers ``True``, ``False`` or ``None`` (cannot tell: a value is missing or
invalid). A rule's ``when`` applies only on ``True``; its ``require`` fails only on ``False``,
so a rule never accuses a record of something it cannot know.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tipdata.engines.standard import Dictionary, StandardError

from .errors import QualitySpecError
from .schema import COLUMNS, Row, is_sealed_field

# operator -> (kinds of field it applies to, what the operand is)
OPERATORS: dict[str, tuple[frozenset[str], str]] = {
    "present": (frozenset({"code", "codes", "number", "date", "bool", "text", "sealed", "dates", "names"}), "none"),
    "missing": (frozenset({"code", "codes", "number", "date", "bool", "text", "sealed", "dates", "names"}), "none"),
    "eq": (frozenset({"code", "number", "date", "bool", "text"}), "one"),
    "ne": (frozenset({"code", "number", "date", "bool", "text"}), "one"),
    "in": (frozenset({"code", "number", "text"}), "list"),
    "not_in": (frozenset({"code", "number", "text"}), "list"),
    "contains": (frozenset({"codes", "names"}), "item"),
    "not_contains": (frozenset({"codes", "names"}), "item"),
    "lt": (frozenset({"number", "date"}), "one_or_field"),
    "le": (frozenset({"number", "date"}), "one_or_field"),
    "gt": (frozenset({"number", "date"}), "one_or_field"),
    "ge": (frozenset({"number", "date"}), "one_or_field"),
    "matches": (frozenset({"code", "text"}), "regex"),
}
_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}

_COLUMN_KINDS = {"id": "text", "text": "text", "date": "date", "datetime": "date", "bool": "bool",
                 "dates": "dates", "names": "names"}
_FIELD_KINDS = {"select_one": "code", "select_multiple": "codes", "number": "number", "date": "date",
                "boolean": "bool", "text": "text", "lookup": "text", "long_text": "sealed"}


def resolve_name(name: Any, dictionary: Dictionary, where: str) -> tuple[str, str]:
    """(canonical name, kind) of a tipdata column or dictionary field; QualitySpecError otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise QualitySpecError(where, f"field is {name!r}; expected a field name")
    name = name.strip()
    if name in COLUMNS:
        return name, _COLUMN_KINDS[COLUMNS[name][0]]
    try:
        fld = dictionary.field(name)
    except StandardError as exc:
        raise QualitySpecError(
            where, f"{exc}; a field is a dictionary field or one of the tipdata columns {', '.join(COLUMNS)}"
        ) from None
    return fld.name, ("sealed" if is_sealed_field(fld) else _FIELD_KINDS[fld.type])


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: Any = None
    other_field: str | None = None

    def evaluate(self, row: Row) -> bool | None:
        op = self.operator
        if op == "present":
            return row.has(self.field)
        if op == "missing":
            return not row.has(self.field)
        left = row.get(self.field)
        if op == "matches":
            raw = row.raw.get(self.field, left)
            if raw is None:
                return None
            return re.search(str(self.value), str(raw)) is not None
        if left is None or left == () or left == frozenset():
            return None
        if op in ("contains", "not_contains"):
            found = self.value in left
            return found if op == "contains" else not found
        if op in ("in", "not_in"):
            found = left in self.value
            return found if op == "in" else not found
        right = row.get(self.other_field) if self.other_field else self.value
        if right is None:
            return None
        if op == "eq":
            return bool(left == right)
        if op == "ne":
            return bool(left != right)
        if op == "lt":
            return bool(left < right)
        if op == "le":
            return bool(left <= right)
        if op == "gt":
            return bool(left > right)
        if op == "ge":
            return bool(left >= right)
        raise AssertionError(op)  # pragma: no cover - operators are checked when parsed

    def describe(self) -> str:
        if self.operator in ("present", "missing"):
            return f"{self.field} is {self.operator}"
        operand = self.other_field if self.other_field else _show(self.value)
        symbol = _SYMBOL.get(self.operator, self.operator.replace("_", " "))
        return f"{self.field} {symbol} {operand}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "operator": self.operator}
        if self.other_field:
            out["other_field"] = self.other_field
        elif OPERATORS[self.operator][1] != "none":
            out["value"] = _jsonable(self.value)
        return out


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(_jsonable(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def parse_condition(spec: Any, dictionary: Dictionary, where: str) -> Condition:
    """Read and check one condition; every mistake names ``where`` and what is allowed."""
    if not isinstance(spec, Mapping):
        raise QualitySpecError(where, f"expected an object with field, operator and value; got {spec!r}")
    extra = set(spec) - {"field", "operator", "value", "other_field"}
    if extra:
        raise QualitySpecError(where, f"unknown key {sorted(extra)[0]!r}; allowed: field, operator, value, other_field")
    name, kind = resolve_name(spec.get("field"), dictionary, f"{where}.field")
    op = spec.get("operator")
    if op not in OPERATORS:
        raise QualitySpecError(f"{where}.operator", f"{op!r} is not an operator; allowed: {', '.join(OPERATORS)}")
    kinds, operand = OPERATORS[op]
    if kind not in kinds:
        what = "an encrypted field (only present/missing can be asked of it)" if kind == "sealed" else f"a {kind} field"
        allowed = [o for o, (k, _) in OPERATORS.items() if kind in k]
        raise QualitySpecError(f"{where}.operator", f"{op!r} does not apply to {name}, {what}; allowed: {', '.join(allowed)}")
    has_value, has_other = "value" in spec, "other_field" in spec
    if operand == "none":
        if has_value or has_other:
            raise QualitySpecError(where, f"operator {op!r} takes no value")
        return Condition(name, op)
    if has_other:
        if operand != "one_or_field":
            raise QualitySpecError(where, f"operator {op!r} compares with a value, not another field")
        if has_value:
            raise QualitySpecError(where, "give either value or other_field, not both")
        other, other_kind = resolve_name(spec["other_field"], dictionary, f"{where}.other_field")
        if other_kind != kind:
            raise QualitySpecError(f"{where}.other_field", f"{name} is a {kind} field but {other} is a {other_kind} field; "
                                   "only like can be compared")
        return Condition(name, op, other_field=other)
    if not has_value:
        raise QualitySpecError(where, f"operator {op!r} needs a value")
    raw = spec["value"]
    where_value = f"{where}.value"
    if operand == "regex":
        if not isinstance(raw, str):
            raise QualitySpecError(where_value, f"{raw!r} is not a regular expression (text)")
        try:
            re.compile(raw)
        except re.error as exc:
            raise QualitySpecError(where_value, f"{raw!r} is not a valid regular expression: {exc}") from None
        return Condition(name, op, raw)
    if operand == "list":
        if not isinstance(raw, list) or not raw:
            raise QualitySpecError(where_value, f"operator {op!r} needs a non-empty list; got {raw!r}")
        return Condition(name, op, tuple(_operand(name, kind, item, dictionary, where_value) for item in raw))
    if operand == "item":
        item_kind = "code" if kind == "codes" else "text"
        return Condition(name, op, _operand(name, item_kind, raw, dictionary, where_value))
    return Condition(name, op, _operand(name, kind, raw, dictionary, where_value))


def _operand(name: str, kind: str, raw: Any, dictionary: Dictionary, where: str) -> Any:
    if kind == "code":
        if name in COLUMNS:
            return _operand(name, "text", raw, dictionary, where)
        fld = dictionary.field(name)
        if not isinstance(raw, str):
            raise QualitySpecError(where, f"{raw!r} is not a code of {name}; allowed: {', '.join(fld.allowed_codes)}")
        try:
            return fld.value(raw).code
        except StandardError:
            raise QualitySpecError(where, f"{raw!r} is not a code of {name}; allowed: {', '.join(fld.allowed_codes)}") from None
    if kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise QualitySpecError(where, f"{raw!r} is not a number ({name} is a number field)")
        return raw
    if kind == "date":
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        raise QualitySpecError(where, f"{raw!r} is not a date as YYYY-MM-DD ({name} is a date field)")
    if kind == "bool":
        if not isinstance(raw, bool):
            raise QualitySpecError(where, f"{raw!r} is not true or false ({name} is a yes/no field)")
        return raw
    if not isinstance(raw, str):
        raise QualitySpecError(where, f"{raw!r} is not text ({name} is a text field)")
    return raw
