"""Validation of one value against one field of the dictionary.

One validator per tipdata field type. Each returns the value normalised (canonical codes,
``date`` objects, numbers, booleans) or raises ``ValueNotAllowedError`` naming the field, the
value and what is allowed, so an import can report the exact cell to fix.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .errors import ValueNotAllowedError

if TYPE_CHECKING:
    from .model import Field, Value

# Multi-select values arrive as lists, as XLSForm's space-separated strings or as
# Salesforce's semicolon-separated strings; codes never contain either separator.
_MULTI_SEPARATOR = re.compile(r"[\s;]+")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def _reject(
    f: Field, value: Any, reason: str, allowed: tuple[str, ...] = ()
) -> ValueNotAllowedError:
    return ValueNotAllowedError(f.name, value, reason, allowed, f.htcds_name)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, list | tuple | set | frozenset) and len(value) == 0:
        return True
    # pandas / numpy missing markers, without importing either
    return isinstance(value, float) and math.isnan(value)


def match_code(f: Field, code: str) -> Value | None:
    """Find the value for ``code``: exact, then case-insensitive, then an ISO alias."""
    for v in f.values:
        if v.code == code:
            return v
    folded = code.casefold()
    hits = [v for v in f.values if v.code.casefold() == folded]
    if len(hits) == 1:
        return hits[0]
    hits = [v for v in f.values if any(a.casefold() == folded for a in v.aliases)]
    if len(hits) == 1:
        return hits[0]
    return None


def _text(f: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise _reject(f, value, f"expected text, got {type(value).__name__}")
    text = value.strip()
    if f.pattern and not re.fullmatch(f.pattern, text):
        raise _reject(f, value, f"does not match the expected format {f.pattern}")
    return text


def _number(f: Field, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _reject(f, value, "expected a number, got a boolean")
    number: int | float
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise _reject(f, value, "expected a number") from None
        # "3" stays an int; "3.0" or "3e0" are written as decimals, so they stay floats.
        is_int_literal = re.fullmatch(r"[+-]?\d+", value.strip()) is not None
        number = int(parsed) if is_int_literal else float(parsed)
    else:
        raise _reject(f, value, f"expected a number, got {type(value).__name__}")
    if isinstance(number, float) and not math.isfinite(number):
        raise _reject(f, value, "expected a finite number")
    if f.integer and isinstance(number, float):
        if not number.is_integer():
            raise _reject(f, value, "expected a whole number")
        number = int(number)
    if f.minimum is not None and number < f.minimum:
        raise _reject(f, value, f"below the minimum {_fmt(f.minimum)}")
    if f.maximum is not None and number > f.maximum:
        raise _reject(f, value, f"above the maximum {_fmt(f.maximum)}")
    return number


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _date(f: Field, value: Any) -> dt.date:
    # A datetime is a date subclass, but a time of day in a date field is a mistake worth
    # reporting (it usually means a timezone shift is about to change the day).
    if isinstance(value, dt.datetime):
        raise _reject(f, value, "expected a date without a time (YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        # fromisoformat alone would also accept "20240131" and week dates; be exact.
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise _reject(f, value, "not a real calendar date") from None
        raise _reject(f, value, "expected a date as YYYY-MM-DD")
    raise _reject(f, value, f"expected a date as YYYY-MM-DD, got {type(value).__name__}")


def _boolean(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _reject(f, value, "expected true or false (also accepted: yes/no, 1/0, TRUE/FALSE)")


def _select_one(f: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise _reject(f, value, f"expected one code, got {type(value).__name__}", f.allowed_codes)
    code = value.strip()
    found = match_code(f, code)
    if found is None:
        reason = "not a code of this field"
        if _MULTI_SEPARATOR.search(code):
            reason = "this field takes one code, not several"
        raise _reject(f, value, reason, f.allowed_codes)
    return found.code


def _select_multiple(f: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = [p for p in _MULTI_SEPARATOR.split(value.strip()) if p]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if isinstance(value, set | frozenset):
            items.sort(key=str)  # sets have no order; make the result deterministic
    else:
        raise _reject(
            f,
            value,
            f"expected a list of codes or a space-separated string, got {type(value).__name__}",
            f.allowed_codes,
        )
    codes: list[str] = []
    bad: list[Any] = []
    for item in items:
        found = match_code(f, item.strip()) if isinstance(item, str) else None
        if found is None:
            bad.append(item)
        elif found.code not in codes:
            codes.append(found.code)
    if bad:
        shown = ", ".join(repr(b) for b in bad)
        raise _reject(
            f, value, f"unknown code{'s' if len(bad) > 1 else ''} {shown}", f.allowed_codes
        )
    return tuple(codes)


def _lookup(f: Field, value: Any) -> str | int:
    # The dictionary cannot know which records exist; it checks the reference's shape and
    # leaves existence to the application.
    if isinstance(value, bool):
        raise _reject(f, value, f"expected a reference to a {f.lookup_target or 'record'}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return value.strip()
    raise _reject(f, value, f"expected a reference (id or name) to a {f.lookup_target or 'record'}")


VALIDATORS: dict[str, Callable[[Field, Any], Any]] = {
    "text": _text,
    "long_text": _text,
    "number": _number,
    "date": _date,
    "boolean": _boolean,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "lookup": _lookup,
}


def validate_field_value(f: Field, value: Any) -> Any:
    """Validate and normalise ``value`` for field ``f`` (see ``Field.validate``)."""
    if _is_missing(value):
        return None
    return VALIDATORS[f.type](f, value)
