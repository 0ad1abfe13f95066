"""One call from a capture-history table to an estimate with its spec.

>>> from tipdata.engines.estimation import CaptureTable, estimate_population
>>> korea = CaptureTable.from_histories(
...     ["b", "c", "d"],
...     {"001": 41, "010": 5, "100": 5, "110": 54, "101": 6, "011": 0, "111": 12})
>>> r = estimate_population(korea, method="bic")
>>> round(r.estimate, 2), r.model
(157.17, ['12', '23'])
>>> r = estimate_population(korea, method="stepwise")
>>> round(r.estimate, 2), r.model
(268.78, ['12'])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .bootstrap import Progress, bca_interval
from .data import CaptureTable, history_string, read_capture_csv
from .errors import EstimationError
from .fitting import Checker, DataView, Design, ModelFit, fit_model, layout
from .models import (
    format_term,
    hierarchy_string,
    model_term_names,
    model_terms_as_strings,
    parse_model,
    popcount,
)
from .result import EstimationResult
from .selection import (
    RestrictedSearch,
    check_table_usable,
    refuse,
    search_all_models,
    stepwise_select,
)

METHODS = ("stepwise", "bic", "aic", "fixed")
ENGINE_VERSION = "1"


def default_top_models(n_lists: int) -> int | None:
    """Models kept for BIC/AIC bootstrap selection (None = all), as the R package."""
    if n_lists <= 3:
        return None
    if n_lists == 4:
        return 20
    return 100


def estimate_population(
    table: CaptureTable,
    *,
    method: str = "stepwise",
    max_order: int = 2,
    threshold: float = 0.02,
    model: str | Sequence[str] | None = None,
    n_bootstrap: int = 0,
    seed: int = 1234,
    level: float = 0.95,
    bootstrap_top_models: int | None = None,
    model_limit: int = 200_000,
    progress: Progress | None = None,
) -> EstimationResult:
    """Estimate the total population (seen + unseen) from a capture-history table.

    ``method``: ``"stepwise"`` (Chan, Silverman and Vincent 2021, p-value
    ``threshold``), ``"bic"`` / ``"aic"`` (best of all hierarchical models with
    interactions up to ``max_order``) or ``"fixed"`` (the given ``model``, e.g.
    ``"[12,23]"``). With ``n_bootstrap > 0`` a BCa interval at ``level`` is added,
    repeating the selection in every resample (for bic/aic among the
    ``bootstrap_top_models`` best models on the original data; default as the R
    package: all for up to 3 lists, 20 for 4, 100 for 5 or more).

    Raises :class:`~tipdata.engines.estimation.errors.EstimateNotAvailable` (or a
    subclass) when the data cannot support the estimate, with the reason.
    """
    if method not in METHODS:
        raise EstimationError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if max_order < 1:
        raise EstimationError("max_order must be at least 1")
    if not 0.0 <= threshold <= 1.0:
        raise EstimationError(f"threshold must be between 0 and 1, got {threshold}")
    if n_bootstrap < 0:
        raise EstimationError("n_bootstrap cannot be negative")
    if not 0.0 < level < 1.0:
        raise EstimationError(f"level must be between 0 and 1, got {level}")
    if method == "fixed" and model is None:
        raise EstimationError("method 'fixed' needs a model, e.g. [12,23]")
    check_table_usable(table)
    t = table.n_lists
    notes = list(table.notes)
    if max_order > t - 1:
        notes.append(
            f"max order {max_order} lowered to {t - 1}: an interaction of all {t} lists "
            "cannot be estimated"
        )
        max_order = t - 1

    spec: dict[str, Any] = {
        "engine": "tipdata.engines.estimation",
        "engine_version": ENGINE_VERSION,
        "method": method,
        "max_order": max_order,
        "threshold": threshold if method == "stepwise" else None,
        "model": (model if isinstance(model, str) else list(model)) if model is not None else None,
        "bootstrap": None,
        "data": {
            "source": table.source,
            "lists": list(table.list_names),
            "histories": {h: c for h, c in table.histories()},
        },
    }
    selection: dict[str, Any] = {}
    estimator = None

    if method == "stepwise":
        design = Design(t, max(2, max_order))
        checker = Checker()
        sw = stepwise_select(
            table, threshold=threshold, max_order=max_order, design=design, checker=checker
        )
        fit = sw.fit
        selection = {
            "steps": [
                {
                    "added": format_term(s.term, t),
                    "lists": _names(s.term, table.list_names),
                    "p_value": s.p_value,
                    "estimate_after": s.estimate_after,
                }
                for s in sw.steps
            ]
        }

        def estimator(counts: np.ndarray) -> float:
            return stepwise_select(
                table.with_counts(counts),
                threshold=threshold,
                max_order=max_order,
                design=design,
                checker=checker,
            ).fit.estimate

    elif method in ("bic", "aic"):
        search = search_all_models(
            table, criterion=method, max_order=max_order, model_limit=model_limit
        )
        fit = search.best_fit
        ranking = search.ranking()
        selection = {
            "criterion": method,
            "models_considered": int(search.models.shape[0]),
            "models_admissible": int(search.admissible.sum()),
            "models_without_mle": int(((search.status & 1) > 0).sum()),
            "models_not_identifiable": int(((search.status & 2) > 0).sum()),
            "top_models": [
                {
                    "model": model_terms_as_strings(search.model_terms(i), t),
                    "model_hierarchy": hierarchy_string(search.model_terms(i), t),
                    "estimate": float(search.estimate[i]),
                    method: float(search.score[i]),
                }
                for i in ranking[:10]
            ],
        }
        if n_bootstrap:
            k = bootstrap_top_models or default_top_models(t)
            chosen = ranking if k is None else ranking[:k]
            spec_top = None if k is None else int(k)
            spec["bootstrap_top_models"] = spec_top
            restricted = RestrictedSearch(
                t, max_order, method, [search.model_terms(i) for i in chosen]
            )
            estimator = restricted.estimate
            if k is not None and k < len(ranking):
                notes.append(
                    f"bootstrap selection was among the {k} best models on the original "
                    f"data (of {len(ranking)} admissible), as in Silverman, Chan and "
                    "Vincent (2024)"
                )
    else:  # fixed
        assert model is not None
        terms = parse_model(model, t)
        order = max((popcount(x) for x in terms), default=1)
        design = Design(t, max(order, 1))
        view = DataView.from_table(design, table)
        checker = Checker()
        lay = layout(view, terms)
        st = checker.status(view, lay)
        if st:
            raise refuse(st, f"the model {hierarchy_string(terms, t)}")
        fit = fit_model(view, lay)

        def estimator(counts: np.ndarray) -> float:
            v = DataView.from_counts(design, counts)
            lay_b = layout(v, terms)
            st_b = checker.status(v, lay_b)
            if st_b:
                raise refuse(st_b, "the model")
            return fit_model(v, lay_b).estimate

    interval = None
    if n_bootstrap:
        assert estimator is not None
        spec["bootstrap"] = {
            "n_bootstrap": n_bootstrap,
            "seed": seed,
            "level": level,
            "method": "BCa",
            "resampling": "multinomial",
        }
        interval, _ = bca_interval(
            table,
            estimator,
            fit.estimate,
            n_bootstrap=n_bootstrap,
            seed=seed,
            level=level,
            progress=progress,
        )

    if fit.neg_inf_terms:
        notes.append(
            "lists that never share a person: "
            + ", ".join(_names(x, table.list_names) for x in fit.neg_inf_terms)
            + "; their interaction is estimated at minus infinity (extended maximum "
            "likelihood) - the model says such persons do not exist"
        )
    empty = [n for n, v in table.list_totals().items() if v == 0]
    if empty:
        notes.append(f"list(s) with no cases carry no information: {empty}")
    return _result(table, fit, method, interval, selection, notes, spec)


def estimate_from_csv(
    path: str | Path, *, count_column: str = "count", **kwargs: Any
) -> EstimationResult:
    """Read a capture-history CSV and estimate (keyword arguments as
    :func:`estimate_population`)."""
    table = read_capture_csv(path, count_column=count_column)
    result = estimate_population(table, **kwargs)
    result.spec["data"]["count_column"] = count_column
    return result


def _names(term: int, names: tuple[str, ...]) -> str:
    return ":".join(names[i] for i in range(len(names)) if term >> i & 1)


def _result(
    table: CaptureTable,
    fit: ModelFit,
    method: str,
    interval: Any,
    selection: dict[str, Any],
    notes: list[str],
    spec: dict[str, Any],
) -> EstimationResult:
    t = table.n_lists
    return EstimationResult(
        estimate=fit.estimate,
        observed=fit.observed,
        unobserved=fit.unobserved,
        model=model_terms_as_strings(fit.terms, t),
        model_names=model_term_names(fit.terms, table.list_names),
        model_hierarchy=hierarchy_string(fit.terms, t),
        minus_infinity_terms=[format_term(x, t) for x in fit.neg_inf_terms],
        method=method,
        aic=fit.aic,
        bic=fit.bic,
        deviance=fit.deviance,
        df=fit.df,
        n_params=fit.n_params,
        log_likelihood=fit.loglik,
        lists=list(table.list_names),
        list_totals=table.list_totals(),
        interval=interval,
        selection=selection,
        notes=notes,
        spec=spec,
    )


__all__ = [
    "METHODS",
    "default_top_models",
    "estimate_from_csv",
    "estimate_population",
    "history_string",
]
