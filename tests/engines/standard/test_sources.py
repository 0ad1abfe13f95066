"""The packaged dictionary against the HTCDS 2.0 sources: nothing left out, nothing invented.

The counts that the standard publishes (16 methods of control, 249 citizenship values) are
checked always; the full comparison with the spreadsheet and XLSForm runs when the sources
are present (CI has them at ../shared) and is skipped, with the reason, otherwise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tipdata.engines.standard import DATA_DIR, Dictionary

from .conftest import REPO, SOURCES, needs_sources

XLSFORM_METADATA = {"start", "end", "__version__"}


def test_sixteen_methods_of_control(dictionary: Dictionary) -> None:
    f = dictionary.field("vic_MethodsOfControl")
    assert f.type == "select_multiple"
    assert len(f.values) == 16
    assert "DebtBondage" in f.allowed_codes  # stored without the source's trailing space
    assert "WithholdsDocuments" in f.allowed_codes


def test_249_citizenship_values_with_iso_codes(dictionary: Dictionary) -> None:
    f = dictionary.field("prs_Citizenship")
    assert len(f.values) == 249
    by_code = {v.code: v for v in f.values}
    assert by_code["KH"].iso_alpha3 == "KHM"
    assert by_code["VN"].label == "Viet Nam"
    assert by_code["NA"].label == "Namibia"  # "NA" must not have been read as missing
    assert all(v.iso_alpha2 == v.code and v.iso_alpha3 for v in f.values)


def test_every_entity_of_the_standard_is_present(dictionary: Dictionary) -> None:
    keys = [e.key for e in dictionary.entities]
    assert keys == [
        "organisation",
        "person",
        "victim_context",
        "perpetrator_context",
        "case",
        "referral",
        "case_comment",
        "historic_trafficking_event",
        "support_plan",
        "consent",
        "individual_risk_assessment",
        "household_risk_assessment",
        "community_risk_assessment",
    ]
    counts = {e.key: len(e.fields) for e in dictionary.entities}
    assert sum(counts.values()) == 84
    assert counts["victim_context"] == 16
    assert all(len(dictionary.entity(k).example_questions) == 3 for k in keys[-3:])


def _spreadsheet() -> pd.DataFrame:
    return pd.read_excel(
        SOURCES / "HTCDS Field Standards 2.0.ods",
        engine="odf",
        dtype=str,
        keep_default_na=False,
    )


def _choices() -> pd.DataFrame:
    return pd.read_excel(
        SOURCES / "toolkit" / "htcds_xlsform.xlsx",
        sheet_name="choices",
        dtype=str,
        keep_default_na=False,
    )


@needs_sources
def test_every_spreadsheet_field_is_in_the_dictionary(dictionary: Dictionary) -> None:
    sheet = _spreadsheet()
    # prefix + name, not the "including prefix" column: per_Organisation leaves that empty
    names = {
        prefix.strip() + name.strip()
        for prefix, name in zip(sheet["Field Name Prefix"], sheet["Field Name"], strict=True)
        if name.strip() and name.strip() != "N/A"
    }
    assert len(names) == 84
    assert names == {f.htcds_name for f in dictionary.fields}
    for row in sheet.itertuples(index=False):
        name = row[3].strip() + row[4].strip()
        if name not in names:
            continue
        f = dictionary.field(name)
        assert f.core == (row[2].strip() == "Core"), name
        assert f.status == row[1].strip().lower(), name
        if row[5].strip():
            assert f.label == row[5].strip(), name


@needs_sources
def test_every_spreadsheet_picklist_value_is_in_its_field(dictionary: Dictionary) -> None:
    sheet = _spreadsheet()
    checked = 0
    for row in sheet.itertuples(index=False):
        name, value_names = row[3].strip() + row[4].strip(), row[9]
        if (
            not row[4].strip()
            or row[4].strip() == "N/A"
            or not value_names.strip()
            or "ISO" in value_names
        ):
            continue
        codes = [c.strip() for c in value_names.split("\n") if c.strip()]
        assert list(dictionary.field(name).allowed_codes) == codes, name
        checked += 1
    assert checked >= 20


@needs_sources
def test_every_xlsform_choice_list_is_present_with_all_values(dictionary: Dictionary) -> None:
    choices = _choices()
    lists: dict[str, list[str]] = {}
    for list_name, code in zip(choices["list_name"], choices["name"], strict=True):
        if str(list_name).strip():
            lists.setdefault(str(list_name).strip(), []).append(str(code).strip())
    assert len(lists) == 11
    assert len(lists["methodsofcontrol"]) == 16
    assert len(lists["citizenship"]) == 249
    for list_name, expected in lists.items():
        assert list_name in dictionary.lists, list_name
        choice_list = dictionary.lists[list_name]
        assert list(choice_list.codes) == expected, list_name
        # joined: a field of the standard uses every XLSForm list
        assert choice_list.used_by, list_name
        for field_name in choice_list.used_by:
            assert list(dictionary.field(field_name).allowed_codes) == expected


@needs_sources
def test_every_xlsform_question_resolves_to_a_field(dictionary: Dictionary) -> None:
    survey = pd.read_excel(
        SOURCES / "toolkit" / "htcds_xlsform.xlsx",
        sheet_name="survey",
        dtype=str,
        keep_default_na=False,
    )
    for qtype, qname in zip(survey["type"].map(str), survey["name"].map(str), strict=True):
        if qname in XLSFORM_METADATA:
            continue
        f = dictionary.field(qname)
        if qname != f.htcds_name:
            assert f.xlsform_name == qname
        if qtype.startswith("select_"):
            assert f.choice_list == qtype.split()[1]


@needs_sources
def test_every_excel_toolkit_column_resolves_to_a_field(dictionary: Dictionary) -> None:
    frame = pd.read_excel(
        SOURCES / "toolkit" / "HTCDS Excel Spreadsheet v2.0.xlsx",
        header=None,
        dtype=str,
        keep_default_na=False,
    )
    names = [n for n in frame.iloc[0] if n.strip()]
    assert len(names) == 37
    for name in names:
        assert name in dictionary, name


@needs_sources
def test_packaged_file_is_what_the_sources_give() -> None:
    iso = Path("/usr/share/iso-codes/json/iso_639-2.json")
    if not iso.is_file():
        pytest.skip("Debian iso-codes (ISO 639-2 list) not installed; cannot rebuild")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            str(REPO / "tools" / "build_dictionary.py"),
            "--source",
            str(SOURCES),
            "--out",
            str(DATA_DIR),
            "--check",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
