"""Order-free name comparison, its levels and its explanation."""

from __future__ import annotations

import pytest

from tipdata.engines.names import NAME_LEVEL_SLUGS, TokenFrequencies, compare_names, normalise_name


def cmp(a: tuple[str, str, str], b: tuple[str, str, str], freq: TokenFrequencies | None = None, nat: str | None = None):
    return compare_names(normalise_name(*a, nationality=nat), normalise_name(*b, nationality=nat), freq)


def test_family_name_moved_and_diacritics_dropped_is_the_same_name() -> None:
    r = cmp(("Thị Hương", "Nguyễn", ""), ("", "", "Huong Nguyen Thi"))
    assert r.slug.startswith("same_name")
    assert r.similarity == 1.0


def test_script_against_romanised_with_honorific_is_the_same_name() -> None:
    r = cmp(("", "", "ဦးကျော်သိန်း"), ("Kyaw Thein", "", ""))
    assert r.slug.startswith("same_name")


def test_khmer_order_swap() -> None:
    assert cmp(("Sophea", "Sok", ""), ("Sok", "Sophea", "")).slug.startswith("same_name")


def test_romanisation_variant_is_matched_by_sound() -> None:
    r = cmp(("Phongsathorn", "Srisuk", ""), ("Pongsatorn", "Srisook", ""))
    assert r.slug.startswith("same_name")
    assert {p.how for p in r.pairs} == {"phonetic"}


def test_syllables_run_together() -> None:
    r = cmp(("Thandar", "", ""), ("Than Dar", "", ""))
    assert r.slug.startswith("same_name")
    assert r.pairs[0].how == "joined"


def test_filipino_middle_name_as_initial_is_contained() -> None:
    r = cmp(("Maria Cristina", "Santos Reyes", ""), ("Maria C.", "Reyes", ""))
    assert r.slug == "contained"
    assert "santos" in r.unmatched_a


def test_thai_nickname_in_place_of_the_given_name_costs_nothing() -> None:
    r = cmp(("Somchai", "Jaidee", ""), ("Lek", "Jaidee", ""), nat="THA")
    assert r.slug == "contained"
    # the same first token is not treated as a nickname for a Vietnamese record
    r2 = cmp(("Nam", "Nguyen", ""), ("Hai", "Nguyen", ""), nat="VNM")
    assert r2.slug != "contained"


def test_filipino_nickname_maps_to_the_formal_name() -> None:
    r = cmp(("Jun", "Dela Cruz", ""), ("Junior", "Dela Cruz", ""), nat="PHL")
    assert r.slug == "similar_all_tokens"
    assert any(p.how == "nickname" for p in r.pairs)


def test_a_shared_common_token_counts_less_than_a_shared_rare_one() -> None:
    names = [normalise_name(f"{g}", "Nguyen") for g in ["Lan", "Mai", "Hoa", "Linh", "Trang", "Thao", "Hang", "Ngoc"] * 20]
    names += [normalise_name("Phuong", "Khuc")]
    freq = TokenFrequencies.from_names(names)
    common = cmp(("Lan", "Nguyen", ""), ("Mai", "Nguyen", ""), freq)
    rare = cmp(("Phuong", "Khuc", ""), ("Thuy", "Khuc", ""), freq)
    assert common.slug == "common_token_shared"
    assert rare.slug == "rare_token_shared"
    assert NAME_LEVEL_SLUGS.index(rare.slug) < NAME_LEVEL_SLUGS.index(common.slug)


def test_a_shared_single_word_is_weaker_than_a_shared_whole_name() -> None:
    single = cmp(("Hartono", "", ""), ("", "Hartono", ""), nat="IDN")
    assert single.slug == "same_single_name"
    whole = cmp(("Budi", "Hartono", ""), ("Hartono", "Budi", ""), nat="IDN")
    assert whole.slug.startswith("same_name")
    assert NAME_LEVEL_SLUGS.index(whole.slug) < NAME_LEVEL_SLUGS.index(single.slug)
    # one word against two written apart is still a whole name (Thandar / Than Dar)
    assert cmp(("Thandar", "", ""), ("Than Dar", "", "")).slug != "same_single_name"


def test_vietnamese_thi_or_van_on_one_side_only_is_no_difference() -> None:
    assert cmp(("Thị Linh", "Vũ", ""), ("Linh", "Vu", ""), nat="VNM").slug.startswith("same_name")
    assert cmp(("Van Nam", "Tran", ""), ("Nam", "Tran", "")).slug.startswith("same_name")
    # another middle name still makes the shorter name "contained"
    assert cmp(("Ngoc Linh", "Vu", ""), ("Linh", "Vu", ""), nat="VNM").slug == "contained"
    # and for other nationalities Thi is a name like any other
    assert cmp(("Thi Ha", "Win", ""), ("Ha", "Win", ""), nat="MMR").slug == "contained"


def test_no_shared_token_is_different_and_missing_is_missing() -> None:
    assert cmp(("Aung", "", ""), ("Somchai", "", "")).slug == "different"
    assert cmp(("", "", ""), ("Somchai", "", "")).level == -1


@pytest.mark.parametrize(
    ("a", "b"),
    [(("Kyaw", "Thein", ""), ("Thein", "Kyaw", "")), (("Maria C.", "Reyes", ""), ("Maria Cristina", "Reyes", ""))],
)
def test_comparison_is_symmetric(a, b) -> None:
    assert cmp(a, b).level == cmp(b, a).level


def test_explanation_names_the_tokens_and_how_they_matched() -> None:
    text = cmp(("Phongsathorn", "", ""), ("Pongsatorn", "", "")).explain()
    assert "phongsathorn~pongsatorn (phonetic" in text
