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
2. *encoding*: list A in one process, list B in ``--workers`` processes
   (encode_persons; the documents are the same either way), then each written as an
   encoding file;
3. *hub*, in a fresh process so that its peak memory is its own: both encoding files
   loaded (packed), matched with MinHash LSH blocking (match_lists), the matched pairs
   written out. Comparisons are the candidate pairs scored; comparisons/s is that count
   over the matching seconds, which include building the LSH index and the one-to-one
   assignment;
4. precision, recall and F1 of the matched pairs against the generator's truth.

    .venv/bin/python benchmarks/pprl_bench.py                       # 1,000,000 per list
    .venv/bin/python benchmarks/pprl_bench.py --sizes 100000,300000,1000000
    .venv/bin/python benchmarks/pprl_bench.py --sizes 20000 --threshold 0.75

Wrap runs at scale in `flock /tmp/bench.lock` (COMMON.md): a million per list takes
several minutes on two cores and about 10 GB of memory at its peak (the agencies' side,
which holds the plaintext records; the hub needs less).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import describe

from tipdata.engines.linkage.match import MatchSpec, load_encodings, match_lists, write_pairs
from tipdata.engines.linkage.persons import PersonRecord, read_person_rows
from tipdata.engines.linkage.pprl import encode_persons, write_encodings
from tipdata.engines.names.synthetic import make_benchmark

SECRET = b"benchmark-secret-not-for-real-use-0123456789"
BLOCK = 50_000  # persons per agency per make_benchmark call (its ids have five digits)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_lists(n: int, seed: int) -> tuple[list[PersonRecord], list[PersonRecord], set[tuple[str, str]], float, float]:
    """Two lists of n persons and the true pairs; seconds generating and reading."""
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
        t = time.perf_counter()
        for rows, out in ((bench.rows_a, recs_a), (bench.rows_b, recs_b)):
            pf = read_person_rows(rows, source=f"block {k}", columns=sorted({c for r in rows for c in r}))
            if pf.rejected:
                print(f"  note: {len(pf.rejected)} generated rows rejected in block {k}", file=sys.stderr)
            out.extend(pf.records)
        t_read += time.perf_counter() - t
    return recs_a, recs_b, truth, t_gen, t_read


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


def run(n: int, seed: int, workers: int, threshold: float, max_bucket: int, keep: Path | None) -> dict[str, Any]:
    print(f"\n== two lists of {n:,} persons ==", flush=True)
    recs_a, recs_b, truth, t_gen, t_read = make_lists(n, seed)
    print(f"data: {len(recs_a):,} + {len(recs_b):,} records, {len(truth):,} true pairs; generated in {t_gen:.0f} s, "
          f"read in {t_read:.0f} s ({(len(recs_a) + len(recs_b)) / t_read:,.0f} records/s, one process)", flush=True)
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        d = Path(tmp)
        enc: dict[str, float] = {}
        files = []
        for name, recs, w in (("a", recs_a, 1), ("b", recs_b, workers)):
            t = time.perf_counter()
            doc = encode_persons(recs, SECRET, list_name=name, workers=w).document
            enc[name] = time.perf_counter() - t
            t = time.perf_counter()
            path = d / f"{name}.enc"
            write_encodings(path, doc)
            t_write = time.perf_counter() - t
            files.append(str(path))
            print(f"encoding list {name}: {enc[name]:.1f} s, {len(recs) / enc[name]:,.0f} records/s "
                  f"({w} process{'es' if w > 1 else ''}); file written in {t_write:.1f} s, "
                  f"{path.stat().st_size / 2**20:,.0f} MiB", flush=True)
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
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
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
          f"({len(found):,} pairs linked, {tp:,} true)", flush=True)
    n_enc = 2 * n
    return {"n": n, "generate_seconds": t_gen, "read_seconds": t_read,
            "encode_seconds": enc, "encode_records_per_second": {k: n / v for k, v in enc.items()},
            "encode_total_seconds": sum(enc.values()), "records_encoded": n_enc,
            "load_seconds": hub_out["load_seconds"], "match_seconds": t_match, "pairs_compared": compared,
            "comparisons_per_second": compared / t_match, "hub_peak_rss_mib": hub_out["peak_rss_mib"],
            "agency_peak_rss_mib": agency_rss, "precision": p, "recall": r, "f1": f1, "report": pr}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000", help="persons per list, comma-separated (default 1000000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2, help="processes encoding list B (default 2)")
    ap.add_argument("--threshold", type=float, default=MatchSpec().threshold)
    ap.add_argument("--max-bucket", type=int, default=MatchSpec().lsh_max_bucket,
                    help="LSH buckets with more records of a list are left out (MatchSpec.lsh_max_bucket)")
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
    results = [run(int(n), args.seed, args.workers, args.threshold, args.max_bucket, args.tmp)
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
