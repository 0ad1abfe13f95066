"""Columns derived from person records for the linkage model, and the comparison
functions the model calls on them.

The name comparison lives in Python (:mod:`tipdata.engines.names`) and is registered as
an SQL function on the database connection (DuckDB here, Spark through the same
function), so that deduplication and the reviewer's explanation use exactly the same
logic. Each record's name travels as one string ``"tokens|nationality"``; the function
parses it back (with caches). The birth-date comparison is a decision list over a few
integers, so it is written in SQL (:func:`date_level_sql`, the same rules as
:func:`~tipdata.engines.names.compare_birth_dates`, which a test holds it to): on a large
file a Python call per candidate pair costs minutes, the SQL nothing.

Blocking keys (:func:`add_blocking_keys`) are narrowed where a key is shared by too many
records: with small name pools or at national scale a single name word (Nguyen, Kyaw,
Hartono) is shared by thousands, and the pairs grow with the square of that.
"""

from __future__ import annotations

import functools
from collections import Counter
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

    # Two generations of at most this many pairs each: when the new one is full it
    # becomes the old one. The backend evaluates the comparison once per level that a
    # pair is tested against (up to eight times), so each pair must stay cached for a
    # while, and on a national file there are tens of millions of distinct pairs: a
    # cache that just stopped growing would compute them all eight times.
    cache_size = 1_000_000

    def __init__(self, frequencies: TokenFrequencies) -> None:
        self.frequencies = frequencies
        self._cache: dict[tuple[str, str], int] = {}
        self._old: dict[tuple[str, str], int] = {}

    def __call__(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return -1
        key = (a, b)
        level = self._cache.get(key)
        if level is None:
            level = self._old.get(key)
            if level is None:
                level = compare_names(parse_name_string(a), parse_name_string(b), self.frequencies).level
            if len(self._cache) >= self.cache_size:
                self._old, self._cache = self._cache, {}
            self._cache[key] = level
        return level

    def __getstate__(self) -> dict[str, Any]:
        return {"frequencies": self.frequencies}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.frequencies = state["frequencies"]
        self._cache = {}
        self._old = {}


def dob_level(a: str | None, b: str | None) -> int:
    """SQL-callable birth-date comparison."""
    if a is None or b is None:
        return -1
    return compare_birth_dates(parse_dob_string(a), parse_dob_string(b)).level


def make_comparison_functions(
    frequencies: TokenFrequencies,
) -> dict[str, Callable[[str | None, str | None], int]]:
    """The SQL-callable comparison functions, bound to the token frequencies of the data.

    (The birth date is compared in SQL, :func:`date_level_sql`; :func:`dob_level` stays
    as its Python reference.)"""
    return {NAME_FUNCTION: NameLevel(frequencies)}


# Per-record integer columns of the birth date, read by date_level_sql: year, month and
# day (0 when unknown), and flags as 0/1 (Buddhist era, from an age, 1 January, a full
# date that is neither a 1 January placeholder nor worked out from an age).
DATE_COLUMNS: tuple[str, ...] = ("dob_y", "dob_m", "dob_d", "dob_be", "dob_age", "dob_jan1", "dob_full")


def date_columns(d: BirthDate | None) -> dict[str, int | None]:
    if d is None:
        return dict.fromkeys(DATE_COLUMNS)
    jan1 = d.is_jan1
    full = d.day is not None and not jan1 and not d.from_age
    return {"dob_y": d.year, "dob_m": d.month or 0, "dob_d": d.day or 0, "dob_be": int(d.buddhist_era),
            "dob_age": int(d.from_age), "dob_jan1": int(jan1), "dob_full": int(full)}


def date_level_sql(left: str = "_l", right: str = "_r") -> str:
    """SQL expression of the birth-date level (index into ``DATE_LEVELS``) of a pair.

    The same decision list as :func:`~tipdata.engines.names.compare_birth_dates`, over
    the columns of :data:`DATE_COLUMNS` suffixed ``left`` and ``right``; both dates must
    be present (the caller handles the missing level). Plain SQL (CASE, ABS, =) that
    DuckDB and Spark both read.
    """
    def a(c: str) -> str:
        return f"dob_{c}{left}"

    def b(c: str) -> str:
        return f"dob_{c}{right}"

    same_ymd = f"{a('y')} = {b('y')} AND {a('m')} = {b('m')} AND {a('d')} = {b('d')}"
    both_full = f"{a('full')} = 1 AND {b('full')} = 1"
    same_md = f"{a('m')} = {b('m')} AND {a('d')} = {b('d')}"
    gap = f"ABS({a('y')} - {b('y')})"
    return (
        "CASE"
        f" WHEN {both_full} AND {same_ymd} THEN CASE WHEN {a('be')} = {b('be')} THEN 0 ELSE 1 END"
        f" WHEN {both_full} AND {a('y')} = {b('y')} AND {a('m')} = {b('d')} AND {a('d')} = {b('m')} THEN 2"
        f" WHEN {a('age')} = 1 OR {b('age')} = 1 THEN CASE WHEN {gap} <= 1 THEN 5 ELSE 7 END"
        f" WHEN {a('y')} = {b('y')} THEN CASE"
        f" WHEN {a('m')} <> 0 AND {a('m')} = {b('m')} AND {a('jan1')} = 0 AND {b('jan1')} = 0 THEN 3"
        f" WHEN {a('full')} = 0 OR {b('full')} = 0 THEN 4 ELSE 6 END"
        f" WHEN {gap} = 1 AND {both_full} AND {same_md} THEN 6"
        f" WHEN {a('be')} <> {b('be')} AND {gap} <= 1 AND {same_md} THEN 1"
        " ELSE 7 END"
    )


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
        row.update(date_columns(d))
        for f in extra_fields:
            row[f] = (r.extra.get(f) or "").strip().lower() or None
        if source is not None:
            row["source_dataset"] = source
        rows.append(row)
    return rows


# Columns of the blocking keys add_blocking_keys writes (the blocking rules compare them).
BLOCKING_KEY_COLUMNS: tuple[str, ...] = (
    "blk_tok1", "blk_tok2", "blk_md1", "blk_md2", "blk_concat", "blk_full", "blk_dob",
)


def _narrow(columns: list[list[str | None]], tiers: Sequence[Sequence[str | None] | None], cap: int) -> None:
    """Narrow, in place, the keys of ``columns`` (one key space) shared by more than
    ``cap`` records: each tier appends a record's own value (its birth year, say) to its
    key, or removes the key when the record has no such value; a tier ``None`` removes
    the keys still too common. A key is counted over all the columns together, so that
    a rule comparing one column with another (rarest word against second rarest) stays
    consistent."""
    for tier in tiers:
        counts: Counter[str] = Counter()
        for col in columns:
            counts.update(k for k in col if k is not None)
        big = {k for k, n in counts.items() if n > cap}
        if not big:
            return
        for col in columns:
            for i, k in enumerate(col):
                if k is not None and k in big:
                    suffix = tier[i] if tier is not None else None
                    col[i] = f"{k}|{suffix}" if suffix is not None else None


def add_blocking_keys(rows: Sequence[dict[str, Any]], max_block_size: int) -> None:
    """Add the blocking-key columns (:data:`BLOCKING_KEY_COLUMNS`) to person rows.

    - ``blk_tok1``/``blk_tok2``: the two rarest phonetic name words; compared with each
      other both ways too;
    - ``blk_concat``: the phonetic key of the name written as one word (Kyawthein);
    - ``blk_full``: the whole phonetic name;
    - ``blk_dob``: full birth date and sex;
    - ``blk_md1``/``blk_md2``: only for name words too common for ``blk_tok*`` - the word
      with the day and month of birth (finds the pairs whose year is one off).

    A key shared by more than ``max_block_size`` records (over all rows, including
    rows of a second file) is narrowed: a name word by the birth year, then year and
    month; the whole name by sex; a birth date by nationality; and dropped if still too
    common (or when the record lacks what narrows it). So on a small file the keys are
    the plain name words, name and date; on a million records "Nguyen" becomes "Nguyen
    born 1987" and the candidate pairs grow about linearly with the file. Pairs lost
    this way are those a very common name and an unknown or wholly different birth date
    could not have settled anyway; ``blk_md*`` keep those whose year is one off.
    """
    def values(key: Callable[[dict[str, Any]], Any]) -> list[Any]:
        return [key(r) for r in rows]

    year = values(lambda r: r["dob_y"])
    # (a tier adds to the key narrowed by the one before: word|year, then word|year|month)
    month = values(lambda r: f"{r['dob_m']:02d}"
                   if r["dob_y"] is not None and r["dob_m"] and not r["dob_jan1"] and not r["dob_age"] else None)
    month_day = values(lambda r: f"md{r['dob_m']:02d}-{r['dob_d']:02d}" if r["dob_full"] else None)
    tok1, tok2 = values(lambda r: r["name_blk1"]), values(lambda r: r["name_blk2"])
    token_counts: Counter[str] = Counter(k for col in (tok1, tok2) for k in col if k is not None)
    md1 = [k if k is not None and token_counts[k] > max_block_size else None for k in tok1]
    md2 = [k if k is not None and token_counts[k] > max_block_size else None for k in tok2]
    _narrow([tok1, tok2], [year, month, None], max_block_size)
    _narrow([md1, md2], [month_day, None], max_block_size)
    concat = values(lambda r: r["name_concat"])
    _narrow([concat], [year, None], max_block_size)
    # the whole name only where it has a word to block on (else tok1 and tok2 cover it)
    full = values(lambda r: r["name_ph_sorted"] if r["name_blk1"] is not None else None)
    _narrow([full], [values(lambda r: r["sex"]), None], max_block_size)
    dob = values(lambda r: f"{r['dob_ymd']}|{r['sex']}" if r["dob_ymd"] and r["sex"] else None)
    _narrow([dob], [values(lambda r: r["nationality"]), None], max_block_size)
    for i, r in enumerate(rows):
        r["blk_tok1"], r["blk_tok2"], r["blk_md1"], r["blk_md2"] = tok1[i], tok2[i], md1[i], md2[i]
        r["blk_concat"], r["blk_full"], r["blk_dob"] = concat[i], full[i], dob[i]
