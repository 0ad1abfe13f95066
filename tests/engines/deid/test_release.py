"""write_release as a data officer would check it: recount k from the file, grep for identifiers."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tipdata.engines.deid.errors import DeidSpecError
from tipdata.engines.deid.release import ReleaseSpec, default_release_spec, write_release

from .conftest import read_release_csv

YEARS = range(2015, 2025)


@pytest.fixture(scope="module", params=["ctdc", "htcds", "tipdata"])
def release(request, records, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"release_{request.param}")
    spec = default_release_spec(k=11, epsilon=1.0, years=YEARS, fmt=request.param, organisation="Demo NGO")
    manifest = write_release(records, spec, out, exclusions={"consent does not cover de-identified statistics": 17})
    return request.param, out, manifest


def qi_columns_from_dictionary(out: Path) -> list[str]:
    entries = json.loads((out / "data_dictionary.json").read_text())
    return [e["column"] for e in entries if e["file"] == "microdata.csv" and e["role"] == "quasi_identifier"]


def test_every_quasi_identifier_combination_in_the_file_occurs_at_least_k_times(release):
    _, out, manifest = release
    micro = read_release_csv(out / "microdata.csv")
    qi = qi_columns_from_dictionary(out)
    assert qi, "the data dictionary must say which columns are quasi-identifiers"
    assert set(qi) <= set(micro.columns)
    # empty and '*' are values like any other when recounting
    assert micro.groupby(qi).size().min() >= 11
    assert len(micro) == manifest.deid.measures.records_released


def test_ctdc_file_has_the_global_dataset_columns(release):
    fmt, out, _ = release
    cols = set(read_release_csv(out / "microdata.csv").columns)
    if fmt != "ctdc":
        assert "yearOfRegistration" not in cols and "ageBroad" not in cols
        return
    for c in (
        "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
        "meansOfControlDebtBondage", "meansOfControlTakesEarnings", "isForcedLabour", "isSexualExploit",
        "isOtherExploit", "typeOfLabourAgriculture", "typeOfSexProstitution", "isAbduction",
        "RecruiterRelationship", "recruiterRelationFriend", "CountryOfExploitation",
    ):  # fmt: skip
        assert c in cols
    micro = read_release_csv(out / "microdata.csv")
    assert set(micro["ageBroad"]) <= {"", "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}
    assert set(micro["isForcedLabour"]) <= {"", "0", "1"}


def test_no_direct_identifier_or_free_text_in_any_file(release, records):
    _, out, _ = release
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 9
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    for pid in records["person_id"]:
        assert pid not in text
    for given, family in zip(records["given_name"], records["family_name"], strict=True):
        assert f"{given} {family}" not in text
    assert "was recruited" not in text  # the narratives
    for header_file in [p for p in files if p.suffix == ".csv"]:
        header = header_file.read_text(encoding="utf-8").splitlines()[0].split(",")
        for col in ("person_id", "given_name", "family_name", "birth_date", "narrative"):
            assert col not in header
    # no exact birth date either
    assert not re.search(r"birth", (out / "microdata.csv").read_text().splitlines()[0], re.IGNORECASE)


def test_release_keeps_more_than_suppression_alone_and_says_so(release):
    _, out, _ = release
    report = json.loads((out / "report.json").read_text())
    comp = report["comparison_with_suppression_only"]
    assert comp["engine"]["cells_suppressed"] < comp["suppression_only"]["cells_suppressed"]
    assert comp["cells_saved"] > 0
    html = (out / "report.html").read_text()
    assert "Compared with suppression alone" in html
    assert "fewer suppressed cells than suppression alone" in html


def test_report_says_who_was_left_out(release):
    _, out, _ = release
    report = json.loads((out / "report.json").read_text())
    assert report["records"]["excluded_before_release"] == {"consent does not cover de-identified statistics": 17}
    assert "consent does not cover de-identified statistics" in (out / "report.html").read_text()


def test_html_report_is_self_contained(release):
    _, out, _ = release
    html = (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "<script", "<link", "src=", "@import"):
        assert external not in html


def test_dp_tables_and_synthetic_record_their_epsilon(release):
    _, out, manifest = release
    report = json.loads((out / "report.json").read_text())
    dp = report["differential_privacy"]
    assert dp["total_epsilon"] == pytest.approx(1.0)
    assert sum(t["epsilon"] for t in dp["tables"]) + dp["synthetic"]["epsilon"] == pytest.approx(1.0)
    for t in dp["tables"]:
        assert t["noise_scale"] == pytest.approx(1 / t["epsilon"])
        table = read_release_csv(out / "dp_tables" / f"{t['name']}.csv")
        assert len(table) == t["cells"]
    assert dp["synthetic"]["delta"] > 0
    synthetic = read_release_csv(out / "synthetic.csv")
    assert len(synthetic) == dp["synthetic"]["records"]
    # as many synthetic records as persons in the microdata (public in the release)
    assert abs(len(synthetic) - manifest.deid.measures.records_released) <= 0.02 * len(synthetic)
    assert manifest.to_dict()["privacy"]["total_epsilon"] == pytest.approx(1.0)


def test_manifest_lists_every_file_with_its_hash_and_the_spec(release):
    _, out, _ = release
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    for f in manifest["files"]:
        assert hashlib.sha256((out / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    again = ReleaseSpec.from_dict(manifest["spec"])
    assert again.to_dict() == manifest["spec"]
    assert manifest["software"]["opendp"] != "not installed"


def test_data_dictionary_describes_every_column_of_every_data_file(release):
    _, out, _ = release
    dictionary = pd.read_csv(out / "data_dictionary.csv", dtype=str, keep_default_na=False)
    for path in [out / "microdata.csv", out / "synthetic.csv", *sorted((out / "dp_tables").glob("*.csv"))]:
        rel = str(path.relative_to(out))
        described = set(dictionary.loc[dictionary["file"] == rel, "column"])
        assert set(read_release_csv(path).columns) == described


def test_input_columns_can_be_mapped(records, tmp_path):
    renamed = records.rename(columns={"age": "age_years", "citizenship": "nationality"})
    base = default_release_spec(k=11, years=YEARS)
    spec = ReleaseSpec(
        deid=base.deid,
        dp_tables=base.dp_tables[:1],
        synthetic=None,
        format="tipdata",
        input_columns={"age": "age_years", "citizenship": "nationality"},
    )
    manifest = write_release(renamed, spec, tmp_path / "r")
    assert "age" in manifest.deid.data.columns
    assert not (tmp_path / "r" / "synthetic.csv").exists()


def test_duplicate_records_of_a_person_are_counted_once(records, tmp_path):
    doubled = pd.concat([records, records.head(40)], ignore_index=True)
    base = default_release_spec(k=11, years=YEARS)
    spec = ReleaseSpec(deid=base.deid, format="tipdata")
    manifest = write_release(doubled, spec, tmp_path / "r")
    assert manifest.report["records"]["duplicate_person_records_dropped"] == 40
    assert manifest.deid.measures.records_in == len(records)


def test_refuses_a_directory_that_is_not_empty(records, tmp_path):
    (tmp_path / "old.csv").write_text("x")
    with pytest.raises(DeidSpecError, match="not empty"):
        write_release(records, default_release_spec(years=YEARS), tmp_path)


def test_bad_release_specs_are_refused():
    base = default_release_spec(years=YEARS)
    with pytest.raises(DeidSpecError, match="format"):
        ReleaseSpec(deid=base.deid, format="xlsx")
    with pytest.raises(DeidSpecError, match="epsilon"):
        default_release_spec(epsilon=0)
    with pytest.raises(DeidSpecError, match="epsilon"):
        default_release_spec(epsilon=-1.0)
    with pytest.raises(DeidSpecError, match="k is"):
        default_release_spec(k=1)
    with pytest.raises(DeidSpecError, match="input_columns"):
        ReleaseSpec(deid=base.deid, input_columns={"shoe": "x"})
    with pytest.raises(DeidSpecError, match="unique"):
        ReleaseSpec(deid=base.deid, dp_tables=(base.dp_tables[0], base.dp_tables[0]))
