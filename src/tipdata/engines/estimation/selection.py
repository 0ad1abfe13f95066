"""Model selection: all-models search by AIC/BIC, and the stepwise method.

**All models** (as Rcapture's ``closedpMS.t`` and MultipleSystemsEstimation's
``estimate_population_bic``): every hierarchical model with main effects and
interactions up to ``max_order`` is considered; models whose extended MLE does
not exist or is not identifiable are set aside (as the MultipleSystemsEstimation
package does - Rcapture would report such fits with warnings); the rest are fitted
and the one with the smallest criterion gives the estimate. BIC is
``k log(n) - 2 log L`` with ``n`` the number of observed persons and ``k`` all
parameters including those fixed at minus infinity; AIC is ``2k - 2 log L``;
``log L`` is the full Poisson log-likelihood of the observable cells (so the
values equal R's).

**Stepwise** (Chan, Silverman and Vincent 2021; MultipleSystemsEstimation's
``estimate_population_stepwise``): start from main effects. At each step, for
every interaction not yet in the model whose sub-interactions are all in it (with
the default ``max_order=2``: every remaining pair), compute the Poisson p-value of
the observed number of persons on all its lists, ``N*``, under the current fit::

    p = min(P(X <= N*), P(X >= N*)),  X ~ Poisson(sum of fitted values on those cells)

A candidate whose model would have no (extended) MLE or would not be identifiable
gets p = 1. The smallest p is added if it is below the threshold (default 0.02);
ties go to the lowest term in the package's encoding order. Stop when nothing is
below the threshold. A threshold of 0 gives main effects only; a threshold of 1
gives the all-pairs model if it is admissible (as in the package).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import poisson

from .data import CaptureTable
from .errors import (
    EstimateNotAvailable,
    MLENotExistError,
    NoOverlapError,
    NotIdentifiableError,
)
from .fitting import (
    Checker,
    DataView,
    Design,
    ModelFit,
    fit_batch,
    fit_model,
    layout,
)
from .models import (
    all_interaction_terms,
    enumerate_models,
    format_term,
    immediate_subterms,
    popcount,
)

CRITERIA = ("bic", "aic")


# --------------------------------------------------------------- diagnostics
def check_table_usable(table: CaptureTable) -> None:
    """Refuse tables that cannot support any estimate, saying why."""
    n = table.observed
    if n == 0:
        raise EstimateNotAvailable("the table has no cases: every count is zero")
    totals = table.list_totals()
    with_cases = [k for k, v in totals.items() if v > 0]
    if len(with_cases) < 2:
        raise EstimateNotAvailable(
            f"only {len(with_cases)} list(s) have any cases ({with_cases}); at least two "
            "lists with cases are needed to estimate how many persons all lists missed"
        )
    multi = int(sum(c for h, c in enumerate(table.counts) if popcount(h) >= 2))
    if multi == 0:
        raise NoOverlapError(
            "no person appears on more than one list, so the lists do not overlap at "
            "all. Multiple systems estimation learns how many persons are missed from "
            "how often the lists find the same persons; with no overlap there is no "
            "information about the unseen population (any number fits equally well). "
            "Check that the lists were linked correctly before estimating."
        )
    for name, v in totals.items():
        if v == n:
            raise MLENotExistError(
                f"list {name!r} contains every observed person, so the data show no one "
                "that this list missed; the estimate of persons missed by all lists would "
                "be zero and the maximum likelihood estimate does not exist"
            )


def refuse(status: int, what: str) -> EstimateNotAvailable:
    """Exception for a failed check of the model ``what`` (status as Checker)."""
    if status & 1:
        return MLENotExistError(
            f"the maximum likelihood estimate for {what} does not exist (Fienberg-Rinaldo "
            "linear-programming check): the pattern of empty combinations of lists is such "
            "that the fitted number of unseen persons would be zero or unbounded"
        )
    return NotIdentifiableError(
        f"{what} is not identifiable: the combinations of lists that contain persons "
        "do not determine all of its parameters, so different estimates of the unseen "
        "population fit the data equally well"
    )


# ------------------------------------------------------------- all models
@dataclass
class SearchResult:
    """Outcome of an all-models search."""

    criterion: str
    max_order: int
    terms: list[int]  # interaction terms, columns of `models`
    models: np.ndarray  # (n_models, n_terms) bool, all enumerated models
    admissible: np.ndarray  # (n_models,) bool
    status: np.ndarray  # (n_models,) 0 ok, 1 no MLE, 2 not identifiable, 3 both
    estimate: np.ndarray  # (n_models,) nan where not admissible
    bic: np.ndarray
    aic: np.ndarray
    deviance: np.ndarray
    best: int  # index into models
    best_fit: ModelFit
    lp_calls: int

    @property
    def score(self) -> np.ndarray:
        return self.bic if self.criterion == "bic" else self.aic

    def model_terms(self, i: int) -> frozenset[int]:
        return frozenset(t for t, on in zip(self.terms, self.models[i], strict=True) if on)

    def ranking(self) -> np.ndarray:
        """Indices of admissible models, best criterion first."""
        idx = np.nonzero(self.admissible)[0]
        return idx[np.argsort(self.score[idx], kind="stable")]


def _layout_matrices(
    view: DataView, terms: list[int], models: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`layout` for many models: fit, keep, n_params, zero-pattern."""
    d = view.design
    B = models.shape[0]
    cols = np.array([d.ensure(t) for t in terms], dtype=int)
    fit = np.zeros((B, d.n_cols), dtype=bool)
    fit[:, : d.first_interaction] = True
    fit[:, cols] = models
    n_params = fit.sum(axis=1)
    zero_cols = np.nonzero(view.nstar == 0)[0]
    zero_cols = zero_cols[zero_cols != 0]
    zero_pattern = fit[:, zero_cols]  # which zero-N* terms each model contains
    removed = (zero_pattern.astype(float) @ d.X[:, zero_cols].T) > 0
    fit[:, zero_cols] = False
    return fit, ~removed, n_params, zero_pattern


