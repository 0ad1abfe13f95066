"""Validating values against fields: what passes, what is normalised, what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipdata.engines.standard import (
    Dictionary,
    UnknownFieldError,
    ValueNotAllowedError,
    load_dictionary,
    validate_value,
)

MOC = load_dictionary().field("vic_MethodsOfControl")


def test_invalid_code_message_names_field_value_and_allowed_codes(dictionary: Dictionary) -> None:
    with pytest.raises(ValueNotAllowedError) as err:
        dictionary.validate_value("prs_Gender", "Female")
    message = str(err.value)
    assert "prs_gender (prs_Gender)" in message
    assert "'Female'" in message
    for code in ("Feminine", "Masculine", "TransgenderFeminine", "NonSpecifiedUnknown"):
        assert code in message
    assert err.value.field == "prs_gender"
    assert err.value.value == "Female"
    assert err.value.allowed == dictionary.field("prs_Gender").allowed_codes


def test_multi_select_names_each_bad_code(dictionary: Dictionary) -> None:
    with pytest.raises(ValueNotAllowedError) as err:
        validate_value("vic_MethodsOfControl", ["DebtBondage", "Beatings", "Curfew"])
    message = str(err.value)
    assert "unknown codes 'Beatings', 'Curfew'" in message
    assert "allowed codes: PhysicalThreats" in message


def test_module_level_validate_value_with_unknown_field() -> None:
    with pytest.raises(UnknownFieldError):
        validate_value("vic_NoSuchField", "x")


@pytest.mark.parametrize(
    "raw",
    [
        ["DebtBondage", "WithholdsDocuments"],
        ("DebtBondage", "WithholdsDocuments"),
        "DebtBondage WithholdsDocuments",
        "  DebtBondage   WithholdsDocuments ",
        "DebtBondage;WithholdsDocuments",  # Salesforce multi-picklist
        "debtbondage withholdsdocuments",  # case-insensitive
        ["DebtBondage", "WithholdsDocuments", "DebtBondage"],  # duplicates collapse
    ],
)
def test_multi_select_accepts_lists_and_separated_strings(raw: object) -> None:
    assert MOC.validate(raw) == ("DebtBondage", "WithholdsDocuments")


@pytest.mark.parametrize("missing", [None, "", "   ", [], float("nan")])
def test_missing_values_are_none(missing: object) -> None:
    assert MOC.validate(missing) is None


@given(st.lists(st.sampled_from(MOC.allowed_codes), min_size=1, unique=True))
def test_any_subset_of_codes_validates_the_same_as_list_or_string(codes: list[str]) -> None:
    assert MOC.validate(codes) == tuple(codes)
    assert MOC.validate(" ".join(codes)) == tuple(codes)


@given(st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=20))
def test_anything_not_a_code_is_refused(word: str) -> None:
    if word.casefold() in {c.casefold() for c in MOC.allowed_codes}:
        return
    with pytest.raises(ValueNotAllowedError):
        MOC.validate(word)


def test_select_one_refuses_several_codes(dictionary: Dictionary) -> None:
    f = dictionary.field("vic_TraffickingStatus")
    assert f.validate("possiblevictimoftrafficking") == "PossibleVictimOfTrafficking"
    with pytest.raises(ValueNotAllowedError, match="takes one code, not several"):
        f.validate("PossibleVictimOfTrafficking ActualVictimOfTrafficking")
    with pytest.raises(ValueNotAllowedError, match="expected one code"):
        f.validate(["PossibleVictimOfTrafficking"])


def test_countries_accept_alpha2_and_alpha3(dictionary: Dictionary) -> None:
    assert dictionary.validate_value("prs_Citizenship", "KHM mm") == ("KH", "MM")
    assert dictionary.validate_value("hte_Country", "tha") == "TH"
    with pytest.raises(ValueNotAllowedError, match="'XK'"):
        dictionary.validate_value("hte_Country", "XK")  # Kosovo: not in ISO 3166-1


def test_languages_accept_639_1_and_639_2(dictionary: Dictionary) -> None:
    f = dictionary.field("prs_PrimaryLanguage")
    assert f.validate("km") == "khm"
    assert f.validate("bur") == "mya"  # 639-2/B for Burmese
    assert f.validate("fil") == "fil"
    with pytest.raises(ValueNotAllowedError):
        f.validate("klingon")


def test_dates(dictionary: Dictionary) -> None:
    f = dictionary.field("prs_Birthdate")
    assert f.validate("2004-02-29") == dt.date(2004, 2, 29)
    assert f.validate(dt.date(1990, 1, 1)) == dt.date(1990, 1, 1)
    with pytest.raises(ValueNotAllowedError, match="not a real calendar date"):
        f.validate("2005-02-29")
    with pytest.raises(ValueNotAllowedError, match="YYYY-MM-DD"):
        f.validate("29/02/2004")
    with pytest.raises(ValueNotAllowedError, match="without a time"):
        f.validate(dt.datetime(2004, 2, 29, 12, 0))
    with pytest.raises(ValueNotAllowedError, match="expected a date"):
        f.validate(20040229)


def test_numbers(dictionary: Dictionary) -> None:
    age = dictionary.field("vic_AgeWhenTrafficked")
    assert age.validate("16") == 16
    assert age.validate(16.0) == 16
    with pytest.raises(ValueNotAllowedError, match="whole number"):
        age.validate(16.5)
    with pytest.raises(ValueNotAllowedError, match="below the minimum 0"):
        age.validate(-1)
    with pytest.raises(ValueNotAllowedError, match="above the maximum 130"):
        age.validate(200)
    with pytest.raises(ValueNotAllowedError, match="got a boolean"):
        age.validate(True)
    with pytest.raises(ValueNotAllowedError, match="expected a number"):
        age.validate("sixteen")
    lat = dictionary.field("hte_Latitude")
    assert lat.validate("13.75") == 13.75
    with pytest.raises(ValueNotAllowedError, match="above the maximum 90"):
        lat.validate(91)
    with pytest.raises(ValueNotAllowedError, match="finite"):
        lat.validate("inf")


def test_booleans(dictionary: Dictionary) -> None:
    consent = dictionary.field("con_Consent")
    assert consent.allowed_codes == ("TRUE", "FALSE")  # the XLSForm's yes/no list
    assert consent.validate("TRUE") is True
    assert consent.validate("no") is False
    assert consent.validate(1) is True
    with pytest.raises(ValueNotAllowedError, match="expected true or false"):
        consent.validate("maybe")


def test_text_and_patterns(dictionary: Dictionary) -> None:
    assert dictionary.validate_value("prs_FirstName", "  Srey  ") == "Srey"
    with pytest.raises(ValueNotAllowedError, match="expected text, got int"):
        dictionary.validate_value("prs_FirstName", 42)
    phone = dictionary.field("prs_MobilePhone")
    assert phone.validate("+85512345678") == "+85512345678"
    with pytest.raises(ValueNotAllowedError, match="expected format"):
        phone.validate("012 345 678")
    with pytest.raises(ValueNotAllowedError):
        dictionary.validate_value("prs_Email", "not-an-email")


def test_lookups_check_shape_only(dictionary: Dictionary) -> None:
    f = dictionary.field("cas_ReferringOrganisation")
    assert f.lookup_target == "organisation"
    assert f.validate(" org-42 ") == "org-42"
    assert f.validate(7) == 7
    with pytest.raises(ValueNotAllowedError, match="reference"):
        f.validate(3.5)
