"""Benchmark: privacy-preserving linkage of two lists of a million persons (issue 7).

For each size N (persons per list) this runs the whole PPRL path as two agencies and a
hub would, and prints seconds, rates, peak memory and accuracy:

1. *data* (not part of the rates): two agencies' person files of N generated persons
   each (tipdata.engines.names.synthetic.make_benchmark; 40 % of B's persons are also
   in A), made in blocks of at most 50,000 persons per agency (make_benchmark draws
   five-digit ids), each block with its own seed - persons of different blocks are
   different people, though often namesakes - then read as an agency reads its person
   file (read_person_rows: names normalised and transliterated, phonetic keys, dates
   parsed; timed as "read");
2. *encoding*: each list in one process (encode_persons), list B again in
   ``--workers`` processes (checked to give the same document), then each written as
   an encoding file;
3. *hub*, in a fresh process so that its peak memory is its own: both encoding files
   loaded (packed), matched with MinHash LSH blocking (match_lists), the matched pairs
   written out. Comparisons are the candidate pairs scored; comparisons/s is that count
   over the matching seconds, which include building the LSH index and the one-to-one
   assignment;
4. precision, recall and F1 of the matched pairs against the generator's truth;
5. with ``--clkhash-python``, a reference run of the public clkhash 0.18 + anonlink 0.15
   in their own virtual environment (clkhash pins cryptography<41, see
   docs/decisions/0004-pprl-encoding.md; ``python3 -m venv /tmp/clkvenv &&
   /tmp/clkvenv/bin/pip install clkhash anonlink``), on the first ``--clkhash-size``
   persons of each list as written (benchmarks/clkhash_reference.py's schema: bigrams,
   1,024 bits): clkhash's encoding rate, and anonlink's candidate generation, which
   compares all pairs (it has no blocking of its own), at the same threshold.

    .venv/bin/python benchmarks/pprl_bench.py                       # 1,000,000 per list
    .venv/bin/python benchmarks/pprl_bench.py --sizes 100000,300000,1000000
    .venv/bin/python benchmarks/pprl_bench.py --sizes 20000 --threshold 0.75
    .venv/bin/python benchmarks/pprl_bench.py --clkhash-python /tmp/clkvenv/bin/python

Wrap runs at scale in `flock /tmp/bench.lock` (COMMON.md): a million per list takes
several minutes on two cores and about 10 GB of memory at its peak (the agencies' side,
which holds the plaintext records; the hub needs less).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import describe
from measure import peak_rss_mib, prf

from tipdata.engines.linkage.match import MatchSpec, load_encodings, match_lists, write_pairs
from tipdata.engines.linkage.persons import PersonRecord, read_person_rows
from tipdata.engines.linkage.pprl import encode_persons, write_encodings
from tipdata.engines.names.synthetic import make_benchmark

SECRET = b"benchmark-secret-not-for-real-use-0123456789"
BLOCK = 50_000  # persons per agency per make_benchmark call (its ids have five digits)


def make_lists(n: int, seed: int, rows_out: tuple[Path, Path, int] | None = None,
               ) -> tuple[list[PersonRecord], list[PersonRecord], set[tuple[str, str]], float, float]:
    """Two lists of n persons and the true pairs; seconds generating and reading.
    ``rows_out``: also write the first so many rows of each list as person files."""
    writers = []
    if rows_out:
        files = [open(path, "w", newline="", encoding="utf-8") for path in rows_out[:2]]  # noqa: SIM115
        writers = [csv.DictWriter(fh, fieldnames=["id", "given_name", "family_name", "full_name", "sex",
                                                  "birth_date", "nationality", "age", "age_year"]) for fh in files]
        for w in writers:
            w.writeheader()
    recs_a: list[PersonRecord] = []
    recs_b: list[PersonRecord] = []
    truth: set[tuple[str, str]] = set()
    t_gen = t_read = 0.0
    for k, start in enumerate(range(0, n, BLOCK)):
        size = min(BLOCK, n - start)
        t = time.perf_counter()
        bench = make_benchmark(size, 0.4, seed * 10_000 + k)
        for rows in (bench.rows_a, bench.rows_b):
            for r in rows:
                r["id"] = f"{r['id']}-{k}"
        truth |= {(f"{a}-{k}", f"{b}-{k}") for a, b in bench.truth}
        t_gen += time.perf_counter() - t
        if rows_out and start < rows_out[2]:
            for w, rows in zip(writers, (bench.rows_a, bench.rows_b), strict=True):
                w.writerows({c: r.get(c, "") for c in w.fieldnames} for r in rows[:rows_out[2] - start])
        t = time.perf_counter()
        for rows, out in ((bench.rows_a, recs_a), (bench.rows_b, recs_b)):
            pf = read_person_rows(rows, source=f"block {k}", columns=sorted({c for r in rows for c in r}))
            if pf.rejected:
                print(f"  note: {len(pf.rejected)} generated rows rejected in block {k}", file=sys.stderr)
            out.extend(pf.records)
        t_read += time.perf_counter() - t
    if rows_out:
        for fh in files:
            fh.close()
    return recs_a, recs_b, truth, t_gen, t_read


CLKHASH_SCRIPT = r"""
import io, json, sys, time
sys.path.insert(0, sys.argv[1])
from clkhash_reference import rows_csv, schema_dict
import anonlink
from clkhash import clk
from clkhash.schema import from_json_dict
path_a, path_b, threshold = sys.argv[2], sys.argv[3], float(sys.argv[4])
schema = from_json_dict(schema_dict())
clks = []
t = time.perf_counter()
for path in (path_a, path_b):
    ids, text = rows_csv(path)
    clks.append(clk.generate_clk_from_csv(io.StringIO(text), "benchmark-secret", schema, progress_bar=False))