def _admissibility(
    view: DataView, checker: Checker, fit: np.ndarray, keep: np.ndarray, zero_pattern: np.ndarray
) -> np.ndarray:
    """Status (0/1/2/3) for many models, using the top-model shortcut per group of
    models that remove the same cells."""
    B = fit.shape[0]
    status = np.zeros(B, dtype=np.int8)
    groups: dict[bytes, list[int]] = {}
    for i in range(B):
        groups.setdefault(zero_pattern[i].tobytes(), []).append(i)
    for members in groups.values():
        idx = np.array(members)
        kp = keep[idx[0]]
        top = fit[idx].any(axis=0)
        exist_all = checker.exists(view, top, kp)
        ident_all = checker.identifiable(view, top, kp)
        if exist_all and ident_all:
            continue
        # fall back to model-by-model, largest first, reusing passes of supersets
        order = idx[np.argsort(-fit[idx].sum(axis=1), kind="stable")]
        pass_exist: list[np.ndarray] = []
        pass_rank: list[np.ndarray] = []
        for i in order:
            f = fit[i]
            e = exist_all or any(not (f & ~p).any() for p in pass_exist)
            if not e:
                e = checker.exists(view, f, kp)
                if e:
                    pass_exist.append(f)
            r = ident_all or any(not (f & ~p).any() for p in pass_rank)
            if not r:
                r = checker.identifiable(view, f, kp)
                if r:
                    pass_rank.append(f)
            status[i] = (0 if e else 1) + (0 if r else 2)
    return status


def search_all_models(
    table: CaptureTable,
    *,
    criterion: str = "bic",
    max_order: int = 2,
    model_limit: int = 200_000,
    checker: Checker | None = None,
) -> SearchResult:
    """Fit every admissible hierarchical model and pick the best by ``criterion``."""
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    check_table_usable(table)
    t = table.n_lists
    max_order = max(1, min(max_order, t))
    models = enumerate_models(t, max_order, limit=model_limit)
    terms = all_interaction_terms(t, max_order)
    design = Design(t, max_order)
    view = DataView.from_table(design, table)
    checker = checker or Checker()
    fit, keep, n_params, zero_pattern = _layout_matrices(view, terms, models)
    status = _admissibility(view, checker, fit, keep, zero_pattern)
    ok = status == 0
    n_models = models.shape[0]
    est = np.full(n_models, np.nan)
    bic = np.full(n_models, np.nan)
    aic = np.full(n_models, np.nan)
    dev = np.full(n_models, np.nan)
    idx = np.nonzero(ok)[0]
    if idx.size == 0:
        raise refuse(int(status[0]), "every model considered")
    res = fit_batch(view, fit[idx], keep[idx])
    n = view.n_observed
    k = n_params[idx]
    est[idx] = n + np.exp(res.beta[:, 0])
    bic[idx] = k * np.log(n) - 2 * res.loglik
    aic[idx] = 2 * k - 2 * res.loglik
    dev[idx] = res.deviance
    score = bic if criterion == "bic" else aic
    best = int(idx[np.argmin(score[idx])])
    best_terms = frozenset(tt for tt, on in zip(terms, models[best], strict=True) if on)
    best_fit = fit_model(view, layout(view, best_terms))
    return SearchResult(
        criterion=criterion,
        max_order=max_order,
        terms=terms,
        models=models,
        admissible=ok,
        status=status,
        estimate=est,
        bic=bic,
        aic=aic,
        deviance=dev,
        best=best,
        best_fit=best_fit,
        lp_calls=checker.lp_calls,
    )


