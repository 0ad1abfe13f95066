"""Phonetic keys meet romanisation variants and keep different names apart."""

from __future__ import annotations

import pytest

from tipdata.engines.names import phonetic_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Phongsathorn", "Pongsatorn"),  # aspirated/plain, final r
        ("Kamol", "Kamon"),  # Thai final l read n
        ("Htun", "Tun"), ("Htoon", "Htun"),  # Burmese ht, oo/u
        ("Thandar", "Thanda"),
        ("Wai", "Way"), ("Wei", "Wai"),  # ai/ay/ei
        ("Nyee", "Nyi"),  # ee/i
        ("Bounmy", "Bunmi"),  # Lao French-style ou, final y
        ("Somphone", "Somphon"),
        ("Chanh", "Chan"),
        ("Wichai", "Vichai"),  # v/w
        ("Jintana", "Chintana"),  # j/ch
        ("Soekarno", "Sukarno"),  # old Indonesian spelling
        ("Djoko", "Joko"),
        ("Tjahjadi", "Cahyadi"),
        ("Kittiphong", "Kitipong"),  # doubled letters
        ("Thane", "Thein"),
        ("Chea", "Chia"),
    ],
)
def test_variants_share_a_key(a: str, b: str) -> None:
    assert phonetic_key(a.lower()) == phonetic_key(b.lower())


@pytest.mark.parametrize(("a", "b"), [("Zaw", "Saw"), ("Min", "Win"), ("Aung", "Kyaw"), ("Lan", "Linh"), ("Somchai", "Somsak")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert phonetic_key(a.lower()) != phonetic_key(b.lower())
