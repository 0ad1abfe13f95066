"""Shared fixtures: deterministic fictional records and releases written once per module."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tipdata.engines.deid.testdata import make_person_records


@pytest.fixture(scope="session")
def records() -> pd.DataFrame:
    return make_person_records(3000, seed=11)


@pytest.fixture(scope="session")
def small_records() -> pd.DataFrame:
    return make_person_records(600, seed=5)


def read_release_csv(path: Path) -> pd.DataFrame:
    """Read a release CSV as a user would, every value a string, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
