"""What the linkage benchmarks measure the same way: accuracy, peak memory, the plain Splink model."""

from __future__ import annotations

import resource
from collections.abc import Iterable
from typing import Any


def prf(found: Iterable[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the pairs found against the true pairs."""
    found = set(found)
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_splink_comparisons() -> list[Any]:
    """The "plain Splink" baseline: Splink's own comparisons on the raw columns."""
    import splink.comparison_library as cl

    return [
        cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8]),
        cl.LevenshteinAtThresholds("birth_date", [1, 2]),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
    ]
