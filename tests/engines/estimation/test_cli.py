"""``tipdata estimate`` through ``main([...])``."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tipdata.engines.estimation.cli import main


@pytest.fixture
def korea_csv(tmp_path: Path) -> Path:
    text = (
        resources.files("tipdata.engines.estimation") / "reference_data" / "korea.csv"
    ).read_text(encoding="utf-8")
    p = tmp_path / "korea.csv"
    p.write_text(text, encoding="utf-8")
    return p


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


def test_default_is_stepwise_human_readable(korea_csv, capsys):
    rc, out, err = run([str(korea_csv)], capsys)
    assert rc == 0, err
    assert "Estimated total population: 268.8" in out
    assert "seen on at least one list: 123" in out
    assert "Model: 12 (b:c)  [12,3]" in out
    assert "stepwise selection (p-value threshold 0.02)" in out
    assert "closed population" in out  # caveats are always shown


def test_bic_json_has_required_keys(korea_csv, capsys):
    rc, out, _ = run([str(korea_csv), "--method", "bic", "--json"], capsys)
    assert rc == 0
    d = json.loads(out)
    assert d["estimate"] == pytest.approx(157.17, rel=1e-3)
    assert d["observed"] == 123
    assert d["model"] == ["12", "23"]
    assert d["method"] == "bic"
    assert d["interval"] is None
    assert d["spec"]["data"]["histories"]["110"] == 54
    assert d["spec"]["data"]["source"] == str(korea_csv)


def test_bootstrap_json_interval_is_reproducible(korea_csv, capsys):
    argv = [str(korea_csv), "--bootstrap", "100", "--seed", "42", "--json"]
    rc, out1, _ = run(argv, capsys)
    rc2, out2, _ = run(argv, capsys)
    assert rc == rc2 == 0
    assert out1 == out2
    iv = json.loads(out1)["interval"]
    assert iv["method"] == "BCa"
    assert iv["n_bootstrap"] == 100
    assert iv["seed"] == 42
    assert iv["level"] == 0.95
    assert iv["lower"] < json.loads(out1)["estimate"] < iv["upper"]


def test_bootstrap_human_readable_shows_interval(korea_csv, capsys):
    rc, out, _ = run(
        [str(korea_csv), "--method", "aic", "--bootstrap", "50", "--seed", "1"], capsys
    )
    assert rc == 0
    assert "95% BCa interval:" in out
    assert "50 bootstrap resamples, seed 1" in out


def test_fixed_model(korea_csv, capsys):
    rc, out, _ = run([str(korea_csv), "--method", "fixed", "--model", "[12,23]", "--json"], capsys)
    assert rc == 0
    assert json.loads(out)["estimate"] == pytest.approx(157.1667, rel=1e-5)


def test_threshold_zero_gives_main_effects(korea_csv, capsys):
    rc, out, _ = run([str(korea_csv), "--threshold", "0", "--json"], capsys)
    assert rc == 0
    d = json.loads(out)
    assert d["model"] == []
    assert d["estimate"] == pytest.approx(141.9926, rel=1e-5)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "file not found"),
        ("A,B,count\n1,2,3\n", [], "row 2, column 'B', value '2'"),
        ("A,B,count\n1,0,3\n0,1,-1\n", [], "count is negative"),
        ("A,B\n1,0\n", [], "no 'count' column"),
        ("A,B,C,count\n1,0,0,3\n0,1,0,4\n0,0,1,2\n", [], "do not overlap"),
        (
            "b,c,d,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n",
            ["--method", "fixed", "--model", "[12,3]"],
            "does not exist",
        ),
        ("A,B,count\n1,0,3\n0,1,4\n1,1,1\n", ["--method", "fixed"], "needs --model"),
        ("A,B,count\n1,0,3\n0,1,4\n1,1,1\n", ["--model", "[12]"], "only used with"),
        ("A,B,count\n1,0,3\n0,1,4\n1,1,1\n", ["--threshold", "2"], "threshold"),
        ("A,B,count\n1,0,3\n0,1,4\n1,1,1\n", ["--bootstrap", "-5"], "--bootstrap"),
        ("A,B,count\n1,0,3\n0,1,4\n1,1,1\n", ["--method", "magic"], "invalid choice"),
    ],
)
def test_errors_go_to_stderr_with_exit_code_2(tmp_path, capsys, content, args, message):
    p = tmp_path / "in.csv"
    if content is not None:
        p.write_text(content, encoding="utf-8")
    rc, out, err = run([str(p), *args], capsys)
    assert rc == 2
    assert message in err
    assert out == ""


def test_help_exits_zero(capsys):
    rc, out, _ = run(["--help"], capsys)
    assert rc == 0
    assert "--bootstrap" in out
