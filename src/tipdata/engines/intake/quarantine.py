"""The quarantine file: the rows that did not import, as they were, plus why.

A CSV (UTF-8 with a byte-order mark, so Excel shows Thai and Khmer correctly) with the
file's own columns - identifiers in clear, as in the file imported, so it is created
readable by its owner only and belongs with the original file, not in shared folders - and
two more: ``tipdata_row`` (the row's number in the original file)
and ``tipdata_reasons`` (every reason, separated by `` | ``). Correct the cells, save, and
import the file again: the two extra columns are recognised and ignored, and the corrected
rows import like any others (rows already imported are recognised by their keys).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, TextIO

from .pipeline import QuarantinedRow
from .values import cell_text

ROW_COLUMN = "tipdata_row"
REASONS_COLUMN = "tipdata_reasons"


class QuarantineWriter:
    """Appends quarantined rows to a CSV; ``offset`` is the byte size after the last
    ``flush()``, so an interrupted import can cut the file back to its last complete batch."""

    def __init__(self, path: str | Path, headers: list[str], *, resume_at: int | None = None) -> None:
        self.path = Path(path)
        self.headers = list(headers)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The rows hold what the file held, identifiers in clear: readable by the owner only.
        self.path.touch(mode=0o600, exist_ok=True)
        os.chmod(self.path, 0o600)
        if resume_at is not None and self.path.exists():
            with self.path.open("r+b") as fh:
                fh.truncate(resume_at)
            self._fh: TextIO = self.path.open("a", encoding="utf-8", newline="")
        else:
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            csv.writer(self._fh).writerow([*self.headers, ROW_COLUMN, REASONS_COLUMN])
        self._writer = csv.writer(self._fh)
        self.count = 0
        self.flush()

    def write(self, row: QuarantinedRow) -> None:
        cells = [_cell(row.cells.get(h)) for h in self.headers]
        self._writer.writerow([*cells, row.row, " | ".join(str(r) for r in row.reasons)])
        self.count += 1

    def flush(self) -> int:
        self._fh.flush()
        self.offset = self.path.stat().st_size
        return self.offset

    def close(self) -> None:
        self.flush()
        self._fh.close()

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _cell(value: Any) -> str:
    return "" if value is None else cell_text(value)
