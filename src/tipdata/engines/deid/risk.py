"""Re-identification risk of released microdata under the prosecutor and journalist models.

Prosecutor: the attacker knows the target is in the release, so the risk of a record is
1 / (size of its class of quasi-identifier values). Journalist: the attacker does not
know, and matches against a population table, so the risk is 1 / (number of
population records with the same generalised values), at most the prosecutor risk.
Without a population table the journalist risk is reported equal to the prosecutor
risk, which is an upper bound of it (the population contains at least the records).

A suppressed cell (``*``) matches any value in the population: the attacker cannot
tell which one it hid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import DeidSpecError
from .hierarchies import SUPPRESSED, encode_column

if TYPE_CHECKING:
    from .spec import DeidSpec

POPULATION_MODEL = "population table"
_MISSING = "\x00missing"  # joins missing with missing (None and NaN do not reliably match)
UPPER_BOUND_MODEL = "equal to prosecutor (upper bound: no population table given)"


@dataclass
class RiskMeasures:
    """Risk of re-identification (probabilities, 0..1) over the released records."""

    prosecutor_max: float
    prosecutor_mean: float
    prosecutor_share_above_threshold: float
    journalist_max: float
    journalist_mean: float
    journalist_share_above_threshold: float
    journalist_model: str
    threshold: float
    population_records: int | None = None


def class_sizes(frame: pd.DataFrame) -> np.ndarray:
    """Size of each row's class of identical values (missing is a value)."""
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    return (
        frame.groupby(list(frame.columns), dropna=False, sort=False)[frame.columns[0]]
        .transform("size")
        .to_numpy(dtype=np.int64)
    )


def risk_measures(
    released_qi: pd.DataFrame,
    *,
    spec: DeidSpec,
    levels: Sequence[int],
    threshold: float,
    population: pd.DataFrame | None = None,
    population_weight: str | None = None,
) -> RiskMeasures:
    """Prosecutor and journalist risk of the released quasi-identifier values."""
    if released_qi.empty:
        return RiskMeasures(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, UPPER_BOUND_MODEL, threshold)
    f = class_sizes(released_qi).astype(np.float64)
    pros = 1.0 / f
    if population is None:
        return RiskMeasures(
            prosecutor_max=float(pros.max()),
            prosecutor_mean=float(pros.mean()),
            prosecutor_share_above_threshold=float((pros > threshold).mean()),
            journalist_max=float(pros.max()),
            journalist_mean=float(pros.mean()),
            journalist_share_above_threshold=float((pros > threshold).mean()),
            journalist_model=UPPER_BOUND_MODEL,
            threshold=threshold,
        )
    big_f = _population_counts(released_qi, spec, levels, population, population_weight)
    # a population table that misses some released people cannot make them safer than
    # the release itself shows
    big_f = np.maximum(big_f, f)
    jour = 1.0 / big_f
    total = (
        int(population[population_weight].sum()) if population_weight else int(len(population))
    )
    return RiskMeasures(
        prosecutor_max=float(pros.max()),
        prosecutor_mean=float(pros.mean()),
        prosecutor_share_above_threshold=float((pros > threshold).mean()),
        journalist_max=float(jour.max()),
        journalist_mean=float(jour.mean()),
        journalist_share_above_threshold=float((jour > threshold).mean()),
        journalist_model=POPULATION_MODEL,
        threshold=threshold,
        population_records=total,
    )


def _population_counts(
    released_qi: pd.DataFrame,
    spec: DeidSpec,
    levels: Sequence[int],
    population: pd.DataFrame,
    weight: str | None,
) -> np.ndarray:
    cols = list(spec.qi_columns)
    missing = [c for c in cols if c not in population.columns]
    if missing:
        raise DeidSpecError(
            f"population table lacks quasi-identifier column(s) {missing!r}; it has: "
            f"{', '.join(map(str, population.columns))}"
        )
    if weight is not None and weight not in population.columns:
        raise DeidSpecError(f"population_weight column {weight!r} is not in the population table")
    gen: dict[str, np.ndarray] = {}
    for q, h, lv in zip(spec.quasi_identifiers, spec.hierarchies, levels, strict=True):
        enc = encode_column(population[q.column], h, column=f"population.{q.column}")
        lab = np.array(enc.labels[lv], dtype=object)
        gen[q.column] = lab[enc.codes_at(lv)]
    pop = pd.DataFrame(gen).fillna(_MISSING)
    released_qi = released_qi.astype(object).fillna(_MISSING)
    pop["__w"] = population[weight].to_numpy() if weight else 1
    result = np.zeros(len(released_qi), dtype=np.float64)
    star = (released_qi.to_numpy(dtype=object) == SUPPRESSED)
    patterns, pattern_id = np.unique(star, axis=0, return_inverse=True)
    pattern_id = np.asarray(pattern_id).reshape(-1)
    for pid, pattern in enumerate(patterns):
        rows = np.flatnonzero(pattern_id == pid)
        match_cols = [c for c, s in zip(cols, pattern, strict=True) if not s]
        if not match_cols:
            result[rows] = float(pop["__w"].sum())
            continue
        counts = pop.groupby(match_cols, dropna=False, sort=False)["__w"].sum().rename("__F")
        sub = released_qi.iloc[rows][match_cols]
        joined = sub.merge(counts, how="left", left_on=match_cols, right_index=True)
        result[rows] = joined["__F"].fillna(0).to_numpy(dtype=np.float64)
    return result
