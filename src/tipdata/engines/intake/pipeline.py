"""The import pipeline: plan (read the header, detect the format, guess or load the mapping),
then stream the rows, each ending as exactly one ``CleanRecord`` or ``QuarantinedRow``.

    plan = plan_import("cases.xlsx")            # format, encoding, mapping to confirm
    run = IntakeRun(plan)
    for result in run.results():                # one per non-blank input row
        ...
    run.report()                                # counts, date formats seen, notes

Blank rows are not records and are only counted. Every other row is either clean - a
dict of HTCDS field -> value split into the person, the victim context and the case, with
a stable key - or quarantined with every reason found (row, column, value, expected),
never silently dropped.

Keys: a form's submission key (``_uuid``, ``meta/instanceID``, ``KEY``), a tipdata export's
case id, the organisation's case reference, else a hash of the row's content with its
occurrence number (so two identical rows stay two records, and the same file imported
again yields the same keys).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tipdata.engines.standard import Dictionary, Field, ValueNotAllowedError, load_dictionary

from . import __version__ as ENGINE_VERSION
from .ctdc import ctdc_postprocess, looks_like_ctdc
from .errors import FileFormatError, MappingError
from .mapping import FORM_SYSTEM, REPORT_COLUMNS, LocalFieldSpec, Mapping_, Target, guess_mapping
from .readers import DEFAULT_LIMITS, Limits, SourceRow, Table, read_csv, read_csv_zip, read_xlsx
from .sniff import TextInfo, detect_encoding, file_kind
from .synonyms import Synonyms, load_synonyms, norm
from .values import Mapped, ValueMapper, ValueProblem, cell_text, is_missing, parse_date

FORMATS = ("auto", "csv", "xlsx", "htcds-excel", "kobo", "odk", "ctdc")
MAX_TEXT = 20_000
PERSON_ENTITIES = frozenset({"person", "consent"})
VICTIM_ENTITIES = frozenset({"victim_context"})
KOBO_SIGNS = ("_uuid", "_submission_time", "_index", "__version__", "_validation_status",
              "meta/instanceID", "meta/rootUuid", "formhub/uuid")
ODK_SIGNS = ("KEY", "SubmissionDate", "meta-instanceID", "SubmitterID", "ReviewState")
REPEAT_LINKS = ("_submission__uuid", "_parent_index", "PARENT_KEY")


def is_sealed_field(f: Field) -> bool:
    """Fields tipdata encrypts (the rule of ``cases.sealing``): direct identifiers and
    free-text narratives. The engine treats them as text and never parses them."""
    return f.privacy_class == "direct_identifier" or f.type == "long_text"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Reason:
    """Why a row was quarantined: where, what was found, what was expected."""

    row: int
    column: str | None
    value: Any
    expected: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}"
        if self.sheet:
            where = f"sheet {self.sheet!r} {where}"
        if self.column:
            where += f", column {self.column!r}"
        found = f": {cell_text(self.value)!r}" if self.value is not None else ""
        return f"{where}{found}: expected {self.expected}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "sheet": self.sheet,
            "column": self.column,
            "value": None if self.value is None else cell_text(self.value),
            "expected": self.expected,
        }


@dataclass
class CleanRecord:
    """A row that passed: HTCDS values by dictionary name, JSON-ready (dates ISO, multi-
    selects as lists), split the way tipdata stores them."""

    row: int
    key: str
    key_source: str
    person: dict[str, Any]
    victim_context: dict[str, Any]
    case: dict[str, Any]
    status: str | None = None
    registered_on: str | None = None
    registered_on_source: str = ""
    closed_on: str | None = None
    reference: str | None = None
    case_id: str | None = None
    local_fields: dict[str, Any] = field(default_factory=dict)
    repeats: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cells: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def fingerprint(self) -> str:
        """Hash of the record's content (not of its row number or key): unchanged re-imports
        are recognised by it."""
        body = {k: v for k, v in self.to_dict().items() if k not in ("row", "key_source")}
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "key_source": self.key_source,
            "person": self.person,
            "victim_context": self.victim_context,
            "case": self.case,
            "status": self.status,
            "registered_on": self.registered_on,
            "registered_on_source": self.registered_on_source,
            "closed_on": self.closed_on,
            "reference": self.reference,
            "case_id": self.case_id,
            "local_fields": self.local_fields,
            "repeats": self.repeats,
        }


@dataclass
class QuarantinedRow:
    """A row that did not pass, with its original cells and every reason found."""

    row: int
    key: str | None
    cells: dict[str, Any]
    reasons: list[Reason]

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "key": self.key, "reasons": [r.to_dict() for r in self.reasons]}


RowResult = CleanRecord | QuarantinedRow


# ------------------------------------------------------------------------------ planning


@dataclass
class Plan:
    """What an import will do, before it does it: shown to the user for confirmation."""

    path: Path
    kind: str
    format: str
    text: TextInfo | None
    table: Table
    repeats: list[Table]
    mapping: Mapping_
    repeat_mappings: dict[str, Mapping_]
    dictionary: Dictionary
    synonyms: Synonyms
    limits: Limits
    skip_rows: frozenset[int] = frozenset()
    notes: list[str] = field(default_factory=list)
    local_fields: dict[str, LocalFieldSpec] | None = None

    def mapped_fields(self) -> set[str]:
        """Dictionary fields and local fields this import writes (a re-import replaces
        exactly these on the records it updates)."""
        out: set[str] = set()
        for m in (self.mapping, *self.repeat_mappings.values()):
            out.update(t.name for t in m.columns.values() if t.kind in ("field", "choice", "local", "local_choice"))
        return out

    @property
    def encoding(self) -> str | None:
        return self.text.label if self.text else None

    def spec(self) -> dict[str, Any]:
        """The JSON-serialisable spec this import runs with (stored with every run)."""
        return {
            "engine": "tipdata.intake",
            "engine_version": ENGINE_VERSION,
            "file": self.path.name,
            "kind": self.kind,
            "format": self.format,
            "encoding": self.encoding,
            "sheet": self.table.name if self.kind == "xlsx" else None,
            "header_rows": self.table.header_rows,
            "skip_rows": sorted(self.skip_rows),
            "mapping": self.mapping.to_dict(),
            "repeat_mappings": {k: m.to_dict() for k, m in self.repeat_mappings.items()},
            "limits": self.limits.to_dict(),
            "dictionary": self.dictionary.name,
            "standard_version": self.dictionary.standard.version,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "format": self.format,
            "encoding": self.encoding,
            "table": self.table.name,
            "columns": self.mapping.report(),
            "key": self.mapping.key,
            "to_check": self.mapping.needs_check(),
            "repeat_groups": [t.name for t in self.repeats],
            "notes": self.notes + self.table.notes,
        }


def _detect_format(kind: str, table: Table, repeats: list[Table], dictionary: Dictionary) -> str:
    headers = table.headers
    present = set(headers)
    if looks_like_ctdc(headers):
        return "ctdc"
    if kind == "csv-zip" or any(h in present for h in ODK_SIGNS) or any(
        "PARENT_KEY" in t.headers for t in repeats
    ):
        return "odk"
    if any(h in present for h in KOBO_SIGNS) or any("/" in h for h in headers) and "start" in present:
        return "kobo"
    if kind == "xlsx":
        spreadsheet_names = {f.htcds_name for f in dictionary.fields} | {
            a for f in dictionary.fields for a in f.aliases
        }
        if sum(1 for h in headers if h in spreadsheet_names) >= 10:
            return "htcds-excel"
    return "xlsx" if kind == "xlsx" else "csv"


def _check_format(path: Path, kind: str, fmt: str) -> None:
    if fmt not in FORMATS:
        raise FileFormatError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "csv" and kind != "csv":
        raise FileFormatError(
            f"{path.name} is {'an XLSX workbook' if kind == 'xlsx' else 'a ZIP archive'}, not a "
            "CSV file; import it with format xlsx (or auto)"
        )
    if fmt in ("xlsx", "htcds-excel") and kind != "xlsx":
        raise FileFormatError(
            f"{path.name} is not an XLSX workbook (its content is "
            f"{'text' if kind == 'csv' else 'a ZIP of CSV files'}); import it with format csv "
            "(or auto)"
        )
    if fmt == "ctdc" and kind == "csv-zip":
        raise FileFormatError(f"{path.name} is a ZIP archive; CTDC files are CSV or XLSX")


def _label_row(table: Table, dictionary: Dictionary) -> SourceRow | None:
    """The first data row when it repeats the fields' labels (the HTCDS toolkit's row 2,
    or a Kobo export with both names and labels)."""
    labels = {norm(f.label) for f in dictionary.fields} | {norm(f.htcds_name) for f in dictionary.fields}
    for row in table.rows():
        if row.is_blank(table.headerless):
            continue
        texts = [c for c in row.cells if isinstance(c, str) and c.strip()]
        hits = sum(1 for c in texts if norm(c) in labels)
        if hits >= 3 and hits >= 0.6 * len(texts):
            return row
        return None
    return None


def plan_import(
    path: str | Path,
    *,
    format: str = "auto",  # noqa: A002 - the CLI option is --format
    mapping: Mapping_ | str | Path | dict[str, Any] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    dictionary: Dictionary | None = None,
    synonyms: Synonyms | None = None,
    local_fields: tuple[LocalFieldSpec, ...] | list[LocalFieldSpec] | None = None,
) -> Plan:
    """Read the file's structure and decide how to import it (nothing is imported yet).

    Raises ``FileFormatError`` / ``LimitError`` for files that cannot be read and
    ``MappingError`` when a given mapping does not fit or no column maps to any field.
    """
    p = Path(path)
    dictionary = dictionary or load_dictionary()
    synonyms = synonyms or load_synonyms()
    kind = file_kind(p)
    _check_format(p, kind, format)
    text: TextInfo | None = None
    if kind == "csv":
        text = detect_encoding(p, encoding=encoding)
        tables = [read_csv(p, text, limits=limits)]
    elif kind == "csv-zip":
        pairs = read_csv_zip(p, limits=limits)
        tables = [t for t, _ in pairs]
        text = pairs[0][1]
    else:
        tables = read_xlsx(p, limits=limits)
    notes: list[str] = []
    if sheet is not None:
        named = [t for t in tables if t.name == sheet]
        if not named:
            raise FileFormatError(
                f"{p.name}: no sheet named {sheet!r}; sheets: {', '.join(t.name for t in tables)}"
            )
        main, others = named[0], [t for t in tables if t is not named[0]]
    else:
        candidates = [t for t in tables if not any(h in t.headers for h in REPEAT_LINKS)]
        main = candidates[0] if candidates else tables[0]
        others = [t for t in tables if t is not main]
    repeats = [t for t in others if any(h in t.headers for h in REPEAT_LINKS)]
    for t in others:
        if t not in repeats:
            notes.append(f"sheet {t.name!r} was not read (only {main.name!r} is); choose another with --sheet")
    fmt = _detect_format(kind, main, repeats, dictionary) if format == "auto" else format
    if fmt not in ("kobo", "odk") and repeats:
        notes.append("repeat-group sheets are read only for Kobo/ODK exports")
        repeats = []
    skip: set[int] = set()
    label_row = _label_row(main, dictionary)
    if label_row is not None:
        skip.add(label_row.number)
        notes.append(f"row {label_row.number} repeats the field labels; it is not a record")
        # Columns with no name but a label (the toolkit's column AJ) take the label.
        renamed = list(main.headers)
        headerless = set(main.headerless)
        for i in sorted(main.headerless):
            cell = label_row.cells[i] if i < len(label_row.cells) else None
            if isinstance(cell, str) and cell.strip() and cell.strip() not in renamed:
                renamed[i] = cell.strip()
                headerless.discard(i)
        main.headers = renamed
        main.headerless = frozenset(headerless)
    locals_ = tuple(local_fields) if local_fields is not None else None
    if isinstance(mapping, Mapping_):
        chosen = mapping.check_headers(main.headers, where=p.name)
    elif isinstance(mapping, dict):
        chosen = Mapping_.from_dict(mapping, dictionary, local_fields=locals_).check_headers(
            main.headers, where=p.name)
    elif mapping is not None:
        chosen = Mapping_.load(mapping, dictionary, local_fields=locals_).check_headers(
            main.headers, where=p.name)
    else:
        chosen = guess_mapping(
            main.headers, dictionary, synonyms, source_format=fmt, local_fields=locals_,
            headerless=main.headerless,
        )
    chosen.source_format = fmt
    if not any(t.kind not in ("ignore", "key") for t in chosen.columns.values()):
        shown = ", ".join(repr(h) for h in main.headers[:12])
        raise MappingError(
            f"{p.name}: none of the columns matches an HTCDS field ({shown}"
            f"{' ...' if len(main.headers) > 12 else ''}); write a mapping file (--mapping) "
            "naming the field of each column"
        )
    repeat_mappings = {
        t.name: guess_mapping(t.headers, dictionary, synonyms, source_format=fmt,
                              local_fields=locals_, headerless=t.headerless)
        for t in repeats
    }
    return Plan(
        path=p, kind=kind, format=fmt, text=text, table=main, repeats=repeats, mapping=chosen,
        repeat_mappings=repeat_mappings, dictionary=dictionary, synonyms=synonyms, limits=limits,
        skip_rows=frozenset(skip), notes=notes,
        local_fields=None if locals_ is None else {lf.name: lf for lf in locals_},
    )


# ------------------------------------------------------------------------------ rows


def _local_value(raw: Any) -> Any:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    text = str(raw).strip()
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _submission_key(raw: Any) -> str:
    text = cell_text(raw)
    return text[5:] if text.lower().startswith("uuid:") else text


@dataclass
class _Parsed:
    """One row's values after mapping, before they become a record."""

    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field -> first column
    local: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, tuple[str, Any]] = field(default_factory=dict)
    key: Any = None
    reasons: list[Reason] = field(default_factory=list)


