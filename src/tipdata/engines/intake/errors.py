"""Errors raised by the intake engine.

Each message names the file (and where useful the sheet, row, column and value) and says
what would be accepted, so whoever holds the file can fix it without reading code.
Row-level problems are not errors: they quarantine the row (see ``pipeline.Reason``).
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base class of every error the intake engine raises on purpose."""


class FileFormatError(IntakeError, ValueError):
    """The file cannot be read as the table it claims to be: empty, binary garbage, a
    workbook named ``.csv``, an undecodable text, an old ``.xls`` workbook ..."""


class LimitError(IntakeError, ValueError):
    """The file is larger than the import allows (too many columns, rows or bytes)."""


class MappingError(IntakeError, ValueError):
    """A column mapping (guessed, given or loaded from YAML) names an unknown field, code,
    column or option."""
