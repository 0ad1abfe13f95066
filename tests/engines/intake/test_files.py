"""Reading files: encodings, delimiters, workbooks, and files that are not what they say."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tipdata.engines.intake import (
    FileFormatError,
    LimitError,
    Limits,
    MappingError,
    plan_import,
    read_all,
)
from tipdata.engines.intake.sniff import detect_encoding, file_kind

from .conftest import TODAY, write_csv, write_xlsx

ROWS = [
    ["First name", "Last name", "Sex", "Nationality", "Date of birth"],
    ["สมศรี", "ใจดี", "หญิง", "ไทย", "14/02/1999"],
    ["សុខា", "ចាន់", "ស្រី", "កម្ពុជា", "01/07/2003"],
    ["José", "Núñez", "Male", "Philippines", "1988-05-30"],
]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16 (BOM)")],
)
def test_unicode_encodings_keep_thai_and_khmer_intact(tmp_path: Path, encoding: str, label: str) -> None:
    path = write_csv(tmp_path / "people.csv", ROWS, encoding=encoding)
    plan, clean, bad, _ = read_all(path, today=TODAY)
    assert plan.encoding == label
    assert not bad
    assert [c.person["prs_first_name"] for c in clean] == ["สมศรี", "សុខា", "José"]
    assert clean[0].person["prs_gender"] == "Feminine" and clean[0].person["prs_citizenship"] == ["TH"]
    assert clean[1].person["prs_gender"] == "Feminine" and clean[1].person["prs_citizenship"] == ["KH"]
    assert clean[1].person["prs_birthdate"] == "2003-07-01"  # day first


def test_windows_1252_is_detected_and_reported(tmp_path: Path) -> None:
    rows = [["First name", "Last name", "Sex"], ["José", "Müller", "M"], ["Zoë", "Ångström", "F"]]
    path = write_csv(tmp_path / "legacy.csv", rows, encoding="cp1252")
    plan, clean, bad, _ = read_all(path, today=TODAY)
    assert plan.encoding == "Windows-1252" and plan.text is not None and plan.text.guessed
    assert [c.person["prs_second_name"] for c in clean] == ["Müller", "Ångström"]
    assert not bad


def test_thai_windows_874_is_not_read_as_western_mojibake(tmp_path: Path) -> None:
    rows = [["ชื่อ", "นามสกุล", "เพศ"], ["สมศรี", "ใจดี", "หญิง"], ["สมชาย", "รักไทย", "ชาย"]]
    path = write_csv(tmp_path / "thai.csv", rows, encoding="cp874")
    plan, clean, _, _ = read_all(path, today=TODAY)
    assert plan.encoding == "Windows-874 (Thai)"
    assert clean[0].person == {"prs_first_name": "สมศรี", "prs_second_name": "ใจดี", "prs_gender": "Feminine"}


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [["First name", "Methods of control", "Sex"], ["A", "DebtBondage;FalsePromises", "F"], ["B", "", "M"]]
    path = write_csv(tmp_path / "d.csv", rows, delimiter=delimiter)
    _, clean, bad, _ = read_all(path, today=TODAY)
    assert not bad and len(clean) == 2
    assert clean[0].victim_context["vic_methods_of_control"] == ["DebtBondage", "FalsePromises"]


def test_excel_sep_line_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nFirst name;Sex\nA;F\n", encoding="utf-8")
    plan, clean, _, _ = read_all(path, today=TODAY)
    assert clean[0].person == {"prs_first_name": "A", "prs_gender": "Feminine"}
    assert clean[0].row == 3  # the sep line is row 1, the header row 2


def test_ragged_rows_are_quarantined_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("First name,Sex\nA,F\nB,M,unexpected\nC\n", encoding="utf-8")
    _, clean, bad, report = read_all(path, today=TODAY)
    assert [c.person["prs_first_name"] for c in clean] == ["A", "C"]  # a short row is fine
    assert len(bad) == 1 and bad[0].row == 3
    assert "3 cells but the header has 2" in str(bad[0].reasons[0])
    assert report["rows"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03garbage\xff\xfe\x00\x00" * 50, "binary"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003"),
        (b"\n\n\n  \n", "only empty lines"),
    ],
)
def test_garbage_gets_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=message):
        plan_import(path)


def test_a_workbook_named_csv_is_read_as_a_workbook_or_refused_when_forced(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "really-a-workbook.csv", {"Sheet1": [["First name"], ["A"]]})
    assert file_kind(path) == "xlsx"
    assert plan_import(path).format == "xlsx"
    with pytest.raises(FileFormatError, match="is an XLSX workbook, not a CSV file"):
        plan_import(path, format="csv")


def test_text_named_xlsx_is_refused_with_format_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_text("First name\nA\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="not an XLSX workbook"):
        plan_import(path, format="xlsx")
    assert plan_import(path).format == "csv"


def test_undecodable_text_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"First name\nA\n" + b"\x81\x8d\x90\x9d")
    with pytest.raises(FileFormatError, match="not UTF-8"):
        detect_encoding(path)


def test_forced_encoding_is_checked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["ชื่อ"], ["สมศรี"]])
    with pytest.raises(FileFormatError, match="not valid ascii"):
        detect_encoding(path, encoding="ascii")


def test_ten_thousand_columns_are_refused_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", [[f"c{i}" for i in range(10_000)], ["x"] * 10_000])
    with pytest.raises(LimitError, match="10,000 columns; at most 2,000"):
        plan_import(path)


def test_ten_thousand_columns_are_refused_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "wide.xlsx", {"S": [[f"c{i}" for i in range(10_000)]]})
    with pytest.raises(LimitError, match="more than 2,000 columns"):
        plan_import(path)


def test_row_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", [["First name"]] + [["x"]] * 50)
    with pytest.raises(LimitError, match="at most 10 are allowed"):
        plan_import(path, limits=Limits(max_rows=10))


def test_giant_cell_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "giant.csv"
    path.write_text("First name,Notes\nA,B\nC," + "x" * 200_000 + "\n", encoding="utf-8")
    plan = plan_import(path)
    from tipdata.engines.intake import IntakeRun

    results = IntakeRun(plan, today=TODAY).results()
    assert next(results).row == 2
    with pytest.raises(FileFormatError, match="row 3: cannot be read as CSV"):
        next(results)


def test_no_matching_column_is_a_mapping_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["foo", "bar"], ["1", "2"]])
    with pytest.raises(MappingError, match="none of the columns matches an HTCDS field"):
        plan_import(path)


def test_merged_header_cells_make_a_two_level_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Person", None, "Case"])
    ws.append(["First name", "Sex", "Case status"])
    ws.append(["A", "F", "Active"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:C2")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    plan, clean, bad, _ = read_all(path, today=TODAY)
    assert plan.table.headers == ["Person/First name", "Person/Sex", "Case"]
    assert plan.table.first_row == 3
    assert clean[0].person == {"prs_first_name": "A", "prs_gender": "Feminine"}
    assert not bad


def test_formula_without_a_saved_result_quarantines_its_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["First name", "Age when trafficked"])
    ws.append(["A", 17])
    ws.append(["B", "=B2+1"])  # openpyxl saves no result: a spreadsheet program never computed it
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    _, clean, bad, _ = read_all(path, today=TODAY)
    assert [c.person["prs_first_name"] for c in clean] == ["A"]
    assert bad[0].row == 3 and "cell B3 holds a formula (=B2+1) with no saved result" in str(bad[0].reasons[0])


def test_other_sheets_are_named_in_the_notes(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", {"cases": [["First name"], ["A"]], "lookup": [["code"], ["x"]]})
    plan = plan_import(path)
    assert plan.table.name == "cases"
    assert any("'lookup' was not read" in n for n in plan.notes)
    assert plan_import(path, sheet="cases").table.name == "cases"
    with pytest.raises(FileFormatError, match="no sheet named 'nope'"):
        plan_import(path, sheet="nope")


def test_rows_stream_in_bounded_memory(tmp_path: Path) -> None:
    """A 20 MB file is read row by row: traced memory stays far below the file's size."""
    import tracemalloc

    from tipdata.engines.intake import IntakeRun

    path = tmp_path / "big.csv"
    comment = "word " * 400  # 2,000 characters of narrative per row
    with path.open("w", encoding="utf-8") as fh:
        fh.write("First name,Case comment\n")
        for i in range(10_000):
            fh.write(f"P{i},{comment}\n")
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        run = IntakeRun(plan_import(path), today=TODAY)
        count = sum(1 for _ in run.results())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 10_000 == run.clean
    assert peak < 8_000_000, f"peak {peak:,} bytes"