t_enc = time.perf_counter() - t
t = time.perf_counter()
scores, _, _ = anonlink.candidate_generation.find_candidate_pairs(
    clks, anonlink.similarities.dice_coefficient_accelerated, threshold)
t_match = time.perf_counter() - t
print(json.dumps({"records": len(clks[0]) + len(clks[1]), "encode_seconds": t_enc, "match_seconds": t_match,
                  "comparisons": len(clks[0]) * len(clks[1]), "pairs_at_or_above_threshold": len(scores)}))
"""


def clkhash_reference(python: str, path_a: Path, path_b: Path, threshold: float) -> None:
    proc = subprocess.run([python, "-c", CLKHASH_SCRIPT, str(Path(__file__).parent), str(path_a), str(path_b),
                           str(threshold)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"clkhash/anonlink reference failed: {proc.stderr.strip().splitlines()[-1:]}")
        return
    res = json.loads(proc.stdout)
    print(f"reference, clkhash 0.18 + anonlink 0.15 (own venv) on {res['records'] // 2:,} + {res['records'] // 2:,} "
          f"persons as written: encoding {res['encode_seconds']:.1f} s, "
          f"{res['records'] / res['encode_seconds']:,.0f} records/s; anonlink all-pairs candidate generation "
          f"{res['match_seconds']:.1f} s, {res['comparisons'] / res['match_seconds']:,.0f} comparisons/s "
          f"({res['pairs_at_or_above_threshold']:,} pairs at or above {threshold})", flush=True)


def hub(files: list[str], out: str, threshold: float, max_bucket: int) -> dict[str, Any]:
    """The hub's side: load, match, write the pairs; run in its own process."""
    t = time.perf_counter()
    taken: set[str] = set()
    lists = [load_encodings(f, taken, packed=True) for f in files]
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    result = match_lists(lists, MatchSpec(threshold=threshold, blocking="lsh", lsh_max_bucket=max_bucket))
    t_match = time.perf_counter() - t
    write_pairs(out, result)
    return {"load_seconds": t_load, "match_seconds": t_match, "report": result.report,
            "peak_rss_mib": peak_rss_mib()}


