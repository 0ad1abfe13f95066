"""Differentially private synthetic microdata with pac-synth, and a utility report.

``pac-synth`` is Microsoft's Synthetic Data Showcase synthesiser, the one behind the
CTDC global hub's synthetic releases. Its DP aggregate-seeded synthesiser measures
every combination of up to ``reporting_length`` attribute values with Gaussian noise
(``(epsilon, delta)``-DP, the privacy unit being one record, i.e. one person here), and
samples records that reproduce those noisy counts. Parameters are recorded as the
library reports them, with ``delta`` set explicitly (default ``1 / (n ln n)``, the
library's own default, computed here so it can be written down).

The synthesiser must be fed columns at a *fixed, public* level of generalisation (age
bands, not the k-anonymous release's data-dependent levels), which the release layer
does; the DP guarantee then covers the original records.

pac-synth takes no random seed, so two runs differ. Its output order is grouped; the
rows are shuffled with ``seed`` for convenience only (the order carries nothing).

:func:`utility_report` compares synthetic and real 1-way marginals and 2-way tables:
mean absolute error of cell counts and total variation distance of the shares. Those
figures are computed from the real records and are not themselves DP; they are a few
aggregate numbers per breakdown, never cell counts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .dp_tables import check_epsilon
from .errors import DeidDataError, DeidSpecError

ACCURACY_MODES = ("prioritize_long_combinations", "prioritize_short_combinations", "balanced")
FABRICATION_MODES = ("uncontrolled", "balanced", "progressive", "minimize")
METHOD = "pac-synth DpAggregateSeededSynthesizer (Synthetic Data Showcase)"


@dataclass(frozen=True)
class SyntheticSpec:
    """Parameters of one synthetic dataset (JSON-serialisable).

    ``target_records``: how many records to sample; ``None`` lets pac-synth use its DP
    estimate of the record count (``number_of_records_epsilon_proportion`` of epsilon,
    noisy on small data). :func:`~tipdata.engines.deid.release.write_release` sets it to
    the number of persons in the release's microdata, which the release makes public.
    """

    columns: tuple[str, ...]
    epsilon: float = 1.0
    delta: float | None = None
    reporting_length: int = 3
    accuracy_mode: str = "prioritize_long_combinations"
    fabrication_mode: str = "balanced"
    percentile_percentage: int = 99
    percentile_epsilon_proportion: float = 0.01
    # pac-synth's own default (0.005) gives the record-count noise a Laplace scale of
    # 1 / (0.005 * epsilon): 400 at epsilon 0.5, so on a few hundred records the noisy count
    # went negative about one time in four and the synthesiser panicked. A tenth of epsilon
    # keeps the scale at 20 there (negative with odds below one in a million).
    number_of_records_epsilon_proportion: float = 0.1
    target_records: int | None = None
    binary_columns: tuple[str, ...] = ()
    seed: int = 0
    threads: int = 1

    def __post_init__(self) -> None:
        if not self.columns:
            raise DeidSpecError("synthetic.columns is empty; list the columns to synthesise")
        check_epsilon(self.epsilon, where="synthetic.epsilon")
        if self.delta is not None and not (0.0 < float(self.delta) < 1.0):
            raise DeidSpecError(f"synthetic.delta is {self.delta!r}; allowed: null or 0 < delta < 1")
        if not (isinstance(self.reporting_length, int) and 1 <= self.reporting_length <= 10):
            raise DeidSpecError(
                f"synthetic.reporting_length is {self.reporting_length!r}; allowed: 1..10"
            )
        if self.accuracy_mode not in ACCURACY_MODES:
            raise DeidSpecError(
                f"synthetic.accuracy_mode is {self.accuracy_mode!r}; allowed: {', '.join(ACCURACY_MODES)}"
            )
        if self.fabrication_mode not in FABRICATION_MODES:
            raise DeidSpecError(
                f"synthetic.fabrication_mode is {self.fabrication_mode!r}; allowed: "
                f"{', '.join(FABRICATION_MODES)}"
            )
        unknown_binary = sorted(set(self.binary_columns) - set(self.columns))
        if unknown_binary:
            raise DeidSpecError(f"synthetic.binary_columns {unknown_binary!r} are not in columns")

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "epsilon": self.epsilon,
            "delta": self.delta,
            "reporting_length": self.reporting_length,
            "accuracy_mode": self.accuracy_mode,
            "fabrication_mode": self.fabrication_mode,
            "percentile_percentage": self.percentile_percentage,
            "percentile_epsilon_proportion": self.percentile_epsilon_proportion,
            "number_of_records_epsilon_proportion": self.number_of_records_epsilon_proportion,
            "target_records": self.target_records,
            "binary_columns": list(self.binary_columns),
            "seed": self.seed,
            "threads": self.threads,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SyntheticSpec:
        allowed = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise DeidSpecError(f"synthetic: unknown key(s) {unknown!r}; allowed: {sorted(allowed)}")
        kwargs = dict(data)
        for key in ("columns", "binary_columns"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        return cls(**kwargs)


@dataclass
class SyntheticResult:
    """Synthetic records, the parameters they were made with and their utility."""

    data: pd.DataFrame
    parameters: dict[str, Any]
    utility: dict[str, Any]
    spec: SyntheticSpec = field(repr=False)
    method: str = METHOD
    dp_number_of_records: int | None = None

    def metadata(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "library": f"pac-synth {_pacsynth_version()}",
            "epsilon": self.spec.epsilon,
            "delta": self.parameters.get("delta"),
            "privacy_unit": "person: one record per person",
            "parameters": self.parameters,
            "records": len(self.data),
            "dp_number_of_records": self.dp_number_of_records,
            "spec": self.spec.to_dict(),
        }


def _pacsynth_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pac-synth")
    except PackageNotFoundError:  # pragma: no cover - the dependency is declared
        return "unknown"


def synthesize(records: pd.DataFrame, spec: SyntheticSpec) -> SyntheticResult:
    """DP synthetic records for ``spec.columns`` of ``records`` (one row per person)."""
    import pacsynth

    missing = [c for c in spec.columns if c not in records.columns]
    if missing:
        raise DeidSpecError(
            f"synthetic.columns {missing!r} not in the records; columns are: "
            f"{', '.join(map(str, records.columns))}"
        )
    n = len(records)
    if n < 2:
        raise DeidSpecError(f"synthetic data needs at least 2 records, got {n}")
    frame = pd.DataFrame(
        {c: records[c].astype(object).where(records[c].notna(), None) for c in spec.columns}
    )
    for c in spec.columns:
        if c in spec.binary_columns:
            # pac-synth treats "0" and "" as absent attributes: exactly what a 0/1 flag means
            frame[c] = frame[c].map(lambda v: "1" if v in (1, "1", True) else "0")
        else:
            frame[c] = frame[c].map(lambda v: "Unknown" if v is None else str(v))
            if (frame[c] == "0").any() or (frame[c] == "").any():
                raise DeidSpecError(
                    f"synthetic column {c!r} holds the value '0' or '', which pac-synth treats as "
                    "absent; declare it in binary_columns if it is a 0/1 flag, or recode it"
                )
    delta = float(spec.delta) if spec.delta is not None else 1.0 / (n * math.log(n))
    builder = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(spec.reporting_length)
        .epsilon(float(spec.epsilon))
        .delta(delta)
        .percentile_percentage(int(spec.percentile_percentage))
        .percentile_epsilon_proportion(float(spec.percentile_epsilon_proportion))
        .number_of_records_epsilon_proportion(float(spec.number_of_records_epsilon_proportion))
        .accuracy_mode(getattr(pacsynth.AccuracyMode, spec.accuracy_mode)())
        .fabrication_mode(getattr(pacsynth.FabricationMode, spec.fabrication_mode)())
    )
    params = builder.build()
    pacsynth.set_number_of_threads(max(1, int(spec.threads)))
    dataset = pacsynth.Dataset.from_data_frame(frame)
    synth = pacsynth.DpAggregateSeededSynthesizer(params)
    try:
        synth.fit(dataset)
        raw = synth.sample(spec.target_records) if spec.target_records else synth.sample()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pac-synth's Rust panics arrive as pyo3 PanicException (a BaseException)
        raise DeidDataError(
            f"the synthesiser could not work with these {n} records at epsilon {spec.epsilon:g} "
            f"({exc}); use more records or a larger epsilon for the synthetic data"
        ) from None
    out = pacsynth.Dataset.raw_data_to_data_frame(raw)
    out = out.reindex(columns=list(spec.columns))
    for c in spec.columns:
        if c in spec.binary_columns:
            out[c] = (out[c].astype(str) == "1").astype(np.int64)
        else:
            out[c] = out[c].astype(object).where(out[c].astype(str) != "", None)
    rng = np.random.default_rng(spec.seed)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    import json

    parameters = json.loads(str(params))
    parameters["delta"] = delta
    real = frame.copy()
    for c in spec.binary_columns:
        real[c] = (real[c] == "1").astype(np.int64)
    utility = utility_report(real, out, list(spec.columns))
    return SyntheticResult(
        data=out,
        parameters=parameters,
        utility=utility,
        spec=spec,
        dp_number_of_records=int(synth.get_dp_number_of_records()),
    )


def _joint_codes(real: pd.DataFrame, synth: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Cell ids of every real and synthetic row in one shared category space."""
    n_real = len(real)
    key = np.zeros(n_real + len(synth), dtype=np.int64)
    for c in cols:
        both = pd.concat([real[c], synth[c]], ignore_index=True).astype(object)
        both = both.where(both.notna(), "(missing)").astype(str)
        codes, uniq = pd.factorize(both)
        key = key * len(uniq) + codes
    cells, dense = np.unique(key, return_inverse=True)
    dense = np.asarray(dense).reshape(-1)
    return dense[:n_real], dense[n_real:], len(cells)


