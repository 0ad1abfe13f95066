"""Columns derived from person records for the linkage model, and the comparison
functions the model calls on them.

The comparisons live in Python (:mod:`tipdata.engines.names`) and are registered as SQL
functions on the database connection (DuckDB here, Spark through the same functions), so
that deduplication and the reviewer's explanation use exactly the same logic. Each
record's name travels as one string ``"tokens|nationality"`` and its birth date as
``"YYYY-MM-DD|flags"``; the functions parse them back (with caches).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from tipdata.engines.names import (
    BirthDate,
    NormalisedName,
    TokenFrequencies,
    compare_birth_dates,
    compare_names,
    phonetic_key,
)

from .persons import PersonRecord

NAME_FUNCTION = "tipdata_name_level"
DATE_FUNCTION = "tipdata_dob_level"


def name_string(name: NormalisedName) -> str:
    return " ".join(name.tokens) + "|" + (name.nationality or "")


def dob_string(d: BirthDate | None) -> str | None:
    if d is None:
        return None
    flags = ("b" if d.buddhist_era else "") + ("a" if d.from_age else "")
    return f"{d.year:04d}-{d.month or 0:02d}-{d.day or 0:02d}|{flags}"


@functools.lru_cache(maxsize=500_000)
def parse_name_string(value: str) -> NormalisedName:
    tokens_part, _, nat = value.rpartition("|")
    tokens = tuple(tokens_part.split())
    return NormalisedName(
        tokens=tokens,
        phonetic=tuple(phonetic_key(t) if len(t) > 1 else t for t in tokens),
        nationality=nat or None,
        initials=tuple(t for t in tokens if len(t) == 1),
    )


@functools.lru_cache(maxsize=500_000)
def parse_dob_string(value: str) -> BirthDate:
    date_part, _, flags = value.partition("|")
    y, m, d = (int(x) for x in date_part.split("-"))
    return BirthDate(year=y, month=m or None, day=d or None, buddhist_era="b" in flags, from_age="a" in flags)


class NameLevel:
    """SQL-callable name comparison bound to the data's token frequencies.

    A class rather than a closure so that Spark can pickle it to its executors; the
    cache lives per process."""

    def __init__(self, frequencies: TokenFrequencies) -> None:
        self.frequencies = frequencies
        self._cache: dict[tuple[str, str], int] = {}

    def __call__(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return -1
        key = (a, b)
        level = self._cache.get(key)
        if level is None:
            level = compare_names(parse_name_string(a), parse_name_string(b), self.frequencies).level
            if len(self._cache) < 2_000_000:
                self._cache[key] = level
        return level

    def __getstate__(self) -> dict[str, Any]:
        return {"frequencies": self.frequencies}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.frequencies = state["frequencies"]
        self._cache = {}


def dob_level(a: str | None, b: str | None) -> int:
    """SQL-callable birth-date comparison."""
    if a is None or b is None:
        return -1
    return compare_birth_dates(parse_dob_string(a), parse_dob_string(b)).level


def make_comparison_functions(
    frequencies: TokenFrequencies,
) -> dict[str, Callable[[str | None, str | None], int]]:
    """The SQL-callable comparison functions, bound to the token frequencies of the data."""
    return {NAME_FUNCTION: NameLevel(frequencies), DATE_FUNCTION: dob_level}


def blocking_tokens(name: NormalisedName, frequencies: TokenFrequencies) -> tuple[str | None, str | None]:
    """The two rarest phonetic tokens of a name (initials excluded), rarest first."""
    ph = sorted({p for p in name.phonetic if len(p) > 1}, key=lambda p: (frequencies.counts.get(p, 0), p))
    first = ph[0] if ph else None
    second = ph[1] if len(ph) > 1 else None
    return first, second


def person_rows(
    records: Sequence[PersonRecord],
    frequencies: TokenFrequencies,
    *,
    extra_fields: Sequence[str] = (),
    source: str | None = None,
) -> list[dict[str, Any]]:
    """One flat row per record with the columns the linkage model reads."""
    rows = []
    for r in records:
        name = r.name
        blk1, blk2 = blocking_tokens(name, frequencies)
        d = r.birth_date
        full_date = d is not None and d.day is not None and not d.from_age and not d.is_jan1
        row: dict[str, Any] = {
            "unique_id": r.id,
            "name": name_string(name) if not name.is_empty else None,
            "name_sorted": name.key or None,
            "name_ph_sorted": name.phonetic_key or None,
            "name_blk1": blk1,
            "name_blk2": blk2,
            "name_concat": phonetic_key("".join(name.tokens)) if name.tokens else None,
            "dob": dob_string(d),
            "dob_ymd": f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if full_date and d else None,
            "dob_year": d.year if d is not None else None,
            "sex": r.sex or None,
            "nationality": r.nationality or None,
        }
        for f in extra_fields:
            row[f] = (r.extra.get(f) or "").strip().lower() or None
        if source is not None:
            row["source_dataset"] = source
        rows.append(row)
    return rows
