"""Generalisation hierarchies for quasi-identifiers, declared as data.

A hierarchy turns a value into ever coarser labels. Level 0 is the value itself, the
last level is always ``*`` (suppressed), and the levels in between come from a JSON
definition, either a built-in one shipped in ``data/`` (``ctdc_age``,
``un_m49_country``, ``exploitation_subtype``, ``date_year``, ...) or one written inline
in the spec. Four kinds exist:

``intervals``  numbers -> bins (``{"label", "min", "max"}``, inclusive, ``max: null`` is
               open-ended); values are floored to whole numbers first (ages in
               completed years); each level's bins must nest in the next level's.
``mapping``    categories -> parent categories, as ``{"levels": [...], "tree": {...}}``
               (nested dict, coarsest level outermost) or as
               ``{"levels": [{"name", "map": {child: parent}}, ...]}``.
``date``       dates -> ``month`` (YYYY-MM) / ``quarter`` (YYYY-Qn) / ``year`` (YYYY).
``suppress``   value -> ``*`` with nothing in between.

:func:`encode_column` turns a column into integer codes per level plus the maps
between levels, which is what the lattice search works on: generalising a whole
frequency table is then an array lookup, not a string operation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .errors import DeidDataError, DeidSpecError

SUPPRESSED = "*"
"""The label of a suppressed cell (a quasi-identifier value withheld for privacy)."""

HIERARCHY_KINDS = ("intervals", "mapping", "date", "suppress")
DATE_LEVELS = ("month", "quarter", "year")

_BUILTIN_FILES = {
    "ctdc_age": "ctdc_age.json",
    "un_m49_country": "un_m49.json",
    "exploitation_subtype": "exploitation.json",
    "htcds_gender": "htcds_gender.json",
}
_BUILTIN_INLINE: dict[str, dict[str, Any]] = {
    "date_year": {
        "name": "date_year",
        "kind": "date",
        "levels": ["year"],
        "description": "Date -> year -> suppressed.",
    },
    "date_month_year": {
        "name": "date_month_year",
        "kind": "date",
        "levels": ["month", "year"],
        "description": "Date -> month -> year -> suppressed.",
    },
    "suppress": {
        "name": "suppress",
        "kind": "suppress",
        "levels": [],
        "description": "Value -> suppressed, with no level in between.",
    },
}


def builtin_hierarchy_names() -> list[str]:
    """Names accepted as ``"hierarchy": "<name>"`` in a quasi-identifier spec."""
    return sorted([*_BUILTIN_FILES, *_BUILTIN_INLINE])


@dataclass(frozen=True)
class Bin:
    """One interval of an ``intervals`` level; ``hi is None`` means open-ended."""

    label: str
    lo: float
    hi: float | None

    def contains(self, value: float) -> bool:
        return value >= self.lo and (self.hi is None or value <= self.hi)


@dataclass(frozen=True)
class Hierarchy:
    """A validated generalisation hierarchy.

    ``level_names`` are the intermediate levels only; :attr:`all_level_names` adds
    ``value`` in front and ``suppressed`` at the end.
    """

    name: str
    kind: str
    level_names: tuple[str, ...]
    definition: Mapping[str, Any] = field(repr=False)
    # intervals: bins per intermediate level; mapping: child->parent map per level
    bins: tuple[tuple[Bin, ...], ...] = field(default=(), repr=False)
    maps: tuple[Mapping[str, str], ...] = field(default=(), repr=False)

    @property
    def n_levels(self) -> int:
        return len(self.level_names) + 2

    @property
    def all_level_names(self) -> tuple[str, ...]:
        return ("value", *self.level_names, "suppressed")

    @property
    def leaf_values(self) -> frozenset[str] | None:
        """Values a ``mapping`` hierarchy accepts at level 0 (None for other kinds)."""
        if self.kind != "mapping":
            return None
        return frozenset(self.maps[0]) if self.maps else None

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.definition))


def load_builtin_hierarchy(name: str) -> Hierarchy:
    """Load a built-in hierarchy by name (see :func:`builtin_hierarchy_names`)."""
    return _load_builtin(name)


@cache
def _load_builtin(name: str) -> Hierarchy:
    if name in _BUILTIN_INLINE:
        return hierarchy_from_definition(_BUILTIN_INLINE[name], where=f"hierarchy {name!r}")
    if name not in _BUILTIN_FILES:
        raise DeidSpecError(
            f"unknown built-in hierarchy {name!r}; allowed: {', '.join(builtin_hierarchy_names())}"
        )
    text = resources.files("tipdata.engines.deid").joinpath("data", _BUILTIN_FILES[name]).read_text(
        encoding="utf-8"
    )
    return hierarchy_from_definition(json.loads(text), where=f"hierarchy {name!r}")


def hierarchy_from_spec(obj: str | Mapping[str, Any], *, where: str) -> Hierarchy:
    """A hierarchy from a spec entry: a built-in name or an inline definition."""
    if isinstance(obj, str):
        try:
            return _load_builtin(obj)
        except DeidSpecError as exc:
            raise DeidSpecError(f"{where}: {exc}") from None
    if isinstance(obj, Mapping):
        return hierarchy_from_definition(obj, where=where)
    raise DeidSpecError(
        f"{where}: hierarchy must be a built-in name or an object, got {type(obj).__name__}"
    )


def hierarchy_from_definition(defn: Mapping[str, Any], *, where: str) -> Hierarchy:
    """Validate an inline/JSON hierarchy definition and build a :class:`Hierarchy`."""
    kind = defn.get("kind")
    if kind not in HIERARCHY_KINDS:
        raise DeidSpecError(
            f"{where}: 'kind' is {kind!r}; allowed: {', '.join(HIERARCHY_KINDS)}"
        )
    name = str(defn.get("name") or kind)
    levels = defn.get("levels", [])
    if not isinstance(levels, list):
        raise DeidSpecError(f"{where}: 'levels' must be a list, got {type(levels).__name__}")
    normalised = dict(defn)
    normalised["name"] = name
    if kind == "suppress":
        if levels:
            raise DeidSpecError(f"{where}: a 'suppress' hierarchy has no levels, got {levels!r}")
        return Hierarchy(name=name, kind=kind, level_names=(), definition=normalised)
    if kind == "date":
        if not levels:
            raise DeidSpecError(f"{where}: a 'date' hierarchy needs levels, e.g. ['year']")
        order = [DATE_LEVELS.index(lv) if lv in DATE_LEVELS else -1 for lv in levels]
        if -1 in order:
            bad = levels[order.index(-1)]
            raise DeidSpecError(
                f"{where}: date level {bad!r} unknown; allowed: {', '.join(DATE_LEVELS)}"
            )
        if order != sorted(order) or len(set(order)) != len(order):
            raise DeidSpecError(
                f"{where}: date levels must go from fine to coarse without repeats, got {levels!r}"
            )
        return Hierarchy(name=name, kind=kind, level_names=tuple(levels), definition=normalised)
    if kind == "intervals":
        return _intervals(name, levels, normalised, where)
    return _mapping(name, defn, normalised, where)


def _intervals(
    name: str, levels: list[Any], normalised: dict[str, Any], where: str
) -> Hierarchy:
    if not levels:
        raise DeidSpecError(f"{where}: an 'intervals' hierarchy needs at least one level")
    all_bins: list[tuple[Bin, ...]] = []
    names: list[str] = []
    for i, level in enumerate(levels):
        lw = f"{where} level {i + 1}"
        if not isinstance(level, Mapping) or not isinstance(level.get("bins"), list):
            raise DeidSpecError(f"{lw}: expected {{'name': ..., 'bins': [...]}}")
        bins: list[Bin] = []
        for b in level["bins"]:
            try:
                lo = float(b["min"])
                hi = None if b.get("max") is None else float(b["max"])
                label = str(b["label"])
            except (KeyError, TypeError, ValueError):
                raise DeidSpecError(
                    f"{lw}: each bin needs 'label', numeric 'min' and 'max' (or null), got {b!r}"
                ) from None
            if hi is not None and hi < lo:
                raise DeidSpecError(f"{lw}: bin {label!r} has max {hi} < min {lo}")
            bins.append(Bin(label, lo, hi))
        bins.sort(key=lambda b: b.lo)
        for a, b in zip(bins, bins[1:], strict=False):
            if a.hi is None or a.hi >= b.lo:
                raise DeidSpecError(f"{lw}: bins {a.label!r} and {b.label!r} overlap")
        if len({b.label for b in bins}) != len(bins):
            raise DeidSpecError(f"{lw}: bin labels must be unique")
        all_bins.append(tuple(bins))
        names.append(str(level.get("name") or f"level {i + 1}"))
    # Each bin must sit inside one bin of the next level, or the hierarchy is not a tree.
    for i in range(len(all_bins) - 1):
        for b in all_bins[i]:
            parents = [
                p
                for p in all_bins[i + 1]
                if p.lo <= b.lo and (p.hi is None or (b.hi is not None and b.hi <= p.hi))
            ]
            if not parents:
                raise DeidSpecError(
                    f"{where}: bin {b.label!r} of level {names[i]!r} does not fit inside one bin "
                    f"of level {names[i + 1]!r}; each level must coarsen the one before"
                )
    return Hierarchy(
        name=name,
        kind="intervals",
        level_names=tuple(names),
        definition=normalised,
        bins=tuple(all_bins),
    )


def _mapping(
    name: str, defn: Mapping[str, Any], normalised: dict[str, Any], where: str
) -> Hierarchy:
    levels = defn.get("levels", [])
    maps: list[dict[str, str]] = []
    names: list[str] = []
    if "tree" in defn:
        tree = defn["tree"]
        if not all(isinstance(lv, str) for lv in levels) or not levels:
            raise DeidSpecError(f"{where}: with 'tree', 'levels' lists level names, fine to coarse")
        depth = len(levels)
        maps = [{} for _ in range(depth)]

        def walk(node: Any, path: list[str]) -> None:
            # path holds labels from the coarsest level down to the current one
            child_level = depth - len(path)  # level of the children of path[-1]
            if len(path) == depth:
                if not isinstance(node, list):
                    raise DeidSpecError(f"{where}: tree under {path!r} must end in a list of values")
                for value in node:
                    _add(maps[0], str(value), path[-1], where)
                return
            if not isinstance(node, Mapping):
                raise DeidSpecError(f"{where}: tree under {path!r} must be an object")
            for child, sub in node.items():
                _add(maps[child_level], str(child), path[-1], where)
                walk(sub, [*path, str(child)])

        if not isinstance(tree, Mapping):
            raise DeidSpecError(f"{where}: 'tree' must be an object")
        for top, sub in tree.items():
            walk(sub, [str(top)])
        names = [str(lv) for lv in levels]
    else:
        if not levels:
            raise DeidSpecError(f"{where}: a 'mapping' hierarchy needs 'levels' (or 'tree')")
        for i, level in enumerate(levels):
            if not isinstance(level, Mapping) or not isinstance(level.get("map"), Mapping):
                raise DeidSpecError(f"{where} level {i + 1}: expected {{'name': ..., 'map': {{...}}}}")
            maps.append({str(k): str(v) for k, v in level["map"].items()})
            names.append(str(level.get("name") or f"level {i + 1}"))
        for i in range(len(maps) - 1):
            missing = sorted(set(maps[i].values()) - set(maps[i + 1]))
            if missing:
                raise DeidSpecError(
                    f"{where}: labels {missing[:10]!r} of level {names[i]!r} have no parent in "
                    f"level {names[i + 1]!r}"
                )
    return Hierarchy(
        name=name,
        kind="mapping",
        level_names=tuple(names),
        definition=normalised,
        maps=tuple(maps),
    )


def _add(mapping: dict[str, str], child: str, parent: str, where: str) -> None:
    if child in mapping and mapping[child] != parent:
        raise DeidSpecError(
            f"{where}: {child!r} appears under both {mapping[child]!r} and {parent!r}"
        )
    mapping[child] = parent


# --------------------------------------------------------------------------- encoding


@dataclass
class EncodedColumn:
    """A quasi-identifier column as integer codes per hierarchy level.

    ``codes0`` holds each record's level-0 code; ``parents[l][c]`` is the level ``l+1``
    code of level-``l`` code ``c``; ``labels[l][c]`` its label (``None`` = missing);
    ``ncp[l][c]`` its normalised certainty penalty (0 = exact, 1 = suppressed).
    """

    column: str
    hierarchy: Hierarchy
    codes0: np.ndarray
    labels: list[list[str | None]]
    parents: list[np.ndarray]
    ncp: list[np.ndarray]

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    @property
    def top(self) -> int:
        return self.n_levels - 1

    def level_map(self, src: int, dst: int) -> np.ndarray:
        """Array mapping level-``src`` codes to level-``dst`` codes (dst >= src)."""
        m = np.arange(len(self.labels[src]), dtype=np.int32)
        for lv in range(src, dst):
            m = self.parents[lv][m]
        return m

    def codes_at(self, level: int) -> np.ndarray:
        return self.level_map(0, level)[self.codes0] if level else self.codes0


def _first_row(series: pd.Series, mask: np.ndarray) -> Any:
    idx = np.flatnonzero(mask)
    return series.index[idx[0]] if len(idx) else "?"


def encode_column(series: pd.Series, hierarchy: Hierarchy, *, column: str) -> EncodedColumn:
    """Encode one column through its hierarchy; raise :class:`DeidDataError` on bad values."""
    raw, missing = _normalise_values(series, hierarchy, column)
    codes, uniques = pd.factorize(raw[~missing]) if missing.any() else pd.factorize(raw)
    codes0 = np.empty(len(series), dtype=np.int32)
    n_unique = len(uniques)
    if missing.any():
        codes0[~missing] = codes
        codes0[missing] = n_unique  # missing is its own category until suppression
    else:
        codes0[:] = codes
    has_missing = bool(missing.any())
    values = list(uniques)

    # labels of every distinct value at every intermediate level
    per_level: list[list[str]] = [[_label0(v, hierarchy) for v in values]]
    for lv in range(1, hierarchy.n_levels - 1):
        per_level.append(_labels_at(values, hierarchy, lv, series, raw, missing, column))

    labels: list[list[str | None]] = []
    level_codes: list[np.ndarray] = []  # code at level l of each distinct value
    for lv_labels in per_level:
        lc, lu = pd.factorize(pd.Series(lv_labels, dtype=object))
        lab: list[str | None] = [str(x) for x in lu]
        if has_missing:
            lab.append(None)
            lc = np.append(lc, len(lu))
        labels.append(lab)
        level_codes.append(lc.astype(np.int32))
    labels.append([SUPPRESSED])

    parents: list[np.ndarray] = []
    for lv in range(len(level_codes) - 1):
        src, dst = level_codes[lv], level_codes[lv + 1]
        parent = np.full(len(labels[lv]), -1, dtype=np.int32)
        parent[src] = dst
        if not np.array_equal(parent[src], dst):  # a child with two parents
            raise DeidSpecError(
                f"hierarchy {hierarchy.name!r} for column {column!r}: level "
                f"{hierarchy.all_level_names[lv + 1]!r} does not nest in "
                f"{hierarchy.all_level_names[lv + 2]!r}"
            )
        parents.append(parent)
    parents.append(np.zeros(len(labels[-2]), dtype=np.int32))

    ncp = _ncp(values, hierarchy, level_codes, labels, has_missing)
    return EncodedColumn(column, hierarchy, codes0, labels, parents, ncp)


def _normalise_values(
    series: pd.Series, hierarchy: Hierarchy, column: str
) -> tuple[pd.Series, np.ndarray]:
    missing = series.isna().to_numpy()
    if hierarchy.kind == "date":
        parsed = pd.to_datetime(series, errors="coerce")
        bad = parsed.isna().to_numpy() & ~missing
        if bad.any():
            row = _first_row(series, bad)
            raise DeidDataError(
                f"column {column!r}, row {row!r}: value {series.loc[row]!r} is not a date "
                f"(ISO 8601 YYYY-MM-DD expected); {int(bad.sum())} such value(s)"
            )
        return parsed.dt.normalize(), missing
    if hierarchy.kind == "intervals":
        num = pd.to_numeric(series, errors="coerce")
        bad = num.isna().to_numpy() & ~missing
        if bad.any():
            row = _first_row(series, bad)
            raise DeidDataError(
                f"column {column!r}, row {row!r}: value {series.loc[row]!r} is not a number; "
                f"{int(bad.sum())} such value(s)"
            )
        return pd.Series(np.floor(num.astype(float)), index=series.index), missing
    text = series.astype(object).where(~missing, None)
    text = text.map(lambda v: v if v is None else str(v))
    if SUPPRESSED in set(text.dropna().unique()):
        row = _first_row(series, (text == SUPPRESSED).to_numpy())
        raise DeidDataError(
            f"column {column!r}, row {row!r}: value {SUPPRESSED!r} is reserved for suppressed cells"
        )
    return text, missing


def _label0(value: Any, hierarchy: Hierarchy) -> str:
    if hierarchy.kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if hierarchy.kind == "intervals":
        f = float(value)
        return str(int(f)) if f.is_integer() else str(f)
    return str(value)


def _labels_at(
    values: list[Any],
    hierarchy: Hierarchy,
    level: int,
    series: pd.Series,
    raw: pd.Series,
    missing: np.ndarray,
    column: str,
) -> list[str]:
    if hierarchy.kind == "date":
        unit = hierarchy.level_names[level - 1]
        out = []
        for v in values:
            ts = pd.Timestamp(v)
            if unit == "year":
                out.append(f"{ts.year:04d}")
            elif unit == "quarter":
                out.append(f"{ts.year:04d}-Q{(ts.month - 1) // 3 + 1}")
            else:
                out.append(f"{ts.year:04d}-{ts.month:02d}")
        return out
    if hierarchy.kind == "intervals":
        bins = hierarchy.bins[level - 1]
        out = []
        for v in values:
            hit = next((b.label for b in bins if b.contains(float(v))), None)
            if hit is None:
                row = _first_row(series, ((raw == v).to_numpy() & ~missing))
                allowed = ", ".join(b.label for b in bins)
                raise DeidDataError(
                    f"column {column!r}, row {row!r}: value {v:g} falls in no bin of "
                    f"{hierarchy.name!r} level {hierarchy.level_names[level - 1]!r} ({allowed})"
                )
            out.append(hit)
        return out
    # mapping: level l labels come from level l-1 labels
    mapping = hierarchy.maps[level - 1]
    src = [str(v) for v in values] if level == 1 else _labels_at(
        values, hierarchy, level - 1, series, raw, missing, column
    )
    out = []
    for s in src:
        parent = mapping.get(s)
        if parent is None:
            row = _first_row(series, ((raw == s).to_numpy() & ~missing)) if level == 1 else "?"
            allowed_values = sorted(mapping)
            shown = ", ".join(allowed_values[:25]) + (", ..." if len(allowed_values) > 25 else "")
            raise DeidDataError(
                f"column {column!r}, row {row!r}: value {s!r} is not in hierarchy "
                f"{hierarchy.name!r}; allowed: {shown}"
            )
        out.append(parent)
    return out


def _ncp(
    values: list[Any],
    hierarchy: Hierarchy,
    level_codes: list[np.ndarray],
    labels: list[list[str | None]],
    has_missing: bool,
) -> list[np.ndarray]:
    """Normalised certainty penalty of each label at each level.

    Numbers and dates: width of the label's interval / range of the data. Categories:
    (values of the data under the label - 1) / (distinct values - 1). Exact values
    cost 0, a suppressed cell 1; a missing value costs 0 until suppressed (it carried
    no information to lose).
    """
    out: list[np.ndarray] = []
    n_values = len(values)
    for lv, codes in enumerate(level_codes):
        pen = np.zeros(len(labels[lv]), dtype=np.float64)
        if lv > 0 and n_values > 1:
            if hierarchy.kind in ("intervals", "date"):
                if hierarchy.kind == "date":
                    xs = np.array([pd.Timestamp(v).value for v in values], dtype=np.float64) / 8.64e13
                else:
                    xs = np.array(values, dtype=np.float64)
                data_lo, data_hi = float(xs.min()), float(xs.max())
                span = data_hi - data_lo
                for code in range(len(labels[lv]) - (1 if has_missing else 0)):
                    lo, hi = _interval_of(hierarchy, lv, str(labels[lv][code]))
                    lo, hi = max(lo, data_lo), min(hi, data_hi)
                    pen[code] = 0.0 if span <= 0 else min(1.0, max(0.0, hi - lo) / span)
            else:
                counts = np.bincount(codes, minlength=len(labels[lv]))
                pen[: len(counts)] = (np.maximum(counts, 1) - 1) / (n_values - 1)
        if has_missing:
            pen[-1] = 0.0
        out.append(pen)
    out.append(np.ones(1, dtype=np.float64))
    return out


def _interval_of(hierarchy: Hierarchy, level: int, label: str) -> tuple[float, float]:
    if hierarchy.kind == "intervals":
        b = next(b for b in hierarchy.bins[level - 1] if b.label == label)
        return b.lo, (math.inf if b.hi is None else b.hi)
    unit = hierarchy.level_names[level - 1]
    year = int(label[:4])
    if unit == "year":
        start, end = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year + 1, month=1, day=1)
    elif unit == "quarter":
        q = int(label[-1])
        start = pd.Timestamp(year=year, month=3 * q - 2, day=1)
        end = start + pd.DateOffset(months=3)
    else:
        start = pd.Timestamp(year=year, month=int(label[5:7]), day=1)
        end = start + pd.DateOffset(months=1)
    day = 8.64e13
    # the interval's last day is end - 1 day, so the width of one day is 0 like an exact date
    return start.value / day, (end.value / day) - 1.0


def labels_for(encoded: EncodedColumn, level: int, codes: Sequence[int] | np.ndarray) -> list[str | None]:
    """Labels of ``codes`` at ``level``."""
    lab = encoded.labels[level]
    return [lab[int(c)] for c in codes]


def coarsen_label(hierarchy: Hierarchy, label: str | None, from_level: int, to_level: int) -> str | None:
    """The label at ``to_level`` of a label released at ``from_level`` (missing stays missing).

    Used by the release formats, e.g. to derive CTDC ``ageBroad`` from an exact age, or
    ``majorityStatus`` from an age band. Coarsening a k-anonymous release keeps it
    k-anonymous: classes can only merge.
    """
    if label is None:
        return None
    if label == SUPPRESSED or to_level >= hierarchy.n_levels - 1:
        return SUPPRESSED
    if to_level < from_level:
        raise ValueError(f"cannot refine {label!r} from level {from_level} to {to_level}")
    if to_level == from_level:
        return label
    if hierarchy.kind == "intervals":
        if from_level == 0:
            lo = float(math.floor(float(label)))
        else:
            lo = next(b.lo for b in hierarchy.bins[from_level - 1] if b.label == label)
        return next(b.label for b in hierarchy.bins[to_level - 1] if b.contains(lo))
    if hierarchy.kind == "date":
        ts = pd.Timestamp(label[:10] if from_level == 0 else label.replace("-Q", "-0")[:7] + "-01")
        if from_level > 0 and "-Q" in label:
            ts = pd.Timestamp(year=int(label[:4]), month=3 * int(label[-1]) - 2, day=1)
        unit = hierarchy.level_names[to_level - 1]
        if unit == "year":
            return f"{ts.year:04d}"
        if unit == "quarter":
            return f"{ts.year:04d}-Q{(ts.month - 1) // 3 + 1}"
        return f"{ts.year:04d}-{ts.month:02d}"
    out = label
    for lv in range(from_level, to_level):
        out = hierarchy.maps[lv][out]
    return out
