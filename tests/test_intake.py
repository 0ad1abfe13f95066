"""Imports and exports through the app: records stored encrypted through the case services,
every row accounted for, re-imports that update instead of duplicating, resumable batches,
role-scoped audited exports, the round trip export -> import, the CLI and the XLSForm."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from pyxform.xls2xform import convert

from tests.engines.intake.conftest import TOOLKIT_XLSX, kobo_rows, write_csv, write_xlsx
from tipdata.audit.models import AuditEvent
from tipdata.cases.localfields import local_field_define
from tipdata.cases.models import Case, CasePerson, LocalField, Person
from tipdata.cases.sealing import open_values
from tipdata.cases.services import case_create, person_create, person_erase
from tipdata.intake.exports import records_export
from tipdata.intake.models import ImportedRow, ImportRun, ImportStatus
from tipdata.intake.services import import_file
from tipdata.keys.services import data_key_open

pytestmark = pytest.mark.django_db
needs_toolkit = pytest.mark.skipif(not TOOLKIT_XLSX.is_file(), reason="HTCDS toolkit workbook not available")


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> None:
    settings.TIPDATA_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def kobo_file(tmp_path: Path) -> Path:
    rows = kobo_rows()
    repeat = [
        ["group_events/hte_Type", "group_events/hte_Description", "_index", "_parent_index", "_submission__uuid"],
        ["Recruitment", "met a broker at the market", 1, 1, rows[1][18]],
    ]
    return write_xlsx(tmp_path / "kobo.xlsx", {"htcds": rows, "group_events": repeat})


def _open(obj: Any, prefix: str) -> dict[str, Any]:
    if obj.wrapped_data_key is None or not obj.sealed:
        return {}
    ref = f"{prefix}:{obj.public_id}"
    key = data_key_open(wrapped=bytes(obj.wrapped_data_key), org_key_id=obj.org_key_id, record_ref=ref)
    return open_values(obj.sealed, key=key, record_ref=ref)


def _victim(case: Case) -> tuple[Person, CasePerson]:
    link = CasePerson.objects.select_related("person").get(case=case, role="victim")
    return link.person, link


def test_kobo_export_imports_encrypted_and_every_row_accounted_for(make_org: Any, kobo_file: Path) -> None:
    org = make_org()
    summary = import_file(organisation=org, actor=None, path=kobo_file)
    assert (summary.rows, summary.imported, summary.updated, summary.quarantined) == (5, 3, 0, 2)
    assert summary.format == "kobo"
    assert Case.objects.filter(organisation=org).count() == 3
    row = ImportedRow.objects.get(organisation=org, source_key="k:0b6c1f4e-1d1b-4c66-9d3b-000000000001")
    person, link = _victim(row.case)
    assert person.attributes["prs_gender"] == "Feminine" and link.context["vic_methods_of_control"] == [
        "DebtBondage", "WithholdsDocuments"]
    assert "prs_first_name" in person.sealed and _open(person, "person")["prs_first_name"] == "Sreymom"
    assert _open(row.case, "case")["hte_description"] == "met a broker at the market"
    assert row.repeats == {"group_events": [{"hte_type": "Recruitment"}]}
    assert row.case.registered_on == date(2024, 3, 1) and row.case.status == "Active"
    # The quarantine file holds the original columns, the row number and the reasons.
    with open(summary.quarantine, encoding="utf-8-sig", newline="") as fh:  # type: ignore[arg-type]
        rows = list(csv.DictReader(fh))
    assert [r["tipdata_row"] for r in rows] == ["5", "6"]
    assert "'Fem'" in rows[0]["tipdata_reasons"] and rows[0]["group_person/prs_First_Name"] == "Bad"
    report = json.loads(Path(summary.report).read_text(encoding="utf-8"))
    assert report["summary"]["rows"] == 5 and report["spec"]["format"] == "kobo"
    run = ImportRun.objects.get(pk=summary.run)
    assert run.status == ImportStatus.COMPLETED and run.rows_done == 5
    assert AuditEvent.objects.filter(action="import.run", object_id=str(run.pk)).exists()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump = repr(cursor.fetchall())
            assert "Sreymom" not in dump and "met a broker" not in dump, table


def test_reimport_updates_instead_of_duplicating(make_org: Any, kobo_file: Path, tmp_path: Path) -> None:
    org = make_org()
    import_file(organisation=org, actor=None, path=kobo_file)
    again = import_file(organisation=org, actor=None, path=kobo_file)
    assert (again.imported, again.updated, again.unchanged, again.quarantined) == (0, 3, 3, 2)
    assert Case.objects.filter(organisation=org).count() == 3 and Person.objects.filter(organisation=org).count() == 3
    # A later Kobo export: the same submissions (one edited) and one new submission.
    rows = kobo_rows()
    rows[1][rows[0].index("group_person/prs_Gender")] = "Masculine"
    rows[1][rows[0].index("group_person/prs_First_Name")] = "Sreymao"
    new = list(rows[3])
    new[rows[0].index("_uuid")] = "0b6c1f4e-1d1b-4c66-9d3b-000000000099"
    new[rows[0].index("group_person/prs_First_Name")] = "Later"
    later = write_csv(tmp_path / "later.csv", [*rows[:4], new], delimiter=";")
    result = import_file(organisation=org, actor=None, path=later)
    assert result.rows == result.imported + result.updated + result.quarantined == 4
    assert (result.imported, result.updated, result.unchanged) == (1, 3, 2)
    row = ImportedRow.objects.get(organisation=org, source_key="k:0b6c1f4e-1d1b-4c66-9d3b-000000000001")
    person, _ = _victim(row.case)
    assert person.attributes["prs_gender"] == "Masculine" and _open(person, "person")["prs_first_name"] == "Sreymao"
    event = AuditEvent.objects.filter(action="import.update").latest("seq")
    assert event.changes["sealed_fields"] == ["prs_first_name"] and "prs_gender" in event.changes["fields"]
    assert "Sreymao" not in json.dumps(event.changes)
    assert Case.objects.filter(organisation=org).count() == 4


def test_erased_person_is_not_imported_again(make_org: Any, kobo_file: Path) -> None:
    org = make_org()
    import_file(organisation=org, actor=None, path=kobo_file)
    row = ImportedRow.objects.get(organisation=org, source_key="k:0b6c1f4e-1d1b-4c66-9d3b-000000000001")
    person_erase(person=row.person, actor=None, reason="request")  # type: ignore[arg-type]
    again = import_file(organisation=org, actor=None, path=kobo_file)
    assert again.imported == 0 and any("erased" in n for n in again.notes)
    assert Person.objects.get(pk=row.person_id).sealed == {}


@needs_toolkit
def test_toolkit_workbook_imports_with_every_row_accounted_for(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    path = _filled_toolkit(tmp_path)
    summary = import_file(organisation=org, actor=None, path=path)
    assert summary.format == "htcds-excel"
    assert summary.rows == 12 == summary.imported + summary.quarantined
    assert summary.quarantined == 2 and summary.blank_rows == 1000 - 12
    assert Case.objects.filter(organisation=org).count() == 10
    again = import_file(organisation=org, actor=None, path=path)
    assert (again.imported, again.updated, again.quarantined) == (0, 10, 2)
    assert Case.objects.filter(organisation=org).count() == 10


def _filled_toolkit(tmp_path: Path) -> Path:
    import shutil

    from tipdata.demo.generator import generate

    target = tmp_path / "toolkit.xlsx"
    shutil.copy(TOOLKIT_XLSX, target)
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    col = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value}
    caseload = generate(seed=4, persons=10)
    for r, p in enumerate(caseload.persons[:10], start=3):
        ws.cell(r, col["prs_FirstName"]).value = p.first_name
        ws.cell(r, col["prs_SecondName"]).value = p.second_name or None
        ws.cell(r, col["prs_Birthdate"]).value = p.birthdate or None
        ws.cell(r, col["prs_Gender"]).value = p.gender
        ws.cell(r, col["prs_Citizenship"]).value = p.citizenship[0]
        ws.cell(r, col["vic_TypeOfExploitation"]).value = " ".join(p.fields.get("vic_TypeOfExploitation", []))
    ws.cell(13, col["prs_FirstName"]).value = "Bad"
    ws.cell(13, col["prs_Gender"]).value = "Femle"
    ws.cell(14, col["prs_FirstName"]).value = "Bad"
    ws.cell(14, col["cas_Status"]).value = "Opened"
    wb.save(target)
    return target


def test_round_trip_export_then_import_into_an_empty_organisation(make_org: Any, make_user: Any, tmp_path: Path) -> None:
    source = make_org("Source Shelter")
    admin = make_user(source, "admin")
    for org in (source,):
        local_field_define(organisation=org, actor=None, name="local_ForcedCriminality", label="Forced criminality",
                           type="boolean", privacy_class="sensitive")
    people = [("សុខា", "Chan", "2001-04-03", "Feminine", ["KH"], "N0123456"),
              ("Somchai", "Jaidee", "1990-12-31", "Masculine", ["TH", "LA"], ""),
              ("Dewi", "", "", "Feminine", ["ID"], "")]
    for i, (first, second, birth, gender, nat, idno) in enumerate(people):
        values = {"prs_FirstName": first, "prs_SecondName": second, "prs_Birthdate": birth or None,
                  "prs_Gender": gender, "prs_Citizenship": nat, "prs_IdentityNumber": idno or None,
                  "prs_MobilePhone": "+855 12 345 678" if i == 0 else None}
        person = person_create(organisation=source, actor=admin, values=values,
                               local_fields={"local_ForcedCriminality": i == 1})
        case_create(organisation=source, actor=admin, victim=person, registered_on=date(2024, 1 + i, 5),
                    status="Closed" if i == 2 else "Active", closed_on=date(2024, 6, 1) if i == 2 else None,
                    victim_context={"vic_TypeOfExploitation": ["ForcedLabour"], "vic_MethodsOfControl": ["DebtBondage"],
                                    "vic_DetailsOfVulnerabilities": "debts, family\nillness" if i == 0 else None},
                    case_values={"cas_ReasonForCaseClosure": "returned home"} if i == 2 else {})
    out = tmp_path / "export.csv"
    exported = records_export(organisation=source, actor=admin, fmt="htcds-csv", out=out)
    assert exported.records == 3 and exported.identified
    assert AuditEvent.objects.filter(action="data.export_identified", organisation=source).exists()

    target = make_org("Empty Shelter")
    local_field_define(organisation=target, actor=None, name="local_ForcedCriminality", label="Forced criminality",
                       type="boolean", privacy_class="sensitive")
    summary = import_file(organisation=target, actor=None, path=out)
    assert (summary.rows, summary.imported, summary.quarantined) == (3, 3, 0)

    def snapshot(org: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for case in Case.objects.filter(organisation=org).order_by("reference"):
            person, link = _victim(case)
            out.append({
                "reference": case.reference, "registered_on": case.registered_on, "closed_on": case.closed_on,
                "status": case.status, "case": case.attributes, "case_sealed": _open(case, "case"),
                "person": person.attributes, "identifiers": _open(person, "person"), "context": link.context,
                "local": person.local_fields,
            })
        return out

    assert snapshot(target) == snapshot(source)
    assert snapshot(target)[0]["identifiers"]["prs_first_name"] == "សុខា"
    # Importing the same export again into the empty-then-filled organisation: no duplicates.
    again = import_file(organisation=target, actor=None, path=out)
    assert (again.imported, again.updated, again.unchanged) == (0, 3, 3)
    # ... and importing it back into its own organisation updates the cases it came from.
    home = import_file(organisation=source, actor=None, path=out)
    assert (home.imported, home.updated) == (0, 3) and Case.objects.filter(organisation=source).count() == 3


def test_export_follows_the_role(make_org: Any, make_user: Any, tmp_path: Path) -> None:
    org = make_org()
    admin = make_user(org, "admin")
    person = person_create(organisation=org, actor=admin, values={"prs_FirstName": "Sreyleak", "prs_Gender": "Feminine"})
    case_create(organisation=org, actor=admin, victim=person, registered_on=date(2024, 1, 1))
    officer = make_user(org, "data_officer")
    result = records_export(organisation=org, actor=officer, fmt="htcds-json", out=tmp_path / "deid.json")
    text = (tmp_path / "deid.json").read_text(encoding="utf-8")
    assert result.records == 1 and not result.identified
    assert "Sreyleak" not in text and '"prs_Gender": "Feminine"' in text
    assert AuditEvent.objects.filter(action="data.export", actor=officer).exists()
    supervisor = make_user(org, "supervisor")  # sees identifiers, may not export them
    assert not records_export(organisation=org, actor=supervisor, fmt="xlsx", out=tmp_path / "s.xlsx").identified
    viewer = make_user(org, "viewer")
    with pytest.raises(PermissionDenied, match="may not export"):
        records_export(organisation=org, actor=viewer, fmt="htcds-csv", out=tmp_path / "v.csv")
    other = make_user(make_org("Other"), "admin")
    with pytest.raises(PermissionDenied):
        records_export(organisation=org, actor=other, fmt="htcds-csv", out=tmp_path / "o.csv")
    assert not (tmp_path / "v.csv").exists() and not (tmp_path / "o.csv").exists()


def test_import_needs_the_import_permission(make_org: Any, make_user: Any, kobo_file: Path) -> None:
    org = make_org()
    with pytest.raises(PermissionDenied, match="may not import"):
        import_file(organisation=org, actor=make_user(org, "caseworker"), path=kobo_file)
    officer = make_user(org, "data_officer")
    assert import_file(organisation=org, actor=officer, path=kobo_file).imported == 3
    assert ImportRun.objects.get(organisation=org).actor == officer


def test_dry_run_stores_nothing(make_org: Any, kobo_file: Path) -> None:
    org = make_org()
    audit_before = AuditEvent.objects.count()
    summary = import_file(organisation=org, actor=None, path=kobo_file, dry_run=True)
    assert (summary.rows, summary.imported, summary.quarantined, summary.dry_run) == (5, 3, 2, True)
    assert Case.objects.filter(organisation=org).count() == 0 and not ImportedRow.objects.exists()
    assert not ImportRun.objects.exists() and AuditEvent.objects.count() == audit_before
    assert Path(summary.report).is_file()


def test_interrupted_import_keeps_complete_batches_and_resumes(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    rows = [["First name", "Sex", "Nationality"]] + [[f"P{i}", "F" if i % 2 else "M", "KH"] for i in range(23)]
    rows[8][1] = "??"  # one bad row in the second batch
    path = write_csv(tmp_path / "people.csv", rows)
    calls = {"n": 0}

    def crash_after_two_batches(done: int, total: int | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(organisation=org, actor=None, path=path, batch_size=5, progress=crash_after_two_batches)
    run = ImportRun.objects.get(organisation=org)
    assert run.status == ImportStatus.RUNNING and run.rows_done == 10
    assert Case.objects.filter(organisation=org).count() == 10 - run.quarantined == 9
    summary = import_file(organisation=org, actor=None, path=path, batch_size=5)
    assert summary.resumed and summary.run == run.pk
    assert (summary.rows, summary.imported, summary.updated, summary.quarantined) == (23, 22, 0, 1)
    assert Case.objects.filter(organisation=org).count() == 22
    with open(summary.quarantine, encoding="utf-8-sig") as fh:  # type: ignore[arg-type]
        assert sum(1 for _ in fh) == 2  # header + the one bad row, written once


def test_ctdc_file_declares_its_local_fields(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    header = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "meansOfControlDebtBondage",
              "meansOfControlRestrictsMovement", "isForcedLabour", "CountryOfExploitation"]
    row = ["2019", "Female", "18--20", "KH", "1", "1", "1", "TH"]
    path = write_csv(tmp_path / "ctdc.csv", [header, row, row])
    summary = import_file(organisation=org, actor=None, path=path)
    assert (summary.format, summary.imported) == ("ctdc", 2)
    assert LocalField.objects.filter(organisation=org, name="local_ctdc_age_broad").exists()
    person = Person.objects.filter(organisation=org).first()
    assert person is not None and person.sealed == {}  # de-identified: nothing to seal
    assert person.local_fields["local_ctdc_means_of_control"] == ["RestrictsMovement"]
    assert Case.objects.filter(organisation=org, registered_on=date(2019, 1, 1)).count() == 2


def test_cli_import_json_and_export(make_org: Any, make_user: Any, kobo_file: Path, tmp_path: Path) -> None:
    org = make_org()
    admin = make_user(org, "admin")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(kobo_file), "--org", org.slug, "--json", "--save-mapping",
                 str(tmp_path / "m.yaml"), stdout=out, stderr=err)
    summary = json.loads(out.getvalue())
    assert {k: summary[k] for k in ("rows", "imported", "updated", "quarantined")} == {
        "rows": 5, "imported": 3, "updated": 0, "quarantined": 2}
    assert Path(summary["report"]).is_file() and (tmp_path / "m.yaml").is_file()
    assert "rows in" in err.getvalue()
    out = io.StringIO()
    call_command("import", str(kobo_file), "--org", org.slug, "--mapping", str(tmp_path / "m.yaml"), stdout=out,
                 stderr=io.StringIO())
    assert "updated 3 (3 unchanged), quarantined 2" in out.getvalue()
    out = io.StringIO()
    call_command("export", "--org", org.slug, "--format", "htcds-csv", "--out", str(tmp_path / "e.csv"),
                 "--as", admin.username, stdout=out)
    assert "3 records with identifiers" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as USERNAME"):
        call_command("export", "--org", org.slug, "--format", "htcds-csv", "--out", str(tmp_path / "x.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01garbage\x00" * 20)
    with pytest.raises(CommandError, match="binary data"):
        call_command("import", str(bad), "--org", org.slug, stdout=io.StringIO(), stderr=io.StringIO())
    assert ImportRun.objects.filter(organisation=org).count() == 2


def test_standard_export_xlsform_with_local_fields(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    local_field_define(organisation=org, actor=None, name="local_ForcedCriminality", label="Forced criminality",
                       type="boolean", privacy_class="sensitive")
    out = tmp_path / "form.xlsx"
    call_command("standard", "export", "--format", "xlsform", "--out", str(out), "--org", org.slug,
                 stdout=io.StringIO())
    xform = convert(xlsform=str(out)).xform
    assert "local_ForcedCriminality" in xform and "prs_FirstName" in xform
    header = [c.value for c in openpyxl.load_workbook(out)["survey"][1]]
    assert {"label::English (en)", "label::Thai (th)", "label::Khmer (km)", "label::Vietnamese (vi)",
            "label::Indonesian (id)", "label::Filipino (fil)"} <= set(header)


ROW_CELLS = [
    ["A", "Sreymom", "ณัฐ", "", "X"],
    ["F", "Male", "หญิง", "??", ""],
    ["KH", "Thailand", "ZZ", ""],
    ["03/04/2021", "2021-04-03", "31/02/2021", "2099-01-01", ""],
    ["yes", "no", "maybe", ""],
    ["Debt bondage", "DebtBondage WithholdsDocuments", "Flying", ""],
]
_counter = {"n": 0}


def _random_rows() -> Any:
    from hypothesis import strategies as st

    row = st.tuples(*[st.sampled_from(cells) for cells in ROW_CELLS]).map(list)
    return st.lists(row, min_size=1, max_size=12)


@pytest.mark.slow
def test_property_rows_in_equal_imported_updated_quarantined(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from tipdata.accounts.services import organisation_create

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(rows=_random_rows())
    def check(rows: list[list[str]]) -> None:
        _counter["n"] += 1
        org = organisation_create(name=f"Property {_counter['n']}", country="TH", kind="shelter_ngo")
        header = ["First name", "Sex", "Nationality", "Date of birth", "Consent", "Methods of control"]
        path = write_csv(tmp_path / f"p{_counter['n']}.csv", [header, *rows])
        first = import_file(organisation=org, actor=None, path=path, batch_size=4)
        non_blank = sum(1 for r in rows if any(c.strip() for c in r))
        assert first.rows == non_blank == first.imported + first.updated + first.quarantined
        assert Case.objects.filter(organisation=org).count() == first.imported
        again = import_file(organisation=org, actor=None, path=path, batch_size=4)
        assert again.rows == again.imported + again.updated + again.quarantined
        assert (again.imported, again.updated, again.quarantined) == (0, first.imported, first.quarantined)
        assert Case.objects.filter(organisation=org).count() == first.imported

    check()
