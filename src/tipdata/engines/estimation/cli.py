"""Command line for the estimation engine (wired as ``tipdata estimate``).

    tipdata estimate FILE [--method stepwise|bic|aic|fixed] [--max-order 2]
                          [--threshold 0.02] [--model "[12,23]"]
                          [--bootstrap N --seed S --level 0.95] [--json]
                          [--count-column count]

Prints a human-readable summary by default, or the result's JSON with ``--json``
(keys ``estimate``, ``observed``, ``model``, ``method``, ``interval`` and more;
see ``result.py``). Bad input or data that cannot support an estimate print one
clear message on stderr and return 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import TextIO

from .api import METHODS, estimate_from_csv
from .errors import EstimationError
from .result import EstimationResult

EXIT_OK = 0
EXIT_ERROR = 2


def build_parser(prog: str = "tipdata estimate") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Estimate how many persons no list saw (multiple systems estimation) from "
            "a capture-history CSV: one 0/1 column per list and a count column."
        ),
    )
    p.add_argument("file", help="capture-history CSV file")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="stepwise",
        help="model choice: stepwise (Chan, Silverman & Vincent 2021, default), "
        "bic or aic over all hierarchical models, or a fixed --model",
    )
    p.add_argument(
        "--max-order",
        type=int,
        default=2,
        help="highest order of interaction between lists (default 2)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.02,
        help="p-value threshold for the stepwise method (default 0.02)",
    )
    p.add_argument(
        "--model",
        default=None,
        help='model for --method fixed, e.g. "[12,23]" (lists numbered from 1)',
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="add a BCa interval from N bootstrap resamples (e.g. 1000)",
    )
    p.add_argument(
        "--seed", type=int, default=1234, help="random seed for the bootstrap (default 1234)"
    )
    p.add_argument(
        "--level", type=float, default=0.95, help="confidence level of the interval (default 0.95)"
    )
    p.add_argument(
        "--count-column", default="count", help="name of the count column (default 'count')"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tipdata estimate``; returns 0 on success, 2 on any error."""
    out = sys.stdout
    err = sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse already printed usage / the message
        return EXIT_OK if exc.code == 0 else EXIT_ERROR
    if args.bootstrap < 0:
        print("error: --bootstrap must be 0 or more", file=err)
        return EXIT_ERROR
    if args.method == "fixed" and not args.model:
        print('error: --method fixed needs --model, e.g. --model "[12,23]"', file=err)
        return EXIT_ERROR
    if args.model and args.method != "fixed":
        print("error: --model is only used with --method fixed", file=err)
        return EXIT_ERROR
    progress = _Progress(err) if args.bootstrap and not args.json and err.isatty() else None
    try:
        result = estimate_from_csv(
            args.file,
            count_column=args.count_column,
            method=args.method,
            max_order=args.max_order,
            threshold=args.threshold,
            model=args.model,
            n_bootstrap=args.bootstrap,
            seed=args.seed,
            level=args.level,
            progress=progress,
        )
    except EstimationError as exc:
        if progress:
            progress.clear()
        print(f"error: {exc}", file=err)
        return EXIT_ERROR
    if progress:
        progress.clear()
    if args.json:
        json.dump(result.to_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(format_result(result))
    return EXIT_OK


class _Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            self.stream.write(f"\rbootstrap {done}/{total}")
            self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r" + " " * 40 + "\r")
        self.stream.flush()


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "unbounded"


def format_result(r: EstimationResult) -> str:
    """Plain-language summary for people, not machines."""
    method = {
        "stepwise": f"stepwise selection (p-value threshold {r.spec.get('threshold')})",
        "bic": "lowest BIC among all hierarchical models",
        "aic": "lowest AIC among all hierarchical models",
        "fixed": "the model given",
    }[r.method]
    lines = [
        f"Estimated total population: {r.estimate:,.1f}",
        f"  seen on at least one list: {r.observed:,}",
        f"  estimated unseen:          {r.unobserved:,.1f}",
    ]
    if r.interval is not None:
        iv = r.interval
        lines.append(
            f"  {iv.level:.0%} BCa interval: {_fmt(iv.lower)} to {_fmt(iv.upper)} "
            f"({iv.n_bootstrap} bootstrap resamples, seed {iv.seed}, model chosen "
            "afresh in each)"
        )
    model = ", ".join(f"{m} ({n})" for m, n in zip(r.model, r.model_names, strict=True))
    lines += [
        "",
        f"Lists ({len(r.lists)}): "
        + ", ".join(f"{i}={name} ({r.list_totals[name]:,})" for i, name in enumerate(r.lists, 1)),
        f"Model: {model or 'main effects only (lists independent)'}  {r.model_hierarchy}",
        f"Chosen by: {method}",
        f"Fit: deviance {r.deviance:.3f} on {r.df} df, AIC {r.aic:.3f}, BIC {r.bic:.3f}",
    ]
    if r.minus_infinity_terms:
        lines.append("Interactions at minus infinity: " + ", ".join(r.minus_infinity_terms))
    steps = r.selection.get("steps")
    if steps:
        lines.append(
            "Steps: "
            + "; ".join(f"+{s['added']} ({s['lists']}, p={s['p_value']:.2g})" for s in steps)
        )
    for note in r.notes + (r.interval.notes if r.interval else []):
        lines.append(f"Note: {note}")
    lines += [
        "",
        "Caveats: the estimate assumes a closed population (the same persons could have",
        "been on every list during the period), that the chosen model captures how the",
        "lists depend on each other, and that linkage across lists is correct. Persons",
        "who are hard for every list to reach (heterogeneity) tend to make it too low.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
