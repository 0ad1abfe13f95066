"""Multiple systems estimation: how many persons did no list see?

Pure computation (numpy, scipy), no Django. Input is a capture-history table
(one 0/1 column per list plus a ``count`` column); output is an
:class:`EstimationResult` with the estimate, the chosen log-linear model, an
optional BCa bootstrap interval and the spec it ran with.

Methods: the stepwise procedure of Chan, Silverman and Vincent (2021), and
AIC/BIC choice among all hierarchical models (as Rcapture's ``closedpMS.t``).
See ``docs/estimation.md`` for the method, its assumptions and how the results
were checked against the R packages.
"""

from .api import METHODS, default_top_models, estimate_from_csv, estimate_population
from .bootstrap import Interval, bca_interval, quantile_type8
from .data import CaptureTable, parse_capture_csv, read_capture_csv
from .errors import (
    CaptureDataError,
    EstimateNotAvailable,
    EstimationError,
    IntervalNotAvailable,
    MLENotExistError,
    NoOverlapError,
    NotIdentifiableError,
    TooManyModelsError,
)
from .models import enumerate_models, hierarchy_string, parse_model
from .reference import REFERENCE_TABLES, load_reference
from .result import EstimationResult
from .selection import search_all_models, stepwise_select

__all__ = [
    "METHODS",
    "CaptureDataError",
    "CaptureTable",
    "EstimateNotAvailable",
    "EstimationError",
    "EstimationResult",
    "Interval",
    "REFERENCE_TABLES",
    "IntervalNotAvailable",
    "MLENotExistError",
    "NoOverlapError",
    "NotIdentifiableError",
    "TooManyModelsError",
    "bca_interval",
    "default_top_models",
    "enumerate_models",
    "estimate_from_csv",
    "estimate_population",
    "hierarchy_string",
    "load_reference",
    "parse_capture_csv",
    "parse_model",
    "quantile_type8",
    "read_capture_csv",
    "search_all_models",
    "stepwise_select",
]
