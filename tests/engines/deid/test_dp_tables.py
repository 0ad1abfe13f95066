"""DP count tables: the noise matches epsilon, the domain is public and complete, budgets hold."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from tipdata.engines.deid.dp_tables import (
    DpTableSpec,
    PrivacyBudgetAccountant,
    dp_count_table,
    laplace_scale_for,
)
from tipdata.engines.deid.errors import DeidDataError, DeidSpecError, PrivacyBudgetExceededError

GENDERS = ("Female", "Male", "Transgender/NonConforming", "Unknown")
SOURCES = ("CaseManagement", "Hotline")


def spec(epsilon: float = 1.0, **kw) -> DpTableSpec:
    return DpTableSpec(
        name="gender_source",
        breakdown=("gender", "source"),
        epsilon=epsilon,
        domains={"gender": GENDERS, "source": SOURCES},
        **kw,
    )


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pid": [f"p{i}" for i in range(60)],
            "gender": ["Female"] * 40 + ["Male"] * 19 + [None],
            "source": ["CaseManagement"] * 50 + ["Hotline"] * 10,
        }
    )


@pytest.mark.parametrize("epsilon", [0.1, 0.25, 0.5, 0.7, 1.0, 2.0, 8.0])
def test_noise_scale_is_sensitivity_over_epsilon(epsilon):
    table = dp_count_table(frame(), spec(epsilon))
    assert table.sensitivity == 1
    assert table.scale == pytest.approx(1.0 / epsilon, rel=1e-12)
    assert table.epsilon_certified <= epsilon  # OpenDP's own privacy map agrees
    assert table.epsilon_certified == pytest.approx(epsilon, rel=1e-9)
    meta = table.metadata()
    assert meta["epsilon"] == epsilon and meta["noise_scale"] == table.scale
    assert laplace_scale_for(epsilon) == pytest.approx(table.scale, rel=1e-12)


def test_every_key_of_the_public_domain_is_released_in_a_fixed_order():
    first = dp_count_table(frame(), spec()).table
    second = dp_count_table(frame().sample(frac=1, random_state=3), spec()).table
    expected = [(g, s) for g in GENDERS for s in SOURCES]
    assert list(zip(first["gender"], first["source"], strict=True)) == expected
    assert list(first.columns) == ["gender", "source", "count"]
    assert first[["gender", "source"]].equals(second[["gender", "source"]])
    # empty cells (e.g. Transgender/NonConforming) are there too, with noise
    assert len(first) == len(GENDERS) * len(SOURCES)


def test_an_empty_input_releases_the_same_structure():
    table = dp_count_table(frame().iloc[:0], spec()).table
    assert len(table) == len(GENDERS) * len(SOURCES)


def test_empirical_noise_matches_the_discrete_laplace_scale():
    epsilon = 0.5
    cells = 2000
    domain = tuple(f"c{i}" for i in range(cells))
    true = pd.DataFrame({"cell": [f"c{i % cells}" for i in range(3 * cells)]})  # 3 per cell
    s = DpTableSpec(name="many", breakdown=("cell",), epsilon=epsilon, domains={"cell": domain})
    noise = np.concatenate([dp_count_table(true, s).table["count"].to_numpy() - 3 for _ in range(5)])
    a = math.exp(-epsilon)  # discrete Laplace with scale 1/epsilon
    variance = 2 * a / (1 - a) ** 2
    assert noise.mean() == pytest.approx(0.0, abs=0.15)
    assert noise.var() == pytest.approx(variance, rel=0.1)
    # and a larger epsilon gives visibly less noise
    s2 = DpTableSpec(name="many", breakdown=("cell",), epsilon=4.0, domains={"cell": domain})
    assert (dp_count_table(true, s2).table["count"].to_numpy() - 3).var() < variance / 5


def test_missing_values_count_under_unknown():
    table = dp_count_table(frame(), spec(epsilon=50.0)).table  # tiny noise
    unknown = table.loc[table["gender"] == "Unknown", "count"].sum()
    assert abs(unknown - 1) <= 1


def test_one_record_per_person_is_enforced_and_reported():
    f = frame()
    doubled = pd.concat([f, f.head(7)], ignore_index=True)
    table = dp_count_table(doubled, spec(person_id_column="pid"))
    assert table.records_dropped_by_contribution_bound == 7
    assert table.records_used == len(f)


def test_value_outside_the_declared_domain_is_an_error_naming_it():
    f = frame()
    f.loc[4, "source"] = "Police"
    with pytest.raises(DeidDataError, match=r"'source', row 4.*'Police'"):
        dp_count_table(f, spec())


def test_value_outside_the_domain_goes_to_a_declared_other_category():
    f = frame()
    f.loc[4, "source"] = "Police"
    s = DpTableSpec(
        name="t",
        breakdown=("source",),
        epsilon=1.0,
        domains={"source": (*SOURCES, "Other")},
        other_category="Other",
    )
    assert list(dp_count_table(f, s).table["source"]) == [*SOURCES, "Other"]


def test_missing_value_without_unknown_category_is_an_error():
    s = DpTableSpec(name="t", breakdown=("gender",), epsilon=1.0, domains={"gender": ("Female", "Male")})
    with pytest.raises(DeidDataError, match="missing value"):
        dp_count_table(frame(), s)


@pytest.mark.parametrize("epsilon", [0, -1.0, float("nan"), float("inf"), True, "1"])
def test_epsilon_must_be_a_positive_number(epsilon):
    with pytest.raises(DeidSpecError, match="epsilon"):
        spec(epsilon)


def test_a_domain_must_be_declared_not_taken_from_data():
    with pytest.raises(DeidSpecError, match="no public domain declared for column 'source'"):
        DpTableSpec(name="t", breakdown=("gender", "source"), epsilon=1.0, domains={"gender": GENDERS})


def test_unknown_breakdown_column_is_named():
    s = DpTableSpec(name="t", breakdown=("shoe",), epsilon=1.0, domains={"shoe": ("a",)})
    with pytest.raises(DeidSpecError, match="shoe"):
        dp_count_table(frame(), s)


def test_spec_round_trips():
    s = spec(person_id_column="pid", clamp_negative=True)
    assert DpTableSpec.from_dict(s.to_dict()) == s


def test_clamping_negative_counts_is_post_processing():
    table = dp_count_table(frame().iloc[:0], spec(epsilon=0.1, clamp_negative=True)).table
    assert (table["count"] >= 0).all()


# ------------------------------------------------------------------ budget


def test_budget_spends_until_the_total_and_refuses_more():
    acc = PrivacyBudgetAccountant(organisation="ngo-a", total_epsilon=1.0)
    for i in range(10):
        acc.spend(0.1, purpose=f"table {i}")
    assert acc.spent_epsilon == 1.0 and acc.remaining_epsilon == 0.0  # exact, not 0.9999999
    with pytest.raises(PrivacyBudgetExceededError, match=r"ngo-a.*exceed.*remaining 0"):
        acc.spend(0.01, purpose="one more")
    assert len(acc.spends) == 10  # the refused spend was not recorded


def test_overspend_is_refused_before_anything_is_recorded():
    acc = PrivacyBudgetAccountant(organisation="ngo-a", total_epsilon=2.0)
    acc.spend(1.5, purpose="release 1", release_id="r1")
    assert not acc.can_spend(0.6)
    with pytest.raises(PrivacyBudgetExceededError, match="already spent 1.5"):
        acc.spend(0.6, purpose="release 2")
    assert acc.spent_epsilon == 1.5
    assert acc.can_spend(0.5)


def test_budget_round_trips_and_keeps_its_ledger():
    acc = PrivacyBudgetAccountant(organisation="ngo-a", total_epsilon=3.0)
    acc.spend(1.0, purpose="r1", release_id="r1", at=datetime(2025, 1, 2, tzinfo=UTC))
    again = PrivacyBudgetAccountant.from_dict(acc.to_dict())
    assert again.to_dict() == acc.to_dict()
    assert again.spends[0].spent_at.startswith("2025-01-02")
    assert again.remaining_epsilon == 2.0


def test_a_ledger_already_over_budget_is_refused():
    data = {
        "organisation": "ngo-a",
        "total_epsilon": 1.0,
        "spends": [{"epsilon": 0.8, "purpose": "a", "spent_at": "x"}, {"epsilon": 0.8, "purpose": "b", "spent_at": "y"}],
    }
    with pytest.raises(PrivacyBudgetExceededError):
        PrivacyBudgetAccountant.from_dict(data)


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_budget_rejects_bad_epsilon(bad):
    with pytest.raises(DeidSpecError):
        PrivacyBudgetAccountant(organisation="x", total_epsilon=bad)
    acc = PrivacyBudgetAccountant(organisation="x", total_epsilon=1.0)
    with pytest.raises(DeidSpecError):
        acc.spend(bad, purpose="p")
