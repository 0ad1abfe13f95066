"""Published capture-history tables shipped with the engine (see
``reference_data/README.md`` for their sources)."""

from __future__ import annotations

from importlib import resources

from .data import CaptureTable, parse_capture_csv

REFERENCE_TABLES = (
    "korea",
    "uk2013",
    "new_orleans",
    "new_orleans_5",
    "western",
    "artificial_3",
)


def load_reference(name: str) -> CaptureTable:
    """Load one of :data:`REFERENCE_TABLES` as a :class:`CaptureTable`."""
    if name not in REFERENCE_TABLES:
        raise KeyError(f"unknown reference table {name!r}; choose from {REFERENCE_TABLES}")
    text = (resources.files(__package__) / "reference_data" / f"{name}.csv").read_text(
        encoding="utf-8"
    )
    return parse_capture_csv(text, source=f"reference:{name}")
