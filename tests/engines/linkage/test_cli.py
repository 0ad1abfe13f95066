"""The CLI functions end to end, as the integrator's `tipdata` commands call them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tipdata.engines.linkage.cli import dedupe_main, encode_main, match_main
from tipdata.engines.linkage.persons import write_person_file

from .conftest import prf


@pytest.fixture
def files(bench, tmp_path: Path) -> dict[str, Path]:
    a, b = tmp_path / "police.csv", tmp_path / "shelter.csv"
    write_person_file(a, bench.rows_a)
    write_person_file(b, bench.rows_b)
    secret = tmp_path / "secret"
    secret.write_text("a shared secret of at least sixteen bytes\n")
    return {"a": a, "b": b, "secret": secret, "dir": tmp_path}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_encode_then_match_writes_overlaps_pairs_and_a_report(files, bench, capsys) -> None:
    d = files["dir"]
    for key in ("a", "b"):
        assert encode_main(["--input", str(files[key]), "--secret-file", str(files["secret"]), "--out", str(d / f"{key}.enc")]) == 0
    out = capsys.readouterr().out
    assert "key check" in out
    rc = match_main([str(d / "a.enc"), str(d / "b.enc"), "--out", str(d / "overlaps.csv"),
                     "--pairs-out", str(d / "pairs.csv"), "--json", "--report-out", str(d / "report.json")])
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["records_per_list"] == {"police": len(bench.rows_a), "shelter": len(bench.rows_b)}
    overlaps = read_csv(d / "overlaps.csv")
    assert list(overlaps[0]) == ["police", "shelter", "count"]
    pairs = read_csv(d / "pairs.csv")
    assert list(pairs[0])[:3] == ["id_1", "id_2", "score"]
    assert all(p["id_1"].startswith("A") for p in pairs)  # id_1 from the first file
    both = next(int(r["count"]) for r in overlaps if r["police"] == "1" and r["shelter"] == "1")
    assert both == len(pairs)
    assert prf({(p["id_1"], p["id_2"]) for p in pairs}, bench.truth)[2] >= 0.85
    report_text = (d / "report.json").read_text()
    assert not any(r["id"] in report_text for r in bench.rows_a[:50])


def test_dedupe_writes_pairs_with_scores_and_evidence(files, bench, capsys) -> None:
    d = files["dir"]
    combined = d / "combined.csv"
    write_person_file(combined, bench.rows_a[:120] + bench.rows_b[:120])
    rc = dedupe_main(["--input", str(combined), "--pairs-out", str(d / "dp.csv"), "--threshold", "0.9",
                      "--evidence-out", str(d / "ev.json"), "--json"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == 240 and summary["spec"]["threshold"] == 0.9
    rows = read_csv(d / "dp.csv")
    assert rows and list(rows[0]) == ["id_1", "id_2", "score"]
    assert all(float(r["score"]) >= 0.9 for r in rows)
    ev = json.loads((d / "ev.json").read_text())
    assert {"name", "dob"} <= set(ev["pairs"][0]["evidence"])


def test_bad_rows_are_reported_and_strict_fails(tmp_path: Path, capsys) -> None:
    f = tmp_path / "p.csv"
    f.write_text("id,given_name,family_name,full_name,sex,birth_date,nationality\n1,Bo,Tan,,M,1980,THA\n2,Cy,Lim,,Q,1980,THA\n")
    rejected = tmp_path / "rejected.csv"
    assert dedupe_main(["--input", str(f), "--pairs-out", str(tmp_path / "o.csv"), "--rejected-out", str(rejected)]) == 0
    err = capsys.readouterr().err
    assert "p.csv, row 3, column 'sex'" in err and "M, F or blank" in err
    assert read_csv(rejected)[0]["value"] == "Q"
    assert dedupe_main(["--input", str(f), "--pairs-out", str(tmp_path / "o.csv"), "--strict"]) == 1


def test_unusable_inputs_exit_2_with_a_message(files, tmp_path: Path, capsys) -> None:
    assert dedupe_main(["--input", str(tmp_path / "missing.csv"), "--pairs-out", str(tmp_path / "o.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    weak = tmp_path / "weak"
    weak.write_text("abc")
    assert encode_main(["--input", str(files["a"]), "--secret-file", str(weak), "--out", str(tmp_path / "x.enc")]) == 2
    assert "at least 16" in capsys.readouterr().err
    assert match_main([str(files["a"]), str(files["b"]), "--out", str(tmp_path / "o.csv"), "--pairs-out", str(tmp_path / "p.csv")]) == 2
    assert "not an encoding file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        match_main([str(tmp_path / "a.enc"), "--out", "o.csv", "--pairs-out", "p.csv", "--threshold", "2"])
