"""BCa bootstrap: quantiles, jackknife acceleration, seeding, failures."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.estimation import (
    CaptureTable,
    IntervalNotAvailable,
    estimate_population,
    load_reference,
    quantile_type8,
)
from tipdata.engines.estimation.bootstrap import resample_counts


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    probs=st.lists(st.floats(0, 1), min_size=1, max_size=5),
)
def test_quantile_type8_equals_numpy_median_unbiased(values, probs):
    ours = quantile_type8(np.array(values), np.array(probs))
    ref = np.quantile(np.array(values), np.array(probs), method="median_unbiased")
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-6)


def test_quantile_type8_with_unbounded_values_has_no_nan():
    q = quantile_type8(np.array([1.0, 2.0, np.inf, np.inf]), np.array([0.1, 0.5, 0.99]))
    assert not np.isnan(q).any()
    assert q[0] == pytest.approx(1.0)
    assert np.isinf(q[2])


def test_resampling_keeps_total_and_only_observed_histories():
    table = load_reference("korea")
    s = resample_counts(table, 50, seed=3)
    assert (s.sum(axis=1) == table.observed).all()
    assert (s[:, table.counts == 0] == 0).all()
    assert not (s == s[0]).all()  # resamples differ


def test_korea_stepwise_acceleration_matches_r():
    # estimate_population_stepwise(Korea, nboot = 10) prints ahat = -0.02877338;
    # the jackknife does not depend on the random numbers, so it must agree.
    r = estimate_population(load_reference("korea"), method="stepwise", n_bootstrap=20, seed=1)
    assert r.interval is not None
    assert r.interval.acceleration == pytest.approx(-0.02877338, abs=1e-8)


def test_interval_is_reproducible_and_seed_dependent():
    table = load_reference("korea")
    a = estimate_population(table, method="stepwise", n_bootstrap=200, seed=11)
    b = estimate_population(table, method="stepwise", n_bootstrap=200, seed=11)
    c = estimate_population(table, method="stepwise", n_bootstrap=200, seed=12)
    assert a.interval is not None and b.interval is not None and c.interval is not None
    assert a.interval.to_dict() == b.interval.to_dict()
    assert (a.interval.lower, a.interval.upper) != (c.interval.lower, c.interval.upper)
    assert a.spec["bootstrap"] == {
        "n_bootstrap": 200,
        "seed": 11,
        "level": 0.95,
        "method": "BCa",
        "resampling": "multinomial",
    }


def test_korea_intervals_bracket_estimates_and_are_plausible():
    table = load_reference("korea")
    for method in ("stepwise", "bic"):
        r = estimate_population(table, method=method, n_bootstrap=300, seed=5)
        iv = r.interval
        assert iv is not None
        assert iv.lower <= r.estimate <= iv.upper
        # at least the observed 123; the published 95% BIC interval is [128, 349]
        assert iv.lower >= 123
        assert iv.upper < 1000
        assert iv.n_failed == 0


def test_lower_level_gives_narrower_interval():
    table = load_reference("korea")
    wide = estimate_population(table, method="bic", n_bootstrap=300, seed=2, level=0.95)
    narrow = estimate_population(table, method="bic", n_bootstrap=300, seed=2, level=0.8)
    assert wide.interval is not None and narrow.interval is not None
    assert wide.interval.lower <= narrow.interval.lower
    assert narrow.interval.upper <= wide.interval.upper


def test_bic_bootstrap_on_five_lists_uses_top_models():
    r = estimate_population(
        load_reference("western"), method="bic", n_bootstrap=30, seed=1, bootstrap_top_models=10
    )
    assert r.spec["bootstrap_top_models"] == 10
    assert any("10 best models" in n for n in r.notes)
    assert r.interval is not None and r.interval.lower < r.estimate < r.interval.upper


def test_resamples_without_estimate_count_as_unbounded():
    # only two persons link the lists; about one resample in seven has none
    t = CaptureTable.from_histories(["A", "B"], {"10": 20, "01": 20, "11": 2})
    r = estimate_population(t, method="bic", n_bootstrap=200, seed=4)
    iv = r.interval
    assert iv is not None
    assert iv.n_failed > 0
    assert any("could not be estimated" in n for n in iv.notes)
    d = r.to_dict()
    json.dumps(d, allow_nan=False)  # JSON-safe even when unbounded
    if not np.isfinite(iv.upper):
        assert d["interval"]["upper"] is None


def test_jackknife_failure_refuses_interval():
    # a single linking person: without them the lists do not overlap at all
    t = CaptureTable.from_histories(["A", "B"], {"10": 20, "01": 20, "11": 1})
    assert estimate_population(t, method="bic").estimate == pytest.approx(21 * 21)
    with pytest.raises(IntervalNotAvailable, match="jackknife"):
        estimate_population(t, method="bic", n_bootstrap=20, seed=1)


def test_fixed_model_bootstrap():
    r = estimate_population(
        load_reference("korea"), method="fixed", model="[12,23]", n_bootstrap=100, seed=9
    )
    assert r.estimate == pytest.approx(157.1667, rel=1e-5)
    assert r.interval is not None and r.interval.lower < r.estimate < r.interval.upper
