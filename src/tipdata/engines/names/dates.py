"""Birth dates as evidence, with the ways they go wrong in this field.

A birth date in a trafficking case record is often not a date: only a year is known,
1 January is written when the day is unknown, Thai documents give the Buddhist-era year
(Gregorian + 543), day and month are swapped between DD/MM and MM/DD writers, or the
record holds an age and the date was worked out from it. Each of these is a comparison
level of its own, so the model learns how much each kind of agreement is worth.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from typing import Any, Final

BUDDHIST_ERA_OFFSET: Final[int] = 543
# Any year at or above this is read as Buddhist era: no living person was born in
# Gregorian 2400, and Buddhist-era birth years of living people are 2440-2570.
BUDDHIST_ERA_FROM: Final[int] = 2400
EARLIEST_YEAR: Final[int] = 1880

ALLOWED_FORMATS: Final[str] = "YYYY, YYYY-MM or YYYY-MM-DD (Buddhist-era years such as 2533 are accepted)"

DATE_LEVELS: Final[tuple[tuple[str, str], ...]] = (
    ("exact", "Same full date of birth"),
    ("buddhist_era", "Same date once a Buddhist-era year (+543) is converted"),
    ("day_month_swapped", "Same date with day and month swapped"),
    ("year_month", "Same year and month, day differs or is missing on one side"),
    ("year_placeholder", "Same year; one side has only a year or a 1 January placeholder"),
    ("age_estimate", "Year within one of a year worked out from an age"),
    ("near", "Year one apart with the same day and month, or same year with another date"),
    ("different", "Dates disagree"),
)
DATE_LEVEL_SLUGS: Final[tuple[str, ...]] = tuple(s for s, _ in DATE_LEVELS)

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class BirthDateError(ValueError):
    """A birth date that cannot be read; the message says what is allowed."""


@dataclass(frozen=True)
class BirthDate:
    """A birth date with its precision and the problems recognised in it."""

    year: int
    month: int | None = None
    day: int | None = None
    buddhist_era: bool = False  # the year was given in the Buddhist era and converted
    from_age: bool = False  # the year was worked out from an age

    @property
    def is_jan1(self) -> bool:
        """1 January: often a placeholder for an unknown day and month."""
        return self.month == 1 and self.day == 1

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_birth_date(value: str) -> BirthDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; Buddhist-era years are converted.

    >>> parse_birth_date("2533-05-12")
    BirthDate(year=1990, month=5, day=12, buddhist_era=True, from_age=False)
    >>> parse_birth_date("1990-13-01")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    BirthDateError: month 13 is not 1-12 in '1990-13-01'; allowed: ...
    """
    text = value.strip()
    m = _PATTERN.match(text)
    if not m:
        raise BirthDateError(f"cannot read {value!r} as a date; allowed: {ALLOWED_FORMATS}")
    year = int(m.group(1))
    buddhist = year >= BUDDHIST_ERA_FROM
    if buddhist:
        year -= BUDDHIST_ERA_OFFSET
    if year < EARLIEST_YEAR or year > 2100:
        raise BirthDateError(f"year {m.group(1)} is out of range in {value!r}; allowed: {ALLOWED_FORMATS}")
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise BirthDateError(f"month {month} is not 1-12 in {value!r}; allowed: {ALLOWED_FORMATS}")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise BirthDateError(
                f"day {day} is not 1-{last} for that month in {value!r}; allowed: {ALLOWED_FORMATS}"
            )
    return BirthDate(year=year, month=month, day=day, buddhist_era=buddhist)


def birth_date_from_age(age: int, reference_year: int) -> BirthDate:
    """A birth year worked out from an age recorded in ``reference_year``."""
    if not 0 <= age <= 120:
        raise BirthDateError(f"age {age} is not 0-120")
    return BirthDate(year=reference_year - age, from_age=True)


@dataclass(frozen=True)
class DateComparison:
    level: int  # index into DATE_LEVELS; -1 when a date is missing
    slug: str

    def explain(self) -> str:
        return "date of birth missing on one side" if self.level < 0 else DATE_LEVELS[self.level][1]


def _result(slug: str) -> DateComparison:
    return DateComparison(DATE_LEVEL_SLUGS.index(slug), slug)


def compare_birth_dates(a: BirthDate | None, b: BirthDate | None) -> DateComparison:
    """Compare two birth dates; see :data:`DATE_LEVELS`.

    >>> compare_birth_dates(parse_birth_date("1990-05-12"), parse_birth_date("1990-12-05")).slug
    'day_month_swapped'
    >>> compare_birth_dates(parse_birth_date("1990-01-01"), parse_birth_date("1990-07-15")).slug
    'year_placeholder'
    """
    if a is None or b is None:
        return DateComparison(-1, "missing")
    full_a = a.precision == "day" and not a.is_jan1 and not a.from_age
    full_b = b.precision == "day" and not b.is_jan1 and not b.from_age
    if a.year == b.year and a.month == b.month and a.day == b.day and full_a and full_b:
        return _result("buddhist_era" if a.buddhist_era != b.buddhist_era else "exact")
    if full_a and full_b and a.year == b.year and a.month == b.day and a.day == b.month:
        return _result("day_month_swapped")
    if a.from_age or b.from_age:
        return _result("age_estimate" if abs(a.year - b.year) <= 1 else "different")
    if a.year == b.year:
        if (
            a.month is not None
            and a.month == b.month
            and not (a.is_jan1 or b.is_jan1)
        ):
            return _result("year_month")
        if not full_a or not full_b:
            return _result("year_placeholder")
        return _result("near")
    if abs(a.year - b.year) == 1 and full_a and full_b and (a.month, a.day) == (b.month, b.day):
        return _result("near")
    if a.buddhist_era != b.buddhist_era and abs(a.year - b.year) <= 1 and (a.month, a.day) == (b.month, b.day):
        # a Buddhist-era year converted with the wrong calendar year boundary
        return _result("buddhist_era")
    return _result("different")