class _Mapper:
    """Applies one table's mapping to its rows."""

    def __init__(self, table: Table, mapping: Mapping_, plan: Plan, values: ValueMapper,
                 formats: dict[str, Counter[str]]) -> None:
        self.table = table
        self.mapping = mapping
        self.plan = plan
        self.values = values
        self.formats = formats
        self.active: list[tuple[int, str, Target]] = [
            (i, h, mapping.columns[h]) for i, h in enumerate(table.headers)
            if mapping.columns.get(h) is not None and mapping.columns[h].kind != "ignore"
        ]
        if mapping.key and mapping.key in table.headers:
            i = table.headers.index(mapping.key)
            if all(j != i for j, _, _ in self.active):
                self.active.append((i, mapping.key, Target("key")))
        self.fields = {t.name: plan.dictionary.field(t.name) for _, _, t in self.active
                       if t.kind in ("field", "choice")}
        # Coded columns hold a few distinct values over and over: remember each verdict.
        self._memo: dict[tuple[str, Any, str | None], tuple[bool, Any, str | None]] = {}

    def parse(self, row: SourceRow, sheet: str | None = None) -> _Parsed:
        out = _Parsed()
        for problem in row.problems:
            out.reasons.append(Reason(row.number, None, None, f"a well-formed row; this one {problem}"
                                      if not problem.startswith("cell") else problem, sheet))
        per_field: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        flags: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for i, header, target in self.active:
            raw = row.cells[i] if i < len(row.cells) else None
            if is_missing(raw, self.plan.synonyms):
                continue
            kind = target.kind
            try:
                if kind == "field":
                    per_field[target.name].append((header, raw))
                elif kind == "choice":
                    if self.values.flag(raw):
                        flags[target.name].append((header, target.codes))
                elif kind == "local":
                    declared = self.plan.local_fields
                    if declared is not None and target.name in declared:
                        out.local[target.name] = self.values.map_local(declared[target.name], raw)
                    else:
                        out.local[target.name] = _local_value(raw)
                elif kind == "local_choice":
                    if self.values.flag(raw):
                        bucket = out.local.setdefault(target.name, [])
                        bucket.extend(c for c in target.codes if c not in bucket)
                elif kind == "meta":
                    out.meta[target.name] = (header, raw)
                elif kind == "key":
                    out.key = raw
            except ValueProblem as problem:
                out.reasons.append(Reason(row.number, header, raw, problem.expected, sheet))
        for name, items in per_field.items():
            f = self.fields[name]
            collected: list[Any] = []
            for header, raw in items:
                value = self._value(f, header, raw, row.number, sheet, out.reasons)
                if value is not None:
                    collected.append(value)
                    out.columns.setdefault(name, header)
            if not collected:
                continue
            if f.multiple:
                out.values[name] = tuple(dict.fromkeys(c for v in collected for c in v))
            else:
                out.values[name] = collected[0]
        for name, marks in flags.items():
            f = self.fields[name]
            codes = tuple(dict.fromkeys(c for _, cs in marks for c in cs))
            out.columns.setdefault(name, marks[0][0])
            if f.multiple:
                out.values[name] = tuple(dict.fromkeys((*out.values.get(name, ()), *codes)))
            elif len(codes) > 1 or (name in out.values and out.values[name] not in codes):
                out.reasons.append(Reason(
                    row.number, ", ".join(h for h, _ in marks), None,
                    f"one choice for {f.htcds_name} (it takes one value); found {', '.join(codes)}", sheet))
            else:
                out.values[name] = codes[0]
        return out

    def _value(self, f: Field, header: str, raw: Any, row: int, sheet: str | None,
               reasons: list[Reason]) -> Any:
        if is_sealed_field(f):
            text = cell_text(raw)
            if len(text) > MAX_TEXT:
                # No excerpt: the reason travels to reports, and this text is an identifier or narrative.
                reasons.append(Reason(row, header, None,
                                      f"text of at most {MAX_TEXT:,} characters (found {len(text):,})", sheet))
                return None
            return text
        date_format = self.mapping.date_format(header)
        memo_key = (f.name, raw, date_format) if isinstance(raw, str | int | float | dt.date) else None
        verdict = self._memo.get(memo_key) if memo_key is not None else None
        if verdict is None:
            verdict = self._verdict(f, raw, date_format)
            if memo_key is not None:
                if len(self._memo) > 100_000:
                    self._memo.clear()  # bounded memory on files with many distinct values
                self._memo[memo_key] = verdict
        ok, value, how = verdict
        if not ok:
            reasons.append(Reason(row, header, raw, value, sheet))
            return None
        if how:
            self.formats[header][how] += 1
        return value

    def _verdict(self, f: Field, raw: Any, date_format: str | None) -> tuple[bool, Any, str | None]:
        """(True, value, how it was read) or (False, what was expected, None)."""
        try:
            mapped: Mapped = self.values.map(f, raw, date_format=date_format)
        except ValueProblem as problem:
            return False, problem.expected + (f" (did you mean {problem.suggestion!r}?)" if problem.suggestion else ""), None
        try:
            value = f.validate(mapped.value)
        except ValueNotAllowedError as exc:
            return False, self.values.expected(f) + f" ({exc.reason})", None
        return True, value, mapped.how


