"""Looking fields up, privacy classes, and the JSON / CSV exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tipdata.engines.standard import (
    PRIVACY_CLASSES,
    ROW_COLUMNS,
    Dictionary,
    UnknownEntityError,
    UnknownFieldError,
)


@pytest.mark.parametrize(
    "spelling",
    [
        "vic_MethodsOfControl",  # spreadsheet
        "vic_methods_of_control",  # dictionary
        "vic_Methods_of_Control",  # XLSForm question
        "VIC_METHODSOFCONTROL",
        "MethodsOfControl",  # bare name, unique
        " vic_MethodsOfControl ",
    ],
)
def test_field_found_by_any_spelling(dictionary: Dictionary, spelling: str) -> None:
    f = dictionary.field(spelling)
    assert f.name == "vic_methods_of_control"
    assert f.htcds_name == "vic_MethodsOfControl"
    assert f.xlsform_name == "vic_Methods_of_Control"
    assert spelling in dictionary


def test_misspelt_toolkit_column_is_an_alias(dictionary: Dictionary) -> None:
    f = dictionary.field("vic_TraffickinStatusDecisionMakingOrg")
    assert f.htcds_name == "vic_TraffickingStatusDecisionMakingOrg"


def test_unknown_field_error_suggests_close_matches(dictionary: Dictionary) -> None:
    with pytest.raises(UnknownFieldError) as err:
        dictionary.field("vic_MethodOfControl")
    assert err.value.name == "vic_MethodOfControl"
    assert "vic_MethodsOfControl" in err.value.suggestions
    assert "unknown field 'vic_MethodOfControl'" in str(err.value)
    assert "did you mean vic_MethodsOfControl" in str(err.value)
    assert "nonsense" not in dictionary
    assert dictionary.find_field("nonsense") is None


def test_ambiguous_bare_name_lists_the_candidates(dictionary: Dictionary) -> None:
    with pytest.raises(UnknownFieldError) as err:
        dictionary.field("Type")
    assert set(err.value.suggestions) == {"org_Type", "hte_Type", "spl_Type"}
    assert "ambiguous" in str(err.value)


def test_entity_by_key_label_or_prefix(dictionary: Dictionary) -> None:
    assert dictionary.entity("vic_").key == "victim_context"
    assert dictionary.entity("Person - Victim Context").key == "victim_context"
    assert dictionary.entity("hte").key == "historic_trafficking_event"
    with pytest.raises(UnknownEntityError, match="did you mean victim_context"):
        dictionary.entity("victim_contxt")


def test_key_fields_have_the_names_the_application_relies_on(dictionary: Dictionary) -> None:
    expected = {
        "vic_methods_of_control": ("select_multiple", "sensitive"),
        "prs_citizenship": ("select_multiple", "quasi_identifier"),
        "prs_gender": ("select_one", "quasi_identifier"),
        "prs_birthdate": ("date", "quasi_identifier"),
        "vic_age_when_trafficked": ("number", "quasi_identifier"),
        "vic_type_of_exploitation": ("select_multiple", "sensitive"),
        "hte_country": ("select_one", "quasi_identifier"),
        "prs_first_name": ("text", "direct_identifier"),
        "prs_second_name": ("text", "direct_identifier"),
        "prs_identity_number": ("text", "direct_identifier"),
        "cco_case_comment": ("long_text", "direct_identifier"),
        "cas_status": ("select_one", "operational"),
    }
    for name, (ftype, privacy) in expected.items():
        f = dictionary.field(name)
        assert (f.name, f.type, f.privacy_class) == (name, ftype, privacy)


def test_every_field_has_privacy_class_purpose_and_reason(dictionary: Dictionary) -> None:
    for f in dictionary.fields:
        assert f.privacy_class in PRIVACY_CLASSES, f.name
        assert f.purposes and f.purpose == f.purposes[0], f.name
        assert all(p in dictionary.purposes for p in f.purposes), f.name
        assert f.category in ("data", "process"), f.name
        assert f.privacy_reason.strip(), f.name
    # free text is always treated as identifying: it cannot be de-identified automatically
    for f in dictionary.fields:
        if f.type == "long_text":
            assert f.privacy_class == "direct_identifier", f.name
    assert {f.privacy_class for f in dictionary.fields} == set(PRIVACY_CLASSES)
    assert len(dictionary.fields_by_privacy_class("sensitive")) >= 10
    with pytest.raises(ValueError, match="unknown privacy class"):
        dictionary.fields_by_privacy_class("secret")


def test_statuses_and_core_flags_come_from_the_spreadsheet(dictionary: Dictionary) -> None:
    assert dictionary.field("vic_Vulnerabilities").status == "deprecated"
    assert dictionary.field("vic_AgreementToManagePersonalData").status == "deprecated"
    assert dictionary.field("vic_MethodsOfControl").core is True
    assert dictionary.field("prs_MiddleName").core is False


def test_value_definitions_from_field_definitions(dictionary: Dictionary) -> None:
    debt = dictionary.field("vic_MethodsOfControl").value("DebtBondage")
    assert debt.definition and "1956 Supplementary Convention" in debt.definition
    threats = dictionary.field("vic_MethodsOfControl").value("PhysicalThreats")
    assert threats.definition_source and "inferred" in threats.definition_source
    status = dictionary.field("vic_TraffickingStatus")
    assert status.definition and "difficult to determine" in status.definition
    assert all(v.definition for v in status.values)
    assert all(v.definition for v in dictionary.field("vic_ForcedLabourIndustry").values)


def test_lists_without_a_field_are_kept(dictionary: Dictionary) -> None:
    tier2 = dictionary.choice_list("forcedlabourindustry_tier2")
    assert tier2.used_by == ()
    assert tier2.extends == "forcedlabourindustry"
    fishing = [v for v in tier2.values if v.label == "Fishing and aquaculture"]
    assert fishing and fishing[0].parent == "A_AgricultureForestryAndFishing"
    assert len(dictionary.choice_list("international_protection").values) == 4
    with pytest.raises(KeyError, match="did you mean"):
        dictionary.choice_list("forcedlabourindustry_tier4")


def test_standard_attribution(dictionary: Dictionary) -> None:
    std = dictionary.standard
    assert std.version == "2.0"
    assert std.license == "CC BY 4.0"
    assert "IOM" in std.attribution and "CC BY 4.0" in std.attribution
    assert "endorses" in std.notice


def test_to_json_lists_entities_fields_values_and_privacy(dictionary: Dictionary) -> None:
    data = json.loads(json.dumps(dictionary.to_json()))
    assert [e["key"] for e in data] == [e.key for e in dictionary.entities]
    fields = {f["htcds_name"]: f for e in data for f in e["fields"]}
    assert len(fields) == 84
    moc = fields["vic_MethodsOfControl"]
    assert moc["privacy_class"] == "sensitive"
    assert moc["purpose"] == moc["purposes"][0]
    assert len(moc["values"]) == 16
    assert {"code", "label"} <= set(moc["values"][0])
    assert all("privacy_class" in f and "purpose" in f for f in fields.values())


def test_document_round_trip(dictionary: Dictionary) -> None:
    text = json.dumps(dictionary.to_document(), ensure_ascii=False)
    again = Dictionary.from_document(json.loads(text))
    assert again == dictionary
    assert again.to_json() == dictionary.to_json()
    assert again.to_document() == dictionary.to_document()
    assert again.field("vic_Methods_of_Control").validate("DebtBondage") == ("DebtBondage",)


def test_document_with_edited_embedded_values_is_rejected(dictionary: Dictionary) -> None:
    from tipdata.engines.standard import DictionaryFileError

    doc = dictionary.to_document()
    moc = next(
        f for e in doc["entities"] for f in e["fields"] if f["htcds_name"] == "vic_MethodsOfControl"
    )
    moc["values"].pop()
    with pytest.raises(DictionaryFileError, match=r"vic_MethodsOfControl\).values: codes differ"):
        Dictionary.from_document(doc, source="edited.json")


def test_to_rows_is_a_flat_csv_table(dictionary: Dictionary) -> None:
    rows = dictionary.to_rows()
    assert all(list(r) == list(ROW_COLUMNS) for r in rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ROW_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    back = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert back == rows
    moc_rows = [r for r in rows if r["htcds_name"] == "vic_MethodsOfControl"]
    assert len(moc_rows) == 16 and moc_rows[0]["privacy_class"] == "sensitive"
    first_name = [r for r in rows if r["field"] == "prs_first_name"]
    assert len(first_name) == 1 and first_name[0]["value_code"] == ""
    assert {r["field"] for r in rows} == {f.name for f in dictionary.fields}
