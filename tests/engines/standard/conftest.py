"""Fixtures for the standard engine tests: the packaged dictionary and writable copies."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tipdata.engines.standard import DATA_DIR, Dictionary, load_dictionary

REPO = Path(__file__).resolve().parents[3]
# CI has the standard's sources at ../shared relative to the repository.
SOURCES = Path(os.environ.get("HTCDS_SOURCE", REPO.parent / "shared" / "standards" / "htcds-2.0"))


def sources_present() -> bool:
    return (SOURCES / "HTCDS Field Standards 2.0.ods").is_file()


needs_sources = pytest.mark.skipif(
    not sources_present(),
    reason=f"HTCDS 2.0 sources not found at {SOURCES} (set HTCDS_SOURCE); "
    "the packaged dictionary is still tested against the counts the standard publishes",
)


@pytest.fixture(scope="session")
def dictionary() -> Dictionary:
    return load_dictionary()


class DataCopy:
    """A writable copy of the data folder, for feeding the loader broken files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(DATA_DIR, root, dirs_exist_ok=True)
        self.json_path = root / "htcds-2.0.json"
        self.overlay_path = root / "privacy.yaml"

    def doc(self) -> Any:
        return json.loads(self.json_path.read_text(encoding="utf-8"))

    def write_doc(self, doc: Any) -> None:
        self.json_path.write_text(json.dumps(doc), encoding="utf-8")

    def overlay(self) -> Any:
        return yaml.safe_load(self.overlay_path.read_text(encoding="utf-8"))

    def write_overlay(self, overlay: Any) -> None:
        self.overlay_path.write_text(yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8")

    def load(self) -> Dictionary:
        return load_dictionary(self.json_path)


@pytest.fixture
def data_copy(tmp_path: Path) -> DataCopy:
    return DataCopy(tmp_path / "data")