def _compare(real: pd.DataFrame, synth: pd.DataFrame, cols: Sequence[str]) -> dict[str, Any]:
    rcode, scode, n_cells = _joint_codes(real, synth, cols)
    r = np.bincount(rcode, minlength=n_cells).astype(np.float64)
    s = np.bincount(scode, minlength=n_cells).astype(np.float64)
    rp = r / r.sum() if r.sum() else r
    sp = s / s.sum() if s.sum() else s
    return {
        "columns": list(cols),
        "cells": n_cells,
        "mean_absolute_error": float(np.abs(r - s).mean()) if n_cells else 0.0,
        "mean_absolute_error_share": float(np.abs(rp - sp).mean()) if n_cells else 0.0,
        "total_variation_distance": float(0.5 * np.abs(rp - sp).sum()),
        "cells_only_in_synthetic": int(((r == 0) & (s > 0)).sum()),
        "cells_missing_from_synthetic": int(((r > 0) & (s == 0)).sum()),
    }


def utility_report(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    columns: Sequence[str],
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Errors of the synthetic data against the real data, per 1-way and 2-way breakdown.

    ``mean_absolute_error`` is over cell counts (the synthetic record count is close
    to, not equal to, the real one), ``total_variation_distance`` over shares (0 =
    identical distributions, 1 = disjoint).
    """
    one_way = [_compare(real, synthetic, [c]) for c in columns]
    pair_list = list(pairs) if pairs is not None else list(itertools.combinations(columns, 2))
    two_way = [_compare(real, synthetic, list(p)) for p in pair_list]

    def summary(items: list[dict[str, Any]]) -> dict[str, float]:
        if not items:
            return {"mean_tvd": 0.0, "max_tvd": 0.0, "mean_mae": 0.0}
        tvd = [i["total_variation_distance"] for i in items]
        return {
            "mean_tvd": float(np.mean(tvd)),
            "max_tvd": float(np.max(tvd)),
            "mean_mae": float(np.mean([i["mean_absolute_error"] for i in items])),
        }

    return {
        "real_records": len(real),
        "synthetic_records": len(synthetic),
        "one_way": one_way,
        "two_way": two_way,
        "summary": {"one_way": summary(one_way), "two_way": summary(two_way)},
        "note": (
            "Error figures are computed from the real records and are not differentially "
            "private; they are aggregate errors per breakdown, not counts."
        ),
    }
