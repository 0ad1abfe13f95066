"""Properties that must hold for any admissible table, and higher-order models."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.estimation import CaptureTable, estimate_population
from tipdata.engines.estimation.fitting import DataView, Design, fit_model, layout
from tipdata.engines.estimation.models import parse_model


def table_from(counts: list[int], n_lists: int) -> CaptureTable:
    names = [f"L{i + 1}" for i in range(n_lists)]
    return CaptureTable(tuple(names), np.array([0, *counts], dtype=np.int64))


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(1, 400), min_size=7, max_size=7))
def test_estimate_at_least_observed_and_consistent(counts):
    # every cell positive: every model is admissible, so nothing may be refused
    t = table_from(counts, 3)
    for method in ("stepwise", "bic", "aic"):
        r = estimate_population(t, method=method)
        assert r.observed == sum(counts)
        assert r.unobserved > 0
        assert r.estimate == pytest.approx(r.observed + r.unobserved)
        d = r.to_dict()
        assert d["model"] == r.model and d["method"] == method


@settings(max_examples=25, deadline=None)
@given(counts=st.lists(st.integers(1, 300), min_size=7, max_size=7))
def test_bic_choice_is_the_minimum_over_refitted_models(counts):
    t = table_from(counts, 3)
    best = estimate_population(t, method="bic")
    for spec in ("[1,2,3]", "[12,3]", "[13,2]", "[23,1]", "[12,13]", "[12,23]", "[13,23]"):
        other = estimate_population(t, method="fixed", model=spec)
        assert best.bic <= other.bic + 1e-9


@pytest.fixture
def four_lists() -> CaptureTable:
    rng = np.random.default_rng(3)
    return table_from(list(rng.integers(5, 120, size=15)), 4)


def test_four_lists_with_three_way_terms(four_lists):
    r = estimate_population(four_lists, method="bic", max_order=3)
    assert r.selection["models_considered"] == 113
    assert r.spec["max_order"] == 3
    # a three-way model fitted by the engine equals statsmodels' GLM
    view = DataView.from_table(Design(4, 3), four_lists)
    lay = layout(view, parse_model("[123,4]", 4))
    ours = fit_model(view, lay)
    ref = sm.GLM(view.y, view.design.X[:, lay.fit], family=sm.families.Poisson()).fit(tol=1e-12)
    assert ours.loglik == pytest.approx(ref.llf, abs=1e-6)
    assert ours.unobserved == pytest.approx(float(np.exp(ref.params[0])), rel=1e-7)


def test_stepwise_with_max_order_three_stays_hierarchical(four_lists):
    r = estimate_population(four_lists, method="stepwise", max_order=3, threshold=0.5)
    terms = parse_model(r.model, 4)
    for term in terms:
        if bin(term).count("1") == 3:
            # every pair inside a selected triple was selected before it
            for i in range(4):
                sub = term & ~(1 << i)
                if sub != term and bin(sub).count("1") == 2:
                    assert sub in terms


def test_max_order_above_lists_minus_one_is_lowered_with_note(four_lists):
    r = estimate_population(four_lists, method="bic", max_order=4)
    assert r.spec["max_order"] == 3
    assert any("lowered to 3" in n for n in r.notes)
