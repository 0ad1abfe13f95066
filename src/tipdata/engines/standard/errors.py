"""Errors raised by the standard engine; each message names what a user must fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class StandardError(Exception):
    """Base class for every error of the standard engine."""


class DictionaryFileError(StandardError):
    """A dictionary, overlay or translation file is missing or malformed.

    ``path`` is the file and ``entry`` says where inside it (for example
    ``entities[2].fields[7] (vic_MethodsOfControl).type``).
    """

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path = path
        self.entry = entry
        self.problem = problem
        where = f"{path}: {entry}: " if entry else f"{path}: "
        super().__init__(where + problem)


class UnknownFieldError(StandardError, KeyError):
    """No field has the given name; ``suggestions`` holds close matches."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), reason: str = "") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        message = reason or f"unknown field {name!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(self.suggestions) + "?"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise print the message quoted
        return self.message


class UnknownEntityError(StandardError, KeyError):
    """No entity has the given key; ``suggestions`` holds close matches."""

    def __init__(self, key: str, suggestions: Sequence[str] = ()) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        message = f"unknown entity {key!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(self.suggestions) + "?"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class UnknownCodeError(StandardError, LookupError):
    """A country, language or list code that the ISO lists / dictionary do not know."""


class ValueNotAllowedError(StandardError, ValueError):
    """A value is not valid for a field.

    ``field`` is the field's dictionary name, ``value`` the rejected input, ``allowed`` the
    allowed codes (empty for non-picklist fields) and ``reason`` what was wrong.
    """

    def __init__(
        self,
        field: str,
        value: Any,
        reason: str,
        allowed: Sequence[str] = (),
        htcds_name: str | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.allowed = tuple(allowed)
        self.htcds_name = htcds_name
        named = field if not htcds_name or htcds_name == field else f"{field} ({htcds_name})"
        message = f"{named}: {value!r} is not allowed: {reason}"
        if self.allowed:
            message += "; allowed codes: " + ", ".join(self.allowed)
        super().__init__(message)
