"""Readers: CSV and XLSX files as tables of rows, streamed (never the whole file in memory).

A ``Table`` has unique header names and yields ``SourceRow`` objects numbered the way a
spreadsheet program numbers rows (the header is row 1), so a report can say "row 17" and
the user finds it. Reader-level problems of one row - more cells than headers, a formula
without a saved result - travel with the row and quarantine it; problems of the whole file
(too many columns, a cell of a million characters, undecodable text) raise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FileFormatError, LimitError
from .sniff import ByteSource, TextInfo, as_source, detect_encoding

# Headers of more columns than this are refused: no case form has them, and a sheet with
# 10,000 columns is a mistake (or an attack on memory) rather than data.
DEFAULT_MAX_COLUMNS = 2_000
DEFAULT_MAX_ROWS = 2_000_000
SAMPLE_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Limits:
    """Bounds on what one import reads."""

    max_columns: int = DEFAULT_MAX_COLUMNS
    max_rows: int = DEFAULT_MAX_ROWS

    def to_dict(self) -> dict[str, int]:
        return {"max_columns": self.max_columns, "max_rows": self.max_rows}


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class SourceRow:
    """One data row: ``cells`` has one value per header (padded with ``None``); ``extra``
    holds non-empty cells beyond the last header; ``problems`` what the reader found wrong."""

    number: int
    cells: tuple[Any, ...]
    extra: tuple[Any, ...] = ()
    problems: tuple[str, ...] = ()

    def is_blank(self, ignore: frozenset[int] = frozenset()) -> bool:
        return all(
            _blank(v) for i, v in enumerate(self.cells) if i not in ignore
        ) and all(_blank(v) for v in self.extra)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Table:
    """A header and a way to stream its rows (each call to ``rows()`` starts again)."""

    name: str
    headers: list[str]
    header_rows: int
    first_row: int  # spreadsheet number of the first data row
    opener: Callable[[], Iterator[SourceRow]] = field(repr=False)
    notes: list[str] = field(default_factory=list)
    headerless: frozenset[int] = frozenset()  # columns whose header cell was empty
    estimated_rows: int | None = None

    def rows(self) -> Iterator[SourceRow]:
        return self.opener()

    def column_index(self, header: str) -> int:
        return self.headers.index(header)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def unique_headers(raw: list[Any]) -> tuple[list[str], frozenset[int], list[str]]:
    """Header texts made unique (``Name``, ``Name#2``); empty cells become ``column C``.

    Returns the headers, the indexes of headerless columns and notes for the user.
    """
    out: list[str] = []
    seen: dict[str, int] = {}
    headerless: set[int] = set()
    notes: list[str] = []
    for i, value in enumerate(raw):
        text = _header_text(value)
        if not text:
            text = f"column {column_letter(i)}"
            headerless.add(i)
        key = text.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{text}#{seen[key]}"
            notes.append(f"column {column_letter(i)}: header {text!r} repeats; read as {renamed!r}")
            text = renamed
        else:
            seen[key] = 1
        out.append(text)
    return out, frozenset(headerless), notes


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _trim(cells: list[Any] | tuple[Any, ...]) -> list[Any]:
    out = list(cells)
    while out and _blank(out[-1]):
        out.pop()
    return out


def _fit(cells: list[Any], width: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Cells padded or cut to ``width``; the cut non-empty cells returned as ``extra``."""
    if len(cells) <= width:
        return tuple(cells) + (None,) * (width - len(cells)), ()
    extra = tuple(v for v in cells[width:] if not _blank(v))
    return tuple(cells[:width]), extra


def _check_columns(width: int, where: str, limits: Limits) -> None:
    if width > limits.max_columns:
        raise LimitError(
            f"{where}: the header has {width:,} columns; at most {limits.max_columns:,} are "
            "allowed. Remove empty or unused columns (or split the sheet) and import again"
        )


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    skip_sep_line: bool = False

    @property
    def label(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
            self.delimiter, repr(self.delimiter)
        )


def sniff_delimiter(sample: str) -> CsvDialect:
    """The delimiter that splits the first lines into the most consistent columns.

    Excel's ``sep=;`` first line is honoured. A file with one column reads as commas.
    """
    lines = sample.splitlines()
    skip = False
    if lines and re.fullmatch(r"\ufeff?sep=(.)", lines[0].strip()):
        delim = lines[0].strip()[-1]
        return CsvDialect(delim, skip_sep_line=True)
    # Drop a possibly cut last line of the sample.
    text = "\n".join(lines[:-1] if len(lines) > 1 and len(sample) >= SAMPLE_CHARS else lines)
    best: tuple[int, int, str] = (-1, -1, ",")
    for delim in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(text), delimiter=delim) if r][:50]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        consistent = sum(1 for r in records if len(r) == width)
        score = (consistent, width, delim)
        if score[:2] > best[:2]:
            best = score
    return CsvDialect(best[2], skip)


