"""Benchmark: the quality engine over synthetic case records (no database).

    .venv/bin/python benchmarks/quality_bench.py [--records 10000 100000] [--seed 1]

Builds flat records from the demo generator (the same shape the app's selector produces:
coded values, presence of sealed fields, dates, referral dates), repeats them to the
requested sizes with fresh record ids, runs every default check and the scores, and
prints seconds, records per second, issues found and the run's peak memory (tracemalloc,
measured in a second run) for each size, with the machine it ran on. Checks that the planted issues are all found.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from machine import describe  # benchmarks/machine.py (scripts run from this folder)

from tipdata.demo.generator import generate  # noqa: E402
from tipdata.engines.quality import run_quality  # noqa: E402


def demo_records(seed: int, persons: int) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    load = generate(seed=seed, persons=persons)
    people = {p.record_key: p for p in load.persons}
    records = []
    for case in load.cases:
        person = people[case.victim_record_key]
        closed = case.status.startswith("Closed")
        rec: dict[str, Any] = {
            "record_id": person.record_key, "organisation": case.organisation, "caseworker": case.caseworker_role_user,
            "registered_on": case.registered_on, "closed_on": case.closed_on or None, "cas_status": case.status,
            "has_closure_reason": bool(case.reason_for_closure) if closed else False,
            "updated_at": case.registered_on, "prs_birthdate": person.birthdate or None, "prs_gender": person.gender,
            "prs_citizenship": person.citizenship, "sealed_present": ["prs_first_name"],
            "referral_out_dates": [case.referral["date"]] if case.referral else [],
            **person.fields,
        }
        records.append(rec)
    planted = {(i.record_key, i.check) for i in load.planted_issues}
    return records, planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"machine: {describe()}")
    base, planted = demo_records(args.seed, 2_000)
    result = run_quality(base, {"as_of": "2026-10-31"})
    found = {(i.record_id, i.check) for i in result.issues}
    print(f"demo check: {len(base)} records, {len(planted)} planted issues, missed {len(planted - found)}")
    spec = {"as_of": "2026-10-31"}
    for size in args.records:
        records = []
        for i in range(size):
            rec = dict(base[i % len(base)])
            rec["record_id"] = f"r{i}"
            records.append(rec)
        started = time.perf_counter()
        result = run_quality(records, spec)
        seconds = time.perf_counter() - started
        del result
        # Memory in a second run: tracemalloc slows Python down several times.
        tracemalloc.start()
        result = run_quality(records, spec)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{size:>9} records: {seconds:7.2f} s  ({size / seconds:,.0f} records/s)  "
              f"{len(result.issues):>8} issues  overall {result.scores.overall.overall:.3f}  "
              f"peak memory of the run {peak / 2**20:,.0f} MiB (records themselves not counted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
