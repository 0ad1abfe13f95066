"""Errors raised by the de-identification engine.

Every error a user can act on names the field (spec key or column), the value and what
is allowed, so a data officer can fix the spec or the data without reading code.
"""

from __future__ import annotations


class DeidError(Exception):
    """Base class of every error the de-identification engine raises on purpose."""


class DeidSpecError(DeidError, ValueError):
    """The spec is invalid: unknown column, bad k, epsilon <= 0, malformed hierarchy, ..."""


class DeidDataError(DeidError, ValueError):
    """The records do not fit the spec: a value outside a hierarchy or a declared domain."""


class CannotAnonymiseError(DeidError):
    """No release satisfies the privacy model (e.g. fewer records than k)."""


class PrivacyBudgetExceededError(DeidError):
    """Spending would take an organisation over its total privacy budget (epsilon)."""
