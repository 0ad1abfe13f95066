"""k-anonymity (optionally l-diversity) with the least information loss.

The algorithm, in three steps:

1. **Encode.** Each quasi-identifier (QI) is turned into integer codes at every level
   of its hierarchy, and the records are collapsed into a frequency table of distinct
   QI combinations (plus sensitive values when l-diversity is asked for).

2. **Search the lattice of full-domain generalisations** (one level per QI). A node is
   *acceptable* when the records in classes smaller than k (or less than l-diverse)
   are at most ``suppression_limit`` of all records. Acceptability is monotone:
   generalising merges classes, so every node above an acceptable node is acceptable
   and every node below an unacceptable one is unacceptable (the property Flash and
   OLA prune with). The objective is the information loss

   ``L(node) = mean over records of [ 1 if the record is an outlier else g(record) ]``

   where ``g`` is the weighted mean normalised certainty penalty (NCP) of the record's
   generalised QI values. ``L`` is not monotone (generalising more can suppress less),
   so the search is a branch and bound that is exact for it: nodes are visited in
   increasing order of ``G(node)``, the mean ``g`` over all records, which needs only
   the 1-way marginals and is a lower bound of ``L`` (an outlier costs 1 >= g). The
   search stops at the first node whose ``G`` is not below the best ``L`` found, so the
   node returned minimises ``L`` over the whole lattice. Nodes are skipped without
   touching the data when a 1- or 2-way marginal already has more outliers than allowed, or
   when the node lies below a node found unacceptable. A node's frequency table is
   rolled up from the smallest cached table of a node below it.

3. **Local suppression** instead of deleting the outliers: their QI cells are
   suppressed (``*``) column by column, greedily, to let them form classes of at least
   k among themselves (``*`` is a value like any other, so classes are exactly what a
   reader of the file sees). In each round every column that lets some outliers reach
   a good class is applied to those records only, best first; when none helps, the
   column whose suppression merges the remaining outliers most is suppressed for all
   of them. Records still in a bad class once every column is suppressed are removed.

The result carries the released frame, the measures (k recounted from the released
values, cells and records suppressed, information loss, uniqueness, prosecutor and
journalist risk, lattice statistics) and the suppression-only baseline (delete every
record in a class under k at the finest level), so a report can show what the search
and local suppression saved.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import CannotAnonymiseError
from .hierarchies import SUPPRESSED, EncodedColumn, encode_column
from .risk import RiskMeasures, risk_measures
from .spec import DeidSpec

_MAX_KEY_SPACE = 1 << 62
_DENSE_LIMIT = 1 << 26  # key spaces up to this many slots are grouped with bincount, not sort


# --------------------------------------------------------------------------- grouping


def _combine(cols: Sequence[np.ndarray], cards: Sequence[int]) -> tuple[np.ndarray, int]:
    """Mixed-radix key of integer columns (codes in 0..card-1); re-densify before overflow."""
    m = len(cols[0]) if cols else 0
    key = np.zeros(m, dtype=np.int64)
    space = 1
    for col, card in zip(cols, cards, strict=True):
        card = max(int(card), 1)
        if space * card >= _MAX_KEY_SPACE:
            uniq, key = np.unique(key, return_inverse=True)
            key = key.astype(np.int64)
            space = max(len(uniq), 1)
        key = key * card + col.astype(np.int64)
        space *= card
    return key, space


def _group(key: np.ndarray, space: int) -> tuple[np.ndarray, int, np.ndarray]:
    """Group ids (0..g-1) of ``key``, the number of groups and one member row per group."""
    m = len(key)
    if m == 0:
        return np.zeros(0, dtype=np.int64), 0, np.zeros(0, dtype=np.int64)
    if space <= _DENSE_LIMIT and space <= 8 * m + 1024:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        inverse = rank[key]
        n_groups = int(rank[-1]) + 1
    else:
        _, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.astype(np.int64).reshape(-1)
        n_groups = int(inverse.max()) + 1
    rep = np.empty(n_groups, dtype=np.int64)
    rep[inverse] = np.arange(m, dtype=np.int64)
    return inverse, n_groups, rep


@dataclass
class _Table:
    """Frequency table of distinct (QI codes at ``node``, sensitive codes) with counts."""

    node: tuple[int, ...]
    codes: np.ndarray  # (m, q) int32
    sens: np.ndarray  # (m, s) int32, -1 = missing
    counts: np.ndarray  # (m,) int64

    @property
    def rows(self) -> int:
        return len(self.counts)


@dataclass
class _Eval:
    outliers: int
    loss: float
    n_classes: int


class _Context:
    """Everything the search needs, precomputed once."""

    def __init__(
        self,
        enc: list[EncodedColumn],
        weights: np.ndarray,
        sens: np.ndarray,
        sens_cards: list[int],
        k: int,
        l_div: int | None,
        max_levels: list[int],
    ) -> None:
        self.enc = enc
        self.q = len(enc)
        self.weights = weights / weights.sum()
        self.sens = sens
        self.sens_cards = sens_cards
        self.k = k
        self.l_div = l_div
        self.max_levels = max_levels
        self.n = len(enc[0].codes0) if enc else 0
        self._maps: dict[tuple[int, int, int], np.ndarray] = {}

    def level_map(self, i: int, src: int, dst: int) -> np.ndarray:
        key = (i, src, dst)
        if key not in self._maps:
            self._maps[key] = self.enc[i].level_map(src, dst)
        return self._maps[key]

    def cards(self, node: Sequence[int]) -> list[int]:
        return [len(self.enc[i].labels[lv]) for i, lv in enumerate(node)]

    # ----------------------------------------------------------------- tables
    def base_table(self) -> tuple[_Table, np.ndarray]:
        """Level-0 table and, for every record, its row in it."""
        cols = [e.codes0 for e in self.enc] + [self.sens[:, j] + 1 for j in range(self.sens.shape[1])]
        cards = self.cards([0] * self.q) + [c + 1 for c in self.sens_cards]
        key, space = _combine(cols, cards)
        inverse, g, rep = _group(key, space)
        counts = np.bincount(inverse, minlength=g).astype(np.int64)
        codes = np.stack([e.codes0 for e in self.enc], axis=1)[rep].astype(np.int32)
        return _Table((0,) * self.q, codes, self.sens[rep], counts), inverse

    def rollup(self, src: _Table, node: tuple[int, ...]) -> _Table:
        cols = []
        for i in range(self.q):
            col = src.codes[:, i]
            if node[i] != src.node[i]:
                col = self.level_map(i, src.node[i], node[i])[col]
            cols.append(col)
        all_cols = cols + [src.sens[:, j] + 1 for j in range(src.sens.shape[1])]
        cards = self.cards(node) + [c + 1 for c in self.sens_cards]
        key, space = _combine(all_cols, cards)
        inverse, g, rep = _group(key, space)
        counts = np.bincount(inverse, weights=src.counts, minlength=g).astype(np.int64)
        codes = np.stack([c[rep] for c in cols], axis=1).astype(np.int32)
        return _Table(node, codes, src.sens[rep], counts)

    def evaluate_from(
        self, src: _Table, node: tuple[int, ...], *, keep_table_below: int
    ) -> tuple[_Eval, _Table | None]:
        """Evaluate ``node`` straight from a table below it.

        Without l-diversity the classes of ``node`` are the groups of the rolled-up
        codes, so the verdict and the loss come from the source rows and their group
        ids; the rolled-up table is only built when it is small enough to cache.
        """
        if src.node == node:
            return self.evaluate(src), None
        if self.l_div is not None:
            table = self.rollup(src, node)
            return self.evaluate(table), (table if table.rows < keep_table_below else None)
        cols = []
        gen = np.zeros(src.rows, dtype=np.float64)
        for i in range(self.q):
            col = src.codes[:, i]
            if node[i] != src.node[i]:
                col = self.level_map(i, src.node[i], node[i])[col]
            cols.append(col)
            gen += self.weights[i] * self.enc[i].ncp[node[i]][col]
        key, space = _combine(cols, self.cards(node))
        inverse, g, rep = _group(key, space)
        sizes = np.bincount(inverse, weights=src.counts, minlength=g)
        bad_row = (sizes < self.k)[inverse]
        outliers = int(src.counts[bad_row].sum())
        kept = ~bad_row
        loss = (float((src.counts[kept] * gen[kept]).sum()) + outliers) / max(self.n, 1)
        small: _Table | None = None
        if g < keep_table_below:
            codes = np.stack([c[rep] for c in cols], axis=1).astype(np.int32)
            small = _Table(node, codes, src.sens[rep], sizes.astype(np.int64))
        return _Eval(outliers, loss, g), small

    # ----------------------------------------------------------------- classes
    def bad_classes(
        self, codes: np.ndarray, cards: Sequence[int], counts: np.ndarray, sens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Per row: is its class bad (size < k or not l-diverse); class ids; #classes."""
        key, space = _combine([codes[:, i] for i in range(codes.shape[1])], cards)
        inverse, g, _ = _group(key, space)
        sizes = np.bincount(inverse, weights=counts, minlength=g)
        bad = sizes < self.k
        if self.l_div is not None:
            for j in range(sens.shape[1]):
                s = sens[:, j]
                ok = s >= 0
                pair_key, pair_space = _combine([inverse[ok], s[ok]], [g, self.sens_cards[j]])
                pinv, pg, prep = _group(pair_key, pair_space)
                distinct = np.bincount(inverse[ok][prep], minlength=g)
                bad |= distinct < self.l_div
        return bad[inverse], inverse, g

    def evaluate(self, table: _Table) -> _Eval:
        bad_row, _, g = self.bad_classes(table.codes, self.cards(table.node), table.counts, table.sens)
        outliers = int(table.counts[bad_row].sum())
        gen = np.zeros(table.rows, dtype=np.float64)
        for i in range(self.q):
            gen += self.weights[i] * self.enc[i].ncp[table.node[i]][table.codes[:, i]]
        kept = ~bad_row
        loss = (float((table.counts[kept] * gen[kept]).sum()) + outliers) / max(self.n, 1)
        return _Eval(outliers, loss, g)


