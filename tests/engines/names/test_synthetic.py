"""The synthetic generator: deterministic, and covering each naming custom."""

from __future__ import annotations

import random

import pytest

from tipdata.engines.names.synthetic import (
    NATIONALITY_SHARES,
    canonical_name,
    make_benchmark,
    name_variant,
)
from tipdata.engines.names.transliterate import detect_scripts


def test_same_seed_same_files() -> None:
    a, b = make_benchmark(50, 0.4, 5), make_benchmark(50, 0.4, 5)
    assert a.rows_a == b.rows_a and a.rows_b == b.rows_b and a.truth == b.truth
    assert make_benchmark(50, 0.4, 6).rows_a != a.rows_a
    assert len(a.truth) == 20


@pytest.mark.parametrize("nat", list(NATIONALITY_SHARES))
def test_every_nationality_has_names_and_variants(nat: str) -> None:
    rng = random.Random(1)
    for _ in range(30):
        name = canonical_name(nat, "F", rng)
        v = name_variant(name, rng)
        assert any(v.values())


def test_variants_cover_scripts_titles_and_nicknames() -> None:
    rng = random.Random(2)
    seen: set[str] = set()
    for _ in range(400):
        name = canonical_name("MMR", "M", rng)
        v = " ".join(name_variant(name, rng).values())
        seen.update(detect_scripts(v))
        if v.split() and v.split()[0] in ("U", "Ko", "Maung", "Mg", "Saw"):
            seen.add("title")
    assert {"burmese", "other", "title"} <= seen
    thai = [name_variant(canonical_name("THA", "F", rng), rng) for _ in range(300)]
    assert any(detect_scripts(v["given_name"]) == ["thai"] for v in thai)
    from tipdata.engines.names.nicknames import THAI_NICKNAMES
    assert any(v["given_name"].lower() in THAI_NICKNAMES for v in thai)


def test_unknown_nationality_is_refused() -> None:
    with pytest.raises(ValueError, match="no name tables"):
        canonical_name("FRA", "F", random.Random(0))
