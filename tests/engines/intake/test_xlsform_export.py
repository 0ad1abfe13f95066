"""The generated XLSForm passes pyxform and holds every core field; HTCDS exports read back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from pyxform.xls2xform import convert

from tipdata.engines.intake import IntakeRun, plan_import
from tipdata.engines.intake.export import export_columns, write_csv, write_json, write_xlsx
from tipdata.engines.intake.mapping import LocalFieldSpec
from tipdata.engines.intake.xlsform import build_xlsform, write_xlsform
from tipdata.engines.standard import load_dictionary

from .conftest import TODAY

LANGS = [("en", "English"), ("th", "Thai"), ("id", "Indonesian"), ("km", "Khmer"), ("fil", "Filipino"),
         ("vi", "Vietnamese")]
LOCAL = [LocalFieldSpec("local_ForcedCriminality", "Forced criminality", "boolean"),
         LocalFieldSpec("local_Compound", "Scam compound", "select_one", (("KK", "KK Park"), ("SH", "Shwe Kokko")))]


def test_xlsform_passes_pyxform_and_holds_every_core_field(tmp_path: Path) -> None:
    d = load_dictionary()
    path = write_xlsform(tmp_path / "form.xlsx", build_xlsform(d, languages=LANGS, local_fields=LOCAL))
    warnings: list[str] = []
    xform = convert(xlsform=str(path), warnings=warnings).xform
    assert "<h:html" in xform
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["survey"][1]]
    for code, name in LANGS:
        assert f"label::{name} ({code})" in header
    names = {row[1] for row in wb["survey"].iter_rows(min_row=2, values_only=True)}
    core = {f.htcds_name for f in d.fields if f.core}
    assert core <= names, core - names
    assert {"local_ForcedCriminality", "local_Compound", "case_registered_on"} <= names
    for f in d.fields:
        if f.core:
            assert f"<{f.htcds_name}" in xform or f"/{f.htcds_name}" in xform
    lists = {row[0] for row in wb["choices"].iter_rows(min_row=2, values_only=True)}
    assert {"gender", "citizenship", "methodsofcontrol", "yes_no", "local_Compound"} <= lists
    thai = header.index("label::Thai (th)")
    kh_row = next(r for r in wb["choices"].iter_rows(min_row=2, values_only=True) if r[0] == "citizenship" and r[1] == "KH")
    assert kh_row[thai] == "กัมพูชา"  # country names from CLDR in every language
    assert wb["settings"]["D2"].value == "English (en)"


def test_kobo_submission_of_the_generated_form_imports_without_a_mapping(tmp_path: Path) -> None:
    """Question names are the HTCDS names, so a Kobo export (group paths) maps exactly."""
    d = load_dictionary()
    sheets = build_xlsform(d, languages=LANGS)
    group = {}
    current = ""
    for row in sheets["survey"]:
        if row["type"] == "begin_group":
            current = row["name"]
        elif row["type"] != "end_group":
            group[row["name"]] = current
    headers = [f"{group[n]}/{n}" for n in ("prs_FirstName", "prs_Gender", "vic_MethodsOfControl", "cas_Status",
                                           "case_registered_on")] + ["_uuid"]
    path = tmp_path / "kobo.csv"
    path.write_text(";".join(headers) + "\nA;Feminine;DebtBondage;Active;2024-05-01;abc\n", encoding="utf-8")
    plan = plan_import(path)
    assert plan.mapping.needs_check() == []
    record = next(IntakeRun(plan, today=TODAY).results())
    assert record.person == {"prs_first_name": "A", "prs_gender": "Feminine"}
    assert record.registered_on == "2024-05-01" and record.key == "k:abc" and record.status == "Active"


RECORD = {
    "case_id": "6f1c1e9a-5a0e-4a43-8f3e-0a9a3c1b2d11", "reference": "KH-2024-000007",
    "registered_on": "2024-02-01", "closed_on": None, "status": "FollowUp",
    "person": {"prs_first_name": "សុខា", "prs_second_name": "Chan", "prs_birthdate": "2001-04-03",
               "prs_gender": "Feminine", "prs_citizenship": ["KH", "TH"], "con_consent": True},
    "victim_context": {"vic_methods_of_control": ["DebtBondage"], "vic_details_of_vulnerabilities": "a, b\nc"},
    "case": {"cas_reason_for_case_closure": "", "hte_country": "TH"},
    "local_fields": {"local_Compound": "KK", "local_Tags": ["a b", "c"]},
}


def test_htcds_csv_export_reads_back_to_the_same_record(tmp_path: Path) -> None:
    d = load_dictionary()
    columns = export_columns(d, ["local_Compound", "local_Tags"])
    path = tmp_path / "export.csv"
    assert write_csv(path, columns, [RECORD]) == 1
    plan = plan_import(path, local_fields=[LocalFieldSpec("local_Compound", "", "select_one", (("KK", "KK"),)),
                                           LocalFieldSpec("local_Tags", "", "select_multiple", (("a b", "a b"), ("c", "c")))])
    assert plan.mapping.needs_check() == []
    back = next(IntakeRun(plan, today=TODAY).results())
    assert back.key == f"k:{RECORD['case_id']}" and back.case_id == RECORD["case_id"]
    assert back.reference == RECORD["reference"] and back.registered_on == RECORD["registered_on"]
    assert back.status == "FollowUp"
    assert back.person == RECORD["person"]
    assert back.victim_context == RECORD["victim_context"]
    assert back.case == {"hte_country": "TH"}
    assert back.local_fields == RECORD["local_fields"]


def test_json_and_xlsx_exports(tmp_path: Path) -> None:
    import json

    d = load_dictionary()
    n = write_json(tmp_path / "e.json", [RECORD, RECORD], dictionary=d, header={"organisation": "x"})
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert n == 2 and len(doc["records"]) == 2 and "CC BY 4.0" in doc["standard"]
    assert doc["records"][0]["person"]["prs_FirstName"] == "សុខា"
    columns = export_columns(d, [])
    write_xlsx(tmp_path / "e.xlsx", columns, [RECORD], dictionary=d, about={"organisation": "x"})
    wb = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert wb.sheetnames == ["records", "about"]
    assert [c.value for c in wb["records"][1]][:5] == ["tipdata_case_id", "case_reference", "case_registered_on",
                                                        "case_closed_on", "org_Name"]
