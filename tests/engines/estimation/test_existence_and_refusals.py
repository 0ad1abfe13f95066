"""Non-existence, non-identifiability, extended MLE, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from tipdata.engines.estimation import (
    CaptureTable,
    EstimateNotAvailable,
    MLENotExistError,
    NoOverlapError,
    NotIdentifiableError,
    estimate_population,
    load_reference,
)
from tipdata.engines.estimation.fitting import Checker, DataView, Design, fit_model, layout
from tipdata.engines.estimation.models import parse_model


def status(table: CaptureTable, model: str, max_order: int = 2) -> int:
    design = Design(table.n_lists, max_order)
    view = DataView.from_table(design, table)
    return Checker().status(view, layout(view, parse_model(model, table.n_lists)))


@pytest.mark.parametrize(
    ("model", "code"),
    [
        # Chan, Silverman & Vincent (2021) Table 3, as the package's check_extended_MLE
        ("[12,13,23]", 2),  # LP positive, but not identifiable
        ("[12,3]", 1),  # MLE does not exist
        ("[12,13]", 1),
        ("[12,23]", 1),
        ("[13,23]", 0),  # passes both
        ("[13,2]", 0),
        ("[23,1]", 0),
        ("[1,2,3]", 0),
    ],
)
def test_artificial_3_matches_published_table(model, code):
    assert status(load_reference("artificial_3"), model) == code


def test_fixed_model_without_mle_is_refused_with_reason():
    with pytest.raises(MLENotExistError, match="does not exist"):
        estimate_population(load_reference("artificial_3"), method="fixed", model="[12,3]")


def test_fixed_model_not_identifiable_is_refused_with_reason():
    with pytest.raises(NotIdentifiableError, match="not identifiable"):
        estimate_population(load_reference("artificial_3"), method="fixed", model="[12,13,23]")


def test_korea_saturated_model_has_no_mle():
    # the c&d-only history is empty, so with all three pairs the fit would need a
    # zero expected count there
    assert status(load_reference("korea"), "[12,13,23]") == 1
    with pytest.raises(MLENotExistError):
        estimate_population(load_reference("korea"), method="fixed", model="[12,13,23]")


def test_search_skips_inadmissible_models_and_reports_counts():
    r = estimate_population(load_reference("artificial_3"), method="bic")
    sel = r.selection
    assert sel["models_considered"] == 8
    assert (
        sel["models_admissible"] + sel["models_without_mle"] >= 8 - sel["models_not_identifiable"]
    )
    assert sel["models_without_mle"] >= 1
    assert sel["models_not_identifiable"] >= 1
    assert r.model in ([], ["13"], ["23"], ["13", "23"])


def test_non_overlapping_pair_is_fitted_at_minus_infinity():
    # Artificial_3: A and C never share a case. [13,23] is admissible with both
    # pairs at -inf: the cells containing them are removed, the rest fitted.
    table = load_reference("artificial_3")
    design = Design(3, 2)
    view = DataView.from_table(design, table)
    lay = layout(view, parse_model("[13,23]", 3))
    assert sorted(lay.neg_inf_terms) == [0b101, 0b110]
    fit = fit_model(view, lay)
    # only histories A, B, C, AB remain (4 cells) with intercept, 3 mains, AB
    # removed -> 4 fitted parameters for 4 cells: a perfect fit
    assert lay.keep.sum() == 4
    assert fit.deviance == pytest.approx(0.0, abs=1e-8)
    assert fit.n_params == 6  # the two -inf pairs still count in AIC/BIC
    np.testing.assert_allclose(fit.mu[lay.keep], view.y[lay.keep], rtol=1e-8)
    # removed cells have fitted value exactly zero
    assert np.all(fit.mu[~lay.keep] == 0)
    r = estimate_population(table, method="fixed", model="[13,23]")
    assert r.minus_infinity_terms == ["13", "23"]
    assert any("never share" in n for n in r.notes)


def test_stepwise_can_add_a_non_overlapping_pair():
    # Lists 1 and 3 never overlap although independence predicts many shared
    # cases, so the p-value for 13 is tiny and the pair enters at -inf.
    t = CaptureTable.from_histories(
        ["A", "B", "C"],
        {"100": 300, "010": 200, "001": 300, "110": 60, "011": 60, "101": 0, "111": 0},
    )
    r = estimate_population(t, method="stepwise")
    assert "13" in r.model
    assert "13" in r.minus_infinity_terms
    assert r.selection["steps"][0]["added"] == "13"


def test_no_overlap_at_all_is_refused():
    t = CaptureTable.from_histories(["A", "B", "C"], {"100": 10, "010": 20, "001": 5})
    for method in ("stepwise", "bic"):
        with pytest.raises(NoOverlapError, match="do not overlap"):
            estimate_population(t, method=method)


def test_single_list_with_cases_is_refused():
    t = CaptureTable.from_histories(["A", "B"], {"10": 7})
    with pytest.raises(EstimateNotAvailable, match="at least two lists"):
        estimate_population(t)


def test_empty_table_is_refused():
    t = CaptureTable.from_histories(["A", "B"], {"10": 0, "01": 0})
    with pytest.raises(EstimateNotAvailable, match="no cases"):
        estimate_population(t)


def test_list_containing_everyone_is_refused():
    t = CaptureTable.from_histories(["A", "B", "C"], {"100": 5, "110": 3, "101": 4, "111": 1})
    with pytest.raises(MLENotExistError, match="'A' contains every observed person"):
        estimate_population(t)


def test_two_lists_give_lincoln_petersen():
    # main effects on two lists = Lincoln-Petersen: N = n1 * n2 / m
    t = CaptureTable.from_histories(["A", "B"], {"10": 60, "01": 30, "11": 20})
    r = estimate_population(t, method="bic")
    assert r.model == []
    assert r.estimate == pytest.approx(80 * 50 / 20, rel=1e-9)
