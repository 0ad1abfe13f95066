"""Column mapping: guessed from names and labels in six languages, saved, loaded, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipdata.engines.intake import (
    ColumnMapping,
    MappingError,
    guess_mapping,
    load_synonyms,
    plan_import,
)
from tipdata.engines.intake.mapping import LocalFieldSpec
from tipdata.engines.standard import load_dictionary

from .conftest import write_csv

D = load_dictionary()
S = load_synonyms()


def targets(headers: list[str], **kwargs: object) -> dict[str, str]:
    mapping = guess_mapping(headers, D, S, **kwargs)  # type: ignore[arg-type]
    return {h: t.spec for h, t in mapping.columns.items()}


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("prs_FirstName", "prs_first_name"), ("prs_first_name", "prs_first_name"),
        ("vic_Methods_of_Control", "vic_methods_of_control"), ("First Name", "prs_first_name"),
        ("Date of birth", "prs_birthdate"), ("DOB", "prs_birthdate"), ("Sex", "prs_gender"),
        ("ชื่อ", "prs_first_name"), ("นามสกุล", "prs_second_name"), ("วันเกิด", "prs_birthdate"),
        ("สัญชาติ", "prs_citizenship"), ("Jenis kelamin", "prs_gender"), ("Tanggal lahir", "prs_birthdate"),
        ("ភេទ", "prs_gender"), ("សញ្ជាតិ", "prs_citizenship"), ("Kasarian", "prs_gender"),
        ("Apelyido", "prs_second_name"), ("Giới tính", "prs_gender"), ("Ngày sinh", "prs_birthdate"),
        ("Quốc tịch", "prs_citizenship"), ("Registration date", "meta:registered_on"),
        ("Case number", "meta:reference"), ("Methods of Control", "vic_methods_of_control"),
        ("Frist name", "prs_first_name"),  # a typing slip, offered for checking
    ],
)
def test_headers_in_six_languages(header: str, target: str) -> None:
    assert targets([header])[header] == target


def test_guesses_carry_a_confidence_to_check() -> None:
    alone = guess_mapping(["Frist name", "Sex"], D, S)
    assert alone.needs_check() == ["Frist name"]
    assert "a typing slip" in alone.columns["Frist name"].reason
    mapping = guess_mapping(["prs_FirstName", "Sex", "Frist name"], D, S)
    assert mapping.columns["prs_FirstName"].confidence == 1.0
    # Frist name loses to the exact prs_FirstName: one column per single-valued field.
    assert mapping.columns["Frist name"].spec == "ignore"
    assert "already fed by column 'prs_FirstName'" in mapping.columns["Frist name"].reason


def test_kobo_group_paths_choice_columns_and_system_columns() -> None:
    got = targets(
        ["group_person/prs_First_Name", "grp/vic_Methods_of_Control", "grp/vic_Methods_of_Control/DebtBondage",
         "_uuid", "_id", "_submission_time", "__version__", "_index", "meta/instanceID"],
        source_format="kobo",
    )
    assert got["group_person/prs_First_Name"] == "prs_first_name"
    assert got["grp/vic_Methods_of_Control"] == "vic_methods_of_control"
    assert got["grp/vic_Methods_of_Control/DebtBondage"] == "vic_methods_of_control=DebtBondage"
    assert got["_uuid"] == "key" and got["meta/instanceID"] == "ignore"  # one key: _uuid is preferred
    assert got["_submission_time"] == "meta:submitted_at"
    assert got["_id"] == got["__version__"] == got["_index"] == "ignore"


def test_odk_central_paths_and_key() -> None:
    got = targets(["SubmissionDate", "grp-prs_Gender", "meta-instanceID", "KEY", "Status", "ReviewState"],
                  source_format="odk")
    assert got["grp-prs_Gender"] == "prs_gender"
    assert got["KEY"] == "key" and got["meta-instanceID"] == "ignore"
    assert got["Status"] == "ignore"  # ODK's review status, not the case status
    assert targets(["Status"])["Status"] == "cas_status"  # ... which it is in a plain spreadsheet


def test_ctdc_columns() -> None:
    got = targets(["gender", "ageBroad", "meansOfControlDebtBondage", "meansOfControlPsychoactiveSubsta",
                   "meansOfControlRestrictsMovement", "isSexAndLabour", "typeOfLabourBegging",
                   "yearOfRegistration", "typeOfExploitConcatenated"], source_format="ctdc")
    assert got == {
        "gender": "prs_gender", "ageBroad": "local_ctdc_age_broad",
        "meansOfControlDebtBondage": "vic_methods_of_control=DebtBondage",
        "meansOfControlPsychoactiveSubsta": "vic_methods_of_control=PsychoactiveSubstance",
        "meansOfControlRestrictsMovement": "local_ctdc_means_of_control=RestrictsMovement",
        "isSexAndLabour": "vic_type_of_exploitation=ForcedLabour+SexualExploitation",
        "typeOfLabourBegging": "local_ctdc_type_of_labour=Begging",
        "yearOfRegistration": "meta:registered_year", "typeOfExploitConcatenated": "ignore",
    }


def test_declared_local_fields_are_matched_by_name_and_label() -> None:
    local = [LocalFieldSpec("local_ForcedCriminality", "Forced criminality", "boolean")]
    got = targets(["Forced criminality", "local_Unknown"], local_fields=local)
    assert got["Forced criminality"] == "local_ForcedCriminality"
    assert got["local_Unknown"] == "ignore"


def test_mapping_file_round_trip(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["Nom", "Sex", "Born"], ["A", "W", "04/25/1990"]])
    data = {
        "columns": {"Nom": "prs_FirstName", "Sex": "prs_gender",
                    "Born": {"target": "prs_birthdate", "date_format": "MM/DD/YYYY"}},
        "values": {"prs_gender": {"W": "Feminine"}},
    }
    plan = plan_import(path, mapping=data)
    saved = plan.mapping.save(tmp_path / "m.yaml")
    again = ColumnMapping.load(saved, D)
    assert again.to_dict() == plan.mapping.to_dict()
    from tipdata.engines.intake import IntakeRun

    record = next(IntakeRun(plan_import(path, mapping=saved)).results())
    assert record.person == {"prs_first_name": "A", "prs_gender": "Feminine", "prs_birthdate": "1990-04-25"}


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"Nom": "prs_FirstNam"}, "unknown field 'prs_FirstNam'; did you mean prs_FirstName"),
        ({"Nom": "vic_MethodsOfControl=Flying"}, "'Flying' is not a code of vic_methods_of_control"),
        ({"Nom": "meta:when"}, "unknown meta target 'when'"),
        ({"Nom": {"target": "prs_birthdate", "date_format": "whenever"}}, "date_format 'whenever' is not known"),
        ({"Missing": "prs_first_name"}, "names columns the file does not have: 'Missing'"),
    ],
)
def test_bad_mapping_files_name_the_problem(tmp_path: Path, columns: dict[str, object], message: str) -> None:
    path = write_csv(tmp_path / "x.csv", [["Nom"], ["A"]])
    with pytest.raises(MappingError, match=message.replace("(", "\\(")):
        plan_import(path, mapping={"columns": columns})


def test_unreadable_mapping_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["Nom"], ["A"]])
    (tmp_path / "bad.yaml").write_text("columns: [unclosed", encoding="utf-8")
    with pytest.raises(MappingError, match="cannot read the mapping file"):
        plan_import(path, mapping=tmp_path / "bad.yaml")
    with pytest.raises(MappingError, match="mapping file not found"):
        plan_import(path, mapping=tmp_path / "nope.yaml")