class _Repeats:
    """Repeat-group rows (separate sheets of a Kobo/ODK export) by their submission."""

    def __init__(self, plan: Plan, values: ValueMapper, formats: dict[str, Counter[str]]) -> None:
        self.by_parent: dict[str, list[tuple[str, SourceRow, _Mapper]]] = defaultdict(list)
        self.parent_column: str | None = None
        self.orphans: Counter[str] = Counter()
        main = plan.table.headers
        for table in plan.repeats:
            mapper = _Mapper(table, plan.repeat_mappings[table.name], plan, values, formats)
            link, parent = self._link(table, main)
            if link is None or parent is None:
                plan.notes.append(f"sheet {table.name!r}: no column links its rows to a submission; not read")
                continue
            self.parent_column = self.parent_column or parent
            li = table.headers.index(link)
            for row in table.rows():
                if row.is_blank(table.headerless):
                    continue
                value = row.cells[li]
                if value is None:
                    self.orphans[table.name] += 1
                    continue
                token = cell_text(value)
                if link == "PARENT_KEY":
                    token = token.split("/")[0]
                self.by_parent[f"{parent}:{token}"].append((table.name, row, mapper))

    @staticmethod
    def _link(table: Table, main: list[str]) -> tuple[str | None, str | None]:
        h = table.headers
        if "_submission__uuid" in h and "_uuid" in main:
            return "_submission__uuid", "_uuid"
        if "PARENT_KEY" in h and "KEY" in main:
            return "PARENT_KEY", "KEY"
        if "_parent_index" in h and "_index" in main:
            return "_parent_index", "_index"
        return None, None

    def take(self, parent: str, token: Any) -> list[tuple[str, SourceRow, _Mapper]]:
        return self.by_parent.pop(f"{parent}:{cell_text(token)}", [])