# --------------------------------------------------------------------------- results


@dataclass
class InformationLoss:
    """How much the release lost against the input (0 = nothing, 1 = everything)."""

    ncp: float  # weighted mean NCP over all input QI cells; removed records count 1
    generalisation_height: float  # sum of chosen levels / sum of top levels
    discernibility: float  # sum of class sizes squared + removed records * n
    average_class_size: float  # C_avg = (released records / classes) / k


@dataclass
class BaselineResult:
    """Suppression only: delete every record in a class under k at the finest level."""

    records_released: int
    records_suppressed: int
    cells_suppressed: int
    information_loss_ncp: float
    description: str = (
        "No generalisation; every record whose combination of quasi-identifier values "
        "(as entered) is shared by fewer than k records (or is not l-diverse) is deleted."
    )


@dataclass
class LatticeStats:
    nodes_total: int
    nodes_evaluated: int
    nodes_pruned_by_marginals: int
    nodes_pruned_by_monotonicity: int
    nodes_skipped_by_bound: int
    seconds: float


@dataclass
class DeidMeasures:
    """Everything a disclosure-risk report needs about one k-anonymisation run."""

    k_requested: int
    k_reached: int
    l_requested: int | None
    l_reached: int | None
    records_in: int
    records_released: int
    records_suppressed: int
    records_locally_suppressed: int
    qi_cells_total: int
    cells_generalised: int
    cells_suppressed: int
    cells_suppressed_local: int
    cells_suppressed_by_full_generalisation: int
    cells_in_removed_records: int
    classes: int
    uniqueness_before: float
    uniqueness_after: float
    records_in_small_classes_before: float
    information_loss: InformationLoss
    risk: RiskMeasures
    baseline: BaselineResult
    lattice: LatticeStats
    chosen_levels: dict[str, str]
    dropped_columns: dict[str, list[str]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DeidResult:
    """The de-identified records, their measures and the spec they were made with."""

    data: pd.DataFrame
    measures: DeidMeasures
    spec: DeidSpec
    levels: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (the data itself is not included)."""
        return {"spec": self.spec.to_dict(), "measures": self.measures.to_dict(), "levels": self.levels}


# --------------------------------------------------------------------------- entry point


def anonymise(
    records: pd.DataFrame,
    spec: DeidSpec,
    *,
    population: pd.DataFrame | None = None,
    population_weight: str | None = None,
) -> DeidResult:
    """Make ``records`` k-anonymous (and l-diverse if asked) with the least information loss.

    ``population`` is an optional frame with the same quasi-identifier columns (one row
    per person of the population the records come from, or one row per combination
    with its size in ``population_weight``); with it, journalist risk is measured
    against it, otherwise it is reported as equal to the prosecutor risk (an upper
    bound, because the population contains at least the records).

    >>> from tipdata.engines.deid.testdata import make_person_records
    >>> from tipdata.engines.deid.schema import default_deid_spec
    >>> result = anonymise(make_person_records(2000, seed=1), default_deid_spec(k=11))
    >>> result.measures.k_reached >= 11
    True
    """
    dropped_unnamed = spec.validate_columns(records.columns)
    n = len(records)
    if n < spec.k:
        raise CannotAnonymiseError(
            f"only {n} record(s); a {spec.k}-anonymous release needs at least {spec.k}"
        )
    records = records.reset_index(drop=True) if not records.index.is_unique else records
    started = time.perf_counter()

    enc = [
        encode_column(records[q.column], h, column=q.column)
        for q, h in zip(spec.quasi_identifiers, spec.hierarchies, strict=True)
    ]
    sens_cols, sens_cards = [], []
    for col in spec.sensitive_attributes:
        codes, uniq = pd.factorize(records[col])
        sens_cols.append(codes.astype(np.int32))
        sens_cards.append(len(uniq))
    sens = np.stack(sens_cols, axis=1) if sens_cols and spec.l_diversity else np.zeros((n, 0), np.int32)
    if not spec.l_diversity:
        sens_cards = []
    weights = np.array([float(q.weight) for q in spec.quasi_identifiers])
    max_levels = [q.max_level_index(h) for q, h in zip(spec.quasi_identifiers, spec.hierarchies, strict=True)]
    ctx = _Context(enc, weights, sens, sens_cards, spec.k, spec.l_diversity, max_levels)
    limit = int(np.floor(spec.suppression_limit * n + 1e-9))

    base, record_row = ctx.base_table()
    base_eval = ctx.evaluate(base)
    baseline = _baseline(ctx, base, base_eval)
    uniqueness_before = float(base.counts[base.counts == 1].sum()) / n
    node, stats = _search(ctx, base, limit)

    data, kept_mask, local_cells, local_records, levels_codes = _materialise(ctx, node, records)
    # put the non-QI released columns after the QIs, in spec order
    for col in (*spec.sensitive_attributes, *spec.keep):
        data[col] = records.loc[data.index, col].to_numpy()
    # A fixed order that says nothing about input order: sort by released values.
    if len(data):
        data = data.sort_values(list(data.columns), kind="stable", na_position="last")
    data = data.reset_index(drop=True)
    released_qi = data[list(spec.qi_columns)]
    k_reached, n_classes, class_sizes = _recount(released_qi)
    if k_reached < spec.k and len(data):
        raise AssertionError(f"internal error: released k {k_reached} < {spec.k}")  # pragma: no cover
    l_reached = _l_reached(data, spec) if spec.sensitive_attributes else None
    if spec.l_diversity and l_reached is not None and l_reached < spec.l_diversity and len(data):
        raise AssertionError("internal error: released data is not l-diverse")  # pragma: no cover

    measures = _measures(
        ctx,
        spec,
        node,
        data,
        kept_mask,
        local_cells,
        local_records,
        levels_codes,
        k_reached,
        n_classes,
        class_sizes,
        l_reached,
        uniqueness_before,
        float(base.counts[base.counts < spec.k].sum()) / n,
        baseline,
        stats,
        dropped_unnamed,
        records,
        population,
        population_weight,
    )
    measures.lattice.seconds = time.perf_counter() - started
    levels = {q.column: int(lv) for q, lv in zip(spec.quasi_identifiers, node, strict=True)}
    return DeidResult(data=data, measures=measures, spec=spec, levels=levels)


# --------------------------------------------------------------------------- search


def _search(ctx: _Context, base: _Table, limit: int) -> tuple[tuple[int, ...], LatticeStats]:
    """Find the acceptable node with the least loss ``L`` (see the module docstring).

    Pass 1 classifies every node as acceptable or not, Flash-style: from the lowest
    unclassified node, walk a path up to the top and binary-search it for the lowest
    acceptable node; each answer is propagated by monotonicity (an acceptable node
    makes every node above it acceptable, an unacceptable one every node below it).
    Pass 2 visits the acceptable nodes in increasing lower bound ``G`` and stops when
    ``G`` reaches the best ``L`` found, which makes the answer exact.
    """
    q, n, k = ctx.q, ctx.n, ctx.k
    started = time.perf_counter()
    # 1-way marginals per QI and level: mean NCP (for G) and records in values rarer than k
    mean_ncp: list[np.ndarray] = []
    marginal_outliers: list[np.ndarray] = []
    for i, e in enumerate(ctx.enc):
        m_ncp, m_out = [], []
        for lv in range(ctx.max_levels[i] + 1):
            freq = np.bincount(e.codes_at(lv), minlength=len(e.labels[lv]))
            m_ncp.append(float((freq * e.ncp[lv]).sum()) / n)
            m_out.append(int(freq[(freq > 0) & (freq < k)].sum()))
        mean_ncp.append(np.array(m_ncp))
        marginal_outliers.append(np.array(m_out))
    ranges = [range(ml + 1) for ml in ctx.max_levels]
    nodes = np.array(list(itertools.product(*ranges)), dtype=np.int32).reshape(-1, q)
    n_nodes = len(nodes)
    strides = np.ones(q, dtype=np.int64)
    for i in range(q - 2, -1, -1):
        strides[i] = strides[i + 1] * (ctx.max_levels[i + 1] + 1)
    g_lower = np.zeros(n_nodes)
    ob = np.zeros(n_nodes, dtype=np.int64)
    for i in range(q):
        g_lower += ctx.weights[i] * mean_ncp[i][nodes[:, i]]
        ob = np.maximum(ob, marginal_outliers[i][nodes[:, i]])
    heights = nodes.sum(axis=1)
    # 2-way marginals give a sharper bound: a record whose pair of values is rarer than k
    # is an outlier at every node with those two levels
    level_codes = [[e.codes_at(lv) for lv in range(ctx.max_levels[i] + 1)] for i, e in enumerate(ctx.enc)]
    for i, j in itertools.combinations(range(q), 2):
        bound = np.zeros((ctx.max_levels[i] + 1, ctx.max_levels[j] + 1), dtype=np.int64)
        for li in range(ctx.max_levels[i] + 1):
            for lj in range(ctx.max_levels[j] + 1):
                ci, cj = len(ctx.enc[i].labels[li]), len(ctx.enc[j].labels[lj])
                if ci == 1 or cj == 1 or ci * cj > 8 * n + 1024:
                    continue  # no sharper than the 1-way bound, or too big to be cheap
                key = level_codes[i][li].astype(np.int64) * cj + level_codes[j][lj]
                freq = np.bincount(key, minlength=ci * cj)
                bound[li, lj] = int(freq[(freq > 0) & (freq < k)].sum())
        ob = np.maximum(ob, bound[nodes[:, i], nodes[:, j]])
    del level_codes

    # status: 0 unknown, 1 acceptable, -1 not acceptable
    status = np.zeros(n_nodes, dtype=np.int8)
    status[ob > limit] = -1  # a 1-way or 2-way marginal alone has too many outliers
    pruned_m = int((status == -1).sum())
    losses: dict[int, float] = {}
    cache: dict[tuple[int, ...], _Table] = {base.node: base}
    cache_rows = [0]  # rows of the evictable tables
    cache_budget = max(4 * base.rows, 200_000)

    # Floor tables: every QI one level up (where that is not yet suppression), and the
    # same with one or two QIs back at their exact values. Most nodes the search visits lie above
    # one of them, and rolling up from these is far cheaper than from the base table,
    # which has about one row per record when dates or ages are exact.
    floor = tuple(1 if ml >= 2 else 0 for ml in ctx.max_levels)
    pinned = {base.node}  # never evicted
    pinned_rows = base.rows
    raised = [i for i in range(q) if floor[i]]
    floors = {floor} | {
        tuple(0 if i in drop else floor[i] for i in range(q))
        for r in (1, 2)
        for drop in itertools.combinations(raised, r)
    }
    for fnode in sorted(floors, key=sum, reverse=True):
        if fnode == base.node or fnode in cache:
            continue
        ftable = ctx.rollup(_best_source(cache, np.array(fnode)), fnode)
        if ftable.rows < (3 * base.rows) // 4 and pinned_rows + ftable.rows <= 8 * base.rows:
            cache[fnode] = ftable
            pinned.add(fnode)
            pinned_rows += ftable.rows

    def evaluate(idx: int) -> _Eval:
        node = tuple(int(x) for x in nodes[idx])
        src = _best_source(cache, nodes[idx])
        ev, table = ctx.evaluate_from(src, node, keep_table_below=base.rows // 2)
        if table is not None and node not in cache:
            while cache_rows[0] + table.rows > cache_budget and len(cache) > len(pinned):
                biggest = max((t for t in cache if t not in pinned), key=lambda t: cache[t].rows)
                cache_rows[0] -= cache[biggest].rows
                del cache[biggest]
            if cache_rows[0] + table.rows <= cache_budget:
                cache[node] = table
                cache_rows[0] += table.rows
        losses[idx] = ev.loss
        return ev

    def classify(idx: int) -> None:
        ev = evaluate(idx)
        if ev.outliers <= limit:
            status[np.all(nodes >= nodes[idx], axis=1) & (status == 0)] = 1
        else:
            status[np.all(nodes <= nodes[idx], axis=1) & (status == 0)] = -1
        status[idx] = 1 if ev.outliers <= limit else -1

    # pass 1: classification
    while True:
        unknown = np.flatnonzero(status == 0)
        if not len(unknown):
            break
        start = int(unknown[np.lexsort((g_lower[unknown], heights[unknown]))[0]])
        path = [start]
        cur = start
        while True:
            succ = [cur + int(strides[i]) for i in range(q) if nodes[cur, i] < ctx.max_levels[i]]
            if not succ:
                break
            open_succ = [s for s in succ if status[s] == 0] or succ
            cur = min(open_succ, key=lambda s: (g_lower[s], s))
            path.append(cur)
        lo, hi = 0, len(path) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if status[path[mid]] == 0:
                classify(path[mid])
            if status[path[mid]] == 1:
                hi = mid - 1
            else:
                lo = mid + 1
    classified_evaluations = len(losses)

    # pass 2: exact branch and bound over the acceptable nodes
    acceptable = np.flatnonzero(status == 1)
    best_idx, best_loss = -1, np.inf
    order = acceptable[
        np.lexsort(
            (
                *[nodes[acceptable, i] for i in reversed(range(q))],
                heights[acceptable],
                np.round(g_lower[acceptable], 12),
            )
        )
    ]
    visited = 0
    for idx in order:
        if g_lower[idx] >= best_loss - 1e-12:
            break
        visited += 1
        loss = losses[idx] if idx in losses else evaluate(int(idx)).loss
        if loss < best_loss - 1e-12:
            best_idx, best_loss = int(idx), loss
    if best_idx < 0:
        raise CannotAnonymiseError(
            f"no generalisation of the quasi-identifiers reaches k={k}"
            + (f" with l={ctx.l_div}" if ctx.l_div else "")
            + f" with at most {limit} record(s) in small classes; raise suppression_limit, "
            "allow more generalisation (max_level) or add records"
        )
    stats = LatticeStats(
        nodes_total=n_nodes,
        nodes_evaluated=len(losses),
        nodes_pruned_by_marginals=pruned_m,
        nodes_pruned_by_monotonicity=n_nodes - pruned_m - classified_evaluations,
        nodes_skipped_by_bound=len(acceptable) - visited,
        seconds=time.perf_counter() - started,
    )
    return tuple(int(x) for x in nodes[best_idx]), stats


def _best_source(cache: dict[tuple[int, ...], _Table], node: np.ndarray) -> _Table:
    best: _Table | None = None
    for key, table in cache.items():
        if all(a <= b for a, b in zip(key, node, strict=True)) and (
            best is None or table.rows < best.rows
        ):
            best = table
    assert best is not None  # the base table is below every node
    return best


def _baseline(ctx: _Context, base: _Table, base_eval: _Eval) -> BaselineResult:
    suppressed = base_eval.outliers
    return BaselineResult(
        records_released=ctx.n - suppressed,
        records_suppressed=suppressed,
        cells_suppressed=suppressed * ctx.q,
        information_loss_ncp=suppressed / max(ctx.n, 1),
    )


# --------------------------------------------------------------------------- suppression


def _materialise(
    ctx: _Context, node: tuple[int, ...], records: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int, np.ndarray]:
    """Generalise every record to ``node``, suppress outlier cells locally, build the frame.

    Returns the released frame, the mask of input records kept, the per-record
    number of locally suppressed cells, the number of records with any, and the
    record x QI code matrix (-1 = locally suppressed) of the kept records.
    """
    n, q = ctx.n, ctx.q
    codes = np.empty((n, q), dtype=np.int32)
    for i, e in enumerate(ctx.enc):
        codes[:, i] = e.codes_at(node[i])
    cards = ctx.cards(node)
    ones = np.ones(n, dtype=np.int64)
    bad_row, _, _ = ctx.bad_classes(codes, cards, ones, ctx.sens)
    keep = np.ones(n, dtype=bool)
    outliers = np.flatnonzero(bad_row)
    if len(outliers):
        at_top = [node[i] == ctx.enc[i].top for i in range(q)]
        final_codes, kept_local = _local_suppression(ctx, node, codes[outliers], ctx.sens[outliers], cards, at_top)
        codes[outliers] = final_codes
        keep[outliers] = kept_local
    local_cells = (codes == -1).sum(axis=1)
    local_records = int(((local_cells > 0) & keep).sum())

    kept_idx = np.flatnonzero(keep)
    out: dict[str, Any] = {}
    spec_cols = [e.column for e in ctx.enc]
    for i, e in enumerate(ctx.enc):
        lab = np.array([*e.labels[node[i]], SUPPRESSED], dtype=object)  # index -1 -> "*"
        out[spec_cols[i]] = lab[codes[kept_idx, i]]
    frame = pd.DataFrame(out, index=records.index[kept_idx])
    return frame, keep, local_cells, local_records, codes[kept_idx]


def _local_suppression(
    ctx: _Context,
    node: tuple[int, ...],
    codes: np.ndarray,
    sens: np.ndarray,
    cards: Sequence[int],
    at_top: Sequence[bool],
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy cell suppression for the outlier records (see the module docstring).

    Returns their final codes (-1 = suppressed) and which of them are kept.
    """
    p, q = codes.shape
    codes = codes.copy()
    kept = np.zeros(p, dtype=bool)
    pool = np.arange(p)
    shifted_cards = [c + 1 for c in cards]
    candidates = [i for i in range(q) if not at_top[i]]
    pattern: list[int] = []  # columns suppressed for every record still in the pool

    def good_rows(trial: np.ndarray, rows: np.ndarray) -> np.ndarray:
        bad, _, _ = ctx.bad_classes(trial + 1, shifted_cards, np.ones(len(rows), np.int64), sens[rows])
        return ~bad

    def cost(j: int, rows: np.ndarray) -> float:
        # information still carried by column j in these rows, which suppression would lose
        live = codes[rows, j]
        live = live[live >= 0]
        return float(ctx.weights[j] * (1.0 - ctx.enc[j].ncp[node[j]][live]).sum())

    while len(pool):
        # rescue rounds: apply, best first, every column that lets some records form good classes
        open_cols = [j for j in candidates if j not in pattern]
        progress = True
        while progress and len(pool) and open_cols:
            progress = False
            best_j, best_good, best_n = -1, None, 0
            for j in open_cols:
                trial = codes[pool].copy()
                trial[:, j] = -1
                good = good_rows(trial, pool)
                n_good = int(good.sum())
                if n_good > best_n or (n_good == best_n and n_good and cost(j, pool) < cost(best_j, pool)):
                    best_j, best_good, best_n = j, good, n_good
            if best_n and best_good is not None:
                rescued = pool[best_good]
                codes[rescued, best_j] = -1
                kept[rescued] = True
                pool = pool[~best_good]
                open_cols = [j for j in open_cols if j != best_j]
                progress = True
        if not len(pool):
            break
        # records whose class is already good once others left the pool
        current_good = good_rows(codes[pool], pool)
        if current_good.any():
            kept[pool[current_good]] = True
            pool = pool[~current_good]
            continue
        remaining = [j for j in candidates if j not in pattern]
        if not remaining:
            break
        # merge step: suppress, for all remaining records, the column that merges them most
        best_j, best_classes = -1, None
        for j in remaining:
            trial = codes[pool].copy()
            trial[:, j] = -1
            key, space = _combine([trial[:, i] + 1 for i in range(q)], shifted_cards)
            _, g, _ = _group(key, space)
            if best_classes is None or g < best_classes:
                best_j, best_classes = j, g
        codes[pool, best_j] = -1
        pattern.append(best_j)
    return codes, kept


# --------------------------------------------------------------------------- measures


def _recount(released_qi: pd.DataFrame) -> tuple[int, int, np.ndarray]:
    """k, number of classes and class size per row, recounted from released labels."""
    if released_qi.empty:
        return 0, 0, np.zeros(0, dtype=np.int64)
    cols, cards = [], []
    for c in released_qi.columns:
        codes, uniq = pd.factorize(released_qi[c], use_na_sentinel=False)
        cols.append(codes)
        cards.append(len(uniq))
    key, space = _combine(cols, cards)
    inverse, g, _ = _group(key, space)
    sizes = np.bincount(inverse, minlength=g)
    return int(sizes.min()), g, sizes[inverse]


def _l_reached(data: pd.DataFrame, spec: DeidSpec) -> int | None:
    if data.empty or not spec.sensitive_attributes:
        return None
    grouped = data.groupby(list(spec.qi_columns), dropna=False, sort=False)
    return int(min(grouped[s].nunique(dropna=True).min() for s in spec.sensitive_attributes))


def _measures(
    ctx: _Context,
    spec: DeidSpec,
    node: tuple[int, ...],
    data: pd.DataFrame,
    kept_mask: np.ndarray,
    local_cells: np.ndarray,
    local_records: int,
    kept_codes: np.ndarray,
    k_reached: int,
    n_classes: int,
    class_sizes: np.ndarray,
    l_reached: int | None,
    uniqueness_before: float,
    small_before: float,
    baseline: BaselineResult,
    stats: LatticeStats,
    dropped_unnamed: list[str],
    records: pd.DataFrame,
    population: pd.DataFrame | None,
    population_weight: str | None,
) -> DeidMeasures:
    n, q = ctx.n, ctx.q
    released = int(kept_mask.sum())
    removed = n - released
    at_top = np.array([node[i] == ctx.enc[i].top for i in range(q)])
    local_total = int(local_cells[kept_mask].sum())
    full_gen = int(at_top.sum()) * released
    removed_cells = removed * q
    generalised = 0
    ncp_sum = float(removed) * 1.0  # removed records lose everything
    for i in range(q):
        col = kept_codes[:, i]
        live = col >= 0
        if node[i] > 0 and not at_top[i]:
            generalised += int(live.sum())
        cell = np.ones(len(col))
        cell[live] = ctx.enc[i].ncp[node[i]][col[live]]
        ncp_sum += ctx.weights[i] * float(cell.sum())
    top_sum = sum(e.top for e in ctx.enc)
    discern = float((class_sizes.astype(np.float64)).sum()) + float(removed) * n
    # sum over classes of size^2 == sum over records of their class size
    dropped = {
        "direct_identifiers": list(spec.direct_identifiers),
        "free_text": list(spec.free_text),
        "not_in_spec": dropped_unnamed,
    }
    risk = risk_measures(
        data[list(spec.qi_columns)],
        spec=spec,
        levels=node,
        threshold=spec.risk_threshold,
        population=population,
        population_weight=population_weight,
    )
    return DeidMeasures(
        k_requested=spec.k,
        k_reached=k_reached,
        l_requested=spec.l_diversity,
        l_reached=l_reached,
        records_in=n,
        records_released=released,
        records_suppressed=removed,
        records_locally_suppressed=local_records,
        qi_cells_total=n * q,
        cells_generalised=generalised,
        cells_suppressed=local_total + full_gen + removed_cells,
        cells_suppressed_local=local_total,
        cells_suppressed_by_full_generalisation=full_gen,
        cells_in_removed_records=removed_cells,
        classes=n_classes,
        uniqueness_before=uniqueness_before,
        uniqueness_after=float((class_sizes == 1).sum()) / max(released, 1),
        records_in_small_classes_before=small_before,
        information_loss=InformationLoss(
            ncp=ncp_sum / max(n, 1),
            generalisation_height=sum(node) / top_sum if top_sum else 0.0,
            discernibility=discern,
            average_class_size=(released / n_classes) / spec.k if n_classes else 0.0,
        ),
        risk=risk,
        baseline=baseline,
        lattice=stats,
        chosen_levels={
            e.column: e.hierarchy.all_level_names[lv] for e, lv in zip(ctx.enc, node, strict=True)
        },
        dropped_columns=dropped,
    )
