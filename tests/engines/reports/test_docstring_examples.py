"""The runnable examples in the reports engine's docstrings stay true."""

from __future__ import annotations

import doctest

import pytest

import tipdata.engines.reports as package
from tipdata.engines.reports import dashboard, indicators, spec, suppression


@pytest.mark.parametrize("module", [package, dashboard, indicators, spec, suppression])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
