"""Deduplication with Splink over the name and date comparison levels."""

from __future__ import annotations

import random

from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons
from tipdata.engines.names import DATE_LEVEL_SLUGS, NAME_LEVEL_SLUGS
from tipdata.engines.names.synthetic import (
    SyntheticPerson,
    canonical_name,
    name_variant,
    random_birth_date,
)

from .conftest import prf, records


def test_dedupe_reaches_f1_085_on_the_southeast_asian_benchmark(bench) -> None:
    recs = records(bench.rows_combined)
    result = dedupe_persons(recs, DedupeSpec())
    truth = {tuple(sorted(p)) for p in bench.truth}
    found = {tuple(sorted((p.id_1, p.id_2))) for p in result.pairs}
    p, r, f1 = prf(found, truth)
    assert f1 >= 0.85, (p, r, f1)
    # every pair explains itself field by field
    pair = result.pairs[0]
    assert pair.evidence["name"].level in NAME_LEVEL_SLUGS
    assert pair.evidence["dob"].level in (*DATE_LEVEL_SLUGS, "missing")
    assert pair.evidence["name"].description
    assert result.spec["threshold"] == 0.5
    assert set(result.model) >= {"name", "dob", "sex", "nationality"}
    # a higher threshold keeps a subset
    strict = [x for x in result.pairs if x.match_probability >= 0.99]
    assert len(strict) < len(result.pairs)


def test_tiny_file_runs_and_finds_the_obvious_duplicate() -> None:
    rows = [
        {"id": "1", "given_name": "Kyaw", "family_name": "Thein", "sex": "M", "birth_date": "1980-02-03", "nationality": "MMR"},
        {"id": "2", "given_name": "", "family_name": "", "full_name": "ဦးကျော်သိန်း", "sex": "M", "birth_date": "1980-02-03", "nationality": "MMR"},
        {"id": "3", "given_name": "Somchai", "family_name": "Jaidee", "sex": "M", "birth_date": "1975", "nationality": "THA"},
        {"id": "4", "given_name": "Maria", "family_name": "Santos", "sex": "F", "birth_date": "1990-05-06", "nationality": "PHL"},
    ]
    result = dedupe_persons(records(rows), DedupeSpec())
    assert [(p.id_1, p.id_2) for p in result.pairs] == [("1", "2")]
    assert result.pairs[0].evidence["name"].level.startswith("same_name")


def test_one_record_or_none() -> None:
    assert dedupe_persons([], DedupeSpec()).pairs == []


def _small_organisation(seed: int = 11) -> tuple[list[dict[str, str]], set[tuple[str, str]]]:
    """220 persons of a Cambodian shelter (mostly Khmer names from small pools) and 9
    duplicates: 3 written the same, 4 written differently, 2 without a birth date."""
    rng = random.Random(seed)
    people = []
    for i in range(220):
        nat = rng.choices(["KHM", "VNM", "MMR", "LAO", "THA"], weights=[70, 12, 6, 6, 6])[0]
        sex = "F" if rng.random() < 0.6 else "M"
        people.append(SyntheticPerson(i, canonical_name(nat, sex, rng), random_birth_date(rng), sex))
    rows = [{"id": f"p{p.person_id}", **p.name.canonical_fields(), "sex": p.sex,
             "birth_date": p.birth_date.isoformat(), "nationality": p.nationality} for p in people]
    truth = set()
    for k, p in enumerate(people[:9]):
        fields = p.name.canonical_fields() if k < 3 else name_variant(p.name, rng)
        rows.append({"id": f"d{p.person_id}", **fields, "sex": p.sex,
                     "birth_date": "" if k >= 7 else p.birth_date.isoformat(), "nationality": p.nationality})
        truth.add((f"d{p.person_id}", f"p{p.person_id}"))
    return rows, truth


def test_small_organisation_finds_its_duplicates_with_sensible_scores() -> None:
    rows, truth = _small_organisation()
    result = dedupe_persons(records(rows), DedupeSpec())
    found = {(p.id_1, p.id_2) for p in result.pairs}
    p, r, _ = prf(found, truth)
    assert r >= 8 / 9 and p >= 0.8, (p, r)
    # the same name and the same birth date is an obvious duplicate, even among 26,000 pairs
    for pair in result.pairs:
        if pair.evidence["dob"].level == "exact" and pair.evidence["name"].level.startswith("same_name"):
            assert pair.match_probability > 0.99
    # too few same-date pairs to train on: the documented m values, and it says so
    assert any("not trained" in n for n in result.notes)
    # the prior is estimated from the candidate pairs: about as many matches as planted
    n_pairs = len(rows) * (len(rows) - 1) / 2
    assert 4 <= result.model["probability_two_random_records_match"] * n_pairs <= 25


def test_a_failed_training_run_keeps_the_birth_date_in_the_model() -> None:
    # No two records share a birth date, so expectation maximisation on same-date pairs
    # fails; the model must still weigh birth dates (Splink's failed training session
    # used to leave the field out of the model).
    rows = [
        {"id": "1", "given_name": "Thein", "family_name": "Htet", "sex": "M", "birth_date": "1983-11-15", "nationality": "MMR"},
        {"id": "2", "given_name": "Thein Htet", "family_name": "", "sex": "M", "birth_date": "1983", "nationality": "MMR"},
        {"id": "3", "given_name": "Sophal", "family_name": "Heng", "sex": "M", "birth_date": "1984-03-18", "nationality": "KHM"},
        {"id": "4", "given_name": "Maria", "family_name": "Santos", "sex": "F", "birth_date": "1990-05-06", "nationality": "PHL"},
        {"id": "5", "given_name": "Budi", "family_name": "Santoso", "sex": "M", "birth_date": "1979", "nationality": "IDN"},
    ]
    result = dedupe_persons(records(rows), DedupeSpec(em_min_pairs=0))
    assert any("not trained (pairs with the same birth date)" in n for n in result.notes), result.notes
    assert "dob" in result.model
    assert [(p.id_1, p.id_2) for p in result.pairs] == [("1", "2")]
    assert result.pairs[0].evidence["dob"].level == "year_placeholder"
    assert result.pairs[0].evidence["dob"].match_weight > 0