class IntakeRun:
    """Streams a plan's rows as results and keeps the counts and notes for the report."""

    def __init__(self, plan: Plan, *, today: dt.date | None = None) -> None:
        self.plan = plan
        self.today = today or dt.date.today()
        self.formats: dict[str, Counter[str]] = defaultdict(Counter)
        self.values = ValueMapper(plan.dictionary, plan.synonyms, extra=plan.mapping.values, today=self.today)
        self.mapper = _Mapper(plan.table, plan.mapping, plan, self.values, self.formats)
        self.rows = 0
        self.blank_rows = 0
        self.clean = 0
        self.quarantined = 0
        self.registered_on_sources: Counter[str] = Counter()
        self._occurrences: dict[int, int] = {}
        self._repeats: _Repeats | None = None
        headers = plan.table.headers
        self._hash_columns = [
            (i, norm(h)) for i, h in enumerate(headers)
            if i not in plan.table.headerless and h not in FORM_SYSTEM and h not in REPORT_COLUMNS
        ]
        self._part_of: dict[str, str] = {}
        key = plan.mapping.key
        self._key_index = headers.index(key) if key and key in headers else None
        self._meta_cols = {t.name: h for h, t in plan.mapping.columns.items() if t.kind == "meta"}

    def results(self, start_after: int = 0) -> Iterator[RowResult]:
        """One result per non-blank row, in file order. ``start_after`` skips results up to
        that count (a resumed import); the skipped rows are still read so that content keys
        and their occurrence numbers come out the same as in the first attempt."""
        if self.plan.repeats and self._repeats is None:
            self._repeats = _Repeats(self.plan, self.values, self.formats)
        table = self.plan.table
        produced = 0
        for row in table.rows():
            if row.number in self.plan.skip_rows:
                continue
            if row.is_blank(table.headerless):
                self.blank_rows += 1
                continue
            produced += 1
            # Rows with a submission key need no content key (and its memory); numbering
            # of identical keyless rows stays the same on a resumed run.
            key_cell = row.cells[self._key_index] if self._key_index is not None else None
            key_hint = self._content_key(row) if is_missing(key_cell, self.plan.synonyms) else ""
            if produced <= start_after:
                self.rows += 1
                if self._repeats is not None and self._repeats.parent_column in table.headers:
                    token = row.cells[table.headers.index(self._repeats.parent_column)]
                    if token is not None:
                        self._repeats.take(self._repeats.parent_column, token)
                continue
            result = self._process(row, key_hint)
            self.rows += 1
            if isinstance(result, CleanRecord):
                self.clean += 1
            else:
                self.quarantined += 1
            yield result
        if self._repeats is not None:
            for name, count in self._repeats.orphans.items():
                self.plan.notes.append(f"sheet {name!r}: {count} rows without a parent submission were not read")
            left = sum(len(v) for v in self._repeats.by_parent.values())
            if left:
                self.plan.notes.append(f"{left} repeat-group rows name a submission that is not in the main sheet")

    def _content_key(self, row: SourceRow) -> str:
        cells = row.cells
        parts = sorted(
            (name, cell_text(cells[i]))
            for i, name in self._hash_columns
            if i < len(cells) and not is_missing(cells[i], self.plan.synonyms)
        )
        digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]
        short = int(digest[:16], 16)
        n = self._occurrences.get(short, 0) + 1
        self._occurrences[short] = n
        return f"h:{digest}" + (f"#{n}" if n > 1 else "")

    def _process(self, row: SourceRow, content_key: str) -> RowResult:
        plan = self.plan
        headers = plan.table.headers
        cells = {h: row.cells[i] for i, h in enumerate(headers) if i < len(row.cells)}
        parsed = self.mapper.parse(row)
        reasons = parsed.reasons
        values = parsed.values
        if plan.format == "ctdc":
            ctdc_postprocess(values, parsed.local)
        repeats: dict[str, list[dict[str, Any]]] = {}
        if self._repeats is not None and self._repeats.parent_column in cells:
            token = cells[self._repeats.parent_column]
            if token is not None:
                self._merge_repeats(self._repeats.take(self._repeats.parent_column, token), values, repeats, reasons)
        meta = self._meta(parsed, row.number, reasons)
        # The key: submission key, tipdata case id, case reference, else content.
        if parsed.key is not None and cell_text(parsed.key):
            key, key_source = "k:" + _submission_key(parsed.key), "submission"
        elif meta.get("case_id"):
            key, key_source = "k:" + str(meta["case_id"]), "case_id"
        elif meta.get("reference"):
            key, key_source = "ref:" + str(meta["reference"]), "reference"
        else:
            key, key_source = content_key, "content"
        if not values and not parsed.local and not any(
            k in meta for k in ("registered_on", "closed_on", "reference", "case_id")
        ) and not reasons:
            unmapped = [h for h, v in cells.items() if not is_missing(v, plan.synonyms)
                        and plan.mapping.columns.get(h, Target("ignore")).kind == "ignore"]
            reasons.append(Reason(row.number, None, None,
                                  "a value in at least one imported column; this row has values only in "
                                  f"columns that are not imported ({', '.join(unmapped[:5])})"))
        self._row_checks(values, parsed, meta, row.number, reasons)
        if reasons:
            return QuarantinedRow(row.number, key, cells, reasons)
        status = values.pop("cas_status", None)
        person: dict[str, Any] = {}
        victim: dict[str, Any] = {}
        case: dict[str, Any] = {}
        for name, value in values.items():
            where = self._part_of.get(name)
            if where is None:
                entity = plan.dictionary.field(name).entity
                where = "person" if entity in PERSON_ENTITIES else "victim" if entity in VICTIM_ENTITIES else "case"
                self._part_of[name] = where
            part = person if where == "person" else victim if where == "victim" else case
            part[name] = _jsonable(value)
        registered, source = meta.get("registered_on"), meta.get("registered_on_source", "")
        self.registered_on_sources[source or "none (the import date is used)"] += 1
        return CleanRecord(
            row=row.number, key=key, key_source=key_source, person=person, victim_context=victim,
            case=case, status=status,
            registered_on=registered.isoformat() if registered else None,
            registered_on_source=source,
            closed_on=meta["closed_on"].isoformat() if meta.get("closed_on") else None,
            reference=meta.get("reference"), case_id=meta.get("case_id"),
            local_fields={k: _jsonable(v) for k, v in parsed.local.items()}, repeats=repeats,
            cells=cells,
        )

    def _meta(self, parsed: _Parsed, row: int, reasons: list[Reason]) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        for name, (header, raw) in parsed.meta.items():
            try:
                if name in ("registered_on", "closed_on", "submitted_at"):
                    fmt = self.plan.mapping.date_format(header)
                    value, how = parse_date(raw, date_format=fmt, today=self.today)
                    self.formats[header][how] += 1
                    meta[name] = value
                elif name == "registered_year":
                    year = int(float(cell_text(raw)))
                    if not 1900 <= year <= self.today.year:
                        raise ValueProblem(f"a year from 1900 to {self.today.year}")
                    meta[name] = year
                elif name == "reference":
                    text = cell_text(raw)
                    if len(text) > 40:
                        raise ValueProblem("a case reference of at most 40 characters")
                    meta[name] = text
                elif name == "case_id":
                    meta[name] = str(uuid.UUID(cell_text(raw)))
            except (ValueProblem, ValueError) as problem:
                expected = problem.expected if isinstance(problem, ValueProblem) else (
                    "a tipdata case id (a UUID)" if name == "case_id" else "a year")
                reasons.append(Reason(row, header, raw, expected))
        if "registered_on" in meta:
            meta["registered_on_source"] = "column"
        elif "cas_incoming_referral_date" in parsed.values:
            meta["registered_on"] = parsed.values["cas_incoming_referral_date"]
            meta["registered_on_source"] = "incoming referral date"
        elif "submitted_at" in meta:
            meta["registered_on"] = meta["submitted_at"]
            meta["registered_on_source"] = "form submission date"
        elif "registered_year" in meta:
            meta["registered_on"] = dt.date(meta["registered_year"], 1, 1)
            meta["registered_on_source"] = "year only: 1 January used"
            if self.plan.local_fields is None or "local_ctdc_year_of_registration" in self.plan.local_fields:
                parsed.local.setdefault("local_ctdc_year_of_registration", meta["registered_year"])
        return meta

    def _row_checks(self, values: dict[str, Any], parsed: _Parsed, meta: dict[str, Any], row: int,
                    reasons: list[Reason]) -> None:
        birth = values.get("prs_birthdate")
        if isinstance(birth, dt.date) and birth > self.today:
            reasons.append(Reason(row, parsed.columns.get("prs_birthdate"), birth,
                                  f"a birth date not in the future (today is {self.today})"))
        registered = meta.get("registered_on")
        if isinstance(registered, dt.date) and registered > self.today:
            reasons.append(Reason(row, self._meta_cols.get("registered_on"), registered,
                                  f"a registration date not in the future (today is {self.today})"))
        closed = meta.get("closed_on")
        if isinstance(closed, dt.date) and isinstance(registered, dt.date) and closed < registered:
            reasons.append(Reason(row, self._meta_cols.get("closed_on"), closed,
                                  f"a closing date on or after the registration date ({registered})"))

    def _merge_repeats(self, children: list[tuple[str, SourceRow, _Mapper]], values: dict[str, Any],
                       repeats: dict[str, list[dict[str, Any]]], reasons: list[Reason]) -> None:
        """Fold repeat-group rows into their submission: multi-selects of the person or the
        victim are united, narratives appended (they stay sealed), other values kept in
        ``repeats[group]``; identifying person fields in a repeat cannot be stored and
        quarantine the submission."""
        for sheet, row, mapper in children:
            parsed = mapper.parse(row, sheet)
            reasons.extend(parsed.reasons)
            entry: dict[str, Any] = {}
            for name, value in parsed.values.items():
                f = self.plan.dictionary.field(name)
                if f.multiple and (f.entity in PERSON_ENTITIES or f.entity in VICTIM_ENTITIES):
                    values[name] = tuple(dict.fromkeys((*values.get(name, ()), *value)))
                elif is_sealed_field(f):
                    if f.entity in PERSON_ENTITIES:
                        reasons.append(Reason(
                            row.number, parsed.columns.get(name), None,
                            f"no identifying person field in a repeat group ({f.htcds_name}): tipdata "
                            "keeps one person per submission; set this column to ignore", sheet))
                    else:
                        values[name] = "\n\n".join(v for v in (values.get(name), value) if v)
                else:
                    entry[name] = _jsonable(value)
            entry.update({k: _jsonable(v) for k, v in parsed.local.items()})
            if entry:
                repeats.setdefault(sheet, []).append(entry)

    def report(self) -> dict[str, Any]:
        """Counts, the date formats read per column, where registration dates came from."""
        return {
            "rows": self.rows,
            "clean": self.clean,
            "quarantined": self.quarantined,
            "blank_rows": self.blank_rows,
            "date_formats": {h: dict(c) for h, c in self.formats.items()},
            "registered_on_sources": dict(self.registered_on_sources),
            "notes": self.plan.notes + self.plan.table.notes,
        }


def read_all(
    path: str | Path, *, format: str = "auto", mapping: Any = None,  # noqa: A002
    today: dt.date | None = None, **kwargs: Any,
) -> tuple[Plan, list[CleanRecord], list[QuarantinedRow], dict[str, Any]]:
    """Plan and run in one call (for notebooks and tests; holds every result in memory)."""
    plan = plan_import(path, format=format, mapping=mapping, **kwargs)
    run = IntakeRun(plan, today=today)
    clean: list[CleanRecord] = []
    bad: list[QuarantinedRow] = []
    for result in run.results():
        (clean if isinstance(result, CleanRecord) else bad).append(result)  # type: ignore[arg-type]
    return plan, clean, bad, run.report()


def mapping_from(value: Any, dictionary: Dictionary) -> Mapping_ | None:
    """A mapping from a ``Mapping_``, a YAML path or a dict (or ``None``)."""
    if value is None or isinstance(value, Mapping_):
        return value
    if isinstance(value, Mapping):
        return Mapping_.from_dict(dict(value), dictionary)
    return Mapping_.load(value, dictionary)
