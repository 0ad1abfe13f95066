"""Poisson log-linear fitting with extended maximum likelihood, and the checks
that decide whether a fit means anything.

The model for the expected count of capture history ``h`` (a bit mask) is::

    log mu_h = sum of alpha_theta over the model terms theta contained in h

where ``alpha_0`` (the intercept) is the log of the expected number of persons on
no list - the "dark figure". The population estimate is the number observed plus
``exp(alpha_0)``.

Sparse tables need three pieces of care, following Fienberg and Rinaldo (2012)
and Chan, Silverman and Vincent (2021):

* **Extended MLE.** A model term whose lists share no observed case (``N*=0``,
  e.g. a non-overlapping pair) has maximum likelihood value minus infinity. Its
  parameter is fixed at ``-inf``, every cell containing it has fitted value 0
  and is left out of the fit; the term still counts as a parameter in AIC/BIC.
* **Existence.** Even so, the MLE may not exist. The Fienberg-Rinaldo linear
  program decides: maximise ``s`` subject to ``A x = A y``, ``x >= s`` (A the
  design restricted to fitted terms and kept cells). The MLE exists iff the
  optimum is positive. The answer depends only on which cells are positive, so
  the program is solved on the 0/1 support of ``y`` and results are cached by
  support pattern.
* **Identifiability.** The design restricted to kept cells and fitted terms must
  have full column rank.

Two facts make the checks cheap for thousands of models. Removing a fitted term
removes an equality constraint, which can only raise the LP optimum, and removes
a column, which cannot lose rank. So if the model with *every* estimable term
passes for a given set of removed cells, every sub-model with the same removed
cells passes too; only when that "top" model fails are models checked one by one.

Fitting is Newton-Raphson (identical to IRLS for the canonical log link, started
like R's ``glm`` from ``mu = y + 0.1``) with step-halving, vectorised over a batch
of models that share one full design matrix: a model switches off the columns it
does not fit and the cells it removes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.special import gammaln

from .data import CaptureTable
from .errors import EstimationError
from .models import all_interaction_terms, popcount

#: LP optimum at or below this counts as zero (data are 0/1 support, so a
#: positive optimum is a rational number far above this).
LP_ZERO = 1e-9

#: Relative deviance change at which Newton iterations stop.
FIT_TOL = 1e-11
MAX_ITER = 100
CHUNK = 4096
#: Above this many elements the per-cell outer-product table is not built.
XX_MAX_ELEMENTS = 4_000_000


class Design:
    """Full design for ``n_lists`` lists with interactions up to ``max_order``.

    Columns: intercept (term 0), the main effects, then every interaction term of
    order 2..max_order. Rows: the ``2**n_lists - 1`` observable histories 1, 2, ...
    """

    def __init__(self, n_lists: int, max_order: int) -> None:
        if n_lists < 2:
            raise EstimationError("at least two lists are needed")
        self.n_lists = n_lists
        self.max_order = max(1, min(max_order, n_lists))
        self.interactions = all_interaction_terms(n_lists, self.max_order)
        self.columns: list[int] = [0] + [1 << i for i in range(n_lists)] + self.interactions
        self.col_index = {c: j for j, c in enumerate(self.columns)}
        self.n_cols = len(self.columns)
        self.n_cells = (1 << n_lists) - 1
        self.cells = np.arange(1, self.n_cells + 1, dtype=np.int64)
        cols = np.array(self.columns, dtype=np.int64)
        # X[c, j] = 1 when column j's lists are all in history c
        self.X = ((self.cells[:, None] & cols[None, :]) == cols[None, :]).astype(float)
        self.Xb = self.X.astype(bool)
        # outer products per cell, flattened, so the Hessians of a whole batch are one
        # matrix product mu @ XX; skipped when that table would be large (many lists)
        if self.n_cells * self.n_cols**2 <= XX_MAX_ELEMENTS:
            self.XX: np.ndarray | None = np.einsum("ci,cj->cij", self.X, self.X).reshape(
                self.n_cells, -1
            )
        else:
            self.XX = None
        self.first_interaction = 1 + n_lists

    def hessians(self, mu: np.ndarray) -> np.ndarray:
        """X^T diag(mu_b) X for every row b of ``mu`` (B, n_cells) -> (B, P, P)."""
        B, P = mu.shape[0], self.n_cols
        if self.XX is not None:
            return (mu @ self.XX).reshape(B, P, P)
        out = np.empty((B, P, P))
        for b in range(B):
            out[b] = (self.X.T * mu[b]) @ self.X
        return out

    def ensure(self, term: int) -> int:
        """Column index of ``term``; the design must already contain it."""
        try:
            return self.col_index[term]
        except KeyError:
            raise EstimationError(
                f"term of order {popcount(term)} is beyond this design's max order {self.max_order}"
            ) from None


@dataclass
class DataView:
    """Counts of one table laid out for a :class:`Design`."""

    design: Design
    y: np.ndarray  # (n_cells,) float counts, history 1..2**t-1
    nstar: np.ndarray  # (n_cols,) persons on all lists of each column
    support: np.ndarray  # (n_cells,) bool, y > 0
    n_observed: int

    @classmethod
    def from_counts(cls, design: Design, counts: np.ndarray) -> DataView:
        counts = np.asarray(counts)
        y = counts[1:].astype(float)
        nstar = design.X.T @ y
        return cls(design, y, np.rint(nstar), y > 0, int(round(y.sum())))

    @classmethod
    def from_table(cls, design: Design, table: CaptureTable) -> DataView:
        return cls.from_counts(design, table.counts)


@dataclass
class ModelLayout:
    """How one model sits on a DataView: which columns are fitted, which cells
    kept, which terms are fixed at minus infinity."""

    terms: frozenset[int]  # interaction terms of the model (hierarchical)
    fit: np.ndarray  # (n_cols,) bool
    keep: np.ndarray  # (n_cells,) bool
    neg_inf_terms: tuple[int, ...]
    n_params: int  # all parameters, including those at -inf

    def key(self) -> tuple[bytes, bytes]:
        return (self.fit.tobytes(), self.keep.tobytes())


def layout(view: DataView, terms: frozenset[int]) -> ModelLayout:
    d = view.design
    fit = np.zeros(d.n_cols, dtype=bool)
    fit[: d.first_interaction] = True
    for t in terms:
        fit[d.ensure(t)] = True
    n_params = int(fit.sum())
    zero = fit & (view.nstar == 0)
    zero[0] = False  # the intercept is never "zero": there is at least one case
    keep = np.ones(d.n_cells, dtype=bool)
    neg = []
    for j in np.nonzero(zero)[0]:
        keep &= ~d.Xb[:, j]
        neg.append(d.columns[j])
    fit &= ~zero
    return ModelLayout(terms, fit, keep, tuple(neg), n_params)


@dataclass
class Checker:
    """Existence / identifiability checks with caches (see module docstring)."""

    lp_calls: int = 0
    _exist: dict[tuple[bytes, bytes, bytes], bool] = field(default_factory=dict)
    _rank: dict[tuple[bytes, bytes], bool] = field(default_factory=dict)

    def exists(self, view: DataView, fit: np.ndarray, keep: np.ndarray) -> bool:
        supp = view.support & keep
        if supp[keep].all():
            return True  # x = y itself is strictly positive on every kept cell
        key = (fit.tobytes(), keep.tobytes(), supp.tobytes())
        hit = self._exist.get(key)
        if hit is None:
            hit = self._lp(view.design, fit, keep, supp) > LP_ZERO
            self._exist[key] = hit
        return hit

    def identifiable(self, view: DataView, fit: np.ndarray, keep: np.ndarray) -> bool:
        key = (fit.tobytes(), keep.tobytes())
        hit = self._rank.get(key)
        if hit is None:
            sub = view.design.X[np.ix_(keep, fit)]
            hit = bool(np.linalg.matrix_rank(sub) == fit.sum())
            self._rank[key] = hit
        return hit

    def top_fit(self, view: DataView) -> np.ndarray:
        """Every column with a positive sufficient statistic."""
        top = view.nstar > 0
        top[0] = True
        return top

    def status(self, view: DataView, lay: ModelLayout) -> int:
        """0 ok, 1 MLE does not exist, 2 not identifiable, 3 both (as the R code)."""
        top = self.top_fit(view)
        ok_exist = self.exists(view, top, lay.keep) or self.exists(view, lay.fit, lay.keep)
        ok_rank = self.identifiable(view, top, lay.keep) or self.identifiable(
            view, lay.fit, lay.keep
        )
        return (0 if ok_exist else 1) + (0 if ok_rank else 2)

    def _lp(self, design: Design, fit: np.ndarray, keep: np.ndarray, supp: np.ndarray) -> float:
        """Fienberg-Rinaldo linear program on the 0/1 support; returns the optimum."""
        self.lp_calls += 1
        A = design.X[np.ix_(keep, fit)].T  # (n_fit, n_keep)
        y01 = supp[keep].astype(float)
        t = A @ y01
        n_par, n_obs = A.shape
        c = np.zeros(n_obs + 1)
        c[-1] = -1.0  # maximise s
        a_eq = np.hstack([A, np.zeros((n_par, 1))])
        a_ub = np.hstack([-np.eye(n_obs), np.ones((n_obs, 1))])  # s - x_i <= 0
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=np.zeros(n_obs),
            A_eq=a_eq,
            b_eq=t,
            bounds=[(0, None)] * (n_obs + 1),
            method="highs",
        )
        if res.status != 0:  # infeasible cannot happen (x = y01 is feasible)
            raise EstimationError(f"linear program failed: {res.message}")
        return float(-res.fun)


@dataclass
class BatchFit:
    beta: np.ndarray  # (B, n_cols), 0 for columns not fitted
    mu: np.ndarray  # (B, n_cells), 0 on removed cells
    loglik: np.ndarray  # (B,)
    deviance: np.ndarray  # (B,)
    converged: np.ndarray  # (B,) bool
    log_dark_se: np.ndarray  # (B,) standard error of the intercept


def fit_batch(
    view: DataView, fit: np.ndarray, keep: np.ndarray, *, with_se: bool = False
) -> BatchFit:
    """Fit many models at once. ``fit`` (B, n_cols) and ``keep`` (B, n_cells).

    ``with_se`` adds the standard error of the intercept (one extra solve per
    model; the all-models search does not need it)."""
    fit = np.atleast_2d(fit)
    keep = np.atleast_2d(keep)
    parts = [
        _fit_chunk(view, fit[i : i + CHUNK], keep[i : i + CHUNK], with_se)
        for i in range(0, fit.shape[0], CHUNK)
    ]
    return BatchFit(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in BatchFit.__dataclass_fields__)
    )


def _fit_chunk(view: DataView, fit: np.ndarray, keep: np.ndarray, with_se: bool) -> BatchFit:
    d = view.design
    X = d.X
    y = view.y
    B, P = fit.shape
    M = fit.astype(float)
    K = keep.astype(float)
    # columns a model does not fit become identity rows/columns of its Hessian,
    # so their coefficients stay 0 and every model shares one array shape
    MM = M[:, :, None] * M[:, None, :]
    D = (1.0 - M)[:, :, None] * np.eye(P)
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    lgam = gammaln(y + 1.0)

    def masked_solve(H: np.ndarray, g: np.ndarray, rows: np.ndarray) -> np.ndarray:
        H = H * MM[rows] + D[rows]
        g = g * M[rows]
        try:
            return np.linalg.solve(H, g[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            return np.einsum("bij,bj->bi", np.linalg.pinv(H), g)

    def deviance(mu: np.ndarray, rows: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            ylogmu = np.where(y > 0, y * np.log(np.where(mu > 0, mu, 1e-300)), 0.0)
        return 2.0 * ((ylogy - ylogmu - (y - mu)) * K[rows]).sum(axis=1)

    def mean(b: np.ndarray, rows: np.ndarray) -> np.ndarray:
        eta = np.minimum(b @ X.T, 700.0)
        return np.exp(eta) * K[rows]

    every = np.arange(B)
    # IRLS start as in R's glm: mu = y + 0.1, one weighted least-squares step
    mu0 = (y + 0.1)[None, :] * K
    z = np.log(y + 0.1)[None, :] + (y[None, :] - mu0) / np.where(mu0 > 0, mu0, 1.0)
    beta = masked_solve(d.hessians(mu0), (mu0 * z) @ X, every)
    mu = mean(beta, every)
    dev = deviance(mu, every)
    converged = np.zeros(B, dtype=bool)
    active = every
    for _ in range(MAX_ITER):
        a = active
        mu_a, beta_a, dev_a = mu[a], beta[a], dev[a]
        grad = ((y[None, :] - mu_a) * K[a]) @ X
        step = masked_solve(d.hessians(mu_a), grad, a)
        new_beta = beta_a + step
        new_mu = mean(new_beta, a)
        new_dev = deviance(new_mu, a)
        worse = ~np.isfinite(new_dev) | (new_dev > dev_a + 1e-9 * (np.abs(dev_a) + 1.0))
        halvings = 0
        while worse.any() and halvings < 40:  # step-halving, as glm.fit
            w = np.nonzero(worse)[0]
            step[w] *= 0.5
            new_beta[w] = beta_a[w] + step[w]
            new_mu[w] = mean(new_beta[w], a[w])
            new_dev[w] = deviance(new_mu[w], a[w])
            worse[w] = ~np.isfinite(new_dev[w]) | (
                new_dev[w] > dev_a[w] + 1e-9 * (np.abs(dev_a[w]) + 1.0)
            )
            halvings += 1
        change = np.abs(new_dev - dev_a) / (np.abs(new_dev) + 0.1)
        beta[a], mu[a], dev[a] = new_beta, new_mu, new_dev
        done = change < FIT_TOL
        converged[a[done]] = True
        active = a[~done]
        if active.size == 0:
            break
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = (np.where(y > 0, y * np.log(np.where(mu > 0, mu, 1e-300)), 0.0) - mu - lgam) * K
    se = np.full(B, np.nan)
    if with_se:
        Hm = d.hessians(mu) * MM + D
        e0 = np.zeros((B, P, 1))
        e0[:, 0, 0] = 1.0
        try:
            cov00 = np.linalg.solve(Hm, e0)[:, 0, 0]
        except np.linalg.LinAlgError:
            cov00 = np.linalg.pinv(Hm)[:, 0, 0]
        se = np.sqrt(np.maximum(cov00, 0.0))
    return BatchFit(beta * M, mu, loglik.sum(axis=1), dev, converged, se)


@dataclass
class ModelFit:
    """One fitted model, in the form the selection code and results use."""

    terms: frozenset[int]
    estimate: float
    unobserved: float
    observed: int
    loglik: float
    deviance: float
    df: int
    n_params: int
    aic: float
    bic: float
    neg_inf_terms: tuple[int, ...]
    log_dark_se: float
    mu: np.ndarray  # fitted values on all cells (0 where removed)
    keep: np.ndarray
    converged: bool


def fit_model(view: DataView, lay: ModelLayout) -> ModelFit:
    """Fit one model whose existence and identifiability were already checked."""
    res = fit_batch(view, lay.fit[None, :], lay.keep[None, :], with_se=True)
    return _to_fit(view, lay, res, 0)


def _to_fit(view: DataView, lay: ModelLayout, res: BatchFit, i: int) -> ModelFit:
    n = view.n_observed
    ll = float(res.loglik[i])
    k = lay.n_params
    dark = float(np.exp(res.beta[i, 0]))
    return ModelFit(
        terms=lay.terms,
        estimate=n + dark,
        unobserved=dark,
        observed=n,
        loglik=ll,
        deviance=float(res.deviance[i]),
        df=int(lay.keep.sum() - lay.fit.sum()),
        n_params=k,
        aic=2 * k - 2 * ll,
        bic=k * float(np.log(n)) - 2 * ll,
        neg_inf_terms=lay.neg_inf_terms,
        log_dark_se=float(res.log_dark_se[i]),
        mu=res.mu[i],
        keep=lay.keep,
        converged=bool(res.converged[i]),
    )
