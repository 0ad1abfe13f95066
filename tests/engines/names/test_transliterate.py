"""Transliteration of the scripts of Southeast Asia to the romanisations agencies use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.names import phonetic_key, transliterate_tokens


def keys(text: str) -> list[str]:
    return [phonetic_key(t) for t in transliterate_tokens(text)]


@pytest.mark.parametrize(
    ("script", "romanised"),
    [
        # Burmese: one token per syllable, conventional spellings
        ("ကျော်သိန်း", "Kyaw Thein"),
        ("အောင်မြင့်", "Aung Myint"),
        ("သန်းထွန်း", "Than Htun"),
        ("ဇော်ဝင်း", "Zaw Win"),
        ("ခင်မောင်", "Khin Maung"),
        ("လှိုင်", "Hlaing"),
        ("ညွန့်", "Nyunt"),
        ("စုကြည်", "Su Kyi"),
        # Thai: RTGS-like, unwritten vowels supplied
        ("สมชาย", "Somchai"),
        ("สมศักดิ์", "Somsak"),
        ("พงศธร", "Phongsathon"),
        ("สุดารัตน์", "Sudarat"),
        ("มานพ", "Manop"),
        ("ประชา", "Pracha"),
        ("จันทร์เพ็ญ", "Chanphen"),
        # Khmer: vowel values by consonant series
        ("សុខ", "Sok"),
        ("សុភា", "Sophea"),
        ("ចាន់", "Chan"),
        ("ស្រី", "Srei"),
        ("ផល្លា", "Phalla"),
        ("សុផល", "Sophal"),
        ("លឹម", "Lim"),  # second-series ឹ as names write it
        ("យឹម", "Yim"),
        # Lao: through the Thai parser
        ("ບຸນມີ", "Bunmi"),
        ("ສົມພອນ", "Somphon"),
        ("ວິໄລ", "Wilai"),
    ],
)
def test_script_romanises_to_the_usual_spelling(script: str, romanised: str) -> None:
    assert keys(script) == keys(romanised)


@pytest.mark.parametrize(
    ("script", "popular"),
    [
        ("ထွန်း", "Htoon"),  # Burmese popular variants
        ("ဝင်း", "Winn"),
        ("พงศธร", "Pongsatorn"),  # Thai variants
        ("ผ่องศรี", "Phongsi"),
        ("กมล", "Kamol"),
        ("ບຸນມີ", "Bounmy"),  # Lao French-style spellings
        ("ສົມພອນ", "Somphone"),
        ("វុទ្ធី", "Vuthy"),  # Khmer
    ],
)
def test_popular_romanisations_meet_the_script_form_through_phonetic_keys(script: str, popular: str) -> None:
    assert keys(script) == keys(popular)


def test_vietnamese_diacritics_and_d_bar_are_removed() -> None:
    assert transliterate_tokens("Đặng Thị Hương") == ("dang", "thi", "huong")


def test_other_scripts_go_through_icu() -> None:
    assert transliterate_tokens("Иван") == ("ivan",)
    assert transliterate_tokens("张伟") == ("zhang", "wei")


def test_hyphen_splits_and_apostrophe_joins() -> None:
    assert transliterate_tokens("Santos-Reyes") == ("santos", "reyes")
    assert transliterate_tokens("D'Souza") == ("dsouza",)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_lower_case_ascii_tokens(text: str) -> None:
    for token in transliterate_tokens(text):
        assert token
        assert token.isascii()
        assert token == token.lower()
        assert " " not in token
