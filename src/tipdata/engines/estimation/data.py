"""Capture-history tables: the input of multiple systems estimation.

A capture-history table has one 0/1 column per list (agency) and a ``count``
column: how many distinct persons were seen on exactly that combination of lists.
This is the layout of the R packages' data sets (e.g. ``UKdat`` in
MultipleSystemsEstimation, ``histfreq`` data in Rcapture)::

    LA,NG,PF,count
    1,0,0,54
    0,1,1,56
    ...

Histories that are not listed have count zero. The all-zero history (persons on
no list) is what is being estimated, so it cannot carry a positive count.

Internally a history is an integer bit mask: bit ``i`` (0-based) is set when the
person is on list ``i + 1``. ``CaptureTable.counts[h]`` is the count of history
``h``; ``counts[0]`` is always 0.

Duplicate histories are **summed** (as R's ``tidylists`` does), because tables
assembled from several sources often repeat a combination; each sum is recorded
in ``CaptureTable.notes`` so nothing happens silently.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import CaptureDataError

#: More lists than this makes 2**t cells unwieldy; no published study comes close.
MAX_LISTS = 15

DEFAULT_COUNT_COLUMN = "count"


@dataclass(frozen=True)
class CaptureTable:
    """Counts of persons by capture history, for ``n_lists`` lists.

    Use :func:`read_capture_csv`, :func:`parse_capture_csv` or
    :meth:`CaptureTable.from_histories` to build one; the constructor trusts its
    arguments.
    """

    list_names: tuple[str, ...]
    counts: np.ndarray  # int64, shape (2**n_lists,), counts[0] == 0
    source: str | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        t = len(self.list_names)
        if self.counts.shape != (1 << t,):
            raise ValueError("counts must have length 2**n_lists")
        if self.counts[0] != 0:
            raise ValueError("the all-zero history cannot have a count")

    # ------------------------------------------------------------------ basics
    @property
    def n_lists(self) -> int:
        return len(self.list_names)

    @property
    def observed(self) -> int:
        """Number of distinct persons seen on at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """Persons on each list (whatever other lists they are also on)."""
        return {name: int(self.nstar(1 << i)) for i, name in enumerate(self.list_names)}

    def nstar(self, term: int) -> int:
        """Persons seen on every list in ``term`` (a bit mask), and maybe others."""
        cells = np.arange(self.counts.size)
        return int(self.counts[(cells & term) == term].sum())

    def nstar_all(self) -> np.ndarray:
        """``nstar`` for every bit mask at once (superset-sum transform)."""
        out = self.counts.astype(np.int64).copy()
        for i in range(self.n_lists):
            bit = 1 << i
            idx = np.arange(out.size)
            without = idx[(idx & bit) == 0]
            out[without] += out[without | bit]
        return out

    def histories(self) -> list[tuple[str, int]]:
        """Observed histories as ('0101...', count) in list order, count > 0."""
        out = []
        for h in np.nonzero(self.counts)[0]:
            out.append((history_string(int(h), self.n_lists), int(self.counts[h])))
        return out

    def with_counts(self, counts: np.ndarray) -> CaptureTable:
        """Same lists, new counts (used by the bootstrap and jackknife)."""
        return CaptureTable(self.list_names, np.asarray(counts, dtype=np.int64), self.source)

    def to_dict(self) -> dict[str, object]:
        return {
            "lists": list(self.list_names),
            "histories": {h: c for h, c in self.histories()},
            "observed": self.observed,
        }

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_histories(
        cls,
        list_names: Sequence[str],
        histories: Mapping[str, int] | Iterable[tuple[Sequence[int] | str, int]],
        *,
        source: str | None = None,
    ) -> CaptureTable:
        """Build from ``{"101": 6, ...}`` or ``[((1, 0, 1), 6), ...]``.

        The i-th character / element is membership of ``list_names[i]``.
        Duplicates are summed and noted, as in the CSV reader.
        """
        names = _check_list_names(list_names, source)
        items = histories.items() if isinstance(histories, Mapping) else histories
        builder = _Builder(names, source)
        for n, (hist, count) in enumerate(items, start=1):
            cells = list(hist) if not isinstance(hist, str) else list(hist)
            if len(cells) != len(names):
                raise CaptureDataError(
                    f"history has {len(cells)} entries but there are {len(names)} lists",
                    source=source,
                    row=n,
                    value=str(hist),
                )
            builder.add(n, [str(c) for c in cells], str(count))
        return builder.build()


def history_string(h: int, n_lists: int) -> str:
    """Bit mask -> '101' style string, first character = first list."""
    return "".join("1" if h >> i & 1 else "0" for i in range(n_lists))