def read_csv(
    source: str | Path | ByteSource, text: TextInfo, *, limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Table:
    """A CSV file (any delimiter of ``DELIMITERS``) as a table; the first non-blank row is
    the header."""
    p = as_source(source)
    label = name or p.name
    with p.open() as raw, io.TextIOWrapper(raw, encoding=text.codec, newline="") as fh:
        sample = fh.read(SAMPLE_CHARS)
    dialect = sniff_delimiter(sample)

    def records() -> Iterator[tuple[int, list[str]]]:
        with p.open() as raw, io.TextIOWrapper(raw, encoding=text.codec, newline="") as fh:
            if dialect.skip_sep_line:
                fh.readline()
            reader = csv.reader(fh, delimiter=dialect.delimiter)
            number = 1 if not dialect.skip_sep_line else 2
            try:
                for record in reader:
                    yield number, record
                    number += 1
            except csv.Error as exc:
                raise FileFormatError(
                    f"{label}: row {number}: cannot be read as CSV ({exc}); a cell may be "
                    f"longer than {csv.field_size_limit():,} characters or a quote is not closed"
                ) from exc

    header_number = 0
    header_raw: list[str] = []
    for number, record in records():
        if _trim(record):
            header_number, header_raw = number, _trim(record)
            break
    if not header_raw:
        raise FileFormatError(f"{label}: no header row: the file holds only empty lines")
    _check_columns(len(header_raw), label, limits)
    headers, headerless, notes = unique_headers(header_raw)
    width = len(headers)
    if text.newlines > limits.max_rows + header_number:
        raise LimitError(
            f"{label}: about {text.newlines:,} rows; at most {limits.max_rows:,} are allowed "
            "in one import. Split the file and import the parts"
        )

    def opener() -> Iterator[SourceRow]:
        for number, record in records():
            if number <= header_number:
                continue
            cells, extra = _fit(record, width)
            problems: tuple[str, ...] = ()
            if extra:
                problems = (
                    f"has {len(record)} cells but the header has {width} columns "
                    f"(extra values: {', '.join(repr(v) for v in extra[:3])})",
                )
            yield SourceRow(number, cells, extra, problems)

    notes.insert(0, f"delimiter: {dialect.label}")
    return Table(
        name=label,
        headers=headers,
        header_rows=1,
        first_row=header_number + 1,
        opener=opener,
        notes=notes,
        headerless=headerless,
        estimated_rows=max(0, text.newlines - header_number),
    )


def read_csv_zip(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> list[tuple[Table, TextInfo]]:
    """ODK Central's ZIP export: the submissions CSV and one CSV per repeat group, each
    streamed from the archive (shortest name first: the submissions file)."""
    p = Path(path)
    with zipfile.ZipFile(p) as zf:
        members = sorted(
            (n for n in zf.namelist() if n.lower().endswith(".csv")), key=lambda n: (len(n), n)
        )
    out: list[tuple[Table, TextInfo]] = []
    for member in members:
        src = ByteSource(p, member)
        info = detect_encoding(src)
        out.append((read_csv(src, info, limits=limits, name=Path(member).stem), info))
    return out


# --------------------------------------------------------------------------- XLSX


@dataclass(frozen=True)
class SheetScan:
    """What a pass over a sheet's XML found: merged ranges (1-based, inclusive) and whether
    any cell holds a formula."""

    merges: tuple[tuple[int, int, int, int], ...]
    has_formulas: bool


_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f[ >/]")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def scan_sheet_xml(path: str | Path, member: str) -> SheetScan:
    """Stream one sheet's XML for ``<mergeCell>`` and ``<f>`` (openpyxl's read-only mode
    exposes neither). Bounded memory: 1 MiB chunks with an overlap for cut tags."""
    merges: list[tuple[int, int, int, int]] = []
    formulas = False
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if not formulas and _FORMULA.search(data):
                formulas = True
            for m in _MERGE.finditer(data):
                if m.end() > len(tail):  # a match inside the overlap was counted last time
                    merges.append(
                        (int(m.group(2)), _col_number(m.group(1)), int(m.group(4)), _col_number(m.group(3)))
                    )
            tail = data[-200:]
    return SheetScan(tuple(dict.fromkeys(merges)), formulas)


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    """A read-only workbook from an open file (openpyxl refuses paths whose extension is not
    .xlsx, and a workbook may well be named .csv); ``_close_workbook`` closes both."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    fh = path.open("rb")
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        fh.close()
        raise FileFormatError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    wb._tipdata_file = fh
    return wb


def _close_workbook(wb: Any) -> None:
    wb.close()
    fh = getattr(wb, "_tipdata_file", None)
    if fh is not None:
        fh.close()


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def read_xlsx(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> list[Table]:
    """Every non-empty visible sheet of a workbook as a table (saved values, not formulas).

    Merged header cells are spread over the columns they cover; a merged top row over a
    row of sub-headers makes a two-level header read as ``top/sub`` (like a form's group
    path). A formula whose result was never saved (a file written by a program, not by a
    spreadsheet application) quarantines its row with the cell named.
    """
    p = Path(path)
    wb = _open_workbook(p, data_only=True)
    tables: list[Table] = []
    try:
        sheets = [(ws.title, ws._worksheet_path, ws.sheet_state) for ws in wb.worksheets]
        for title, member, state in sheets:
            if state != "visible":
                continue
            ws = wb[title]
            where = f"{p.name}, sheet {title!r}"
            try:
                declared_cols = ws.max_column or 0
                declared_rows = ws.max_row or 0
            except (TypeError, ValueError):
                declared_cols = declared_rows = 0
            if declared_rows > limits.max_rows + 2:
                raise LimitError(
                    f"{where}: {declared_rows:,} rows; at most {limits.max_rows:,} are allowed in "
                    "one import. Split the sheet and import the parts"
                )
            table = _xlsx_table(p, title, member, where, limits, declared_cols, declared_rows)
            if table is not None:
                tables.append(table)
    finally:
        _close_workbook(wb)
    if not tables:
        raise FileFormatError(f"{p.name}: every sheet is empty")
    return tables


def _xlsx_table(
    p: Path, title: str, member: str, where: str, limits: Limits, declared_cols: int,
    declared_rows: int,
) -> Table | None:
    scan = scan_sheet_xml(p, member)

    def raw_rows(data_only: bool = True) -> Iterator[tuple[Any, ...]]:
        wb = _open_workbook(p, data_only=data_only)
        try:
            ws = wb[title]
            # Read at most one column past the limit, so a 16,384-column sheet costs nothing.
            yield from ws.iter_rows(values_only=True, max_col=limits.max_columns + 1)
        finally:
            _close_workbook(wb)

    head: list[list[Any]] = []
    header_index = -1
    for i, row in enumerate(raw_rows()):
        cells = _trim([_cell_value(v) for v in row])
        head.append(cells)
        if header_index < 0 and cells:
            header_index = i
        if header_index >= 0 and i >= header_index + 1:
            break
        if i > 50 and header_index < 0:
            break
    if header_index < 0:
        return None
    header_number = header_index + 1
    top = head[header_index]
    if len(top) > limits.max_columns:
        raise LimitError(
            f"{where}: the header has more than {limits.max_columns:,} columns "
            f"({declared_cols:,} declared); remove empty or unused columns and import again"
        )
    below = head[header_index + 1] if len(head) > header_index + 1 else []
    raw_headers, header_rows, notes = _merged_headers(top, below, header_number, scan.merges)
    _check_columns(len(raw_headers), where, limits)
    headers, headerless, more = unique_headers(raw_headers)
    notes.extend(more)
    width = len(headers)
    first_row = header_number + header_rows
    if scan.has_formulas:
        notes.append("formulas: their saved results were imported, not the formulas")

    def opener() -> Iterator[SourceRow]:
        values = raw_rows(True)
        formulas = raw_rows(False) if scan.has_formulas else None
        for index, row in enumerate(values):
            number = index + 1
            frow = next(formulas, ()) if formulas is not None else ()
            if number < first_row:
                continue
            cells_list = [_cell_value(v) for v in row]
            problems: list[str] = []
            for ci, fval in enumerate(frow):
                if (
                    isinstance(fval, str) and fval.startswith("=") and ci < len(cells_list)
                    and cells_list[ci] is None
                ):
                    problems.append(
                        f"cell {column_letter(ci)}{number} holds a formula ({fval[:60]}) with "
                        "no saved result: open the file in a spreadsheet program, save it "
                        "and import again"
                    )
            if len(row) > limits.max_columns:
                cells_list = cells_list[: limits.max_columns + 1]
            cells, extra = _fit(_trim(cells_list), width)
            if extra:
                problems.append(
                    f"has values beyond the last header column (extra values: "
                    f"{', '.join(repr(v) for v in extra[:3])})"
                )
            yield SourceRow(number, cells, extra, tuple(problems))

    return Table(
        name=title,
        headers=headers,
        header_rows=header_rows,
        first_row=first_row,
        opener=opener,
        notes=notes,
        headerless=headerless,
        estimated_rows=max(0, declared_rows - first_row + 1) if declared_rows else None,
    )


def _merged_headers(
    top: list[Any], below: list[Any], header_number: int,
    merges: tuple[tuple[int, int, int, int], ...],
) -> tuple[list[Any], int, list[str]]:
    """Spread merged header cells; detect a two-level header (merged group over sub-headers)."""
    notes: list[str] = []
    headers = list(top)
    in_header = [m for m in merges if m[0] == header_number]
    if not in_header:
        return headers, 1, notes
    width = max([len(top)] + [m[3] for m in in_header])
    headers += [None] * (width - len(headers))
    two_level = False
    for r1, c1, r2, c2 in in_header:
        value = headers[c1 - 1]
        for c in range(c1, c2 + 1):
            headers[c - 1] = value
        if c2 > c1:
            notes.append(
                f"header cells {column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2} are merged"
            )
            if r2 == header_number and any(
                not _blank(below[c - 1]) for c in range(c1, c2 + 1) if c - 1 < len(below)
            ):
                two_level = True
    if not two_level:
        return headers, 1, notes
    vertical = {c for r1, c1, r2, c2 in in_header if r2 > r1 for c in range(c1, c2 + 1)}
    combined: list[Any] = []
    for i in range(max(len(headers), len(below))):
        upper = _header_text(headers[i]) if i < len(headers) else ""
        lower = _header_text(below[i]) if i < len(below) else ""
        if (i + 1) in vertical or not lower:
            combined.append(upper or lower)
        elif not upper:
            combined.append(lower)
        else:
            combined.append(f"{upper}/{lower}")
    notes.append("two header rows (merged group cells over sub-headers): read as group/sub-header")
    return combined, 2, notes
