"""The runnable example in screen()'s docstring stays true."""

from __future__ import annotations

import doctest

from tipdata.engines.screening import screen as screen_module


def test_docstring_examples_run() -> None:
    result = doctest.testmod(screen_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