# ---------------------------------------------------------------------- reading
def read_capture_csv(path: str | Path, *, count_column: str = DEFAULT_COUNT_COLUMN) -> CaptureTable:
    """Read a capture-history CSV file (comma, semicolon or tab separated).

    Raises :class:`CaptureDataError` naming file, row (the header is row 1, as in
    a spreadsheet), column and value for every kind of bad input.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CaptureDataError("file not found", source=str(p)) from None
    except UnicodeDecodeError:
        raise CaptureDataError("file is not UTF-8 text", source=str(p)) from None
    except OSError as exc:
        raise CaptureDataError(f"cannot read file ({exc.strerror})", source=str(p)) from None
    return parse_capture_csv(text, source=str(p), count_column=count_column)


def parse_capture_csv(
    text: str, *, source: str | None = None, count_column: str = DEFAULT_COUNT_COLUMN
) -> CaptureTable:
    """Parse capture-history CSV text; see :func:`read_capture_csv`."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None:
        raise CaptureDataError("the file is empty; expected a header row", source=source)
    delimiter = _guess_delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 0
    builder: _Builder | None = None
    count_idx = -1
    list_idx: list[int] = []
    for row_no, raw in enumerate(reader, start=1):
        if not raw or all(not c.strip() for c in raw):
            continue  # blank line
        if header is None:
            header = [c.strip() for c in raw]
            header_row = row_no
            count_idx, list_idx = _check_header(header, count_column, source, row_no)
            builder = _Builder(tuple(header[i] for i in list_idx), source)
            continue
        assert builder is not None
        if len(raw) != len(header):
            raise CaptureDataError(
                f"has {len(raw)} fields but the header has {len(header)}",
                source=source,
                row=row_no,
            )
        builder.add(
            row_no,
            [raw[i].strip() for i in list_idx],
            raw[count_idx].strip(),
            columns=[header[i] for i in list_idx],
            count_name=header[count_idx],
        )
    if builder is None or builder.n_rows == 0:
        raise CaptureDataError(
            "no data rows after the header", source=source, row=header_row or None
        )
    return builder.build()


def _guess_delimiter(header_line: str) -> str:
    for d in (",", ";", "\t"):
        if d in header_line:
            return d
    return ","


def _check_header(
    header: list[str], count_column: str, source: str | None, row: int
) -> tuple[int, list[int]]:
    lowered = [h.lower() for h in header]
    if count_column.lower() not in lowered:
        raise CaptureDataError(
            f"no {count_column!r} column; found columns {header}. The table needs one "
            f"0/1 column per list and a {count_column!r} column with the number of "
            "persons having each combination",
            source=source,
            row=row,
        )
    if lowered.count(count_column.lower()) > 1:
        raise CaptureDataError(f"more than one {count_column!r} column", source=source, row=row)
    count_idx = lowered.index(count_column.lower())
    list_idx = [i for i in range(len(header)) if i != count_idx]
    _check_list_names([header[i] for i in list_idx], source, row)
    return count_idx, list_idx


def _check_list_names(
    names: Sequence[str], source: str | None, row: int | None = None
) -> tuple[str, ...]:
    names = tuple(str(n).strip() for n in names)
    for i, n in enumerate(names, start=1):
        if not n:
            raise CaptureDataError(f"list column {i} has an empty name", source=source, row=row)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CaptureDataError(f"duplicate list column names {dupes}", source=source, row=row)
    if len(names) < 2:
        raise CaptureDataError(
            f"found {len(names)} list column(s) {list(names)}; multiple systems estimation "
            "needs at least 2 lists",
            source=source,
            row=row,
        )
    if len(names) > MAX_LISTS:
        raise CaptureDataError(
            f"found {len(names)} list columns; at most {MAX_LISTS} are supported",
            source=source,
            row=row,
        )
    return names


def _parse_count(value: str, source: str | None, row: int, column: str) -> int:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not value or math.isnan(number) or math.isinf(number):
        raise CaptureDataError(
            "count is not a number; expected a whole number of persons (0, 1, 2, ...)",
            source=source,
            row=row,
            column=column,
            value=value,
        )
    if number < 0:
        raise CaptureDataError(
            "count is negative; expected a whole number of persons (0, 1, 2, ...)",
            source=source,
            row=row,
            column=column,
            value=value,
        )
    if number != int(number):
        raise CaptureDataError(
            "count is not a whole number; expected 0, 1, 2, ...",
            source=source,
            row=row,
            column=column,
            value=value,
        )
    return int(number)


class _Builder:
    """Accumulates validated rows, summing duplicate histories."""

    def __init__(self, names: tuple[str, ...], source: str | None) -> None:
        self.names = names
        self.source = source
        self.counts = np.zeros(1 << len(names), dtype=np.int64)
        self.first_row: dict[int, int] = {}
        self.notes: list[str] = []
        self.n_rows = 0

    def add(
        self,
        row: int,
        cells: list[str],
        count_text: str,
        *,
        columns: list[str] | None = None,
        count_name: str = DEFAULT_COUNT_COLUMN,
    ) -> None:
        columns = columns or list(self.names)
        h = 0
        for i, (cell, col) in enumerate(zip(cells, columns, strict=True)):
            if cell not in ("0", "1"):
                raise CaptureDataError(
                    "list membership must be 0 (not on the list) or 1 (on the list)",
                    source=self.source,
                    row=row,
                    column=col,
                    value=cell,
                )
            if cell == "1":
                h |= 1 << i
        count = _parse_count(count_text, self.source, row, count_name)
        self.n_rows += 1
        if h == 0:
            if count > 0:
                raise CaptureDataError(
                    "a row with 0 in every list column has a positive count; persons on "
                    "no list cannot be counted - they are what the estimate is for",
                    source=self.source,
                    row=row,
                    column=count_name,
                    value=count_text,
                )
            return
        if h in self.first_row:
            self.notes.append(
                f"history {history_string(h, len(self.names))} appears on rows "
                f"{self.first_row[h]} and {row}; the counts were summed"
            )
        else:
            self.first_row[h] = row
        self.counts[h] += count

    def build(self) -> CaptureTable:
        return CaptureTable(self.names, self.counts, self.source, tuple(self.notes))
