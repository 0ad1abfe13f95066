"""Errors raised by the quality engine; each names what the user must fix and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence


class QualityError(Exception):
    """Base class for every error of the quality engine."""


class QualitySpecError(QualityError, ValueError):
    """The quality spec is malformed: ``where`` says which key (``checks.stale_open_record.months``)."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"quality spec: {where}: {problem}" if where else f"quality spec: {problem}")


class QualityInputError(QualityError, ValueError):
    """Records the engine cannot check at all (no record id, a duplicate id, a date that is
    not a date in a tipdata column). ``problems`` lists every one, each naming the row, the
    record, the column, the value and what is allowed, so the whole file can be fixed at once.

    Values in *dictionary* fields are never input errors: a wrong code is what the quality
    checks are there to report.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in the records:\n  " + "\n  ".join(shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(text)
