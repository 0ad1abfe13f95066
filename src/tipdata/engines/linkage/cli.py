"""Command-line entry points of the linkage engine.

Each function takes ``argv`` (without the program name) and returns an exit code; the
``tipdata`` CLI maps them to ``tipdata dedupe``, ``tipdata link encode`` and
``tipdata link match``. Exit codes: 0 done (rejected rows are reported on stderr and do
not stop the run unless ``--strict``), 1 rows rejected with ``--strict``, 2 unusable
input (missing file or columns, weak secret, incompatible encodings).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .dedupe import DedupeSpec, dedupe_persons
from .match import (
    EncodingFileError,
    MatchSpec,
    load_encodings,
    match_lists,
    write_capture_histories,
    write_pairs,
)
from .persons import PersonFile, PersonFileError, read_person_file
from .pprl import EncodingSpec, SecretError, encode_persons, read_secret, write_encodings


def _report_rejected(pf: PersonFile, rejected_out: str | None) -> None:
    for r in pf.rejected:
        print(f"rejected: {r.message()}", file=sys.stderr)
    if pf.ignored_columns:
        print(f"note: column(s) not used: {', '.join(pf.ignored_columns)}", file=sys.stderr)
    if rejected_out:
        with open(rejected_out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "row", "column", "value", "problem", "allowed"])
            for r in pf.rejected:
                w.writerow([r.file, r.row, r.column, r.value, r.problem, r.allowed])


def _threshold(value: str) -> float:
    t = float(value)
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError(f"threshold must be between 0 and 1, got {value}")
    return t


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="person CSV file (id, given_name, family_name, full_name, sex, birth_date, nationality)")
    parser.add_argument("--extra-field", action="append", default=[], metavar="COLUMN",
                        help="also use this column of the person file (repeatable)")
    parser.add_argument("--rejected-out", metavar="CSV", help="write rejected rows here as well as to stderr")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row is rejected")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")


def dedupe_main(argv: Sequence[str] | None = None) -> int:
    """``tipdata dedupe --input PERSONS.csv --pairs-out PAIRS.csv [--threshold P] [--json]``"""
    parser = argparse.ArgumentParser(prog="tipdata dedupe",
                                     description="Find records in a person file that are the same person.")
    _common(parser)
    parser.add_argument("--pairs-out", required=True, help="CSV of pairs: id_1, id_2, score")
    parser.add_argument("--threshold", type=_threshold, default=DedupeSpec().threshold,
                        help="match probability at or above which a pair is written (default %(default)s)")
    parser.add_argument("--evidence-out", metavar="JSON",
                        help="write each pair's per-field evidence (comparison level and weight) here")
    args = parser.parse_args(argv)
    try:
        pf = read_person_file(args.input, extra_fields=tuple(args.extra_field))
    except PersonFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _report_rejected(pf, args.rejected_out)
    if args.strict and pf.rejected:
        return 1
    spec = DedupeSpec(threshold=args.threshold, extra_fields=tuple(args.extra_field))
    result = dedupe_persons(pf.records, spec)
    with open(args.pairs_out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id_1", "id_2", "score"])
        for p in result.pairs:
            w.writerow([p.id_1, p.id_2, f"{p.match_probability:.6f}"])
    if args.evidence_out:
        Path(args.evidence_out).write_text(json.dumps(
            {"spec": result.spec, "model": result.model, "pairs": [p.to_dict() for p in result.pairs]},
            ensure_ascii=False, indent=1), encoding="utf-8")
    summary: dict[str, Any] = {
        "input": args.input, "records": len(pf.records), "rejected": len(pf.rejected),
        "pairs": len(result.pairs), "pairs_out": args.pairs_out, "seconds": result.seconds,
        "spec": result.spec, "notes": result.notes,
        "rejected_rows": [r.to_dict() for r in pf.rejected],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{len(result.pairs)} pair(s) judged the same person among {len(pf.records)} record(s) "
              f"({len(pf.rejected)} rejected); written to {args.pairs_out}")
    return 0


def encode_main(argv: Sequence[str] | None = None) -> int:
    """``tipdata link encode --input PERSONS.csv --secret-file SECRET --out ENC``"""
    parser = argparse.ArgumentParser(prog="tipdata link encode",
                                     description="Encode persons for privacy-preserving linkage (nothing but ids and encodings leave).")
    _common(parser)
    parser.add_argument("--secret-file", required=True, help="file holding the secret shared by the agencies (never the hub)")
    parser.add_argument("--out", required=True, help="encoding file to write")
    parser.add_argument("--list-name", default="", help="name of this list in the overlap table (default: file name)")
    parser.add_argument("--hardening", choices=["xor_fold", "balance", "none"], default=EncodingSpec().hardening)
    args = parser.parse_args(argv)
    try:
        secret = read_secret(args.secret_file)
        pf = read_person_file(args.input, extra_fields=tuple(args.extra_field))
    except (PersonFileError, SecretError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _report_rejected(pf, args.rejected_out)
    if args.strict and pf.rejected:
        return 1
    list_name = args.list_name or Path(args.input).stem
    result = encode_persons(pf.records, secret, EncodingSpec(hardening=args.hardening), list_name=list_name)
    write_encodings(args.out, result.document)
    summary = {"input": args.input, "records": result.count, "rejected": len(pf.rejected),
               "out": args.out, "seconds": result.seconds, "key_check": result.document["key_check"],
               "rejected_rows": [r.to_dict() for r in pf.rejected]}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{result.count} person(s) encoded to {args.out} ({len(pf.rejected)} rejected); "
              f"key check {result.document['key_check']} (must match the other agencies')")
    return 0


def match_main(argv: Sequence[str] | None = None) -> int:
    """``tipdata link match ENC_A ENC_B [ENC_C ...] --out OVERLAPS.csv --pairs-out PAIRS.csv``"""
    parser = argparse.ArgumentParser(prog="tipdata link match",
                                     description="Match encoded lists: capture-history table, matched pairs and a match report.")
    parser.add_argument("encodings", nargs="+", metavar="ENC", help="two or more encoding files")
    parser.add_argument("--out", required=True, help="capture-history CSV (one 0/1 column per list, count)")
    parser.add_argument("--pairs-out", required=True, help="matched pairs CSV: id_1, id_2, score, list_1, list_2")
    parser.add_argument("--threshold", type=_threshold, default=MatchSpec().threshold,
                        help="score at or above which encodings match: Dice similarity of the full parts, or of "
                             "the identity parts less 0.1 when a birth date is unknown (default %(default)s)")
    parser.add_argument("--blocking", choices=["auto", "none", "lsh"], default="auto")
    parser.add_argument("--report-out", metavar="JSON", help="also write the match report here")
    parser.add_argument("--json", action="store_true", help="print the match report as JSON")
    args = parser.parse_args(argv)
    if len(args.encodings) < 2:
        print("error: matching needs at least two encoding files", file=sys.stderr)
        return 2
    taken: set[str] = set()
    try:
        lists = [load_encodings(p, taken, packed=True) for p in args.encodings]
        result = match_lists(lists, MatchSpec(threshold=args.threshold, blocking=args.blocking))
    except EncodingFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_capture_histories(args.out, result)
    write_pairs(args.pairs_out, result)
    report = result.report | {"seconds": result.seconds, "spec": result.spec}
    if args.report_out:
        Path(args.report_out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(report))
    else:
        print(f"lists: {', '.join(f'{k} ({v})' for k, v in report['records_per_list'].items())}")
        for pr in report["pairs"]:
            print(f"{pr['lists'][0]} x {pr['lists'][1]}: {pr['pairs_compared']} pairs compared "
                  f"({pr['blocking']} blocking), {pr['pairs_at_or_above_threshold']} at or above {args.threshold}, "
                  f"{pr['records_left_unlinked_as_ambiguous']} record(s) left unlinked as ambiguous")
            for band, count in pr["pairs_per_band"].items():
                print(f"  score {band}: {count}")
        print(f"{report['matched_pairs']} matched pair(s); {report['observed_persons']} distinct person(s) observed; "
              f"capture histories in {args.out}, pairs in {args.pairs_out}")
    return 0