def run(n: int, seed: int, workers: int, threshold: float, max_bucket: int, keep: Path | None,
        clkhash: tuple[str, int] | None = None) -> dict[str, Any]:
    print(f"\n== two lists of {n:,} persons ==", flush=True)
    rows_dir = tempfile.TemporaryDirectory(dir=keep)
    rows_out = (Path(rows_dir.name, "a.csv"), Path(rows_dir.name, "b.csv"), min(n, clkhash[1])) if clkhash else None
    recs_a, recs_b, truth, t_gen, t_read = make_lists(n, seed, rows_out)
    print(f"data: {len(recs_a):,} + {len(recs_b):,} records, {len(truth):,} true pairs; generated in {t_gen:.0f} s, "
          f"read in {t_read:.0f} s ({(len(recs_a) + len(recs_b)) / t_read:,.0f} records/s, one process)", flush=True)
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        d = Path(tmp)
        enc: dict[str, float] = {}
        enc_workers = 0.0
        files = []
        for name, recs in (("a", recs_a), ("b", recs_b)):
            t = time.perf_counter()
            doc = encode_persons(recs, SECRET, list_name=name).document
            enc[name] = time.perf_counter() - t
            print(f"encoding list {name}: {enc[name]:.1f} s, {len(recs) / enc[name]:,.0f} records/s (1 process)",
                  flush=True)
            if name == "b" and workers > 1:
                t = time.perf_counter()
                same = encode_persons(recs, SECRET, list_name=name, workers=workers).document == doc
                enc_workers = time.perf_counter() - t
                print(f"encoding list b again in {workers} processes: {enc_workers:.1f} s, "
                      f"{len(recs) / enc_workers:,.0f} records/s; the same document: {same}", flush=True)
            t = time.perf_counter()
            path = d / f"{name}.enc"
            write_encodings(path, doc)
            files.append(str(path))
            print(f"  file written in {time.perf_counter() - t:.1f} s, {path.stat().st_size / 2**20:,.0f} MiB",
                  flush=True)
            del doc
        agency_rss = peak_rss_mib()
        del recs_a, recs_b
        pairs_path = d / "pairs.csv"
        proc = subprocess.run(
            [sys.executable, __file__, "--hub", *files, "--pairs-out", str(pairs_path), "--threshold", str(threshold),
             "--max-bucket", str(max_bucket)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"hub failed:\n{proc.stderr}")
        hub_out = json.loads(proc.stdout)
        with open(pairs_path, newline="", encoding="utf-8") as fh:
            found = {(r["id_1"], r["id_2"]) for r in csv.DictReader(fh)}
    p, r, f1 = prf(found, truth)
    pr = hub_out["report"]["pairs"][0]
    compared = pr["pairs_compared"]
    t_match = hub_out["match_seconds"]
    print(f"hub: loaded in {hub_out['load_seconds']:.1f} s; matched in {t_match:.1f} s: {compared:,} candidate pairs "
          f"compared of {n * n:,} ({compared / (n * n):.4%}), {compared / t_match:,.0f} comparisons/s "
          f"({n * n / t_match:,.0f} pairs covered/s); {pr['lsh_buckets_left_out_as_too_common']:,} LSH buckets "
          f"left out as too common; {pr['records_left_unlinked_as_ambiguous']:,} records left unlinked as ambiguous; "
          f"peak memory {hub_out['peak_rss_mib']:,.0f} MiB (agencies' side {agency_rss:,.0f} MiB)")
    print(f"pairs per score band: {pr['pairs_per_band']}")
    print(f"accuracy at threshold {threshold}: precision {p:.3f}, recall {r:.3f}, F1 {f1:.3f} "
          f"({len(found):,} pairs linked, {len(found & truth):,} true)", flush=True)
    if clkhash and rows_out:
        clkhash_reference(clkhash[0], rows_out[0], rows_out[1], threshold)
    rows_dir.cleanup()
    n_enc = 2 * n
    return {"n": n, "generate_seconds": t_gen, "read_seconds": t_read,
            "encode_seconds": enc, "encode_records_per_second": {k: n / v for k, v in enc.items()},
            "encode_b_seconds_in_workers": enc_workers, "workers": workers,
            "encode_total_seconds": sum(enc.values()), "records_encoded": n_enc,
            "load_seconds": hub_out["load_seconds"], "match_seconds": t_match, "pairs_compared": compared,
            "comparisons_per_second": compared / t_match, "hub_peak_rss_mib": hub_out["peak_rss_mib"],
            "agency_peak_rss_mib": agency_rss, "precision": p, "recall": r, "f1": f1, "report": pr}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000", help="persons per list, comma-separated (default 1000000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2, help="processes encoding list B a second time (default 2)")
    ap.add_argument("--threshold", type=float, default=MatchSpec().threshold)
    ap.add_argument("--max-bucket", type=int, default=MatchSpec().lsh_max_bucket,
                    help="LSH buckets with more records of a list are left out (MatchSpec.lsh_max_bucket)")
    ap.add_argument("--clkhash-python", metavar="PYTHON",
                    help="python of a separate venv with clkhash and anonlink: adds their reference run")
    ap.add_argument("--clkhash-size", type=int, default=100_000,
                    help="persons per list for the reference run (default 100000; anonlink compares all pairs)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--tmp", type=Path, help="directory for the encoding files (default: the system's)")
    ap.add_argument("--hub", nargs="+", metavar="ENC", help=argparse.SUPPRESS)
    ap.add_argument("--pairs-out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.hub:
        print(json.dumps(hub(args.hub, args.pairs_out, args.threshold, args.max_bucket)))
        return 0
    print(f"machine: {describe()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    clkhash = (args.clkhash_python, args.clkhash_size) if args.clkhash_python else None
    results = [run(int(n), args.seed, args.workers, args.threshold, args.max_bucket, args.tmp, clkhash)
               for n in args.sizes.split(",")]
    if len(results) > 1:
        print("\nscaling (persons per list: encode s for both lists, match s, comparisons, comparisons/s, F1, "
              "hub MiB)")
        for res in results:
            print(f"  {res['n']:>9,}: {res['encode_total_seconds']:7.1f} {res['match_seconds']:7.1f} "
                  f"{res['pairs_compared']:>14,} {res['comparisons_per_second']:>12,.0f} {res['f1']:.3f} "
                  f"{res['hub_peak_rss_mib']:>7,.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": describe(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
