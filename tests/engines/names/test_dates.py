"""Birth dates: parsing with clear errors, and each kind of agreement as its own level."""

from __future__ import annotations

import pytest

from tipdata.engines.names import (
    BirthDateError,
    birth_date_from_age,
    compare_birth_dates,
    parse_birth_date,
)


def level(a: str, b: str) -> str:
    return compare_birth_dates(parse_birth_date(a), parse_birth_date(b)).slug


def test_formats_and_buddhist_era() -> None:
    assert parse_birth_date("1990").precision == "year"
    assert parse_birth_date("1990-05").precision == "month"
    d = parse_birth_date("2533-05-12")
    assert (d.year, d.month, d.day, d.buddhist_era) == (1990, 5, 12, True)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("12/05/1990", "cannot read"), ("1990-13-01", "month 13"), ("1990-02-30", "day 30"), ("1700", "out of range"), ("", "cannot read")],
)
def test_bad_dates_say_what_is_allowed(value: str, fragment: str) -> None:
    with pytest.raises(BirthDateError) as exc:
        parse_birth_date(value)
    assert fragment in str(exc.value)
    assert "YYYY-MM-DD" in str(exc.value)


@pytest.mark.parametrize(
    ("a", "b", "slug"),
    [
        ("1990-05-12", "1990-05-12", "exact"),
        ("2533-05-12", "1990-05-12", "buddhist_era"),
        ("1990-05-12", "1990-12-05", "day_month_swapped"),
        ("1990-05-12", "1990-05-20", "year_month"),
        ("1990-05-12", "1990", "year_placeholder"),
        ("1990-01-01", "1990-07-15", "year_placeholder"),
        ("1990-05-12", "1991-05-12", "near"),
        ("1990-05-12", "1975-03-02", "different"),
    ],
)
def test_each_kind_of_agreement_has_its_level(a: str, b: str, slug: str) -> None:
    assert level(a, b) == slug
    assert level(b, a) == slug


def test_age_instead_of_a_date() -> None:
    from_age = birth_date_from_age(34, 2024)
    assert compare_birth_dates(from_age, parse_birth_date("1989-06-01")).slug == "age_estimate"
    assert compare_birth_dates(from_age, parse_birth_date("1980-06-01")).slug == "different"
    with pytest.raises(BirthDateError):
        birth_date_from_age(-3, 2024)


def test_missing_date_is_its_own_result() -> None:
    assert compare_birth_dates(None, parse_birth_date("1990")).level == -1
