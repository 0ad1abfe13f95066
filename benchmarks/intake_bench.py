"""Benchmark: importing a CSV of case records, next to a plain bulk insert of the same rows.

    .venv/bin/python benchmarks/intake_bench.py                 # 20,000 rows on SQLite
    .venv/bin/python benchmarks/intake_bench.py --large         # 100,000 rows
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/intake_bench.py   # on PostgreSQL

The file: demo-like victims (names in several scripts, day-first birth dates, gender and
nationality as people write them, methods of control as labels, case status and
registration date), 1% bad rows. Three measurements, each in a forked child process so its
peak memory (``ru_maxrss``) is its own:

``engine``   read, detect, map and validate every row (no database): the intake engine alone.
``import``   ``tipdata.intake.services.import_file``: the engine plus storage through the case
             services - identifiers sealed with a data key per record, blind indexes, audit,
             the import bookkeeping - in batches of 500.
``floor``    the same records already coded, written with ``bulk_create`` (persons, cases,
             victim links) in batches of 500: no reading, no validation, no encryption, no
             audit. The fastest the database takes these rows; the import is compared to it.

A fresh test database is created (SQLite file in a temporary folder, or ``test_<name>`` on
PostgreSQL) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipdata.config.settings.test")

FIRST = ["Sreymom", "Dara", "สมศรี", "Nguyễn Thị", "Dewi", "Maria", "សុខា", "Aung", "Somchai", "Ketsana"]
LAST = ["Chan", "Sok", "ใจดี", "Trần", "Santoso", "Dela Cruz", "ចាន់", "", "Boonmee", "Phommachanh"]
GENDER = ["Female", "F", "หญิง", "Male", "M", "ชาย", "perempuan", "Nữ"]
NATION = ["Cambodia", "KH", "Thailand", "ไทย", "Viet Nam", "Myanmar", "Lao PDR", "Indonesia", "PH"]
CONTROL = ["Debt bondage", "False promises", "Withholds documents", "Physical abuse", "Takes earnings"]
EXPLOIT = ["Forced labour", "Sexual exploitation", "ForcedLabour SexualExploitation", "Forced marriage"]
STATUS = ["Active", "Closed", "Follow Up", "Active"]
HEADER = ["First name", "Last name", "Date of birth", "Sex", "Nationality", "ID number", "Mobile",
          "Methods of control", "Type of exploitation", "Trafficking status", "Case status", "Registration date"]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2018, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            birth = start - timedelta(days=rng.randint(15 * 365, 45 * 365))
            reg = start + timedelta(days=rng.randint(0, 6 * 365))
            row = [
                rng.choice(FIRST), rng.choice(LAST), birth.strftime("%d/%m/%Y"), rng.choice(GENDER),
                rng.choice(NATION), f"N{rng.randint(10**7, 10**8 - 1)}", f"+855 {rng.randint(10**7, 10**8 - 1)}",
                "; ".join(rng.sample(CONTROL, rng.randint(0, 3))), rng.choice(EXPLOIT),
                rng.choice(["Actual victim of trafficking", "Possible victim of trafficking"]),
                rng.choice(STATUS), reg.isoformat(),
            ]
            if i % 100 == 99:  # 1% bad rows
                row[3] = "??"
            w.writerow(row)


def _child(target: Any, queue: Any, *args: Any) -> None:
    import django

    django.setup()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = target(*args)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"seconds": elapsed, "peak_mib": peak / 1024, "start_mib": before / 1024, **result})


def measure(target: Any, *args: Any) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, queue, *args))
    proc.start()
    out = queue.get()
    proc.join()
    return out  # type: ignore[no-any-return]


def run_engine(path: str) -> dict[str, Any]:
    from tipdata.engines.intake import IntakeRun, plan_import

    run = IntakeRun(plan_import(path))
    for _ in run.results():
        pass
    return {"rows": run.rows, "clean": run.clean}


def run_import(path: str, slug: str) -> dict[str, Any]:
    from tipdata.accounts.models import Organisation
    from tipdata.intake.services import import_file

    org = Organisation.objects.get(slug=slug)
    s = import_file(organisation=org, actor=None, path=path)
    return {"rows": s.rows, "imported": s.imported, "quarantined": s.quarantined}


def run_floor(path: str, slug: str) -> dict[str, Any]:
    """Coded values prepared outside the timing would flatter nothing: the floor is only the
    database writes, so values are coded cheaply here (no checks) and written in bulk."""
    import uuid

    from django.db import transaction

    from tipdata.accounts.models import Organisation
    from tipdata.cases.models import Case, CasePerson, Person

    org = Organisation.objects.get(slug=slug)
    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        batch: list[list[str]] = []

        def flush(rows: list[list[str]]) -> None:
            persons = [Person(organisation=org, public_id=uuid.uuid4(),
                              attributes={"prs_gender": r[3], "prs_citizenship": [r[4]], "prs_birthdate": r[2]},
                              sealed={"prs_first_name": r[0], "prs_second_name": r[1]}) for r in rows]
            cases = [Case(organisation=org, public_id=uuid.uuid4(), reference=f"F-{n + i:07d}", status="Active",
                          registered_on=date.fromisoformat(r[11]), attributes={}) for i, r in enumerate(rows)]
            with transaction.atomic():
                Person.objects.bulk_create(persons)
                Case.objects.bulk_create(cases)
                CasePerson.objects.bulk_create([
                    CasePerson(organisation=org, case=c, person=p, role="victim",
                               context={"vic_methods_of_control": r[7].split("; ")})
                    for p, c, r in zip(persons, cases, rows, strict=True)
                ])

        for row in reader:
            batch.append(row)
            if len(batch) == 500:
                flush(batch)
                n += len(batch)
                batch = []
        if batch:
            flush(batch)
            n += len(batch)
    return {"rows": n}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--large", action="store_true", help="100,000 rows")
    args = parser.parse_args(argv)
    rows = 100_000 if args.large else args.rows
    tmp = Path(tempfile.mkdtemp(prefix="tipdata-intake-bench-"))
    os.environ.setdefault("TIPDATA_VAR_DIR", str(tmp))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from tipdata.accounts.services import organisation_create

    settings.TIPDATA_IMPORT_DIR = str(tmp / "imports")
    engine = connection.vendor
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"database {engine}")
    csv_path = tmp / "cases.csv"
    make_csv(csv_path, rows)
    print(f"file: {rows:,} rows, {csv_path.stat().st_size / 2**20:.1f} MiB")
    results = {"engine": measure(run_engine, str(csv_path))}
    # Each database measurement gets a fresh database, so neither pays for the other's rows.
    for step, target in (("import", run_import), ("floor", run_floor)):
        db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            organisation_create(name="Bench", country="KH", kind="shelter_ngo", slug="bench")
            results[step] = measure(target, str(csv_path), "bench")
        finally:
            connection.creation.destroy_test_db(db_name, verbosity=0)
    print(f"{'step':<8} {'rows':>9} {'seconds':>9} {'rows/s':>9} {'peak MiB':>9} {'(start)':>8}")
    for name, r in results.items():
        print(f"{name:<8} {r['rows']:>9,} {r['seconds']:>9.1f} {r['rows'] / r['seconds']:>9,.0f} "
              f"{r['peak_mib']:>9.0f} {r['start_mib']:>8.0f}")
    imp, floor = results["import"], results["floor"]
    ratio = (imp["rows"] / imp["seconds"]) / (floor["rows"] / floor["seconds"])
    print(f"import: {imp['imported']:,} imported, {imp['quarantined']:,} quarantined; "
          f"import rate = {ratio:.2f} x the bulk-insert floor (aim: at least 0.33)")


if __name__ == "__main__":
    main()
