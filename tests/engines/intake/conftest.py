"""Fixtures for the intake engine tests: files written the way spreadsheet programs,
KoboToolbox and CTDC write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[3]
TOOLKIT = Path(os.environ.get("HTCDS_SOURCE", REPO.parent / "shared" / "standards" / "htcds-2.0")) / "toolkit"
TOOLKIT_XLSX = TOOLKIT / "HTCDS Excel Spreadsheet v2.0.xlsx"
TODAY = dt.date(2026, 11, 1)

needs_toolkit = pytest.mark.skipif(
    not TOOLKIT_XLSX.is_file(), reason=f"HTCDS toolkit workbook not found at {TOOLKIT_XLSX} (set HTCDS_SOURCE)"
)

# Question names of the HTCDS XLSForm in the toolkit (htcds_xlsform.xlsx), as Kobo exports them.
KOBO_HEADERS = [
    "start", "end", "con_Consent", "group_person/prs_First_Name", "group_person/prs_Second_Name",
    "group_person/prs_Birthdate", "group_person/prs_Gender", "group_person/prs_Citizenship",
    "group_victim/vic_TraffickingStatus", "group_victim/vic_Methods_of_Control",
    "group_victim/vic_Methods_of_Control/DebtBondage", "group_victim/vic_Methods_of_Control/FalsePromises",
    "group_victim/vic_Methods_of_Control/WithholdsDocuments", "group_victim/vic_TypeOfExploitation",
    "cas_Status", "cas_IncomingReferralDate", "__version__", "_id", "_uuid", "_submission_time",
    "_validation_status", "_notes", "_status", "_submitted_by", "_tags", "_index",
]


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def kobo_rows() -> list[list[Any]]:
    """A Kobo export of the HTCDS form: group paths, select_multiple both as a space-separated
    column and as 0/1 columns, system columns; three good submissions and two bad ones."""
    def row(i: int, first: str, second: str, birth: str, gender: str, nat: str, status: str,
            moc: str, flags: tuple[int, int, int], types: str, case_status: str, ref_date: str) -> list[Any]:
        return [f"2024-03-0{i}T09:00:00.000+07:00", f"2024-03-0{i}T09:30:00.000+07:00", "TRUE",
                first, second, birth, gender, nat, status, moc, *flags, types, case_status, ref_date,
                "vSmt4GQA3C9uBMLPEVfgND", 1000 + i, f"0b6c1f4e-1d1b-4c66-9d3b-0000000000{i:02d}",
                f"2024-03-0{i}T02:31:00", "", "", "submitted_via_web", "", "", i]
    return [
        KOBO_HEADERS,
        row(1, "Sreymom", "Chan", "1999-02-14", "Feminine", "KH", "ActualVictimOfTrafficking",
            "DebtBondage WithholdsDocuments", (1, 0, 1), "ForcedLabour", "Active", "2024-03-01"),
        row(2, "ณัฐ", "ใจดี", "2003-07-01", "Masculine", "TH", "PossibleVictimOfTrafficking",
            "FalsePromises", (0, 1, 0), "ForcedLabour SexualExploitation", "FollowUp", "2024-03-02"),
        row(3, "Dewi", "", "", "Feminine", "ID", "ActualVictimOfTrafficking", "", (0, 0, 0),
            "SexualExploitation", "Closed", ""),
        row(4, "Bad", "Gender", "1990-01-01", "Fem", "KH", "ActualVictimOfTrafficking", "", (0, 0, 0),
            "ForcedLabour", "Active", ""),
        row(5, "Bad", "Flag", "1990-01-01", "Feminine", "KH", "ActualVictimOfTrafficking", "", (2, 0, 0),
            "ForcedLabour", "Active", ""),
    ]


@pytest.fixture
def kobo_xlsx(tmp_path: Path) -> Path:
    """Main sheet plus a repeat group sheet (events) linked by _submission__uuid."""
    rows = kobo_rows()
    repeat = [
        ["group_events/hte_Type", "group_events/hte_Country", "group_events/hte_Description", "_index",
         "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"],
        ["Recruitment", "KH", "met a broker at the market", 1, "htcds", 1, 1001, rows[1][18]],
        ["Exploitation", "TH", "fishing boat", 2, "htcds", 1, 1001, rows[1][18]],
        ["Exploitation", "MY", "", 3, "htcds", 2, 1002, rows[2][18]],
    ]
    return write_xlsx(tmp_path / "kobo-export.xlsx", {"htcds": rows, "group_events": repeat})


@pytest.fixture
def filled_toolkit(tmp_path: Path) -> Callable[..., Path]:
    """The HTCDS Excel toolkit workbook with demo-like rows written into it, the way a
    shelter would fill it in; bad rows appended at the end."""
    from tipdata.demo.generator import generate

    def make(persons: int = 20, bad: bool = True) -> Path:
        target = tmp_path / "toolkit-filled.xlsx"
        shutil.copy(TOOLKIT_XLSX, target)
        wb = openpyxl.load_workbook(target)
        ws = wb.active
        col = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value}
        caseload = generate(seed=11, persons=persons)
        cases = {c.victim_record_key: c for c in caseload.cases}
        r = 3
        for p in caseload.persons[:persons]:
            case = cases.get(p.record_key)
            ws.cell(r, col["prs_FirstName"]).value = p.first_name
            ws.cell(r, col["prs_SecondName"]).value = p.second_name or None
            if p.birthdate:
                ws.cell(r, col["prs_Birthdate"]).value = dt.date.fromisoformat(p.birthdate)
            ws.cell(r, col["prs_Gender"]).value = {"Feminine": "Female", "Masculine": "Male"}.get(p.gender, p.gender)
            ws.cell(r, col["prs_Citizenship"]).value = p.citizenship[0]
            ws.cell(r, col["con_Consent"]).value = "Yes"
            ws.cell(r, col["vic_TraffickingStatus"]).value = p.fields.get("vic_TraffickingStatus")
            ws.cell(r, col["vic_MethodsOfControl"]).value = "; ".join(p.fields.get("vic_MethodsOfControl", [])) or None
            ws.cell(r, col["vic_TypeOfExploitation"]).value = " ".join(p.fields.get("vic_TypeOfExploitation", []))
            ws.cell(r, col["cas_Status"]).value = case.status if case else "Active"
            if case:
                ws.cell(r, col["cas_IncomingReferralDate"]).value = dt.date.fromisoformat(case.registered_on)
            r += 1
        if bad:
            ws.cell(r, col["prs_FirstName"]).value = "Typo"
            ws.cell(r, col["prs_Gender"]).value = "Femle"
            r += 1
            ws.cell(r, col["prs_FirstName"]).value = "NoSuchDay"
            ws.cell(r, col["prs_Birthdate"]).value = "31/02/1990"
            r += 1
            ws.cell(r, col["prs_FirstName"]).value = "Future"
            ws.cell(r, col["prs_Birthdate"]).value = "2099-01-01"
            r += 1
            ws.cell(r, col["prs_FirstName"]).value = "Thai labels"
            ws.cell(r, col["prs_Gender"]).value = "หญิง"
            ws.cell(r, col["prs_Citizenship"]).value = "กัมพูชา"
            ws.cell(r, col["prs_Birthdate"]).value = "03/04/2533"
            ws.cell(r, col["vic_TypeOfExploitation"]).value = "Forced labour, Sexual exploitation"
            r += 1
        wb.save(target)
        return target

    return make
