"""Hierarchical log-linear models of a capture-history table.

A model always contains the intercept (the log of the expected number of persons
on no list) and every main effect (one per list); it may add interaction terms
between lists. A *term* is a bit mask of lists (bit ``i`` = list ``i + 1``), so
``0b011`` is the interaction between lists 1 and 2. Models are *hierarchical*:
if a term is present, every interaction it contains is present too (a 123 term
implies 12, 13 and 23).

Notation, used in results and on the command line:

* ``"12"`` is the interaction of lists 1 and 2 (1-based indices, in list order);
  with ten or more lists the indices are separated by dots (``"3.10"``) so they
  stay unambiguous.
* A model is written by its *generating* interactions - the maximal ones - e.g.
  ``["12", "23"]``; the R packages write the same model ``"[12,23]"`` and add
  main effects not covered by an interaction (``"[12,3]"``), which
  :func:`hierarchy_string` reproduces for comparison.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np

from .errors import EstimationError, TooManyModelsError


def popcount(x: int) -> int:
    return bin(x).count("1")


def term_lists(term: int, n_lists: int) -> list[int]:
    """1-based list indices in a term, ascending."""
    return [i + 1 for i in range(n_lists) if term >> i & 1]


def format_term(term: int, n_lists: int) -> str:
    sep = "." if n_lists >= 10 else ""
    return sep.join(str(i) for i in term_lists(term, n_lists))


def term_sort_key(term: int, n_lists: int) -> tuple[int, list[int]]:
    return (popcount(term), term_lists(term, n_lists))


def all_interaction_terms(n_lists: int, max_order: int) -> list[int]:
    """Every interaction of order 2..max_order, ordered by order then lists."""
    out = []
    for order in range(2, min(max_order, n_lists) + 1):
        for combo in itertools.combinations(range(n_lists), order):
            out.append(sum(1 << i for i in combo))
    return out


def subterms(term: int) -> list[int]:
    """Interaction terms (order >= 2) strictly inside ``term``."""
    bits = [1 << i for i in range(term.bit_length()) if term >> i & 1]
    out = []
    for order in range(2, len(bits)):
        for combo in itertools.combinations(bits, order):
            out.append(sum(combo))
    return out


def immediate_subterms(term: int) -> list[int]:
    """Terms obtained by dropping one list (only those of order >= 2)."""
    if popcount(term) <= 2:
        return []
    return [term & ~(1 << i) for i in range(term.bit_length()) if term >> i & 1]


def closure(terms: Iterable[int]) -> frozenset[int]:
    """Smallest hierarchical set of interactions containing ``terms``."""
    out: set[int] = set()
    for t in terms:
        if popcount(t) >= 2:
            out.add(t)
            out.update(subterms(t))
    return frozenset(out)


def is_hierarchical(terms: Iterable[int]) -> bool:
    s = set(terms)
    return all(sub in s for t in s for sub in immediate_subterms(t))


def generators(terms: Iterable[int]) -> list[int]:
    """Maximal interaction terms (those not inside another term of the model)."""
    s = set(terms)
    return [t for t in s if not any(t != u and (t & u) == t for u in s)]


def model_terms_as_strings(terms: Iterable[int], n_lists: int) -> list[str]:
    """The generating interactions as strings, e.g. ``["12", "23"]``."""
    gens = sorted(generators(terms), key=lambda t: term_sort_key(t, n_lists))
    return [format_term(t, n_lists) for t in gens]


def model_term_names(terms: Iterable[int], list_names: Sequence[str]) -> list[str]:
    """Generating interactions with list names, e.g. ``["LA:NG"]``."""
    n = len(list_names)
    gens = sorted(generators(terms), key=lambda t: term_sort_key(t, n))
    return [":".join(list_names[i - 1] for i in term_lists(t, n)) for t in gens]


def hierarchy_string(terms: Iterable[int], n_lists: int) -> str:
    """R package notation: generators, then main effects not covered: ``[12,3]``."""
    s = set(terms)
    gens = sorted(generators(s), key=lambda t: term_sort_key(t, n_lists))
    covered = 0
    for t in s:
        covered |= t
    parts = [format_term(t, n_lists) for t in gens]
    parts += [str(i + 1) for i in range(n_lists) if not covered >> i & 1]
    return "[" + ",".join(parts) + "]"


_TERM_RE = re.compile(r"^\d+(\.\d+)*$")


def parse_term(text: str, n_lists: int) -> int:
    """``"12"`` / ``"3.10"`` -> bit mask; raises EstimationError if malformed."""
    text = text.strip()
    if not _TERM_RE.match(text):
        raise EstimationError(f"interaction {text!r} is not of the form 12 or 1.10")
    if "." in text:
        idx = [int(p) for p in text.split(".")]
    elif n_lists >= 10:
        raise EstimationError(
            f"interaction {text!r} is ambiguous with {n_lists} lists; separate list "
            "numbers with dots, e.g. 1.10"
        )
    else:
        idx = [int(c) for c in text]
    if len(set(idx)) != len(idx):
        raise EstimationError(f"interaction {text!r} repeats a list")
    for i in idx:
        if not 1 <= i <= n_lists:
            raise EstimationError(
                f"interaction {text!r} names list {i}; lists are numbered 1 to {n_lists}"
            )
    return sum(1 << (i - 1) for i in idx)


def parse_model(spec: str | Sequence[str], n_lists: int) -> frozenset[int]:
    """Parse ``"[12,23]"``, ``"12,23"`` or ``["12", "23"]`` into a hierarchical
    set of interaction terms. Single-list entries (main effects) are accepted and
    ignored, since main effects are always in the model."""
    if isinstance(spec, str):
        body = spec.strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        parts = [p for p in re.split(r"[,\s]+", body) if p]
    else:
        parts = [str(p) for p in spec]
    terms = []
    for p in parts:
        t = parse_term(p, n_lists)
        if popcount(t) >= 2:
            terms.append(t)
    return closure(terms)


def count_hierarchical_models(n_lists: int, max_order: int, limit: int) -> int:
    """Count models (stopping early once the count exceeds ``limit``)."""
    return len(_enumerate(n_lists, max_order, limit, count_only=True))


def enumerate_models(n_lists: int, max_order: int, limit: int = 200_000) -> np.ndarray:
    """All hierarchical models with interactions up to ``max_order``.

    Returns a boolean matrix (n_models, n_terms) over
    ``all_interaction_terms(n_lists, max_order)``. For two-way models this is
    every subset of the pairs (2**15 = 32,768 for six lists); with higher orders a
    term may only be present when all its sub-interactions are. Raises
    :class:`TooManyModelsError` above ``limit`` models.
    """
    if max_order < 1:
        raise EstimationError("max_order must be at least 1 (main effects only)")
    terms = all_interaction_terms(n_lists, max_order)
    if max_order <= 2 or n_lists <= 2:
        k = len(terms)
        if 1 << k > limit:
            raise TooManyModelsError(
                f"{n_lists} lists with interactions up to order {max_order} give "
                f"{1 << k:,} models, more than the limit of {limit:,}; use the stepwise "
                "method or a lower --max-order"
            )
        codes = np.arange(1 << k, dtype=np.int64)
        return ((codes[:, None] >> np.arange(k)) & 1).astype(bool)
    rows = _enumerate(n_lists, max_order, limit, count_only=False)
    return np.array(rows, dtype=bool).reshape(len(rows), len(terms))


def _enumerate(n_lists: int, max_order: int, limit: int, *, count_only: bool) -> list[list[bool]]:
    terms = all_interaction_terms(n_lists, max_order)
    index = {t: i for i, t in enumerate(terms)}
    parents = [[index[s] for s in immediate_subterms(t)] for t in terms]
    out: list[list[bool]] = []
    chosen = [False] * len(terms)

    def visit(i: int) -> None:
        if i == len(terms):
            if len(out) >= limit:
                raise TooManyModelsError(
                    f"{n_lists} lists with interactions up to order {max_order} give more "
                    f"than {limit:,} hierarchical models; use the stepwise method or a "
                    "lower --max-order"
                )
            out.append([] if count_only else chosen.copy())
            return
        chosen[i] = False
        visit(i + 1)
        if all(chosen[p] for p in parents[i]):
            chosen[i] = True
            visit(i + 1)
            chosen[i] = False

    visit(0)
    return out
