"""The examples in the engine's docstrings run as written."""

from __future__ import annotations

import doctest

from tipdata.engines.quality import run


def test_run_quality_docstring_example() -> None:
    failures, tried = doctest.testmod(run, verbose=False)
    assert tried > 0 and failures == 0
