"""Errors raised by the reports engine.

An error a user can act on names the row, the field, the value and what is allowed.
"""

from __future__ import annotations


class ReportError(Exception):
    """Base class of every error the reports engine raises on purpose."""


class ReportSpecError(ReportError, ValueError):
    """The report spec is invalid: unknown key, bad date, threshold out of range, ..."""


class ReportInputError(ReportError, ValueError):
    """The input records do not follow the documented schema.

    ``problems`` lists every problem found (``row 3, field 'gender': ...``), not only the
    first, so a whole file can be fixed in one pass.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(self.problems[:20])
        more = f"\n... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the report input:\n{shown}{more}")


class SuppressionError(ReportError):
    """The published numbers contradict each other (a bug in a table builder, not user input)."""
