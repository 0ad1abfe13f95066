"""Synthetic data with pac-synth: parameters recorded, utility measured honestly."""

from __future__ import annotations

import pandas as pd
import pytest

from tipdata.engines.deid.errors import DeidSpecError
from tipdata.engines.deid.release import derive_public_columns
from tipdata.engines.deid.synthetic import SyntheticSpec, synthesize, utility_report

COLUMNS = ("gender_group", "age_band", "exploitation_type", "datasource", "is_abduction", "moc_DebtBondage")


@pytest.fixture(scope="module")
def public(records) -> pd.DataFrame:
    return derive_public_columns(records)


@pytest.fixture(scope="module")
def result(public):
    spec = SyntheticSpec(columns=COLUMNS, binary_columns=("is_abduction", "moc_DebtBondage"), epsilon=2.0)
    return synthesize(public, spec)


def test_synthetic_records_have_the_declared_columns_and_values(result, public):
    assert list(result.data.columns) == list(COLUMNS)
    assert 0.7 * len(public) < len(result.data) < 1.3 * len(public)
    assert set(result.data["is_abduction"].unique()) <= {0, 1}
    real_bands = set(public["age_band"].dropna()) | {"Unknown"}
    assert set(result.data["age_band"].dropna()) <= real_bands


def test_parameters_and_epsilon_are_recorded(result, public):
    meta = result.metadata()
    assert meta["epsilon"] == 2.0
    assert meta["parameters"]["epsilon"] == 2.0
    assert meta["parameters"]["reporting_length"] == 3
    n = len(public)
    import math

    assert meta["delta"] == pytest.approx(1 / (n * math.log(n)))
    assert meta["library"].startswith("pac-synth ")
    assert meta["dp_number_of_records"] > 0


def test_utility_report_covers_every_breakdown(result):
    u = result.utility
    assert [o["columns"] for o in u["one_way"]] == [[c] for c in COLUMNS]
    assert len(u["two_way"]) == len(COLUMNS) * (len(COLUMNS) - 1) // 2
    for item in u["one_way"] + u["two_way"]:
        assert 0.0 <= item["total_variation_distance"] <= 1.0
    # with epsilon 2 on 3000 records the one-way shares are close to the real ones
    assert u["summary"]["one_way"]["mean_tvd"] < 0.15


def test_utility_of_identical_data_is_perfect_and_of_disjoint_data_is_worst():
    real = pd.DataFrame({"a": ["x", "x", "y"], "b": ["p", "q", "q"]})
    same = utility_report(real, real.copy(), ["a", "b"])
    assert same["summary"]["one_way"]["max_tvd"] == 0.0
    assert same["two_way"][0]["mean_absolute_error"] == 0.0
    other = pd.DataFrame({"a": ["z", "z", "z"], "b": ["r", "r", "r"]})
    worst = utility_report(real, other, ["a", "b"])
    assert worst["one_way"][0]["total_variation_distance"] == pytest.approx(1.0)
    assert worst["one_way"][0]["cells_only_in_synthetic"] == 1
    assert worst["one_way"][0]["cells_missing_from_synthetic"] == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epsilon": 0}, "synthetic.epsilon"),
        ({"epsilon": -2.0}, "synthetic.epsilon"),
        ({"accuracy_mode": "best"}, "accuracy_mode"),
        ({"fabrication_mode": "none"}, "fabrication_mode"),
        ({"reporting_length": 0}, "reporting_length"),
        ({"delta": 1.5}, "delta"),
        ({"binary_columns": ("nope",)}, "binary_columns"),
    ],
)
def test_bad_synthetic_spec_is_refused(kwargs, match):
    with pytest.raises(DeidSpecError, match=match):
        SyntheticSpec(columns=("gender_group",), **kwargs)


def test_unknown_column_is_named(public):
    with pytest.raises(DeidSpecError, match="shoe"):
        synthesize(public, SyntheticSpec(columns=("shoe",)))


def test_zero_coded_category_must_be_declared_binary(public):
    frame = public.assign(flag=public["is_abduction"])
    with pytest.raises(DeidSpecError, match="binary_columns"):
        synthesize(frame, SyntheticSpec(columns=("flag", "gender_group")))


def test_spec_round_trips():
    spec = SyntheticSpec(columns=COLUMNS, binary_columns=("is_abduction",), epsilon=0.5, delta=1e-6)
    assert SyntheticSpec.from_dict(spec.to_dict()) == spec
