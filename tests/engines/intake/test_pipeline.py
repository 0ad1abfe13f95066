"""Every row ends imported or quarantined: the toolkit workbook, Kobo exports, CTDC files,
keys for re-imports, the quarantine file, and random rows (hypothesis)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipdata.engines.intake import (
    CleanRecord,
    IntakeRun,
    QuarantinedRow,
    QuarantineWriter,
    plan_import,
    read_all,
)

from .conftest import TODAY, kobo_rows, needs_toolkit, write_csv


@needs_toolkit
def test_toolkit_workbook_every_row_accounted_for(filled_toolkit: Callable[..., Path]) -> None:
    path = filled_toolkit(persons=20)
    plan, clean, bad, report = read_all(path, today=TODAY)
    assert plan.format == "htcds-excel"
    assert 2 in plan.skip_rows  # the label row
    # 20 demo rows + 4 extra, the 996 numbered empty rows of the template are blank, not records.
    assert report["rows"] == 24 == len(clean) + len(bad)
    assert report["blank_rows"] == 1000 - 24
    assert {b.person["prs_first_name"] for b in clean} >= {"Thai labels"}
    by_name = {q.cells["prs_FirstName"]: q for q in bad}
    assert set(by_name) == {"Typo", "NoSuchDay", "Future"}
    assert "(did you mean" not in str(by_name["Typo"].reasons[0]) or "Feminine" in str(by_name["Typo"].reasons[0])
    assert "'31/02/1990'" in str(by_name["NoSuchDay"].reasons[0]) and "no such day" in str(by_name["NoSuchDay"].reasons[0])
    assert "not in the future" in str(by_name["Future"].reasons[0])
    thai = next(c for c in clean if c.person["prs_first_name"] == "Thai labels")
    assert thai.person["prs_gender"] == "Feminine" and thai.person["prs_citizenship"] == ["KH"]
    assert thai.person["prs_birthdate"] == "1990-04-03"
    assert thai.victim_context["vic_type_of_exploitation"] == ["ForcedLabour", "SexualExploitation"]
    # The toolkit's unnamed column AJ takes its label and maps.
    assert plan.mapping.columns["Reason for Outgoing Referral"].spec == "cas_reason_for_outgoing_referral"
    assert report["date_formats"]["prs_Birthdate"]["DD/MM/YYYY (Buddhist era year)"] == 1
    first = clean[0]
    assert first.registered_on_source == "incoming referral date" and first.status


def test_kobo_xlsx_with_groups_choice_columns_and_repeats(kobo_xlsx: Path) -> None:
    plan, clean, bad, report = read_all(kobo_xlsx, today=TODAY)
    assert plan.format == "kobo"
    assert [t.name for t in plan.repeats] == ["group_events"]
    assert report["rows"] == 5 and len(clean) == 3 and len(bad) == 2
    one, two, three = clean
    assert one.key == "k:0b6c1f4e-1d1b-4c66-9d3b-000000000001" and one.key_source == "submission"
    assert one.person["prs_first_name"] == "Sreymom" and one.person["con_consent"] is True
    assert one.victim_context["vic_methods_of_control"] == ["DebtBondage", "WithholdsDocuments"]
    assert two.victim_context["vic_methods_of_control"] == ["FalsePromises"]
    assert two.person["prs_first_name"] == "ณัฐ"
    assert one.registered_on == "2024-03-01" and one.registered_on_source == "incoming referral date"
    assert three.registered_on == "2024-03-03" and three.registered_on_source == "form submission date"
    # Repeat rows: narratives joined into the (sealed) case field, coded values kept per group.
    assert one.case["hte_description"] == "met a broker at the market\n\nfishing boat"
    assert one.repeats["group_events"] == [{"hte_type": "Recruitment", "hte_country": "KH"},
                                           {"hte_type": "Exploitation", "hte_country": "TH"}]
    assert two.repeats["group_events"] == [{"hte_type": "Exploitation", "hte_country": "MY"}]
    reasons = {q.cells["group_person/prs_Second_Name"]: [str(r) for r in q.reasons] for q in bad}
    assert "'Fem': expected one of Feminine" in reasons["Gender"][0]
    assert "column 'group_victim/vic_Methods_of_Control/DebtBondage': '2': expected 1 (chosen) or 0" in reasons["Flag"][0]


def test_kobo_csv_semicolons_same_records(tmp_path: Path, kobo_xlsx: Path) -> None:
    path = write_csv(tmp_path / "kobo.csv", kobo_rows(), delimiter=";")
    plan, clean, bad, _ = read_all(path, today=TODAY)
    _, clean_x, _, _ = read_all(kobo_xlsx, today=TODAY)
    assert plan.format == "kobo" and len(clean) == 3 and len(bad) == 2
    strip = [{k: v for k, v in c.to_dict().items() if k not in ("repeats", "case")} for c in clean]
    assert strip == [{k: v for k, v in c.to_dict().items() if k not in ("repeats", "case")} for c in clean_x]


def test_ctdc_file_as_deidentified_records(tmp_path: Path) -> None:
    header = ["yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
              "meansOfControlDebtBondage", "meansOfControlRestrictsMovement", "meansOfControlPsychoactiveSubsta",
              "isForcedLabour", "isSexualExploit", "typeOfLabourAgriculture", "typeOfLabourBegging",
              "typeOfSexProstitution", "RecruiterRelationship", "CountryOfExploitation", "typeOfExploitConcatenated"]
    same = ["2019", "Case Management", "Female", "18--20", "Adult", "KH", "1", "1", "0", "1", "0", "1", "0", "0",
            "Friend", "TH", "Forced labour"]
    rows = [header, same, same, ["2020", "Hotline", "Male", "9--17", "Minor", "MM", "-99", "", "1", "0", "1", "", "",
                                 "1", "Family", "MY", ""],
            ["20x0", "Hotline", "Alien", "", "", "ZZ", "", "", "", "", "", "", "", "", "", "", ""]]
    plan, clean, bad, _ = read_all(write_csv(tmp_path / "ctdc.csv", rows), today=TODAY)
    assert plan.format == "ctdc"
    assert len(clean) == 3 and len(bad) == 1
    a, b, c = clean
    assert a.key != b.key and b.key == a.key + "#2"  # two identical rows stay two people
    assert a.person == {"prs_gender": "Feminine", "prs_citizenship": ["KH"]}
    assert a.victim_context == {
        "vic_methods_of_control": ["DebtBondage"], "vic_type_of_exploitation": ["ForcedLabour"],
        "vic_location_of_exploitation": "TH", "vic_relationship_to_trafficker": "Acquainted",
        "vic_forced_labour_industry": "A_AgricultureForestryAndFishing",
    }
    assert a.local_fields["local_ctdc_means_of_control"] == ["RestrictsMovement"]
    assert a.local_fields["local_ctdc_age_broad"] == "18--20"
    assert a.local_fields["local_ctdc_year_of_registration"] == 2019
    assert a.registered_on == "2019-01-01" and a.registered_on_source == "year only: 1 January used"
    assert c.victim_context["vic_methods_of_control"] == ["PsychoactiveSubstance"]
    assert c.victim_context["vic_type_of_sex_exploitation"] == ["Prostitution"]
    assert c.victim_context["vic_relationship_to_trafficker"] == "Familial"
    assert {r.column for r in bad[0].reasons} == {"yearOfRegistration", "gender", "citizenship"}


def test_keys_are_stable_across_runs(kobo_xlsx: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plain.csv", [["First name", "Sex"], ["A", "F"], ["A", "F"], ["B", "M"]])
    keys = [r.key for r in IntakeRun(plan_import(path), today=TODAY).results()]
    again = [r.key for r in IntakeRun(plan_import(path), today=TODAY).results()]
    assert keys == again and len(set(keys)) == 3
    # A resumed run skips what it had done but numbers identical rows the same way.
    resumed = [r.key for r in IntakeRun(plan_import(path), today=TODAY).results(start_after=1)]
    assert resumed == keys[1:]


def test_quarantine_file_can_be_corrected_and_imported(tmp_path: Path, kobo_xlsx: Path) -> None:
    plan = plan_import(kobo_xlsx)
    out = tmp_path / "q.csv"
    with QuarantineWriter(out, plan.table.headers) as writer:
        for result in IntakeRun(plan, today=TODAY).results():
            if isinstance(result, QuarantinedRow):
                writer.write(result)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][-2:] == ["tipdata_row", "tipdata_reasons"] and rows[0][:-2] == plan.table.headers
    assert len(rows) == 3 and "expected one of Feminine" in rows[1][-1]
    gender = rows[0].index("group_person/prs_Gender")
    flag = rows[0].index("group_victim/vic_Methods_of_Control/DebtBondage")
    rows[1][gender] = "Feminine"
    rows[2][flag] = "1"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    plan2, clean, bad, _ = read_all(fixed, today=TODAY)
    assert plan2.format == "kobo" and not bad and len(clean) == 2
    assert plan2.mapping.columns["tipdata_reasons"].spec == "ignore"
    assert clean[1].victim_context["vic_methods_of_control"] == ["DebtBondage"]
    # The corrected submissions keep their submission keys.
    assert {c.key for c in clean} == {"k:0b6c1f4e-1d1b-4c66-9d3b-000000000004", "k:0b6c1f4e-1d1b-4c66-9d3b-000000000005"}


CELLS = st.one_of(
    st.sampled_from(["", "F", "Female", "หญิง", "x", "KH", "Cambodia", "ZZ", "03/04/2021", "2021-04-03",
                     "31/02/2021", "yes", "no", "DebtBondage", "Debt bondage; False promises", "2099-01-01",
                     "Active", "Closed", "??", "1", "0", "-99"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=1, max_size=25))
def test_rows_in_equal_clean_plus_quarantined(tmp_path: Path, rows: list[list[str]]) -> None:
    header = ["First name", "Sex", "Nationality", "Date of birth", "Consent", "Methods of control", "Case status"]
    path = write_csv(tmp_path / "random.csv", [header, *rows])
    run = IntakeRun(plan_import(path), today=TODAY)
    results = list(run.results())
    non_blank = sum(1 for r in rows if any(c.strip() for c in r))
    assert len(results) == run.rows == non_blank
    assert run.clean + run.quarantined == run.rows
    numbers = [r.row for r in results]
    assert numbers == sorted(set(numbers))  # each row once, in order
    for r in results:
        assert isinstance(r, CleanRecord | QuarantinedRow)
        if isinstance(r, QuarantinedRow):
            assert r.reasons and all(str(reason).startswith(f"row {r.row}") for reason in r.reasons)


def test_odk_central_zip_with_a_repeat_group(tmp_path: Path) -> None:
    import zipfile

    main = ("SubmissionDate,start,end,person-prs_First_Name,person-prs_Gender,vic_Methods_of_Control,"
            "meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,"
            "ReviewState,DeviceID,Edits,FormVersion\n"
            "2024-05-02T03:04:05.000Z,,,Mai,Feminine,DebtBondage,uuid:aaa,uuid:aaa,5,fieldworker,0,0,,,,0,1\n"
            "2024-05-03T03:04:05.000Z,,,Linh,Nữ,,uuid:bbb,uuid:bbb,5,fieldworker,0,0,,,,0,1\n")
    events = ("events-hte_Type,events-hte_Description,PARENT_KEY,KEY\n"
              "Recruitment,online advert,uuid:aaa,uuid:aaa/events[1]\n"
              "Exploitation,factory,uuid:aaa,uuid:aaa/events[2]\n")
    path = tmp_path / "htcds.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("htcds.csv", main)
        zf.writestr("htcds-events.csv", events)
    plan, clean, bad, _ = read_all(path, today=TODAY)
    assert plan.format == "odk" and plan.kind == "csv-zip" and [t.name for t in plan.repeats] == ["htcds-events"]
    assert not bad and [c.key for c in clean] == ["k:aaa", "k:bbb"]
    assert clean[0].registered_on == "2024-05-02" and clean[0].registered_on_source == "form submission date"
    assert clean[0].case["hte_description"] == "online advert\n\nfactory"
    assert clean[0].repeats["htcds-events"] == [{"hte_type": "Recruitment"}, {"hte_type": "Exploitation"}]
    assert clean[1].person == {"prs_first_name": "Linh", "prs_gender": "Feminine"}
