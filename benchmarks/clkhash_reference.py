"""Reference run of the public clkhash/anonlink implementation on two person files.

clkhash 0.18 pins cryptography<41 and cannot be installed beside tipdata (see
docs/decisions/0004-pprl-encoding.md), so this script runs in a separate virtual
environment and does not import tipdata:

    python3 -m venv /tmp/clkvenv && /tmp/clkvenv/bin/pip install clkhash anonlink
    /tmp/clkvenv/bin/python benchmarks/clkhash_reference.py A.csv B.csv TRUTH.csv

names_bench.py calls it when given ``--clkhash-python /tmp/clkvenv/bin/python``. The
schema is clkhash's usual one: bigrams of each field as written, 1024 bits, double
hashing, no transliteration or phonetic keys. Prints JSON: precision, recall, F1 at the
best threshold of a sweep (which flatters the baseline) and the seconds taken.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time

FIELDS = ["given_name", "family_name", "full_name", "birth_date", "sex", "nationality"]
BITS = {"given_name": 15, "family_name": 15, "full_name": 15, "birth_date": 15, "sex": 10, "nationality": 10}


def schema_dict() -> dict:
    feats = [{"identifier": "id", "ignored": True}]
    for f in FIELDS:
        feats.append({
            "identifier": f,
            "format": {"type": "string", "encoding": "utf-8", "case": "mixed", "minLength": 0},
            "hashing": {"comparison": {"type": "ngram", "n": 2}, "strategy": {"bitsPerToken": BITS[f]},
                        "hash": {"type": "doubleHash"}},
        })
    return {"version": 3, "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64}},
            "features": feats}


def rows_csv(path: str) -> tuple[list[str], str]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", *FIELDS])
    for r in rows:
        w.writerow([r["id"], *[(r.get(f) or "") for f in FIELDS]])
    return [r["id"] for r in rows], out.getvalue()


def main() -> int:
    import anonlink
    from clkhash import clk
    from clkhash.schema import from_json_dict

    path_a, path_b, path_truth = sys.argv[1:4]
    with open(path_truth, encoding="utf-8", newline="") as fh:
        truth = {(r["id_1"], r["id_2"]) for r in csv.DictReader(fh)}
    schema = from_json_dict(schema_dict())
    t = time.perf_counter()
    ids_a, text_a = rows_csv(path_a)
    ids_b, text_b = rows_csv(path_b)
    secret = "benchmark-secret"
    clks_a = clk.generate_clk_from_csv(io.StringIO(text_a), secret, schema, progress_bar=False)
    clks_b = clk.generate_clk_from_csv(io.StringIO(text_b), secret, schema, progress_bar=False)
    t_enc = time.perf_counter() - t
    best = {"f1": 0.0}
    for thr in [x / 100 for x in range(50, 96, 5)]:
        t = time.perf_counter()
        cands = anonlink.candidate_generation.find_candidate_pairs(
            [clks_a, clks_b], anonlink.similarities.dice_coefficient_accelerated, thr)
        groups = anonlink.solving.greedy_solve(cands)
        found = set()
        for g in groups:
            recs = sorted(g)
            if len(recs) == 2 and recs[0][0] == 0 and recs[1][0] == 1:
                found.add((ids_a[recs[0][1]], ids_b[recs[1][1]]))
        tp = len(found & truth)
        p = tp / len(found) if found else 0.0
        r = tp / len(truth) if truth else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best["f1"]:
            best = {"precision": p, "recall": r, "f1": f1, "threshold": thr,
                    "seconds": t_enc + time.perf_counter() - t}
    print(json.dumps(best))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
