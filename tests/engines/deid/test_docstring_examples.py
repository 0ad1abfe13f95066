"""The runnable examples in the engine's docstrings stay true."""

from __future__ import annotations

import doctest

import pytest

from tipdata.engines.deid import dp_tables, kanon


@pytest.mark.parametrize("module", [dp_tables, kanon])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
