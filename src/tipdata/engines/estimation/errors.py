"""Exceptions raised by the estimation engine.

Two families, so callers can react differently:

* :class:`CaptureDataError` - the input table itself is malformed (a cell that is
  not 0/1, a negative count ...). The message names the file, row, column and
  value, and what is allowed.
* :class:`EstimateNotAvailable` - the table is well formed but the data cannot
  support the requested estimate (the maximum likelihood estimate does not exist,
  the model is not identifiable, the lists do not overlap ...). The message says
  why in plain language.
"""

from __future__ import annotations


class EstimationError(Exception):
    """Base class for every error the estimation engine raises on purpose."""


class CaptureDataError(EstimationError, ValueError):
    """The capture-history table is malformed.

    Attributes mirror the message so that a caller (web form, API) can point at
    the offending cell.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        self.value = value
        where = []
        if source is not None:
            where.append(str(source))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if value is not None:
            where.append(f"value {value!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class EstimateNotAvailable(EstimationError):
    """The data cannot support the requested estimate; the message says why."""


class MLENotExistError(EstimateNotAvailable):
    """The (extended) maximum likelihood estimate does not exist for the model.

    Decided by the Fienberg-Rinaldo linear program: the observed margins lie on
    the boundary of the marginal cone, so the fitted dark figure would be zero or
    infinite.
    """


class NotIdentifiableError(EstimateNotAvailable):
    """The model's parameters are not identifiable from the observed cells.

    The design matrix restricted to the cells that can hold cases has deficient
    column rank, so different parameter values (and dark figures) fit equally
    well.
    """


class NoOverlapError(EstimateNotAvailable):
    """No case appears on more than one list, so nothing links the lists."""


class IntervalNotAvailable(EstimateNotAvailable):
    """A bootstrap interval cannot be computed (e.g. jackknife estimates fail)."""


class TooManyModelsError(EstimateNotAvailable):
    """The requested all-models search is too large to enumerate."""
