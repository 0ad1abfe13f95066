"""Small-cell suppression: no withheld small count can be worked out from what is shown.

The property tests attack each suppressed table the way a reader would, by brute force:
they list every table of whole numbers that agrees with what is published (visible
numbers exact, "<5" between 1 and 4, "x" at least 5, totals adding up) and check that
each "<5" cell can take at least two values.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipdata.engines.reports import DisclosureModel, SuppressionError, audit, suppress
from tipdata.engines.reports.suppression import BLANK, PRIMARY, SECONDARY

T = 5


def one_way(values: list[int]) -> tuple[DisclosureModel, list[tuple[str, ...]], tuple[str, ...]]:
    model = DisclosureModel()
    cells = [model.add(("c", str(i)), v) for i, v in enumerate(values)]
    total = model.add(("total",), sum(values), level=2)
    model.sum_of(total, cells)
    return model, cells, total


def shown(status: dict, key: tuple[str, ...], value: int) -> tuple[int, int]:
    """The range a reader knows for a number from how it is displayed."""
    kind = status.get(key)
    if kind == PRIMARY:
        return 1, T - 1
    if kind == SECONDARY:
        return T, 10_000
    if kind == BLANK:
        return 0, 10_000
    return value, value


def test_one_small_cell_takes_a_second_with_it() -> None:
    model, cells, _ = one_way([12, 3, 9])
    result = suppress(model, T)
    assert result.status == {cells[1]: PRIMARY, cells[2]: SECONDARY}


def test_a_total_just_above_the_threshold_is_withheld_too() -> None:
    # 1 + 5 = 6: seeing 6 and "x >= 5" pins the "<5" cell to exactly 1, so more must go.
    model, cells, total = one_way([1, 5])
    result = suppress(model, T)
    assert result.status[cells[0]] == PRIMARY
    assert result.status[cells[1]] == SECONDARY
    assert result.status[total] == SECONDARY
    assert audit(model, result.status, T) == []


def test_zero_cells_stay_visible_and_no_small_cell_means_nothing_withheld() -> None:
    model, _cells, _ = one_way([0, 7, 12])
    assert suppress(model, T).status == {}


def test_a_group_that_cannot_be_protected_is_blanked_zeros_included() -> None:
    # four people, one in each of four categories: "<5" everywhere would still say "1 each"
    model, cells, total = one_way([1, 1, 1, 1, 0])
    result = suppress(model, T)
    assert {result.status[k] for k in [*cells, total]} == {BLANK}
    assert audit(model, result.status, T) == []


def test_a_small_total_is_itself_withheld() -> None:
    model, cells, total = one_way([2, 1, 0])
    result = suppress(model, T)
    assert result.status == {cells[0]: PRIMARY, cells[1]: PRIMARY, total: PRIMARY}


def test_threshold_below_three_is_refused() -> None:
    model, _cells, _ = one_way([1, 8])
    with pytest.raises(SuppressionError, match="at least 3"):
        suppress(model, 2)


def test_contradictory_numbers_are_a_builder_bug() -> None:
    model = DisclosureModel()
    a, b = model.add(("a",), 3), model.add(("b",), 4)
    model.sum_of(model.add(("t",), 9), [a, b])
    with pytest.raises(SuppressionError, match="contradict"):
        suppress(model, T)


def test_same_key_with_two_values_is_refused() -> None:
    model = DisclosureModel()
    model.add(("a",), 3)
    with pytest.raises(SuppressionError, match="different values"):
        model.add(("a",), 4)


def _consistent_1d(values: list[int], status: dict, cells: list, total: tuple) -> list[tuple[int, ...]]:
    ranges = [shown(status, k, v) for k, v in zip(cells, values, strict=True)]
    total_range = shown(status, total, sum(values))
    grand = sum(values) + 12  # a cut-down search finds fewer values: it never hides an exposure
    # within 4 of the truth: enough to find a second value wherever one exists nearby
    options = [range(max(lo, v - 4), min(hi, grand, v + 4) + 1) for (lo, hi), v in zip(ranges, values, strict=True)]
    out = []
    for combo in itertools.product(*options):
        if total_range[0] <= sum(combo) <= total_range[1]:
            out.append(combo)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=5))
def test_one_way_tables_reveal_no_small_count(values: list[int]) -> None:
    model, cells, total = one_way(values)
    result = suppress(model, T)
    for key, value in zip(cells, values, strict=True):
        if 0 < value < T:
            assert result.status.get(key) in (PRIMARY, BLANK)
        if value == 0:
            assert result.status.get(key) in (None, BLANK)
    solutions = _consistent_1d(values, result.status, cells, total)
    assert tuple(values) in solutions
    for i, key in enumerate(cells):
        if result.status.get(key) == PRIMARY:
            assert len({s[i] for s in solutions}) >= 2, (values, result.status)


def two_way(grid: list[list[int]]) -> tuple[DisclosureModel, dict]:
    model = DisclosureModel()
    keys = {}
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            keys[(r, c)] = model.add(("cell", str(r), str(c)), v)
    rows, cols = len(grid), len(grid[0])
    for r in range(rows):
        keys[(r, "t")] = model.add(("row", str(r)), sum(grid[r]), level=1)
        model.sum_of(keys[(r, "t")], [keys[(r, c)] for c in range(cols)])
    for c in range(cols):
        keys[("t", c)] = model.add(("col", str(c)), sum(grid[r][c] for r in range(rows)), level=1)
        model.sum_of(keys[("t", c)], [keys[(r, c)] for r in range(rows)])
    keys[("t", "t")] = model.add(("all",), sum(map(sum, grid)), level=2)
    model.sum_of(keys[("t", "t")], [keys[(r, "t")] for r in range(rows)])
    return model, keys


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=7), min_size=3, max_size=3), min_size=2, max_size=2))
def test_two_way_tables_with_margins_reveal_no_small_count(grid: list[list[int]]) -> None:
    model, keys = two_way(grid)
    result = suppress(model, T)
    status = result.status
    # Values above the true grand total + 6 are not tried: a cut-down search can only
    # find fewer possible values, so it never hides an exposed cell.
    grand = sum(map(sum, grid)) + 6

    def options(r: int) -> list[tuple[int, ...]]:
        row_lo, row_hi = shown(status, keys[(r, "t")], sum(grid[r]))
        ranges = []
        for c in range(3):
            lo, hi = shown(status, keys[(r, c)], grid[r][c])
            _, col_hi = shown(status, keys[("t", c)], grid[0][c] + grid[1][c])
            # within 3 of the truth: enough to find a second value wherever one exists nearby
            ranges.append(range(max(lo, grid[r][c] - 3), min(hi, row_hi, col_hi, grand, grid[r][c] + 3) + 1))
        return [combo for combo in itertools.product(*ranges) if row_lo <= sum(combo) <= row_hi]

    solutions = []
    for first, second in itertools.product(options(0), options(1)):
        ok = True
        for c in range(3):
            lo, hi = shown(status, keys[("t", c)], grid[0][c] + grid[1][c])
            ok = ok and lo <= first[c] + second[c] <= hi
        lo, hi = shown(status, keys[("t", "t")], sum(map(sum, grid)))
        if ok and lo <= sum(first) + sum(second) <= hi:
            solutions.append((first, second))
    assert (tuple(grid[0]), tuple(grid[1])) in solutions
    for (r, c), key in keys.items():
        if status.get(key) != PRIMARY:
            continue
        if r == "t" or c == "t":
            continue  # margins: checked through the cells below
        assert len({s[r][c] for s in solutions}) >= 2, (grid, status)
    for r in range(2):
        if status.get(keys[(r, "t")]) == PRIMARY:
            assert len({sum(s[r]) for s in solutions}) >= 2, (grid, status)


def test_overlapping_categories_cannot_be_pinned_by_the_cover() -> None:
    # 20 victims, each with at least one type: A=16 and B=3 would force B >= 4 if B were
    # shown as "<5" alone, so B has to be pinned by the cover constraint and protected.
    model = DisclosureModel()
    a, b = model.add(("t", "A"), 16), model.add(("t", "B"), 4)
    total = model.add(("victims",), 20, level=2)
    model.overlapping(total, [a, b])
    result = suppress(model, T)
    assert result.status[b] == PRIMARY
    assert audit(model, result.status, T) == []
    assert a in result.status or total in result.status


def test_hidden_parts_are_unknown_to_the_reader() -> None:
    # Two published numbers built from hidden parts: a reader cannot split them.
    model = DisclosureModel()
    h1, h2 = model.add(("h1",), 2, published=False), model.add(("h2",), 9, published=False)
    small = model.add(("small",), 2)
    model.sum_of(small, [h1])
    total = model.add(("total",), 11, level=2)
    model.sum_of(total, [h1, h2])
    result = suppress(model, T)
    assert result.status[small] == PRIMARY
    assert total not in result.status  # h2 is unknown, so the total pins nothing
    assert audit(model, result.status, T) == []
