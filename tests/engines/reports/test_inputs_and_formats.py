"""Bad input is refused with row, field and value; reports read back from XLSX and PDF."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from tipdata.engines.reports import (
    ReportInputError,
    ReportSpec,
    ReportSpecError,
    build_dashboard,
    records_from_rows,
    referrals_from_rows,
    sdg_16_2_2,
    write_pdf,
    write_xlsx,
)
from tipdata.engines.reports.units import categories

GOOD = {"case_id": "c1", "person_id": "p1", "registered_on": "2025-01-02", "status": "Active",
        "gender": "Feminine", "age": 31, "citizenship": ["KH"], "exploitation_types": ["ForcedLabour"]}


def test_good_rows_become_records() -> None:
    [record] = records_from_rows([{**GOOD, "support_plans": [{"type": "Health", "planned_end": "2025-06-30"}]}])
    assert record.registered_on == date(2025, 1, 2) and record.citizenship == ("KH",)
    assert record.support_plans[0].planned_end == date(2025, 6, 30)


@pytest.mark.parametrize("change, expected", [
    ({"gender": "F"}, "row 2, field 'gender': value 'F' is not allowed; allowed: Feminine"),
    ({"registered_on": "02/01/2025"}, "field 'registered_on': value '02/01/2025'"),
    ({"status": "Open"}, "allowed: Active, FollowUp, Closed, ClosedReferred"),
    ({"age": 130}, "field 'age': value 130"),
    ({"age": "31"}, "field 'age'"),
    ({"citizenship": "KH"}, "field 'citizenship': value 'KH' is not allowed; allowed: a list of codes"),
    ({"exploitation_types": ["Scam"]}, "value 'Scam'"),
    ({"case_id": ""}, "field 'case_id': required, missing"),
    ({"name": "Sok"}, "unknown field(s) ['name']"),
    ({"closed_on": "2024-12-01"}, "is before registered_on"),
    ({"statistics_consent": "yes"}, "field 'statistics_consent'"),
    ({"support_plans": [{"type": "Housing"}]}, "field 'support_plans': value 'Housing'"),
    ({"support_plans": [{"type": "Health", "planned_end": "soon"}]}, "ISO dates"),
])
def test_bad_rows_are_refused_naming_row_field_and_value(change: dict, expected: str) -> None:
    with pytest.raises(ReportInputError) as info:
        records_from_rows([GOOD, {**GOOD, "case_id": "c2", **change}] if "case_id" not in change else [{**GOOD, **change}])
    assert expected in str(info.value)


def test_every_problem_is_reported_not_only_the_first() -> None:
    with pytest.raises(ReportInputError) as info:
        records_from_rows([{**GOOD, "gender": "X"}, {**GOOD, "case_id": "c2", "status": "Y"}, "not a row"])
    assert len(info.value.problems) == 3
    assert info.value.problems[2].startswith("row 3")


def test_the_same_victim_in_the_same_case_twice_is_refused() -> None:
    with pytest.raises(ReportInputError, match="repeat row 1"):
        records_from_rows([GOOD, GOOD])


def test_bad_referrals_are_refused() -> None:
    with pytest.raises(ReportInputError, match="field 'direction'"):
        referrals_from_rows([{"direction": "sideways", "referred_on": "2025-01-01"}])
    assert referrals_from_rows([{"direction": "in", "referred_on": "2025-01-01"}])[0].case_id is None


@pytest.mark.parametrize("data, message", [
    ({"threshold": 2}, "threshold"),
    ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "after date_to"),
    ({"exploitation_types": ["Scams"]}, "'Scams'"),
    ({"places": ["XX"]}, "'XX'"),
    ({"colour": "red"}, "unknown spec key"),
    ({"date_to": "31/12/2025"}, "ISO date"),
    ({"suppress": "yes"}, "true or false"),
    ({"granularity": "week"}, "granularity"),
])
def test_bad_specs_are_refused(data: dict, message: str) -> None:
    with pytest.raises(ReportSpecError, match=message):
        ReportSpec.from_json(data)


def test_age_bands_are_the_deid_engines_ctdc_bands() -> None:
    deid = Path(__file__).resolve().parents[3] / "src/tipdata/engines/deid/data/ctdc_age.json"
    bins = json.loads(deid.read_text())["levels"][0]["bins"]
    assert [(b["label"], b["min"], b["max"]) for b in bins] == [
        (b["label"], b["min"], b["max"]) for b in categories()["age_bands"]
    ]


def test_xlsx_holds_the_same_numbers_and_withheld_cells_as_text(caseload) -> None:
    from openpyxl import load_workbook

    report = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(suppress=True))
    buffer = io.BytesIO()
    write_xlsx(report, buffer, organisation="Test Shelter", generated="2026-01-01")
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames[0] == "Summary"
    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "Test Shelter" in summary and any("prevalence" in str(c) for c in summary)
    table = report.table("sdg_16_2_2")
    sheet = next(book[name] for name in book.sheetnames if book[name]["A1"].value == table.title)
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    for row, written in zip(table.rows, rows, strict=False):
        assert written[0] == row.labels[0]
        for cell, value in zip(row.cells, written[1:], strict=False):
            assert value == (cell.value if cell.value is not None else cell.display)
    assert "<5" in [v for r in rows for v in r]


def test_pdf_is_a_pdf_with_the_totals_and_the_caveats(caseload) -> None:
    from pypdf import PdfReader

    report = sdg_16_2_2(caseload, year=2025)
    buffer = io.BytesIO()
    write_pdf(report, buffer, organisation="Test Shelter", generated="2026-01-01")
    data = buffer.getvalue()
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Test Shelter" in text and "prevalence" in text
    assert "SDG 16.2.2" in text and "Data quality" in text
    total_row = report.table("sdg_16_2_2").total
    assert total_row is not None
    assert " ".join(c.display for c in total_row.cells) in " ".join(text.split())


def test_pdf_is_the_same_for_the_same_report(caseload) -> None:
    report = build_dashboard(caseload)
    first, second = io.BytesIO(), io.BytesIO()
    write_pdf(report, first)
    write_pdf(report, second)
    assert first.getvalue() == second.getvalue()
