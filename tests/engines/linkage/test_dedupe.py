"""Deduplication with Splink over the name and date comparison levels."""

from __future__ import annotations

from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons
from tipdata.engines.names import DATE_LEVEL_SLUGS, NAME_LEVEL_SLUGS

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
