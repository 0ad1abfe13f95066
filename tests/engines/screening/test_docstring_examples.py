"""The runnable example in screen()'s docstring stays true."""

from __future__ import annotations

import doctest
import importlib


def test_docstring_examples_run() -> None:
    # the package re-exports the function screen(), which hides the module of the same name
    module = importlib.import_module("tipdata.engines.screening.screen")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
