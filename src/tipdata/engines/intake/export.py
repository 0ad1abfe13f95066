"""Writing HTCDS records out: ``htcds-csv``, ``htcds-json`` and ``xlsx``, streamed.

A record is plain data (what the app's export selector yields)::

    {"case_id": "...", "reference": "KH-2024-000001", "registered_on": "2024-03-01",
     "closed_on": None, "status": "Active",
     "person": {"prs_first_name": "...", ...},          # dictionary names, stored values
     "victim_context": {...}, "case": {...}, "local_fields": {"local_X": ...}}

Columns are the HTCDS spreadsheet names (``prs_FirstName``) in dictionary order, after
tipdata's case columns (``tipdata_case_id``, ``case_reference``, ``case_registered_on``,
``case_closed_on``) and before the organisation's local fields. Multi-selects are written
as space-separated codes (as XLSForm and the importer read them), dates as YYYY-MM-DD,
booleans as TRUE/FALSE. Every file carries the standard's CC BY 4.0 attribution (the CSV
in a ``#`` line is impossible without breaking readers, so CSV exports name it in the
app's audit record and the JSON/XLSX files hold it).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tipdata.engines.standard import Dictionary

EXPORT_FORMATS = ("htcds-csv", "htcds-json", "xlsx")
META_COLUMNS = (
    ("tipdata_case_id", "case_id"),
    ("case_reference", "reference"),
    ("case_registered_on", "registered_on"),
    ("case_closed_on", "closed_on"),
)
PERSON_ENTITIES = ("person", "consent")
VICTIM_ENTITIES = ("victim_context",)


@dataclass(frozen=True)
class ExportColumn:
    header: str
    part: str  # meta, person, victim_context, case, status, local
    name: str


def export_columns(dictionary: Dictionary, local_names: Iterable[str] = ()) -> list[ExportColumn]:
    """Every column of an HTCDS export, in a fixed order (so two exports line up)."""
    cols = [ExportColumn(h, "meta", k) for h, k in META_COLUMNS]
    for entity in dictionary.entities:
        for f in entity.fields:
            if f.name == "cas_status":
                cols.append(ExportColumn(f.htcds_name, "status", f.name))
                continue
            part = ("person" if entity.key in PERSON_ENTITIES else
                    "victim_context" if entity.key in VICTIM_ENTITIES else "case")
            cols.append(ExportColumn(f.htcds_name, part, f.name))
    cols.extend(ExportColumn(n, "local", n) for n in sorted(local_names))
    return cols


def cell(value: Any) -> str:
    """A stored value as the text an HTCDS CSV holds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list | tuple):
        return " ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def export_row(record: dict[str, Any], columns: list[ExportColumn]) -> list[str]:
    out: list[str] = []
    for c in columns:
        if c.part == "meta":
            out.append(cell(record.get(c.name)))
        elif c.part == "status":
            out.append(cell(record.get("status")))
        elif c.part == "local":
            value = (record.get("local_fields") or {}).get(c.name)
            # A local multi-select round-trips as a JSON list (codes may hold spaces).
            out.append(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else cell(value))
        else:
            out.append(cell((record.get(c.part) or {}).get(c.name)))
    return out


def write_csv(path: str | Path, columns: list[ExportColumn], records: Iterable[dict[str, Any]]) -> int:
    """UTF-8 with BOM (Excel then shows every script correctly); returns the row count."""
    n = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in columns])
        for record in records:
            writer.writerow(export_row(record, columns))
            n += 1
    return n


def _json_record(record: dict[str, Any], dictionary: Dictionary) -> dict[str, Any]:
    def by_htcds(values: dict[str, Any]) -> dict[str, Any]:
        return {dictionary.field(k).htcds_name: v for k, v in sorted(values.items())}

    return {
        "case_id": record.get("case_id"),
        "reference": record.get("reference"),
        "registered_on": record.get("registered_on"),
        "closed_on": record.get("closed_on"),
        "cas_Status": record.get("status"),
        "person": by_htcds(record.get("person") or {}),
        "victim_context": by_htcds(record.get("victim_context") or {}),
        "case": by_htcds(record.get("case") or {}),
        "local_fields": record.get("local_fields") or {},
    }


def write_json(
    path: str | Path, records: Iterable[dict[str, Any]], *, dictionary: Dictionary,
    header: dict[str, Any],
) -> int:
    """One JSON document, records written one at a time (bounded memory)."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        head = {"standard": dictionary.standard.attribution, **header}
        text = json.dumps(head, ensure_ascii=False, indent=1)
        fh.write(text[:-2] + ',\n "records": [')
        for record in records:
            fh.write(("\n  " if n == 0 else ",\n  ") + json.dumps(_json_record(record, dictionary), ensure_ascii=False))
            n += 1
        fh.write("\n ]\n}\n")
    return n


def write_xlsx(
    path: str | Path, columns: list[ExportColumn], records: Iterable[dict[str, Any]], *,
    dictionary: Dictionary, about: dict[str, Any],
) -> int:
    """A workbook (write-only mode, bounded memory): ``records`` and ``about`` sheets."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("records")
    ws.append([c.header for c in columns])
    n = 0
    for record in records:
        ws.append(export_row(record, columns))
        n += 1
    info = wb.create_sheet("about")
    info.append(["standard", dictionary.standard.attribution])
    for key, value in about.items():
        info.append([key, cell(value)])
    info.append(["records", n])
    wb.save(Path(path))
    return n
