"""The result of an estimate: plain data, JSON-serialisable through ``to_dict``.

JSON form (keys always present unless marked)::

    {
      "estimate": 268.78,          # total population, seen + unseen
      "observed": 123,             # persons on at least one list
      "unobserved": 145.78,        # estimated persons on no list (the dark figure)
      "model": ["12"],             # generating interactions, 1-based list numbers
      "model_names": ["b:c"],      # the same with list names
      "model_hierarchy": "[12,3]", # R package notation (for checking against R)
      "minus_infinity_terms": [],  # interactions fixed at -inf (lists never overlap)
      "method": "stepwise",        # stepwise | bic | aic | fixed
      "aic": 44.91, "bic": 58.97, "deviance": 8.57, "df": 2, "n_params": 5,
      "log_likelihood": -17.45,
      "lists": ["b", "c", "d"],
      "list_totals": {"b": 77, ...},
      "interval": {                # only when bootstrapped, else null
        "lower": ..., "upper": ..., "level": 0.95, "method": "BCa",
        "n_bootstrap": 1000, "seed": 1234, "acceleration": ..., "bias_correction": ...,
        "n_failed": 0, "notes": []
      },
      "selection": {...},          # steps (stepwise) or model ranking (bic/aic)
      "notes": [...],              # anything the user should know (duplicates summed ...)
      "spec": {...}                # everything the estimate ran with, incl. the data
    }

``model`` is a list of strings so that it stays unambiguous with ten or more lists
(then list numbers are dot-separated, ``"3.10"``); ``[]`` means main effects only
(lists independent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .bootstrap import Interval


@dataclass
class EstimationResult:
    estimate: float
    observed: int
    unobserved: float
    model: list[str]
    model_names: list[str]
    model_hierarchy: str
    minus_infinity_terms: list[str]
    method: str
    aic: float
    bic: float
    deviance: float
    df: int
    n_params: int
    log_likelihood: float
    lists: list[str]
    list_totals: dict[str, int]
    interval: Interval | None = None
    selection: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": float(self.estimate),
            "observed": int(self.observed),
            "unobserved": float(self.unobserved),
            "model": list(self.model),
            "model_names": list(self.model_names),
            "model_hierarchy": self.model_hierarchy,
            "minus_infinity_terms": list(self.minus_infinity_terms),
            "method": self.method,
            "aic": float(self.aic),
            "bic": float(self.bic),
            "deviance": float(self.deviance),
            "df": int(self.df),
            "n_params": int(self.n_params),
            "log_likelihood": float(self.log_likelihood),
            "lists": list(self.lists),
            "list_totals": dict(self.list_totals),
            "interval": self.interval.to_dict() if self.interval else None,
            "selection": self.selection,
            "notes": list(self.notes),
            "spec": self.spec,
        }
