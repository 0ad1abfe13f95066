"""What keeps deduplication fast on large files: birth dates compared in SQL, blocking
keys narrowed where a name word is shared by too many records, EM on a sample."""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd

from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons
from tipdata.engines.linkage.features import (
    add_blocking_keys,
    date_columns,
    date_level_sql,
    person_rows,
)
from tipdata.engines.names import (
    DATE_LEVEL_SLUGS,
    TokenFrequencies,
    birth_date_from_age,
    compare_birth_dates,
    parse_birth_date,
)
from tipdata.engines.names.synthetic import make_dedupe_benchmark

from .conftest import prf, records


def test_the_sql_date_comparison_is_the_python_one_on_every_kind_of_pair() -> None:
    texts = ["1990-05-12", "1990-12-05", "1990-05-13", "1991-05-12", "1989-05-12", "1990-05", "1990-12",
             "1990", "1991", "1990-01-01", "1991-01-01", "2533-05-12", "2534-05-12", "2533", "1980-05-12"]
    dates = [parse_birth_date(t) for t in texts] + [birth_date_from_age(34, 2024), birth_date_from_age(30, 2024)]
    rows, expected = [], []
    for a, b in itertools.product(dates, dates):
        rows.append({**{f"{k}_l": v for k, v in date_columns(a).items()},
                     **{f"{k}_r": v for k, v in date_columns(b).items()}})
        expected.append(compare_birth_dates(a, b).level)
    frame = pd.DataFrame(rows)  # noqa: F841 (read by DuckDB by name)
    got = [r[0] for r in duckdb.sql(f"SELECT ({date_level_sql()}) FROM frame").fetchall()]
    assert got == expected
    assert set(expected) == set(range(len(DATE_LEVEL_SLUGS)))  # every level was tried


def _rows(names_and_dates: list[tuple[str, str, str]]) -> list[dict]:
    recs = records([{"id": str(i), "given_name": g, "family_name": f, "sex": "F", "birth_date": d,
                     "nationality": "VNM"} for i, (g, f, d) in enumerate(names_and_dates)])
    return person_rows(recs, TokenFrequencies.from_names(r.name for r in recs))


def test_blocking_keys_are_the_plain_name_words_and_date_when_no_key_is_common() -> None:
    rows = _rows([("Lan", "Nguyen Thi", "1990-05-12"), ("Mai", "Tran", "1991"), ("Huong", "Le", "")])
    add_blocking_keys(rows, max_block_size=20)
    for r in rows:
        assert (r["blk_tok1"], r["blk_tok2"], r["blk_concat"]) == (r["name_blk1"], r["name_blk2"], r["name_concat"])
        assert r["blk_md1"] is None and r["blk_md2"] is None
    assert rows[0]["blk_dob"] == "1990-05-12|F" and rows[1]["blk_dob"] is None


def test_a_name_word_shared_by_too_many_records_is_narrowed_by_birth_year_then_month() -> None:
    # 30 single-name "Hartono"s: 10 born in 1980 (5 in May), 19 in other years, one with no date
    people = [("Hartono", "", f"1980-{5 if i < 5 else 6 + i % 5:02d}-1{i % 9}") for i in range(10)]
    people += [("Hartono", "", f"{1981 + i}") for i in range(19)] + [("Hartono", "", "")]
    rows = _rows(people)
    add_blocking_keys(rows, max_block_size=8)
    word = rows[0]["name_blk1"]  # the phonetic key of Hartono
    keys = [r["blk_tok1"] for r in rows]
    assert keys[-1] is None  # too common, and nothing to narrow it by
    assert keys[10] == f"{word}|1981"  # narrowed by year: one record per block
    # 1980 still has ten: narrowed to year and month (the May ones block together)
    assert len({keys[i] for i in range(5)}) == 1 and keys[0] == f"{word}|1980|05"
    # a common word also blocks with day and month (finds a year typed one off)
    assert rows[0]["blk_md1"] == f"{word}|md05-10" and rows[10]["blk_md1"] is None


def test_narrowed_blocking_still_finds_the_duplicates_of_a_generated_file() -> None:
    bench = make_dedupe_benchmark(600, 0.1, seed=5)
    recs = records(bench.rows)
    wide = dedupe_persons(recs, DedupeSpec(max_block_size=10_000))
    narrow = dedupe_persons(recs, DedupeSpec(max_block_size=5, em_min_pairs=10, em_max_pairs=20))

    def candidates(notes: list[str]) -> int:
        return int(next(n for n in notes if n.startswith("prior estimated")).split()[3])

    assert candidates(narrow.notes) < candidates(wide.notes) / 2
    assert any("trained on a sample" in n for n in narrow.notes), narrow.notes
    p_w, r_w, _ = prf({(p.id_1, p.id_2) for p in wide.pairs}, bench.truth)
    p_n, r_n, _ = prf({(p.id_1, p.id_2) for p in narrow.pairs}, bench.truth)
    assert r_n >= r_w - 0.1 and p_n >= 0.8, (p_w, r_w, p_n, r_n)


def test_the_dedupe_benchmark_is_deterministic_and_plants_what_it_says() -> None:
    a, b = make_dedupe_benchmark(500, 0.25, seed=3), make_dedupe_benchmark(500, 0.25, seed=3)
    assert a.rows == b.rows and a.truth == b.truth
    assert make_dedupe_benchmark(500, 0.25, seed=4).rows != a.rows
    assert len(a.rows) == 500 and a.n_persons == 400 and len(a.truth) == 100
    ids = [r["id"] for r in a.rows]
    assert len(set(ids)) == 500
    assert all(x in set(ids) and y in set(ids) and x < y for x, y in a.truth)
    assert len(records(a.rows)) == 500  # every generated row is a valid person row (none rejected)
