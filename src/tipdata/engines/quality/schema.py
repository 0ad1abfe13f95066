"""The flat record the quality engine checks, and its normalisation into :class:`Row`.

One record is one case as seen from its victim (a case with two victims gives two
records). A record is a plain ``dict`` (or a row of a pandas DataFrame) with

* the **tipdata columns** in :data:`COLUMNS` (record id, organisation, caseworker, dates of
  the case's life, referral dates, which sealed fields hold a value), and
* any **HTCDS dictionary field** by any of its names (``prs_birthdate``, ``prs_Birthdate``,
  ``vic_TypeOfExploitation`` ...): ``prs_`` person values, ``vic_`` victim-context values,
  ``cas_`` case values (``cas_status`` is the case status), ``hte_`` event values.

Encrypted (sealed) fields are never given as values: a caller says only *which* of them
hold something, in ``sealed_present``, so completeness can count names and narratives
without anyone decrypting them. Columns that are neither are not checked and are listed
in the result's warnings (nothing is silently dropped).

Example::

    {"record_id": "c-17", "organisation": "demo-shelter-kh", "caseworker": "sok",
     "registered_on": "2025-03-01", "updated_at": "2026-01-10T09:00:00+00:00",
     "cas_status": "Closed", "closed_on": "2025-09-30", "has_closure_reason": False,
     "prs_birthdate": "2004-05-06", "prs_gender": "Feminine", "prs_citizenship": ["KH"],
     "vic_type_of_exploitation": ["ForcedLabour"], "vic_age_when_trafficked": 19,
     "referral_out_dates": ["2025-03-10"], "sealed_present": ["prs_first_name"]}
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tipdata.engines.standard import Dictionary, Field, ValueNotAllowedError

from .errors import QualityInputError

# tipdata column -> (kind, description). Kinds: id, text, date, datetime, bool, dates, names.
COLUMNS: dict[str, tuple[str, str]] = {
    "record_id": ("id", "Unique id of the record (required). Issues name it."),
    "case_id": ("text", "The case the record belongs to (for links); defaults to record_id."),
    "case_reference": ("text", "The case's human reference (e.g. KH-2025-000017), shown in reports."),
    "organisation": ("text", "Organisation slug; scores are given per organisation."),
    "caseworker": ("text", "Who is responsible for the record (user name); scores per caseworker."),
    "created_at": ("datetime", "When the record was created (date or ISO date-time)."),
    "updated_at": ("datetime", "When the record was last changed (date or ISO date-time)."),
    "registered_on": ("date", "The day the case was registered (YYYY-MM-DD)."),
    "closed_on": ("date", "The day the case was closed, if it was (YYYY-MM-DD)."),
    "has_closure_reason": ("bool", "Whether a reason for closing the case is recorded (true/false); "
                                   "the reason itself is an encrypted narrative and never given."),
    "referral_out_dates": ("dates", "Dates of the case's outgoing referrals (list of YYYY-MM-DD)."),
    "referral_in_dates": ("dates", "Dates of incoming referrals of the case (list of YYYY-MM-DD)."),
    "sealed_present": ("names", "Names of encrypted dictionary fields that hold a value "
                                "(e.g. prs_first_name); the values are never given."),
    "erased": ("bool", "The person's identifiers were erased on request: their sealed fields are "
                       "not expected any more."),
}

# Statuses of a case that count as closed, as HTCDS cas_Status codes.
CLOSED_STATUSES = ("Closed", "ClosedReferred")


def is_sealed_field(fld: Field) -> bool:
    """Encrypted in tipdata (direct identifiers, narratives): its value never reaches the
    engine, only whether it is present."""
    return fld.privacy_class == "direct_identifier" or fld.type == "long_text"


@dataclass
class Row:
    """One record, normalised: tipdata columns parsed, dictionary values validated.

    ``clean`` holds each dictionary field's validated value (codes canonical, dates as
    ``date``; multi-selects as tuples), ``raw`` what was given, and ``invalid`` the
    dictionary's objection for values that did not validate (they are absent from
    ``clean``: a consistency check never reasons from a value that is not valid).
    """

    index: int
    record_id: str
    case_id: str
    case_reference: str
    organisation: str
    caseworker: str
    created_at: dt.date | None
    updated_at: dt.date | None
    registered_on: dt.date | None
    closed_on: dt.date | None
    has_closure_reason: bool | None
    referral_out_dates: tuple[dt.date, ...]
    referral_in_dates: tuple[dt.date, ...]
    sealed_present: frozenset[str]
    erased: bool
    raw: dict[str, Any] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, ValueNotAllowedError] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """A tipdata column or the clean value of a dictionary field (``None`` if missing)."""
        if name in COLUMNS:
            return getattr(self, name)
        return self.clean.get(name)

    def has(self, name: str) -> bool:
        """Whether the field holds something: a given value (valid or not) or a sealed value."""
        if name in COLUMNS:
            value = getattr(self, name)
            return value not in (None, "", ()) and value != frozenset()
        return name in self.raw or name in self.sealed_present

    @property
    def closed(self) -> bool:
        return self.clean.get("cas_status") in CLOSED_STATUSES

    @property
    def last_change(self) -> dt.date | None:
        return self.updated_at or self.created_at


def is_missing(value: Any) -> bool:
    """None, blank text, an empty list and pandas/numpy NaN/NaT all mean "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) == 0
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NaT and numpy.datetime64("NaT") compare unequal to themselves.
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: Any, *, with_time: bool) -> dt.date:
    """Parse a date (or a date-time, reduced to its day). Raises ValueError with the reason."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if callable(to_pydatetime):
        return _as_date(to_pydatetime(), with_time=with_time)
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
            if with_time and _ISO_DATE.match(text):
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            raise ValueError("not a real calendar date or time") from None
    raise ValueError("expected a date as YYYY-MM-DD" + (" or an ISO date-time" if with_time else ""))


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().casefold() in {"true", "yes", "1", "false", "no", "0"}:
        return value.strip().casefold() in {"true", "yes", "1"}
    raise ValueError("expected true or false")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [p for p in re.split(r"[\s;,]+", value.strip()) if p]
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    tolist = getattr(value, "tolist", None)  # numpy array in a DataFrame cell
    if callable(tolist):
        return list(tolist())
    raise ValueError("expected a list")


def records_from(data: Any) -> list[Mapping[str, Any]]:
    """Accept a list of dicts or anything with ``to_dict("records")`` (a pandas DataFrame)."""
    to_dict = getattr(data, "to_dict", None)
    if callable(to_dict) and not isinstance(data, Mapping):
        data = to_dict("records")
    if isinstance(data, Mapping | str | bytes):
        raise QualityInputError(["records must be a list of dicts or a DataFrame, not a single "
                                 f"{type(data).__name__}"])
    out: list[Mapping[str, Any]] = []
    problems: list[str] = []
    for i, rec in enumerate(data):
        if not isinstance(rec, Mapping):
            problems.append(f"row {i}: expected a dict of column -> value, got {type(rec).__name__}")
            continue
        out.append(rec)
    if problems:
        raise QualityInputError(problems)
    return out


@dataclass
class Normalised:
    rows: list[Row]
    warnings: list[str]


def normalise(records: Iterable[Mapping[str, Any]], dictionary: Dictionary) -> Normalised:
    """Parse every record into a :class:`Row`; raise QualityInputError listing every problem."""
    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    unknown: dict[str, int] = {}
    sealed_given: set[str] = set()
    validated: dict[tuple[str, Any], Any] = {}
    field_cache: dict[str, Field | None] = {}
    for index, rec in enumerate(records):
        rid_raw = rec.get("record_id")
        where = f"row {index}"
        if is_missing(rid_raw) or isinstance(rid_raw, bool) or not isinstance(rid_raw, str | int):
            problems.append(f"{where}: record_id is {rid_raw!r}; every record needs a text or number id")
            continue
        record_id = str(rid_raw).strip()
        where = f"row {index} (record {record_id})"
        if record_id in seen:
            problems.append(f"{where}: record_id {record_id!r} already used by row {seen[record_id]}; ids must be unique")
            continue
        seen[record_id] = index
        parsed: dict[str, Any] = {}
        for column, (kind, _doc) in COLUMNS.items():
            value = rec.get(column)
            if column == "record_id":
                continue
            try:
                parsed[column] = _parse_column(kind, value)
            except ValueError as exc:
                problems.append(f"{where}: column {column!r} is {value!r}: {exc}")
        row = Row(
            index=index, record_id=record_id,
            case_id=str(parsed.get("case_id") or record_id),
            case_reference=str(parsed.get("case_reference") or ""),
            organisation=str(parsed.get("organisation") or ""),
            caseworker=str(parsed.get("caseworker") or ""),
            created_at=parsed.get("created_at"), updated_at=parsed.get("updated_at"),
            registered_on=parsed.get("registered_on"), closed_on=parsed.get("closed_on"),
            has_closure_reason=parsed.get("has_closure_reason"),
            referral_out_dates=tuple(parsed.get("referral_out_dates") or ()),
            referral_in_dates=tuple(parsed.get("referral_in_dates") or ()),
            sealed_present=frozenset(parsed.get("sealed_present") or ()),
            erased=bool(parsed.get("erased")),
        )
        names: set[str] = set()
        for name in row.sealed_present:
            fld = _lookup(dictionary, name, field_cache)
            if fld is None:
                problems.append(f"{where}: sealed_present names {name!r}, which is not a dictionary field")
            else:
                names.add(fld.name)
        row.sealed_present = frozenset(names)
        for column, value in rec.items():
            if column in COLUMNS:
                continue
            fld = _lookup(dictionary, str(column), field_cache)
            if fld is None:
                unknown[str(column)] = unknown.get(str(column), 0) + 1
                continue
            if is_missing(value):
                continue
            if is_sealed_field(fld):
                # A file may carry names or narratives; only their presence is used, and the
                # value is dropped here so no issue or report can ever repeat it.
                row.sealed_present = row.sealed_present | {fld.name}
                sealed_given.add(str(column))
                continue
            if fld.name in row.raw:
                problems.append(f"{where}: field {fld.name} is given twice (as {column!r} and another spelling)")
                continue
            row.raw[fld.name] = value
            # Codes repeat across records, so each distinct (field, value) is validated once.
            key = _freeze(value)
            if key is None:
                outcome = _validate(fld, value)
            else:
                cache_key = (fld.name, key)
                if cache_key not in validated:
                    validated[cache_key] = _validate(fld, value)
                outcome = validated[cache_key]
            if isinstance(outcome, ValueNotAllowedError):
                row.invalid[fld.name] = outcome
            elif outcome is not None:
                row.clean[fld.name] = outcome
        rows.append(row)
    if problems:
        raise QualityInputError(problems)
    warnings = [
        f"column {name!r} holds values of an encrypted field (identifier or narrative); only whether it "
        "is filled was used, the values were not read"
        for name in sorted(sealed_given)
    ]
    warnings += [
        f"column {name!r} ({count} record{'s' if count != 1 else ''}) is neither a tipdata column nor a "
        "dictionary field; it was not checked"
        for name, count in sorted(unknown.items())
    ]
    return Normalised(rows, warnings)


def _validate(fld: Field, value: Any) -> Any:
    try:
        return fld.validate(value)
    except ValueNotAllowedError as exc:
        return exc


def _freeze(value: Any) -> Any:
    """A hashable key for a value of a simple type (``None``: do not cache it)."""
    if isinstance(value, bool | int | str):
        return (type(value).__name__, value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ("list", tuple(value))
    return None


def _lookup(dictionary: Dictionary, name: str, cache: dict[str, Field | None]) -> Field | None:
    if name not in cache:
        cache[name] = dictionary.find_field(name) if "_" in name else None
    return cache[name]


def _parse_column(kind: str, value: Any) -> Any:
    if is_missing(value):
        return None
    if kind in ("text", "id"):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError("expected text")
        return str(value).strip()
    if kind == "date":
        return _as_date(value, with_time=False)
    if kind == "datetime":
        return _as_date(value, with_time=True)
    if kind == "bool":
        return _as_bool(value)
    if kind == "dates":
        out = []
        for item in _as_list(value):
            out.append(_as_date(item, with_time=False))
        return sorted(out)
    if kind == "names":
        items = _as_list(value)
        if not all(isinstance(item, str) for item in items):
            raise ValueError("expected a list of field names")
        return [item.strip() for item in items if item.strip()]
    raise AssertionError(kind)  # pragma: no cover - COLUMNS kinds are fixed above
