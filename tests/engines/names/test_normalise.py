"""Name normalisation: titles, particles, placeholders, order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipdata.engines.names import normalise_name


@pytest.mark.parametrize(
    ("given", "family", "full", "tokens"),
    [
        ("U Kyaw", "Thein", "", ("kyaw", "thein")),
        ("Mg Kyaw Thein", "", "", ("kyaw", "thein")),
        ("", "", "ဦးကျော်သိန်း", ("kyaw", "thein")),
        ("", "", "ဒေါ်အောင်ဆန်းစုကြည်", ("aung", "hsan", "su", "kyi")),
        ("Daw Aung San", "Suu Kyi", "", ("aung", "san", "suu", "kyi")),
        ("นายสมชาย", "ใจดี", "", ("somchai", "chaidi")),
        ("Nangsao Pranee", "Kittidee", "", ("pranee", "kittidee")),
        ("Gng. Maria", "Santos", "", ("maria", "santos")),
        ("Bapak Budi", "Santoso", "", ("budi", "santoso")),
        ("Siti Aminah", "binti Abdullah", "", ("siti", "aminah", "abdullah")),
        ("Suharti", "Suharti", "", ("suharti",)),
        ("Suharti", "FNU", "", ("suharti",)),
        ("Jose", "Dela Cruz Jr.", "", ("jose", "cruz")),
    ],
)
def test_titles_particles_and_placeholders_are_removed(given: str, family: str, full: str, tokens: tuple[str, ...]) -> None:
    assert normalise_name(given, family, full).tokens == tokens


def test_a_title_that_is_also_a_name_is_kept_when_it_is_most_of_the_name() -> None:
    # "Maung Maung" is a name; "Saw Htoo" could be the Karen title + Htoo or a name
    assert normalise_name("Maung Maung", "").tokens == ("maung",)
    assert normalise_name("Saw Htoo", "").tokens == ("saw", "htoo")
    assert normalise_name("Saw Htoo Lay", "").tokens == ("htoo", "lay")


def test_only_a_title_is_no_name() -> None:
    assert normalise_name("Mr", "").is_empty
    assert normalise_name("", "", "FNU").is_empty


def test_removed_titles_are_recorded_for_the_reviewer() -> None:
    name = normalise_name("U Kyaw", "Thein")
    assert name.removed == ("u",)


@given(st.permutations(["Nguyen", "Thi", "Lan", "Huong"]))
def test_token_order_does_not_change_the_key(order: list[str]) -> None:
    a = normalise_name(" ".join(order[:2]), " ".join(order[2:]))
    b = normalise_name("Lan Huong", "Nguyen Thi")
    assert a.key == b.key
    assert a.phonetic_key == b.phonetic_key
