"""The examples in the name engine's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tipdata.engines.names.compare",
    "tipdata.engines.names.dates",
    "tipdata.engines.names.honorifics",
    "tipdata.engines.names.normalise",
    "tipdata.engines.names.phonetic",
    "tipdata.engines.names.transliterate",
    "tipdata.engines.names.translit_burmese",
    "tipdata.engines.names.translit_khmer",
    "tipdata.engines.names.translit_tai",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
