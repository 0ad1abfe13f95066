"""The person file: one CSV format for deduplication, encoding and evaluation.

Columns ``id, given_name, family_name, full_name, sex, birth_date, nationality``
(``full_name`` optional; ``birth_date`` as YYYY, YYYY-MM or YYYY-MM-DD, Buddhist-era years
accepted; ``sex`` M, F or blank; names in any script). Optional ``age`` (whole years,
used when ``birth_date`` is blank) with ``age_year`` (the year the age was recorded).

Every row is either read or rejected with the file, row, column, value and what is
allowed; nothing is dropped silently. Columns not listed here are ignored unless a spec
names them as extra fields (their names are reported so that nobody thinks they were used).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from tipdata.engines.names import (
    BirthDate,
    BirthDateError,
    NormalisedName,
    birth_date_from_age,
    normalise_name,
    parse_birth_date,
)

REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "id", "given_name", "family_name", "sex", "birth_date", "nationality",
)
OPTIONAL_COLUMNS: Final[tuple[str, ...]] = ("full_name", "age", "age_year")
SEX_VALUES: Final[dict[str, str]] = {"m": "M", "f": "F", "": ""}


class PersonFileError(ValueError):
    """The file as a whole cannot be read (missing columns, not a CSV, empty)."""


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not used, and why."""

    file: str
    row: int  # line number in the file, header = 1
    column: str
    value: str
    problem: str
    allowed: str

    def message(self) -> str:
        return (
            f"{self.file}, row {self.row}, column {self.column!r}: {self.problem} "
            f"(value {self.value!r}; allowed: {self.allowed})"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PersonRecord:
    """One person as read from a person file (plaintext: stays with its agency)."""

    id: str
    given_name: str = ""
    family_name: str = ""
    full_name: str = ""
    sex: str = ""  # "M", "F" or ""
    birth_date: BirthDate | None = None
    nationality: str = ""  # ISO 3166-1 alpha-3 or ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def name(self) -> NormalisedName:
        return normalise_name(
            self.given_name, self.family_name, self.full_name, nationality=self.nationality or None
        )


@dataclass
class PersonFile:
    """What was read from a person file: the records, the rejected rows, the notes."""

    path: str
    records: list[PersonRecord]
    rejected: list[RejectedRow]
    ignored_columns: list[str]

    def report(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "records": len(self.records),
            "rejected": [r.to_dict() for r in self.rejected],
            "ignored_columns": self.ignored_columns,
        }


@functools.lru_cache(maxsize=1024)
def normalise_nationality(value: str) -> str:
    """ISO 3166-1 alpha-3 code for a code (alpha-2/alpha-3) or English country name.

    Raises ``LookupError`` for anything else.
    """
    import pycountry

    text = value.strip()
    if not text:
        return ""
    aliases = {"burma": "MMR", "laos": "LAO", "vietnam": "VNM", "thai": "THA",
               "burmese": "MMR", "myanmar": "MMR", "cambodian": "KHM", "khmer": "KHM",
               "lao": "LAO", "filipino": "PHL", "indonesian": "IDN", "vietnamese": "VNM",
               "malaysian": "MYS", "chinese": "CHN", "east timor": "TLS", "timor-leste": "TLS"}
    if text.lower() in aliases:
        return aliases[text.lower()]
    country = pycountry.countries.lookup(text)
    return str(country.alpha_3)


def _reference_year() -> int:
    return dt.date.today().year


def read_person_rows(
    rows: Iterable[Mapping[str, str | None]],
    *,
    source: str,
    columns: list[str],
    extra_fields: tuple[str, ...] = (),
    reference_year: int | None = None,
    first_row: int = 2,
) -> PersonFile:
    """Validate rows (dicts keyed by column name) into person records."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    missing += [c for c in extra_fields if c not in columns]
    if missing:
        raise PersonFileError(
            f"{source}: missing column(s) {', '.join(missing)}; a person file needs the columns "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(extra_fields)
    ignored = [c for c in columns if c not in known]
    ref_year = reference_year or _reference_year()
    records: list[PersonRecord] = []
    rejected: list[RejectedRow] = []
    seen_ids: dict[str, int] = {}
    for offset, row in enumerate(rows):
        line = first_row + offset

        def get(col: str, _row: Mapping[str, str | None] = row) -> str:
            return (_row.get(col) or "").strip()

        def reject(col: str, problem: str, allowed: str, _line: int = line) -> None:
            rejected.append(RejectedRow(source, _line, col, get(col), problem, allowed))

        pid = get("id")
        if not pid:
            reject("id", "the id is empty", "a non-empty identifier, unique in the file")
            continue
        if pid in seen_ids:
            reject("id", f"the id is already used on row {seen_ids[pid]}", "a unique identifier")
            continue
        sex_raw = get("sex")
        if sex_raw.lower() not in SEX_VALUES:
            reject("sex", "unknown sex code", "M, F or blank")
            continue
        birth: BirthDate | None = None
        if get("birth_date"):
            try:
                birth = parse_birth_date(get("birth_date"))
            except BirthDateError as exc:
                reject("birth_date", str(exc).split(";")[0], "YYYY, YYYY-MM or YYYY-MM-DD")
                continue
        elif "age" in columns and get("age"):
            try:
                age = int(get("age"))
                year = int(get("age_year")) if get("age_year") else ref_year
                birth = birth_date_from_age(age, year)
            except (ValueError, BirthDateError):
                reject("age", "not a whole number of years 0-120 (with age_year a 4-digit year)", "0-120")
                continue
        try:
            nationality = normalise_nationality(get("nationality"))
        except LookupError:
            reject("nationality", "unknown country", "ISO 3166 code (MMR, TH, ...) or English country name, or blank")
            continue
        given, family, full = get("given_name"), get("family_name"), get("full_name")
        record = PersonRecord(
            id=pid,
            given_name=given,
            family_name=family,
            full_name=full,
            sex=SEX_VALUES[sex_raw.lower()],
            birth_date=birth,
            nationality=nationality,
            extra={c: get(c) for c in extra_fields},
        )
        if record.name.is_empty:
            col = next((c for c, v in (("given_name", given), ("family_name", family), ("full_name", full)) if v),
                       "given_name")
            reject(col, "no usable name (empty, or only titles/placeholders)",
                   "a name in any script in given_name, family_name or full_name")
            continue
        seen_ids[pid] = line
        records.append(record)
    return PersonFile(source, records, rejected, ignored)


def read_person_file(
    path: str | os.PathLike[str],
    *,
    extra_fields: tuple[str, ...] = (),
    reference_year: int | None = None,
) -> PersonFile:
    """Read and validate a person CSV file (UTF-8, with or without a byte-order mark)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PersonFileError(f"{p}: no such file") from None
    except UnicodeDecodeError as exc:
        raise PersonFileError(f"{p}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV") from None
    return read_person_text(text, source=str(p), extra_fields=extra_fields, reference_year=reference_year)


def read_person_text(
    text: str, *, source: str = "<text>", extra_fields: tuple[str, ...] = (),
    reference_year: int | None = None,
) -> PersonFile:
    if not text.strip():
        raise PersonFileError(f"{source}: the file is empty; expected a header row with {', '.join(REQUIRED_COLUMNS)}")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = columns
    rows = list(reader)
    return read_person_rows(
        rows, source=source, columns=columns, extra_fields=extra_fields, reference_year=reference_year
    )


def write_person_file(path: str | os.PathLike[str], records: Iterable[Mapping[str, str]]) -> None:
    """Write person rows (dicts with the person-file columns) as a CSV file."""
    rows = list(records)
    columns = list(REQUIRED_COLUMNS[:3]) + ["full_name"] + list(REQUIRED_COLUMNS[3:])
    for r in rows:
        for c in r:
            if c not in columns:
                columns.append(c)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
