"""Benchmark: dashboard and SDG 16.2.2 tables, with and without small-cell suppression.

    .venv/bin/python benchmarks/reports_bench.py                 # 60, 2,000 and 20,000 victims
    .venv/bin/python benchmarks/reports_bench.py --large         # also 200,000
    .venv/bin/python benchmarks/reports_bench.py --sizes 500 5000

The records are fictional (seed 3): the shapes of the demo caseload (a few countries,
types, methods of control, seven years of registrations). Suppression time depends on
how many counts are small, not on the number of records: a small organisation has many
small counts and so the most integer programs to solve.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta

from tipdata.engines.reports import ReportSpec, VictimRecord, build_dashboard, sdg_16_2_2

COUNTRIES = ["KH", "TH", "MM", "LA", "VN", "ID", "PH", "MY", "CN", "SA", "AE", "TW"]
TYPES = ["ForcedLabour", "SexualExploitation", "ForcedMarriage", "ForcedBegging", "ChildLabour", "Servitude", "Other"]
CONTROL = ["DebtBondage", "FalsePromises", "WithholdsDocuments", "TakesEarnings", "PhysicalThreats",
           "PsychologicalAbuse", "ExcessiveWorkingHours", "SexualAbuse", "PhysicalAbuse"]
RECRUITMENT = ["ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents", "ThroughOnlineSocialNetworks",
               "ThroughAnOnlineAdvertisement", "AtWork"]
INDUSTRIES = ["A_AgricultureForestryAndFishing", "C_Manufacturing", "F_Construction",
              "T_ActivitiesOfHouseholdsAsEmployers", "J_InformationAndCommunication", None]


def make_records(n: int, seed: int = 3) -> list[VictimRecord]:
    rng = random.Random(seed)
    start = date(2019, 11, 1)
    out = []
    for i in range(n):
        registered = start + timedelta(days=rng.randint(0, 7 * 365 - 60))
        closed = registered + timedelta(days=rng.randint(20, 700)) if rng.random() < 0.5 else None
        types = tuple(rng.sample(TYPES, k=1 if rng.random() < 0.85 else 2))
        out.append(VictimRecord(
            case_id=f"c{i}", person_id=f"p{i}", registered_on=registered,
            status=("Closed" if closed else rng.choice(["Active", "FollowUp"])), closed_on=closed,
            gender=rng.choices(["Feminine", "Masculine", "NonConforming", None], weights=[60, 37, 1, 2])[0],
            age=rng.randint(6, 60) if rng.random() < 0.92 else None,
            citizenship=(rng.choices(COUNTRIES[:7], weights=[40, 10, 20, 10, 8, 7, 5])[0],),
            exploitation_types=types, labour_industry=rng.choice(INDUSTRIES) if "ForcedLabour" in types else None,
            methods_of_control=tuple(c for c in CONTROL if rng.random() < 0.3),
            recruitment=(rng.choice(RECRUITMENT),) if rng.random() < 0.75 else (),
            country_of_exploitation=rng.choice(COUNTRIES), statistics_consent=rng.random() < 0.9,
            services_consent=True,
        ))
    return out


def timed(label: str, n: int, function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    report = function(*args, **kwargs)
    elapsed = time.perf_counter() - started
    withheld = report.withheld
    extra = (f"  withheld: {withheld.get('primary', 0)} small, {withheld.get('secondary', 0)} to protect them, "
             f"{withheld.get('blank', 0)} blanked") if withheld else ""
    print(f"{n:>9,}  {label:<32} {elapsed:8.2f} s{extra}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[60, 2_000, 20_000])
    parser.add_argument("--large", action="store_true", help="also 200,000 victims")
    args = parser.parse_args(argv)
    sizes = list(args.sizes) + ([200_000] if args.large else [])
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'victims':>9}  {'what':<32} {'time':>10}")
    for n in sizes:
        records = make_records(n)
        timed("dashboard", n, build_dashboard, records)
        timed("dashboard, suppressed", n, build_dashboard, records, spec=ReportSpec(suppress=True))
        timed("dashboard 2025, suppressed", n, build_dashboard, records,
              spec=ReportSpec(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31), suppress=True))
        timed("SDG 16.2.2 2025, suppressed", n, sdg_16_2_2, records, year=2025,
              spec=ReportSpec(suppress=True, statistics_consent_only=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
