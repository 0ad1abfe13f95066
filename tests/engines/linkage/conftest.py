"""Fixtures for the linkage engine tests: the generated two-agency benchmark."""

from __future__ import annotations

import functools

import pytest

from tipdata.engines.linkage.persons import PersonRecord, read_person_rows
from tipdata.engines.names.synthetic import Benchmark, make_benchmark

# Modest size so the suite stays fast; the benchmark script runs larger sizes.
BENCH_SIZE = 300
BENCH_SEED = 7


def records(rows: list[dict[str, str]], source: str = "bench") -> list[PersonRecord]:
    cols = sorted({c for r in rows for c in r})
    pf = read_person_rows(rows, source=source, columns=cols)
    assert not pf.rejected, pf.rejected[:3]
    return pf.records


@functools.lru_cache(maxsize=1)
def _bench() -> Benchmark:
    return make_benchmark(BENCH_SIZE, 0.4, BENCH_SEED)


@pytest.fixture(scope="session")
def bench() -> Benchmark:
    return _bench()


def prf(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
