"""Benchmark: duplicate detection in one organisation's file of 100,000 or 1,000,000 persons.

Generates a single organisation's person file with known truth
(tipdata.engines.names.synthetic.make_dedupe_benchmark: a share of the persons recorded
twice, the second time with another spelling, script, name order, date problem or a
blank sex or nationality) and runs, each in its own process so that its peak memory
(resident set size, including DuckDB's, which tracemalloc cannot see) is its own:

- tipdata dedupe: ``dedupe_persons(records, DedupeSpec())`` - Splink on DuckDB with this
  project's name and birth-date comparisons and its unsupervised training;
- plain Splink: Splink's own comparison library (Jaro-Winkler on the raw given and
  family names, Levenshtein on the raw birth date, exact sex and nationality), trained
  without labels the usual way (prior from a deterministic rule, u by random sampling,
  m by EM), on the same candidate pairs: it blocks on the same key columns, computed by
  tipdata beforehand and handed over (not timed).

For each: seconds, peak RSS, candidate pairs, pairs found, precision, recall, F1.

The generator's name tables are small (47 Burmese syllables, two dozen Vietnamese given
names per sex, 44 Indonesian single names): on a large file many *different* persons
share a name, sex, nationality and birth year - far more than in a real population of
that size. The script counts these namesakes and prints them: they are what limits the
precision of any method here.

Run: .venv/bin/python benchmarks/dedupe_bench.py --persons 100000
     .venv/bin/python benchmarks/dedupe_bench.py --persons 1000000
(wrap in ``flock /tmp/bench.lock`` on a shared machine). Options: --duplicate-share 0.1,
--seed 3, --only tipdata|splink.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402
from measure import peak_rss_mib, plain_splink_comparisons, prf  # noqa: E402

from tipdata.engines.names.synthetic import make_dedupe_benchmark  # noqa: E402


def read_records(rows: list[dict[str, str]]) -> Any:
    from tipdata.engines.linkage.persons import read_person_rows

    columns = sorted({c for r in rows for c in r})
    pf = read_person_rows(rows, source="generated", columns=columns)
    if pf.rejected:
        raise SystemExit(f"{len(pf.rejected)} generated rows rejected, e.g. {pf.rejected[0].message()}")
    return pf.records


# --- the runs (each in a child process: `dedupe_bench.py --child RUN DATA`) -------------

def child_tipdata(data: dict[str, Any]) -> dict[str, Any]:
    from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons

    t = time.perf_counter()
    records = read_records(data["rows"])
    read_seconds = time.perf_counter() - t
    rss_before = peak_rss_mib()
    t = time.perf_counter()
    result = dedupe_persons(records, DedupeSpec())
    seconds = time.perf_counter() - t
    found = {(min(p.id_1, p.id_2), max(p.id_1, p.id_2)) for p in result.pairs}
    candidates = next((int(n.split()[3]) for n in result.notes if n.startswith("prior estimated")), -1)
    return {"seconds": seconds, "read_seconds": read_seconds, "rss_before_mib": rss_before,
            "candidates": candidates, "found": found, "notes": result.notes}


def child_splink(data: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from tipdata.engines.linkage.dedupe import _blocking_rules

    logging.getLogger("splink").setLevel(logging.ERROR)
    keys = data["blocking_keys"]
    frame = pd.DataFrame({
        "unique_id": [r["id"] for r in data["rows"]],
        "given_name": [((r.get("given_name") or r.get("full_name") or "").strip().lower() or None) for r in data["rows"]],
        "family_name": [((r.get("family_name") or "").strip().lower() or None) for r in data["rows"]],
        "birth_date": [(r.get("birth_date") or None) for r in data["rows"]],
        "sex": [(r.get("sex") or None) for r in data["rows"]],
        "nationality": [(r.get("nationality") or None) for r in data["rows"]],
        **keys,
    })
    rss_before = peak_rss_mib()
    t = time.perf_counter()
    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=plain_splink_comparisons(),
        blocking_rules_to_generate_predictions=_blocking_rules(()),
    )
    linker = Linker(db.register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    notes = []
    for rule in (block_on("birth_date"), block_on("family_name")):
        try:  # the same EM sample size as tipdata's (em_max_pairs)
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=5e5)
        except Exception as exc:  # a training sample too small or too uniform: keep the defaults
            notes.append(f"EM on {rule} failed: {str(exc).splitlines()[0]}")
    predictions = linker.inference.predict(threshold_match_probability=None)
    table = predictions.physical_name
    candidates = int(linker.misc.query_sql(f"SELECT COUNT(*) AS n FROM {table}", "pandas")["n"][0])  # noqa: S608
    above = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r FROM {table} WHERE match_probability >= 0.5", "pandas")  # noqa: S608
    seconds = time.perf_counter() - t
    found = {(min(str(a), str(b)), max(str(a), str(b)))
             for a, b in zip(above["unique_id_l"], above["unique_id_r"], strict=True)}
    # Its best cut by match weight, chosen with the truth (which flatters it): at 0.5 a
    # plain model on a large file can report almost nothing, since its prior (from the
    # pairs agreeing exactly on name and date) shrinks with the file.
    truth = data["truth"]
    top = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r, match_weight FROM {table} "  # noqa: S608
        f"ORDER BY match_weight DESC LIMIT {3 * len(truth)}", "pandas")
    best = (0.0, 0.0, 0.0, float("nan"))
    tp = 0
    for k, (a, b, w) in enumerate(zip(top["unique_id_l"], top["unique_id_r"], top["match_weight"], strict=True)):
        tp += (min(str(a), str(b)), max(str(a), str(b))) in truth
        p, r = tp / (k + 1), tp / len(truth)
        f = 2 * p * r / (p + r) if tp else 0.0
        if f > best[2]:
            best = (p, r, f, float(w))
    notes.append(f"at its best match-weight cut ({best[3]:.1f}, chosen with the truth): precision {best[0]:.3f}, "
                 f"recall {best[1]:.3f}, F1 {best[2]:.3f}")
    return {"seconds": seconds, "read_seconds": 0.0, "rss_before_mib": rss_before, "candidates": candidates,
            "found": found, "notes": notes}


def run_child(run: str, data_path: str) -> None:
    with open(data_path, "rb") as fh:
        data = pickle.load(fh)  # noqa: S301 (written by this script a moment ago)
    out = child_tipdata(data) if run == "tipdata" else child_splink(data)
    p, r, f = prf(out["found"], data["truth"])
    out["found"] = len(out["found"])
    out.update(precision=p, recall=r, f1=f, peak_rss_mib=peak_rss_mib())
    print("RESULT " + json.dumps(out))


# --- the parent ---------------------------------------------------------------------

def blocking_keys_and_namesakes(
    rows: list[dict[str, str]], truth: set[tuple[str, str]]
) -> tuple[dict[str, list[str | None]], int, int]:
    """tipdata's blocking-key columns for the rows (handed to the plain Splink run), and
    the namesakes: pairs of records of different persons whose names are the same once
    normalised (tipdata's phonetic key of the whole name) with the same sex and birth
    year; and of those, with the same full birth date too."""
    from tipdata.engines.linkage.dedupe import DedupeSpec, block_size_for
    from tipdata.engines.linkage.features import (
        BLOCKING_KEY_COLUMNS,
        add_blocking_keys,
        person_rows,
    )
    from tipdata.engines.names import TokenFrequencies

    records = read_records(rows)
    freq = TokenFrequencies.from_names(r.name for r in records)
    prows = person_rows(records, freq)
    add_blocking_keys(prows, block_size_for(len(prows), DedupeSpec()))
    keys = {c: [r[c] for r in prows] for c in BLOCKING_KEY_COLUMNS}
    by_id = {r["unique_id"]: r for r in prows}
    counts = []
    for date in ("dob_y", "dob_ymd"):
        def key(r: dict[str, Any], _date: str = date) -> tuple[Any, ...] | None:
            return (r["name_ph_sorted"], r["sex"], r[_date]) if r["name_ph_sorted"] and r["sex"] and r[_date] else None

        groups = Counter(k for r in prows if (k := key(r)) is not None)
        alike = sum(n * (n - 1) // 2 for n in groups.values())
        duplicates = sum(1 for a, b in truth if key(by_id[a]) is not None and key(by_id[a]) == key(by_id[b]))
        counts.append(alike - duplicates)
    return keys, counts[0], counts[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=100_000, help="records in the file (default 100,000)")
    ap.add_argument("--duplicate-share", type=float, default=0.1, help="share of persons recorded twice")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--only", choices=("tipdata", "splink"), help="run only one of the two")
    ap.add_argument("--child", nargs=2, metavar=("RUN", "DATA"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        run_child(*args.child)
        return 0

    print(f"machine: {describe()}")
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    t = time.perf_counter()
    bench = make_dedupe_benchmark(args.persons, args.duplicate_share, args.seed)
    print(f"data: {len(bench.rows):,} records of {bench.n_persons:,} persons, {len(bench.truth):,} planted duplicate "
          f"pairs, seed {args.seed} (generated in {time.perf_counter() - t:.0f} s)")
    t = time.perf_counter()
    keys, alike_year, alike_date = blocking_keys_and_namesakes(bench.rows, bench.truth)
    print(f"namesakes: {alike_year:,} pairs of different persons with the same name once normalised, sex and "
          f"birth year, {alike_date:,} of them with the same full birth date (the generator's name tables are "
          "small: a real population of this size has far fewer)")
    print(f"blocking keys for plain Splink computed by tipdata in {time.perf_counter() - t:.0f} s (not timed below)")
    runs = [r for r in ("tipdata", "splink") if args.only in (None, r)]
    data: dict[str, Any] = {"rows": bench.rows, "truth": bench.truth, "blocking_keys": keys}
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="dedupe_bench_") as tmp:
        path = Path(tmp, "data.pickle")
        with open(path, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        del data
        for run in runs:
            proc = subprocess.run([sys.executable, __file__, "--child", run, str(path)],  # noqa: S603
                                  capture_output=True, text=True, check=False)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode != 0 or line is None:
                print(f"{run} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
                continue
            results[run] = json.loads(line[len("RESULT "):])
    print()
    print(f"{'run':<34} {'seconds':>8} {'peak RSS':>9} {'candidate pairs':>16} {'found':>8} "
          f"{'precision':>9} {'recall':>7} {'F1':>6}")
    labels = {"tipdata": "tipdata dedupe (DedupeSpec())", "splink": "plain Splink (same blocking)"}
    for run, res in results.items():
        print(f"{labels[run]:<34} {res['seconds']:>8.0f} {res['peak_rss_mib'] / 1024:>7.1f} G "
              f"{res['candidates']:>16,} {res['found']:>8,} {res['precision']:>9.3f} {res['recall']:>7.3f} "
              f"{res['f1']:>6.3f}")
    for run, res in results.items():
        extra = f"; reading and normalising the records took {res['read_seconds']:.0f} s more" \
            if res["read_seconds"] else ""
        print(f"\n{labels[run]}: peak RSS {res['peak_rss_mib']:,.0f} MiB, of which {res['rss_before_mib']:,.0f} MiB "
              f"before the run (the records in memory){extra}")
        for note in res["notes"]:
            print(f"  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
