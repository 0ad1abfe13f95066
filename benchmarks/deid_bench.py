"""Benchmark: k-anonymity (k = 11, 8 quasi-identifiers) with tipdata's engine and with anonypy.

    .venv/bin/python benchmarks/deid_bench.py              # 100,000 records
    .venv/bin/python benchmarks/deid_bench.py --large      # also 1,000,000 records
    .venv/bin/python benchmarks/deid_bench.py --sizes 20000 --anonypy-max 20000

Both run on the same fictional records (``make_person_records``, seed 7). Each run
happens in a forked child process, so its peak memory (``ru_maxrss`` of the child,
and the part of it above the child's starting size) is its own.

The comparison library is anonypy 0.2.1 (Mondrian, multidimensional partitioning; pure
pandas). It is slow on large data, so by default it runs only up to 100,000 records
(``--anonypy-max``). Its information loss is measured with the same normalised
certainty penalty as tipdata's: ranges of numbers over the column's range, sets of
categories (count - 1) over (distinct - 1). Mondrian releases value sets and ranges
("KH,TH,VN", "23-41") rather than hierarchy levels and never suppresses; tipdata
releases hierarchy levels (age bands, UN M49 regions, years) and suppresses outliers'
cells. anjana and pycanon could not be installed next to this project's pandas 3
(they pin pandas 2.3.3 and numpy 2.0.2).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from tipdata.engines.deid import DeidSpec, QuasiIdentifier, anonymise
from tipdata.engines.deid.testdata import make_person_records

QIS = (
    QuasiIdentifier("age", "ctdc_age"),
    QuasiIdentifier("gender", "htcds_gender"),
    QuasiIdentifier("citizenship", "un_m49_country"),
    QuasiIdentifier("country_of_exploitation", "un_m49_country"),
    QuasiIdentifier("registration_date", "date_year"),
    QuasiIdentifier("exploitation_subtype", "exploitation_subtype"),
    QuasiIdentifier("recruiter_relation", "suppress"),
    QuasiIdentifier("datasource", "suppress"),
)
K = 11


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _child(fn: Any, args: tuple[Any, ...], queue: Any) -> None:
    start_rss = _rss_kib()
    t0 = time.perf_counter()
    try:
        out = fn(*args)
        err = None
    except Exception as exc:  # report, do not hide
        out, err = {}, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({**out, "seconds": seconds, "peak_rss_mib": peak / 1024, "peak_above_start_mib": (peak - start_rss) / 1024, "error": err})


def run_isolated(fn: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def run_tipdata(records: pd.DataFrame, limit: float) -> dict[str, Any]:
    spec = DeidSpec(quasi_identifiers=QIS, k=K, suppression_limit=limit)
    m = anonymise(records, spec).measures
    return {
        "k_reached": m.k_reached,
        "ncp": m.information_loss.ncp,
        "generalisation_height": m.information_loss.generalisation_height,
        "records_removed": m.records_suppressed,
        "cells_suppressed": m.cells_suppressed,
        "cells_suppressed_local": m.cells_suppressed_local,
        "classes": m.classes,
        "nodes": f"{m.lattice.nodes_evaluated}/{m.lattice.nodes_total}",
        "levels": ", ".join(f"{c}={lv}" for c, lv in m.chosen_levels.items()),
        "baseline_records_removed": m.baseline.records_suppressed,
    }


def _mondrian_frame(records: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    df = pd.DataFrame(index=records.index)
    df["age"] = records["age"].astype("float64").fillna(-1.0)
    df["registration_date"] = (
        pd.to_datetime(records["registration_date"]) - pd.Timestamp("1970-01-01")
    ).dt.days.astype("int64")
    cats = ["gender", "citizenship", "country_of_exploitation", "exploitation_subtype", "recruiter_relation", "datasource"]
    for c in cats:
        df[c] = records[c].fillna("Unknown").astype(str).astype("category")
    df["sensitive"] = records["moc_SexualAbuse"].astype(str).astype("category")
    return df, ["age", "registration_date"], cats


def run_anonypy(records: pd.DataFrame) -> dict[str, Any]:
    from anonypy import mondrian

    df, nums, cats = _mondrian_frame(records)
    features = nums + cats
    partitions = mondrian.Mondrian(df, features, "sensitive").partition(k=K)
    n = len(df)
    ranges = {c: float(df[c].max() - df[c].min()) or 1.0 for c in nums}
    distinct = {c: max(df[c].nunique() - 1, 1) for c in cats}
    ncp_sum = 0.0
    sizes = []
    for part in partitions:
        sub = df.loc[part]
        sizes.append(len(sub))
        for c in nums:
            ncp_sum += len(sub) * float(sub[c].max() - sub[c].min()) / ranges[c]
        for c in cats:
            ncp_sum += len(sub) * (sub[c].nunique() - 1) / distinct[c]
    return {
        "k_reached": int(min(sizes)),
        "ncp": ncp_sum / (n * len(features)),
        "records_removed": 0,
        "cells_suppressed": 0,
        "classes": len(partitions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also run 1,000,000 records")
    parser.add_argument("--sizes", type=int, nargs="*", help="record counts (default 100000)")
    parser.add_argument("--anonypy-max", type=int, default=100_000, help="largest size to run anonypy on")
    parser.add_argument("--suppression-limit", type=float, default=0.1)
    args = parser.parse_args()
    sizes = args.sizes or [100_000]
    if args.large and 1_000_000 not in sizes:
        sizes.append(1_000_000)

    print("tipdata de-identification benchmark: k-anonymity, k=11, 8 quasi-identifiers")
    print(f"machine: {platform.platform()}; {os.cpu_count()} CPU(s); Python {platform.python_version()}")
    try:
        from importlib.metadata import version

        anonypy_version = version("anonypy")
    except Exception:
        anonypy_version = None
    print(f"comparison: anonypy {anonypy_version or 'not installed - none available'}")
    print("quasi-identifiers: " + ", ".join(f"{q.column} ({q.hierarchy})" for q in QIS))
    print(f"suppression limit: {args.suppression_limit:.0%} of records\n")

    for n in sizes:
        records = make_person_records(n, seed=7, narratives=False)
        uniq = records[[q.column for q in QIS]].duplicated(keep=False)
        print(f"== {n:,} records ({(~uniq).mean():.1%} unique on the 8 quasi-identifiers)")
        ours = run_isolated(run_tipdata, records, args.suppression_limit)
        _print("tipdata (lattice + local suppression)", ours)
        if anonypy_version and n <= args.anonypy_max:
            _print("anonypy (Mondrian)", run_isolated(run_anonypy, records))
        elif anonypy_version:
            print(f"  anonypy (Mondrian): not run at {n:,} records (> --anonypy-max {args.anonypy_max:,})")
        print()
        sys.stdout.flush()


def _print(name: str, r: dict[str, Any]) -> None:
    if r.get("error"):
        print(f"  {name}: FAILED {r['error']} after {r['seconds']:.1f} s")
        return
    print(
        f"  {name}: {r['seconds']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB "
        f"({r['peak_above_start_mib']:.0f} MiB above start), k reached {r['k_reached']}, "
        f"information loss (NCP) {r['ncp']:.3f}, classes {r['classes']:,}, "
        f"records removed {r['records_removed']:,}, QI cells suppressed {r['cells_suppressed']:,}"
    )
    if "levels" in r:
        print(
            f"    levels: {r['levels']}; lattice nodes evaluated {r['nodes']}; "
            f"cells suppressed locally {r['cells_suppressed_local']:,}; "
            f"suppression-only baseline would remove {r['baseline_records_removed']:,} records"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
