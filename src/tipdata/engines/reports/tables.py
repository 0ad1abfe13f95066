"""Tables and reports as plain data, and the builder that applies suppression to them.

A :class:`Table` holds only what may be published: when a report is suppressed, a
withheld cell keeps no value (``value is None``), only its display (``<5`` or ``x``).
Tables turn into CSV, JSON and long rows for charts; the formats module turns a
:class:`Report` into XLSX and PDF.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .spec import ReportSpec
from .suppression import (
    BLANK,
    PRIMARY,
    SECONDARY,
    DisclosureModel,
    Key,
    SuppressionResult,
    suppress,
)


def gettext_noop(text: str) -> str:
    """Marks an English text for the translation catalogues; the web app translates it."""
    return text


SECONDARY_MARK = "x"
BLANK_MARK = "–"


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class Cell:
    """A published number: ``value`` is None when withheld; ``display`` is what is shown."""

    value: int | None
    display: str
    status: str = ""  # "", "primary" (small count) or "secondary" (withheld to protect one)


@dataclass(frozen=True)
class Row:
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    """One table of a report (and one chart of the dashboard)."""

    id: str
    title: str
    counts: str  # what one unit is: "victims (persons, each counted once)", ...
    dimensions: tuple[str, ...]  # headers of the label columns
    columns: tuple[Column, ...]  # the number columns
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    chart: str = "bar"  # how the dashboard draws it: bar, line, routes, none
    overlapping: bool = False  # a person can be in several rows: rows do not add up to the total

    def cell(self, codes: Sequence[str], column: str | None = None) -> Cell:
        """The cell of the row with these codes, in ``column`` (default: the first)."""
        wanted = tuple(codes)
        index = 0 if column is None else [c.code for c in self.columns].index(column)
        for row in self.rows:
            if row.codes == wanted:
                return row.cells[index]
        raise KeyError(f"table {self.id!r} has no row {wanted}")

    @property
    def body(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.is_total)

    @property
    def total(self) -> Row | None:
        return next((r for r in self.rows if r.is_total), None)

    def long_rows(self) -> list[dict[str, Any]]:
        """One dict per body cell, for charts: labels, column, ``n`` (None when withheld), display."""
        out = []
        for order, row in enumerate(self.body):
            for column, cell in zip(self.columns, row.cells, strict=True):
                item: dict[str, Any] = {f"code{i}": c for i, c in enumerate(row.codes)}
                item.update({f"label{i}": label for i, label in enumerate(row.labels)})
                item.update({"order": order, "column": column.label, "column_code": column.code,
                             "n": cell.value, "display": cell.display, "withheld": cell.value is None})
                out.append(item)
        return out

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*self.dimensions, *(c.label for c in self.columns)])
        for row in self.rows:
            writer.writerow([*row.labels, *(c.display for c in row.cells)])
        return buffer.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "counts": self.counts, "dimensions": list(self.dimensions),
            "columns": [{"code": c.code, "label": c.label} for c in self.columns],
            "rows": [{"codes": list(r.codes), "labels": list(r.labels), "total": r.is_total,
                      "cells": [{"value": c.value, "display": c.display, "status": c.status} for c in r.cells]}
                     for r in self.rows],
            "notes": list(self.notes), "chart": self.chart, "overlapping": self.overlapping,
        }


@dataclass(frozen=True)
class QualityLine:
    """How complete one field used by the report is, among the victims counted."""

    field: str
    label: str
    recorded: int | None  # None when withheld (too few victims to show)
    of: int | None
    percent: int | None


@dataclass(frozen=True)
class Report:
    """A finished report: tables, caveats, data-quality lines and the spec it ran with."""

    kind: str
    title: str
    period: str
    spec: dict[str, Any]
    tables: tuple[Table, ...]
    notes: tuple[str, ...]
    quality: tuple[QualityLine, ...] = ()
    counted: dict[str, int | None] = field(default_factory=dict)
    # How each count is shown: the number, "<5" for a small one, or the mark of the table
    # total it equals when that total is withheld ("x") or blanked ("–").
    counted_display: dict[str, str] = field(default_factory=dict)
    suppressed: bool = False
    threshold: int = 5
    withheld: dict[str, int] = field(default_factory=dict)  # primary/secondary counts
    # The organisation's data-quality scores (label, shown value), from its quality checks;
    # added by the caller, who knows where they come from (``quality_source``).
    quality_scores: tuple[tuple[str, str], ...] = ()
    quality_source: str = ""

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"report {self.kind!r} has no table {table_id!r}; it has {[t.id for t in self.tables]}")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "period": self.period, "spec": self.spec,
            "tables": [t.to_json() for t in self.tables], "notes": list(self.notes),
            "quality": [q.__dict__ for q in self.quality], "counted": dict(self.counted),
            "counted_display": dict(self.counted_display),
            "suppressed": self.suppressed, "threshold": self.threshold, "withheld": dict(self.withheld),
            "quality_scores": [list(pair) for pair in self.quality_scores], "quality_source": self.quality_source,
        }


@dataclass
class _DraftRow:
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    keys: tuple[Key, ...]
    is_total: bool


@dataclass
class DraftTable:
    id: str
    title: str
    counts: str
    dimensions: tuple[str, ...]
    columns: tuple[Column, ...]
    chart: str = "bar"
    overlapping: bool = False
    notes: list[str] = field(default_factory=list)
    rows: list[_DraftRow] = field(default_factory=list)

    def row(self, codes: Sequence[str], labels: Sequence[str], keys: Sequence[Key], *, total: bool = False) -> None:
        if len(keys) != len(self.columns):
            raise ValueError(f"table {self.id}: row {codes} has {len(keys)} cells for {len(self.columns)} columns")
        self.rows.append(_DraftRow(tuple(codes), tuple(labels), tuple(keys), total))


class ReportBuilder:
    """Collects tables whose cells are quantities of one disclosure model; suppresses at the end."""

    def __init__(self, spec: ReportSpec, translate: Callable[[str], str] | None = None) -> None:
        self.spec = spec
        self.translate = translate or (lambda text: text)
        self.model = DisclosureModel()
        self.drafts: list[DraftTable] = []

    def table(self, table_id: str, title: str, counts: str, dimensions: Sequence[str],
              columns: Sequence[Column], *, chart: str = "bar", overlapping: bool = False) -> DraftTable:
        draft = DraftTable(table_id, title, counts, tuple(dimensions), tuple(columns), chart, overlapping)
        self.drafts.append(draft)
        return draft

    def count(self, key: Key, value: int, *, level: int = 0, published: bool = True) -> Key:
        return self.model.add(key, value, level=level, published=published)

    def finish(self, *, kind: str, title: str, period: str, notes: Sequence[str],
               quality: Sequence[QualityLine] = (), counted: dict[str, int | None] | None = None) -> Report:
        result: SuppressionResult | None = suppress(self.model, self.spec.threshold) if self.spec.suppress else None
        threshold = self.spec.threshold
        tables = tuple(self._final(d, result) for d in self.drafts)
        all_notes = list(notes)
        t = self.translate
        if result is not None:
            all_notes.append(t(gettext_noop(
                "Counts from 1 to {last} are shown as <{threshold}; counts shown as {mark} are withheld so that "
                "totals cannot reveal a small count."
            )).format(last=threshold - 1, threshold=threshold, mark=SECONDARY_MARK))
            if result.blank:
                all_notes.append(t(gettext_noop(
                    "Numbers shown as {mark} are not shown at all: too few people are counted there to show any "
                    "of them safely."
                )).format(mark=BLANK_MARK))
        published_counted: dict[str, int | None] = {}
        counted_display: dict[str, str] = {}
        for name, value in (counted or {}).items():
            small = result is not None and value is not None and 0 < value < threshold
            # A count that is also a table total follows that total: withheld there, withheld here.
            status = result.of((name,)) if result is not None else ""
            published_counted[name] = None if small or status else value
            if small:
                counted_display[name] = f"<{threshold}"
            elif status:
                counted_display[name] = BLANK_MARK if status == BLANK else SECONDARY_MARK
            else:
                counted_display[name] = "" if value is None else str(value)
        return Report(
            kind=kind, title=title, period=period, spec=self.spec.to_json(), tables=tables, notes=tuple(all_notes),
            quality=tuple(quality), counted=published_counted, counted_display=counted_display,
            suppressed=result is not None, threshold=threshold,
            withheld={"primary": result.primary, "secondary": result.secondary, "blank": result.blank} if result else {},
        )

    def _final(self, draft: DraftTable, result: SuppressionResult | None) -> Table:
        rows = []
        for row in draft.rows:
            cells = []
            for key in row.keys:
                value = self.model.quantities[key].value
                status = result.of(key) if result is not None else ""
                if status == PRIMARY:
                    cells.append(Cell(None, f"<{self.spec.threshold}", PRIMARY))
                elif status == SECONDARY:
                    cells.append(Cell(None, SECONDARY_MARK, SECONDARY))
                elif status == BLANK:
                    cells.append(Cell(None, BLANK_MARK, BLANK))
                else:
                    cells.append(Cell(value, str(value)))
            rows.append(Row(row.codes, row.labels, tuple(cells), row.is_total))
        return Table(draft.id, draft.title, draft.counts, draft.dimensions, draft.columns, tuple(rows),
                     tuple(draft.notes), draft.chart, draft.overlapping)
