"""Values to dictionary codes: labels in any language, spellings, booleans, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from tipdata.engines.intake import ValueMapper, load_synonyms, parse_date
from tipdata.engines.intake.values import ValueProblem
from tipdata.engines.standard import load_dictionary

from .conftest import TODAY


@pytest.fixture(scope="module")
def mapper() -> ValueMapper:
    return ValueMapper(load_dictionary(), load_synonyms(), today=TODAY)


def field(name: str):  # noqa: ANN201
    return load_dictionary().field(name)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Feminine", "Feminine"), ("female", "Feminine"), ("F", "Feminine"), ("หญิง", "Feminine"),
     ("perempuan", "Feminine"), ("ស្រី", "Feminine"), ("babae", "Feminine"), ("Nữ", "Feminine"),
     ("nu", "Feminine"), ("ชาย", "Masculine"), ("Laki-laki", "Masculine"), ("nam", "Masculine"),
     ("Transgender/NonConforming", "NonConforming"), ("Not Specified/Unknown", "NonSpecifiedUnknown")],
)
def test_gender_in_every_language(mapper: ValueMapper, raw: str, code: str) -> None:
    assert mapper.map(field("prs_gender"), raw).value == code


@pytest.mark.parametrize(
    ("raw", "codes"),
    [("KH", ("KH",)), ("KHM", ("KH",)), ("Cambodia", ("KH",)), ("กัมพูชา", ("KH",)),
     ("កម្ពុជា", ("KH",)), ("Viet Nam", ("VN",)), ("Việt Nam", ("VN",)), ("Burma", ("MM",)),
     ("Lao PDR", ("LA",)), ("KH TH", ("KH", "TH")), ("Cambodia; Thailand", ("KH", "TH"))],
)
def test_countries_by_code_name_and_cldr_label(mapper: ValueMapper, raw: str, codes: tuple[str, ...]) -> None:
    assert mapper.map(field("prs_citizenship"), raw).value == codes


def test_multi_select_forms(mapper: ValueMapper) -> None:
    moc = field("vic_methods_of_control")
    assert mapper.map(moc, "DebtBondage WithholdsDocuments").value == ("DebtBondage", "WithholdsDocuments")
    assert mapper.map(moc, "Debt bondage; Withholds documents").value == ("DebtBondage", "WithholdsDocuments")
    assert mapper.map(moc, "debt bondage, false promises").value == ("DebtBondage", "FalsePromises")
    assert mapper.map(moc, ["DebtBondage", "debt bondage"]).value == ("DebtBondage",)
    industry = field("vic_forced_labour_industry")
    # A label holding a comma is one value, not two.
    assert mapper.map(industry, "Agriculture, forestry and fishing").value == "A_AgricultureForestryAndFishing"
    with pytest.raises(ValueProblem) as exc:
        mapper.map(moc, "DebtBondage Flying")
    assert "one of PhysicalThreats" in exc.value.expected


def test_unknown_value_says_what_is_expected_and_suggests(mapper: ValueMapper) -> None:
    with pytest.raises(ValueProblem) as exc:
        mapper.map(field("cas_status"), "Activ")
    assert exc.value.expected.startswith("one of Active, FollowUp, Closed, ClosedReferred")
    assert exc.value.suggestion == "Active"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("yes", True), ("Y", True), ("TRUE", True), (1, True), ("ใช่", True), ("ya", True), ("oo", True),
     ("có", True), ("no", False), ("0", False), ("ไม่", False), ("tidak", False), ("hindi", False),
     ("không", False), (False, False)],
)
def test_booleans_in_every_language(mapper: ValueMapper, raw: object, value: bool) -> None:
    assert mapper.map(field("con_consent"), raw).value is value


@pytest.mark.parametrize(
    ("raw", "date", "how"),
    [
        ("2021-04-03", dt.date(2021, 4, 3), "YYYY-MM-DD"),
        ("2021-04-03T10:22:11.000+07:00", dt.date(2021, 4, 3), "YYYY-MM-DD with time (time dropped)"),
        ("03/04/2021", dt.date(2021, 4, 3), "DD/MM/YYYY"),
        ("3.4.2021", dt.date(2021, 4, 3), "DD.MM.YYYY"),
        ("03-04-21", dt.date(2021, 4, 3), "DD-MM-YY (two-digit year)"),
        ("03/04/2564", dt.date(2021, 4, 3), "DD/MM/YYYY (Buddhist era year)"),
        ("3 April 2021", dt.date(2021, 4, 3), "DD Month YYYY"),
        ("3 Maret 2021", dt.date(2021, 3, 3), "DD Month YYYY"),
        ("Apr 3, 2021", dt.date(2021, 4, 3), "Month DD, YYYY"),
        ("2021/04/03", dt.date(2021, 4, 3), "YYYY/MM/DD"),
        (44289, dt.date(2021, 4, 3), "Excel serial number"),
        (dt.datetime(2021, 4, 3), dt.date(2021, 4, 3), "date cell"),
    ],
)
def test_dates_day_first_and_iso_with_the_format_reported(raw: object, date: dt.date, how: str) -> None:
    assert parse_date(raw, today=TODAY) == (date, how)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("04/25/2021", "would be month-first"), ("31/02/2021", "no such day"), ("1990", "not only a year"),
     ("yesterday", "a date such as")],
)
def test_bad_dates_say_why(raw: str, message: str) -> None:
    with pytest.raises(ValueProblem, match=message):
        parse_date(raw, today=TODAY)


def test_explicit_month_first_format() -> None:
    assert parse_date("04/25/2021", date_format="MM/DD/YYYY") == (dt.date(2021, 4, 25), "MM/DD/YYYY")
    with pytest.raises(ValueProblem, match="a date written MM/DD/YYYY"):
        parse_date("25/04/2021", date_format="MM/DD/YYYY")


def test_organisation_spellings_win(mapper: ValueMapper) -> None:
    own = ValueMapper(load_dictionary(), load_synonyms(), extra={"prs_gender": {"W": "Feminine"}}, today=TODAY)
    assert own.map(field("prs_gender"), "w").value == "Feminine"
    with pytest.raises(ValueProblem):
        mapper.map(field("prs_gender"), "w")


def test_numbers_and_text(mapper: ValueMapper) -> None:
    assert mapper.map(field("vic_age_when_trafficked"), "17").value == 17
    assert mapper.map(field("vic_age_when_trafficked"), 17.0).value == 17
    with pytest.raises(ValueProblem, match="a whole number"):
        mapper.map(field("vic_age_when_trafficked"), "seventeen")
    assert mapper.map(field("prs_mobile_phone"), 812345678.0).value == "812345678"


def test_flags(mapper: ValueMapper) -> None:
    assert mapper.flag("1") and mapper.flag(1) and mapper.flag("1.0") and mapper.flag("True")
    assert not mapper.flag("0") and not mapper.flag(0.0)
    with pytest.raises(ValueProblem, match="1 \\(chosen\\) or 0"):
        mapper.flag("2")
