"""Small-cell suppression with secondary suppression checked by integer programming.

A report publishes numbers (table cells, subtotals, totals). A count between 1 and
``threshold - 1`` could point at a few identifiable survivors, so it is withheld and shown
as ``<5`` (*primary* suppression). Withholding it is not enough when the other numbers let
a reader work it out again: a total minus the visible cells gives the hidden one back.
So more cells are withheld (*secondary* suppression, shown as ``x``) until no primary cell
can be pinned to a single value.

"Can be pinned" is decided the way a careful reader would attack the table. Everything
the reader knows is written down as linear facts about whole numbers:

* each visible number is exact;
* a ``<5`` cell lies between 1 and 4, an ``x`` cell is at least 5 (it would be ``<5``
  otherwise) and nothing is below 0;
* a total is the sum of its parts (``sum_of``), one group of counts is never more than
  another (``at_most``), and a person may fall in several overlapping categories
  (``overlapping``: every category holds at most the total, and together they hold at
  least everyone).

For each ``<5`` cell the smallest and largest value it can take under these facts are
found with a mixed-integer program (HiGHS, through ``scipy.optimize.milp``). If they are
equal, the cell is exposed: the nearest, smallest visible non-zero number that shares a
fact with it is withheld as well, and the check runs again. Interior cells are preferred
to subtotals and totals, so readers keep the totals they need most.

The model can also hold *hidden* quantities, never published, that published numbers are
built from (the girls, boys, women and men of each form of exploitation behind the
SDG 16.2.2 margins); the reader knows them only through the facts.

Zero is shown as ``0``: an empty cell identifies nobody. When even withholding every
non-zero number leaves a small count pinned (four categories of one person each, out of
four: "<5" says each holds at least one), the whole group of linked numbers is *blanked*:
shown as ``–``, saying nothing about its value, zeros included.

>>> m = DisclosureModel()
>>> cells = [m.add(("g", c), n) for c, n in [("F", 12), ("M", 3), ("X", 9)]]
>>> _ = m.sum_of(m.add(("g", "total"), 24, level=2), cells)
>>> result = suppress(m, threshold=5)
>>> sorted((k[1], s) for k, s in result.status.items())
[('M', 'primary'), ('X', 'secondary')]
>>> audit(m, result.status, threshold=5)
[]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .errors import SuppressionError

Key = tuple[str, ...]
PRIMARY = "primary"
SECONDARY = "secondary"
BLANK = "blank"  # nothing shown, not even a range: the last resort when too few records are counted


@dataclass
class Quantity:
    """One number of a report: published (a cell, subtotal or total) or hidden."""

    key: Key
    value: int
    published: bool = True
    level: int = 0  # 0 cell, 1 subtotal, 2 total: higher levels are withheld last


@dataclass(frozen=True)
class Fact:
    """``sum(coefficient * quantity) == 0`` (``eq``) or ``<= 0`` (``le``)."""

    terms: tuple[tuple[Key, int], ...]
    sense: Literal["eq", "le"]
    what: str = ""

    def holds(self, values: Mapping[Key, int]) -> bool:
        total = sum(c * values[k] for k, c in self.terms)
        return total == 0 if self.sense == "eq" else total <= 0


@dataclass
class DisclosureModel:
    """The numbers a report publishes and the facts that tie them together."""

    quantities: dict[Key, Quantity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)

    def add(self, key: Key, value: int, *, published: bool = True, level: int = 0) -> Key:
        """Register a number; adding the same key twice must give the same value."""
        if value < 0:
            raise SuppressionError(f"{key}: a count cannot be negative ({value})")
        old = self.quantities.get(key)
        if old is not None:
            if old.value != value:
                raise SuppressionError(f"{key} registered twice with different values ({old.value}, {value})")
            old.published = old.published or published
            old.level = max(old.level, level)
            return key
        self.quantities[key] = Quantity(key, int(value), published, level)
        return key

    def sum_of(self, total: Key, parts: Iterable[Key], what: str = "") -> Fact:
        """``total`` is the sum of ``parts`` (the parts do not overlap)."""
        terms: dict[Key, int] = {total: -1}
        for part in parts:
            terms[part] = terms.get(part, 0) + 1
        return self._fact(terms, "eq", what or f"{total} = sum of parts")

    def at_most(self, smaller: Iterable[Key], larger: Iterable[Key], what: str = "") -> Fact:
        """The sum of ``smaller`` is never more than the sum of ``larger``."""
        terms: dict[Key, int] = {}
        for key in smaller:
            terms[key] = terms.get(key, 0) + 1
        for key in larger:
            terms[key] = terms.get(key, 0) - 1
        return self._fact(terms, "le", what or "at most")

    def overlapping(self, total: Key, parts: Sequence[Key], none: Key | None = None) -> None:
        """Categories a person can hold several of (``none``: persons with no value).

        Every category holds at most the persons with some value, and together they hold
        at least all of them; any counts meeting both can occur, so this is all a reader
        can know.
        """
        extra = [none] if none is not None else []
        for part in parts:
            self.at_most([part, *extra], [total], what=f"{part} within {total}")
        self.at_most([total], [*parts, *extra], what=f"{total} covered by its categories")

    def _fact(self, terms: dict[Key, int], sense: Literal["eq", "le"], what: str) -> Fact:
        missing = [k for k in terms if k not in self.quantities]
        if missing:
            raise SuppressionError(f"fact {what!r} names quantities never added: {missing[:3]}")
        fact = Fact(tuple((k, c) for k, c in terms.items() if c != 0), sense, what)
        self.facts.append(fact)
        return fact

    def check(self) -> None:
        """Every fact holds for the true values (else a table builder has a bug)."""
        values = {k: q.value for k, q in self.quantities.items()}
        broken = [f.what for f in self.facts if not f.holds(values)]
        if broken:
            raise SuppressionError(f"published numbers contradict each other: {broken[:3]}")


@dataclass(frozen=True)
class SuppressionResult:
    """Which published numbers are withheld, and why."""

    threshold: int
    status: dict[Key, str]  # key -> PRIMARY | SECONDARY; absent keys are shown
    rounds: int

    def of(self, key: Key) -> str:
        return self.status.get(key, "")

    @property
    def primary(self) -> int:
        return sum(1 for s in self.status.values() if s == PRIMARY)

    @property
    def secondary(self) -> int:
        return sum(1 for s in self.status.values() if s == SECONDARY)

    @property
    def blank(self) -> int:
        return sum(1 for s in self.status.values() if s == BLANK)


def suppress(model: DisclosureModel, threshold: int) -> SuppressionResult:
    """Withhold small counts and enough others that none can be worked out again."""
    if threshold < 3:
        # "<2" would say "exactly 1": suppression needs at least two possible values.
        raise SuppressionError(f"threshold must be at least 3, not {threshold}")
    model.check()
    status: dict[Key, str] = {
        q.key: PRIMARY for q in model.quantities.values() if q.published and 0 < q.value < threshold
    }
    if not status:
        return SuppressionResult(threshold, status, 0)
    graph = _Graph(model)
    _simple_pass(model, status)
    rounds = 0
    touched: set[Key] | None = None  # first round: every component
    while True:
        rounds += 1
        exposed = audit(model, status, threshold, only=touched)
        if not exposed:
            return SuppressionResult(threshold, status, rounds)
        touched = set()
        for key in exposed:
            group = graph.linked(key)
            if group & touched:
                continue  # its group changed this round: check it again before withholding more
            candidate = _choose(model, status, threshold, key, graph.candidates(key, status))
            if candidate is not None:
                status[candidate] = SECONDARY
                touched.update((key, candidate))
            else:
                for other in group:
                    if model.quantities[other].published:
                        status[other] = BLANK
                touched.update(group)


def _choose(model: DisclosureModel, status: dict[Key, str], threshold: int, exposed: Key,
            candidates: list[Key]) -> Key | None:
    """The first candidate whose withholding frees the exposed cell, else the best-ranked one.

    Looking one step ahead this way builds the rectangles that protect cross-tables with
    few extra cells, where withholding the nearest number alone would not help.
    """
    for candidate in candidates:
        status[candidate] = SECONDARY
        freed = not audit(model, status, threshold, only={exposed}, targets={exposed})
        del status[candidate]
        if freed:
            return candidate
    return candidates[0] if candidates else None


def audit(model: DisclosureModel, status: Mapping[Key, str], threshold: int,
          only: set[Key] | None = None, targets: set[Key] | None = None) -> list[Key]:
    """The primary-suppressed keys a reader could still pin to a single value.

    ``only``: check just the groups of linked quantities holding one of these keys (the
    others are unchanged since they were last checked). ``targets``: check only these cells.
    """
    unknown = [k for k, q in model.quantities.items() if (not q.published) or k in status]
    if not unknown:
        return []
    index = {k: i for i, k in enumerate(unknown)}
    rows: list[tuple[dict[int, int], int, str]] = []  # (coefficients on unknowns, constant, sense)
    parent = list(range(len(unknown)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for fact in model.facts:
        coeffs: dict[int, int] = {}
        constant = 0
        for key, c in fact.terms:
            if key in index:
                coeffs[index[key]] = coeffs.get(index[key], 0) + c
            else:
                constant += c * model.quantities[key].value
        coeffs = {i: c for i, c in coeffs.items() if c}
        if not coeffs:
            continue
        rows.append((coeffs, constant, fact.sense))
        first, *rest = coeffs
        for other in rest:
            parent[find(other)] = find(first)

    components: dict[int, list[int]] = {}
    for i in range(len(unknown)):
        components.setdefault(find(i), []).append(i)
    exposed: list[Key] = []
    for members in components.values():
        primaries = [i for i in members if status.get(unknown[i]) == PRIMARY
                     and (targets is None or unknown[i] in targets)]
        if not primaries or (only is not None and not any(unknown[i] in only for i in members)):
            continue
        truth = [model.quantities[unknown[i]].value for i in members]
        exposed.extend(unknown[i] for i in _pinned(members, primaries, rows, unknown, status, threshold, truth))
    return exposed


def _pinned(members: list[int], primaries: list[int], rows: list[tuple[dict[int, int], int, str]],
            unknown: list[Key], status: Mapping[Key, str], threshold: int, truth: list[int]) -> list[int]:
    local = {g: j for j, g in enumerate(members)}
    lower = np.zeros(len(members))
    upper = np.full(len(members), np.inf)
    for g, j in local.items():
        kind = status.get(unknown[g])
        if kind == PRIMARY:
            lower[j], upper[j] = 1, threshold - 1
        elif kind == SECONDARY:
            lower[j] = threshold
        # BLANK and hidden quantities: any whole number from 0
    matrix, lo, hi = [], [], []
    for coeffs, constant, sense in rows:
        if next(iter(coeffs)) not in local:
            continue
        line = np.zeros(len(members))
        for g, c in coeffs.items():
            line[local[g]] = c
        matrix.append(line)
        lo.append(-constant if sense == "eq" else -np.inf)
        hi.append(-constant)
    constraints = [LinearConstraint(np.array(matrix), np.array(lo), np.array(hi))] if matrix else []
    bounds = Bounds(lower, upper)
    integrality = np.ones(len(members))
    pinned = []
    for g in primaries:
        # The true counts satisfy every fact, so the cell is safe as soon as one other
        # value is possible: often the first of the two programs settles it.
        true_value = truth[local[g]]
        objective = np.zeros(len(members))
        objective[local[g]] = 1.0
        safe = False
        for sign in (-1.0, 1.0):
            # The linear relaxation is much cheaper; when its optimum is a whole-number
            # point it is also the integer optimum, and it usually is (sums of counts).
            relaxed = milp(sign * objective, bounds=bounds, constraints=constraints)
            if relaxed.success and relaxed.x is not None and np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
                found = relaxed
            else:
                found = milp(sign * objective, integrality=integrality, bounds=bounds, constraints=constraints)
            if not found.success:
                raise SuppressionError(f"the facts about {unknown[g]} have no solution ({found.message})")
            if round(sign * found.fun) != true_value:
                safe = True
                break
        if not safe:
            pinned.append(g)
    return pinned


class _Graph:
    """Which quantities share a fact, for choosing secondary suppressions nearby."""

    def __init__(self, model: DisclosureModel) -> None:
        self.model = model
        self.neighbours: dict[Key, set[Key]] = {k: set() for k in model.quantities}
        self.facts_of: dict[Key, list[frozenset[Key]]] = {k: [] for k in model.quantities}
        for fact in model.facts:
            keys = [k for k, _ in fact.terms]
            for key in keys:
                self.neighbours[key].update(keys)
                self.facts_of[key].append(frozenset(keys))

    def linked(self, start: Key) -> set[Key]:
        """Every quantity tied to ``start`` through facts, directly or not."""
        seen = {start}
        stack = [start]
        while stack:
            for other in self.neighbours[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def candidates(self, start: Key, status: Mapping[Key, str], *, reach: int = 3,
                   limit: int = 24) -> list[Key]:
        """Published, shown, non-zero quantities near ``start``, best first to withhold next.

        Nearest first; then cells before totals (lower level); then a cell whose other sums
        already hold a withheld number (withholding it exposes nothing new: the rectangle
        of four cells that protects a cross-table); then the smallest value.
        """
        seen = {start}
        frontier: deque[tuple[Key, int]] = deque([(start, 0)])
        ranked: list[tuple[tuple[int, int, int, int, str], Key]] = []
        while frontier:
            key, distance = frontier.popleft()
            quantity = self.model.quantities[key]
            if key != start and quantity.published and key not in status and quantity.value > 0:
                covered = sum(1 for keys in self.facts_of[key]
                              if start not in keys and any(k in status for k in keys if k != key))
                ranked.append(((distance, quantity.level, -covered, quantity.value, repr(key)), key))
            if distance >= reach:
                continue
            for other in sorted(self.neighbours[key], key=repr):
                if other not in seen:
                    seen.add(other)
                    frontier.append((other, distance + 1))
        ranked.sort()
        return [key for _rank, key in ranked[:limit]]


def _simple_pass(model: DisclosureModel, status: dict[Key, str]) -> None:
    """Cheap first step: no published sum may have exactly one withheld term.

    Most exposures are of this kind; settling them first leaves the integer programs
    little to do.
    """
    changed = True
    while changed:
        changed = False
        for fact in model.facts:
            if fact.sense != "eq":
                continue
            keys = [k for k, _ in fact.terms]
            if any(not model.quantities[k].published for k in keys):
                continue
            withheld = [k for k in keys if k in status]
            if len(withheld) != 1:
                continue
            candidates = [k for k in keys if k not in status and model.quantities[k].value > 0]
            if not candidates:
                continue
            pick = min(candidates, key=lambda k: (model.quantities[k].level, model.quantities[k].value, repr(k)))
            status[pick] = SECONDARY
            changed = True
