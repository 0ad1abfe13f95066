"""Model enumeration/notation, and the batched Newton fit checked against
statsmodels' GLM on the same Poisson regressions."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from tipdata.engines.estimation import (
    EstimationError,
    TooManyModelsError,
    estimate_population,
    load_reference,
)
from tipdata.engines.estimation.fitting import DataView, Design, fit_batch, fit_model, layout
from tipdata.engines.estimation.models import (
    enumerate_models,
    format_term,
    hierarchy_string,
    is_hierarchical,
    model_terms_as_strings,
    parse_model,
)


@pytest.mark.parametrize(
    ("n_lists", "max_order", "count"),
    [
        (2, 1, 1),
        (3, 2, 8),
        (4, 2, 64),
        # hierarchical models on 4 lists up to order 3: the package reports 113
        # candidate models for the 4-list Kosovo table (all cells positive)
        (4, 3, 113),
        (6, 2, 32_768),
    ],
)
def test_number_of_hierarchical_models(n_lists, max_order, count):
    assert enumerate_models(n_lists, max_order).shape[0] == count


def test_enumerated_higher_order_models_are_hierarchical_and_distinct():
    from tipdata.engines.estimation.models import all_interaction_terms

    m = enumerate_models(4, 3)
    terms = all_interaction_terms(4, 3)
    seen = set()
    for row in m:
        s = frozenset(t for t, on in zip(terms, row, strict=True) if on)
        assert is_hierarchical(s)
        seen.add(s)
    assert len(seen) == m.shape[0]


def test_six_lists_order_three_is_too_many():
    with pytest.raises(TooManyModelsError, match="stepwise"):
        enumerate_models(6, 3, limit=200_000)


def test_model_notation_round_trips():
    terms = parse_model("[12,23]", 3)
    assert model_terms_as_strings(terms, 3) == ["12", "23"]
    assert hierarchy_string(terms, 3) == "[12,23]"
    assert hierarchy_string(parse_model(["12"], 3), 3) == "[12,3]"
    # a three-list term implies its pairs
    assert sorted(parse_model("[123]", 4)) == [0b0011, 0b0101, 0b0110, 0b0111]
    assert hierarchy_string(parse_model("[123]", 4), 4) == "[123,4]"
    # with ten or more lists list numbers are dot-separated
    assert format_term((1 << 2) | (1 << 9), 10) == "3.10"
    assert parse_model(["3.10"], 10) == frozenset({(1 << 2) | (1 << 9)})


@pytest.mark.parametrize("bad", ["[14]", "[1x]", "[11]", "[0,2]"])
def test_bad_model_strings_are_rejected(bad):
    with pytest.raises(EstimationError):
        parse_model(bad, 3)


def test_ambiguous_term_with_ten_lists_is_rejected():
    with pytest.raises(EstimationError, match="ambiguous"):
        parse_model(["110"], 10)


def _statsmodels_fit(view: DataView, lay) -> sm.GLM:
    X = view.design.X[np.ix_(lay.keep, lay.fit)]
    y = view.y[lay.keep]
    return sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-12, maxiter=200)


@pytest.mark.parametrize(
    "model",
    ["[1,2,3,4,5,6]", "[12,13,24,25,35,36,45]", "[12,13,25,35,36,45]", "[15,16,23,34]"],
)
def test_fit_matches_statsmodels_glm_on_uk_data(model):
    table = load_reference("uk2013")
    design = Design(6, 2)
    view = DataView.from_table(design, table)
    lay = layout(view, parse_model(model, 6))
    ours = fit_model(view, lay)
    ref = _statsmodels_fit(view, lay)
    assert ours.converged
    assert ours.loglik == pytest.approx(ref.llf, abs=1e-6)
    assert ours.deviance == pytest.approx(ref.deviance, abs=1e-6)
    assert ours.unobserved == pytest.approx(float(np.exp(ref.params[0])), rel=1e-7)
    assert ours.log_dark_se == pytest.approx(float(ref.bse[0]), rel=1e-5)


def test_model_with_non_overlapping_pairs_fits_remaining_cells():
    # LA (1) never meets GP (5) or NCA (6): [15,16,23,34] removes every cell
    # containing 1&5 or 1&6 and fits the rest; AIC counts the two -inf terms.
    table = load_reference("uk2013")
    view = DataView.from_table(Design(6, 2), table)
    lay = layout(view, parse_model("[15,16,23,34]", 6))
    assert sorted(lay.neg_inf_terms) == [0b010001, 0b100001]
    assert lay.keep.sum() == 63 - 16 - 16 + 8
    fit = fit_model(view, lay)
    assert fit.n_params == 1 + 6 + 4
    assert fit.aic == pytest.approx(2 * 11 - 2 * fit.loglik)


def test_batched_fits_equal_one_at_a_time():
    table = load_reference("uk2013")
    design = Design(6, 2)
    view = DataView.from_table(design, table)
    rng = np.random.default_rng(7)
    models = enumerate_models(6, 2)[rng.choice(32_768, size=40, replace=False)]
    from tipdata.engines.estimation.models import all_interaction_terms

    terms = all_interaction_terms(6, 2)
    lays = [
        layout(view, frozenset(t for t, on in zip(terms, m, strict=True) if on)) for m in models
    ]
    batch = fit_batch(view, np.array([x.fit for x in lays]), np.array([x.keep for x in lays]))
    for i, lay in enumerate(lays):
        one = fit_model(view, lay)
        assert batch.loglik[i] == pytest.approx(one.loglik, abs=1e-7)
        assert np.exp(batch.beta[i, 0]) == pytest.approx(one.unobserved, rel=1e-7)


def test_estimate_is_invariant_to_list_order():
    table = load_reference("western")
    base = estimate_population(table, method="bic")
    perm = [4, 2, 0, 3, 1]
    names = [table.list_names[i] for i in perm]
    hist = {"".join(h[i] for i in perm): c for h, c in table.histories()}
    from tipdata.engines.estimation import CaptureTable

    shuffled = CaptureTable.from_histories(names, hist)
    again = estimate_population(shuffled, method="bic")
    assert again.estimate == pytest.approx(base.estimate, rel=1e-9)
    assert sorted(again.model_names) == sorted(
        ":".join(sorted(n.split(":"), key=names.index)) for n in base.model_names
    )


def test_hessian_without_outer_product_table_gives_same_fit(monkeypatch):
    # designs with many lists skip the per-cell outer-product table; both code
    # paths must give the same fit
    from tipdata.engines.estimation import fitting

    table = load_reference("western")
    terms = parse_model("[15,23]", 5)
    view = DataView.from_table(Design(5, 2), table)
    normal = fit_model(view, layout(view, terms))
    monkeypatch.setattr(fitting, "XX_MAX_ELEMENTS", 0)
    small = Design(5, 2)
    assert small.XX is None
    view2 = DataView.from_table(small, table)
    fallback = fit_model(view2, layout(view2, terms))
    assert fallback.loglik == pytest.approx(normal.loglik, abs=1e-9)
    assert fallback.estimate == pytest.approx(normal.estimate, rel=1e-10)


def test_twelve_independent_lists_stepwise_recovers_population():
    from tipdata.engines.estimation import CaptureTable

    rng = np.random.default_rng(1)
    n_lists = 12
    p = rng.uniform(0.05, 0.3, size=n_lists)
    caps = rng.random((3000, n_lists)) < p
    codes = (caps * (1 << np.arange(n_lists))).sum(axis=1)
    counts = np.bincount(codes, minlength=1 << n_lists)
    counts[0] = 0
    table = CaptureTable(tuple(f"L{i}" for i in range(1, 13)), counts.astype(np.int64))
    r = estimate_population(table)
    assert abs(r.estimate - 3000) < 150  # lists independent by construction
    assert all("." in m for m in r.model)  # dot-separated with >= 10 lists