class RestrictedSearch:
    """Selection among a fixed short list of models (the top models on the
    original data), re-run on resampled counts - the bootstrap approximation of
    Silverman, Chan and Vincent (2024)."""

    def __init__(
        self, n_lists: int, max_order: int, criterion: str, model_terms: list[frozenset[int]]
    ) -> None:
        self.design = Design(n_lists, max_order)
        self.criterion = criterion
        self.terms = all_interaction_terms(n_lists, self.design.max_order)
        self.models = np.array(
            [[tt in m for tt in self.terms] for m in model_terms], dtype=bool
        ).reshape(len(model_terms), len(self.terms))
        self.checker = Checker()

    def estimate(self, counts: np.ndarray) -> float:
        view = DataView.from_counts(self.design, counts)
        if view.n_observed == 0:
            raise EstimateNotAvailable("resample has no cases")
        fit, keep, n_params, zero_pattern = _layout_matrices(view, self.terms, self.models)
        status = _admissibility(view, self.checker, fit, keep, zero_pattern)
        idx = np.nonzero(status == 0)[0]
        if idx.size == 0:
            raise EstimateNotAvailable("no admissible model for this resample")
        res = fit_batch(view, fit[idx], keep[idx])
        k = n_params[idx]
        if self.criterion == "bic":
            score = k * np.log(view.n_observed) - 2 * res.loglik
        else:
            score = 2 * k - 2 * res.loglik
        j = int(np.argmin(score))
        return float(view.n_observed + np.exp(res.beta[j, 0]))


# ---------------------------------------------------------------- stepwise
@dataclass
class StepRecord:
    """One accepted step of the stepwise procedure."""

    term: int
    p_value: float
    estimate_after: float


@dataclass
class StepwiseResult:
    fit: ModelFit
    steps: list[StepRecord] = field(default_factory=list)
    lp_calls: int = 0


def _p_value_log(nstar: float, expected: float) -> float:
    """log of min(P(X <= n), P(X >= n)), X ~ Poisson(expected); logs avoid ties
    at zero when several candidates are overwhelmingly significant."""
    if expected <= 0:
        return 0.0
    lo = float(poisson.logcdf(nstar, expected))
    hi = float(poisson.logsf(nstar - 1, expected))
    return min(lo, hi, 0.0)


def stepwise_select(
    table: CaptureTable,
    *,
    threshold: float = 0.02,
    max_order: int = 2,
    checker: Checker | None = None,
    design: Design | None = None,
) -> StepwiseResult:
    """The stepwise method of Chan, Silverman and Vincent (2021)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    check_table_usable(table)
    t = table.n_lists
    # an interaction of all t lists is never identifiable (more parameters than cells)
    eff_order = max(1, min(max_order, t - 1))
    design = design or Design(t, max(2, eff_order))
    view = DataView.from_table(design, table)
    checker = checker or Checker()
    calls_before = checker.lp_calls

    current: frozenset[int] = frozenset()
    lay = layout(view, current)
    st = checker.status(view, lay)
    if st:
        raise refuse(st, "the main-effects model (lists independent)")

    if threshold >= 1.0:
        full = frozenset(all_interaction_terms(t, 2))
        full_lay = layout(view, full)
        if checker.status(view, full_lay) == 0:
            return StepwiseResult(fit_model(view, full_lay), [], checker.lp_calls - calls_before)

    fit = fit_model(view, lay)
    steps: list[StepRecord] = []
    if threshold <= 0.0:
        return StepwiseResult(fit, steps, checker.lp_calls - calls_before)
    log_thr = math.log(threshold)
    # the package's order (encoded history value) decides ties
    candidates_all = sorted(k for k in design.interactions if popcount(k) <= eff_order)
    while True:
        cands = [
            k
            for k in candidates_all
            if k not in current and all(s in current for s in immediate_subterms(k))
        ]
        if not cands:
            break
        best_term = -1
        best_logp = 0.0
        best_lay = None
        for k in cands:
            col = design.ensure(k)
            expected = float(fit.mu[design.Xb[:, col]].sum())
            logp = _p_value_log(float(view.nstar[col]), expected)
            if logp >= best_logp and best_term >= 0:
                continue
            if logp >= log_thr:
                continue
            cand_lay = layout(view, current | {k})
            if checker.status(view, cand_lay):
                continue  # p-value treated as 1
            if best_term < 0 or logp < best_logp:
                best_term, best_logp, best_lay = k, logp, cand_lay
        if best_term < 0 or best_lay is None:
            break
        current = current | {best_term}
        fit = fit_model(view, best_lay)
        steps.append(StepRecord(best_term, math.exp(best_logp), fit.estimate))
    return StepwiseResult(fit, steps, checker.lp_calls - calls_before)


def describe_term(term: int, list_names: tuple[str, ...]) -> str:
    n = len(list_names)
    idx = [i for i in range(n) if term >> i & 1]
    return f"{format_term(term, n)} ({':'.join(list_names[i] for i in idx)})"


__all__ = [
    "CRITERIA",
    "RestrictedSearch",
    "SearchResult",
    "StepRecord",
    "StepwiseResult",
    "check_table_usable",
    "search_all_models",
    "stepwise_select",
]
