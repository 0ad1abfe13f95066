"""Errors of the screening engine; each message names what is wrong and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ScreeningError(Exception):
    """Base class for every error of the screening engine."""


class IndicatorFileError(ScreeningError):
    """The indicator file (or a translation file) is missing or malformed.

    ``path`` is the file and ``entry`` says where inside it, for example
    ``dimensions[3].indicators[0] (excessive_hours).grades.adult_labour``.
    """

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path = path
        self.entry = entry
        self.problem = problem
        where = f"{path}: {entry}: " if entry else f"{path}: "
        super().__init__(where + problem)


class AnswerError(ScreeningError, ValueError):
    """One answer cannot be used: an unknown question, or a value that is not allowed.

    ``key`` is the answer's key, ``value`` what was given, ``allowed`` what may be given.
    """

    def __init__(self, key: str, value: Any, problem: str, allowed: Sequence[str] = ()) -> None:
        self.key = key
        self.value = value
        self.problem = problem
        self.allowed = tuple(allowed)
        message = f"answer {key!r} = {value!r}: {problem}"
        if self.allowed:
            shown = ", ".join(self.allowed[:12]) + (" ..." if len(self.allowed) > 12 else "")
            message += f"; allowed: {shown}"
        super().__init__(message)


class AnswersError(ScreeningError, ValueError):
    """Several answers were rejected; ``errors`` holds each one (nothing is dropped silently)."""

    def __init__(self, errors: Sequence[AnswerError]) -> None:
        self.errors = tuple(errors)
        super().__init__(
            f"{len(self.errors)} answer(s) rejected:\n" + "\n".join(f"  - {e}" for e in self.errors)
        )
