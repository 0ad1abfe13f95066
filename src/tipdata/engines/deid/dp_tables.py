"""Differentially private count tables (OpenDP) and a per-organisation privacy budget.

**Privacy unit.** One person. The input must hold at most one record per person; when
``person_id_column`` is given the engine enforces this (contribution bounding) by
keeping each person's first record and reporting how many were dropped. Neighbouring
datasets differ by adding or removing one person, i.e. one record (symmetric distance
``d_in = 1``).

**Mechanism.** Counts by every key of a *fixed, public* domain: the Cartesian product
of the categories declared for each breakdown column (never taken from the data), so
empty cells are released with noise too and the presence or absence of a key reveals
nothing. Adding or removing one record changes one count by one, so the L1
sensitivity is 1 and the discrete Laplace mechanism (OpenDP ``make_laplace`` on
integers) with scale ``1 / epsilon`` gives pure ``epsilon``-DP for the whole table. The
scale is checked against OpenDP's own privacy map before anything is released.

**Composition.** Tables and synthetic data released from the same records add up
(basic sequential composition): the :class:`PrivacyBudgetAccountant` records each
spend and refuses one that would go over the organisation's total.

>>> import pandas as pd
>>> spec = DpTableSpec(name="by_gender", breakdown=("gender",), epsilon=1.0,
...                    domains={"gender": ("Female", "Male", "Unknown")})
>>> table = dp_count_table(pd.DataFrame({"gender": ["Female"] * 30 + ["Male"] * 12}), spec)
>>> list(table.table["gender"]), table.scale
(['Female', 'Male', 'Unknown'], 1.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .errors import DeidDataError, DeidSpecError, PrivacyBudgetExceededError

MECHANISM = "discrete_laplace"
PRIVACY_UNIT = "person: each person contributes at most one record (add/remove one record)"
MAX_CELLS = 5_000_000
_KEY_SEP = "\x1f"


def check_epsilon(epsilon: object, *, where: str) -> float:
    """Return ``epsilon`` as a float or raise a :class:`DeidSpecError` naming ``where``."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float | Decimal):
        raise DeidSpecError(f"{where} is {epsilon!r}; allowed: a number > 0")
    value = float(epsilon)
    if not math.isfinite(value) or value <= 0:
        raise DeidSpecError(f"{where} is {epsilon!r}; allowed: a finite number > 0")
    return value


@dataclass(frozen=True)
class DpTableSpec:
    """One DP count table: its breakdown columns, their public domains and its epsilon.

    ``domains`` gives, for every breakdown column, the full list of categories to
    release (declared, public). A record whose value is missing is counted under
    ``missing_category`` and one outside the domain under ``other_category``; when the
    matching category is not declared in the domain, such a value is an error.
    """

    name: str
    breakdown: tuple[str, ...]
    epsilon: float
    domains: Mapping[str, Sequence[str]]
    person_id_column: str | None = None
    missing_category: str = "Unknown"
    other_category: str | None = None
    clamp_negative: bool = False

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise DeidSpecError(f"dp table name is {self.name!r}; allowed: a non-empty string")
        if not self.breakdown:
            raise DeidSpecError(f"dp table {self.name!r}: breakdown is empty")
        if len(set(self.breakdown)) != len(self.breakdown):
            raise DeidSpecError(f"dp table {self.name!r}: breakdown repeats a column")
        check_epsilon(self.epsilon, where=f"dp table {self.name!r} epsilon")
        cells = 1
        for col in self.breakdown:
            dom = self.domains.get(col)
            if not dom:
                raise DeidSpecError(
                    f"dp table {self.name!r}: no public domain declared for column {col!r}; "
                    "declare its categories (taking them from the data would leak them)"
                )
            if len(set(map(str, dom))) != len(dom):
                raise DeidSpecError(f"dp table {self.name!r}: domain of {col!r} repeats a category")
            cells *= len(dom)
        if cells > MAX_CELLS:
            raise DeidSpecError(
                f"dp table {self.name!r}: {cells} cells exceed the limit of {MAX_CELLS}; "
                "use a coarser breakdown"
            )

    @property
    def n_cells(self) -> int:
        return math.prod(len(self.domains[c]) for c in self.breakdown)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "breakdown": list(self.breakdown),
            "epsilon": self.epsilon,
            "domains": {c: [str(v) for v in self.domains[c]] for c in self.breakdown},
            "person_id_column": self.person_id_column,
            "missing_category": self.missing_category,
            "other_category": self.other_category,
            "clamp_negative": self.clamp_negative,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DpTableSpec:
        allowed = {
            "name",
            "breakdown",
            "epsilon",
            "domains",
            "person_id_column",
            "missing_category",
            "other_category",
            "clamp_negative",
        }
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise DeidSpecError(f"dp table: unknown key(s) {unknown!r}; allowed: {sorted(allowed)}")
        for key in ("name", "breakdown", "epsilon", "domains"):
            if key not in data:
                raise DeidSpecError(f"dp table: missing key {key!r}")
        return cls(
            name=data["name"],
            breakdown=tuple(data["breakdown"]),
            epsilon=data["epsilon"],
            domains={c: tuple(v) for c, v in dict(data["domains"]).items()},
            person_id_column=data.get("person_id_column"),
            missing_category=data.get("missing_category", "Unknown"),
            other_category=data.get("other_category"),
            clamp_negative=bool(data.get("clamp_negative", False)),
        )


@dataclass
class DpTable:
    """A released DP table and what it cost."""

    name: str
    table: pd.DataFrame  # breakdown columns + "count" (noisy)
    epsilon: float
    scale: float
    sensitivity: int
    mechanism: str
    privacy_unit: str
    epsilon_certified: float  # OpenDP's privacy map at d_in = 1
    records_used: int
    records_dropped_by_contribution_bound: int
    spec: DpTableSpec = field(repr=False)

    @property
    def noise_std(self) -> float:
        """Standard deviation of the discrete Laplace noise of each cell."""
        a = math.exp(-1.0 / self.scale)
        return math.sqrt(2.0 * a) / (1.0 - a)

    def metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "breakdown": list(self.spec.breakdown),
            "cells": len(self.table),
            "epsilon": self.epsilon,
            "epsilon_certified_by_opendp": self.epsilon_certified,
            "mechanism": self.mechanism,
            "noise_scale": self.scale,
            "noise_standard_deviation": self.noise_std,
            "sensitivity_l1": self.sensitivity,
            "privacy_unit": self.privacy_unit,
            "records_used": self.records_used,
            "records_dropped_by_contribution_bound": self.records_dropped_by_contribution_bound,
            "negative_counts_clamped_to_zero": self.spec.clamp_negative,
            "spec": self.spec.to_dict(),
        }


def _opendp() -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def laplace_scale_for(epsilon: float, *, sensitivity: int = 1) -> float:
    """The discrete Laplace scale giving ``epsilon``-DP for a query of this L1 sensitivity."""
    return sensitivity / check_epsilon(epsilon, where="epsilon")


def dp_count_table(records: pd.DataFrame, spec: DpTableSpec) -> DpTable:
    """Noisy counts of ``records`` over every key of the spec's public domain."""
    missing_cols = [c for c in spec.breakdown if c not in records.columns]
    if spec.person_id_column and spec.person_id_column not in records.columns:
        missing_cols.append(spec.person_id_column)
    if missing_cols:
        raise DeidSpecError(
            f"dp table {spec.name!r}: column(s) {missing_cols!r} not in the records; columns are: "
            f"{', '.join(map(str, records.columns))}"
        )
    frame = records
    dropped = 0
    if spec.person_id_column:
        dup = frame[spec.person_id_column].duplicated(keep="first").to_numpy()
        dropped = int(dup.sum())
        frame = frame.loc[~dup]

    cols = [_in_domain(frame[c], spec, c) for c in spec.breakdown]
    keys = [_KEY_SEP.join(parts) for parts in zip(*cols, strict=True)] if len(frame) else []
    domain = [
        tuple(str(v) for v in combo)
        for combo in itertools.product(*[spec.domains[c] for c in spec.breakdown])
    ]
    categories = [_KEY_SEP.join(c) for c in domain]

    dp = _opendp()
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    count = dp.t.make_count_by_categories(
        *space, categories=categories, null_category=False, MO=dp.L1Distance[int], TOA=int
    )
    sensitivity = int(count.map(1))
    scale = laplace_scale_for(spec.epsilon, sensitivity=sensitivity)
    meas = count >> dp.m.then_laplace(scale=scale)
    # floating point can put 1/(1/eps) a hair above eps: widen the scale until OpenDP agrees
    while meas.map(1) > spec.epsilon:
        scale = float(np.nextafter(scale, math.inf))
        meas = count >> dp.m.then_laplace(scale=scale)
    certified = float(meas.map(1))
    noisy = np.asarray(meas(keys), dtype=np.int64)
    if spec.clamp_negative:
        noisy = np.maximum(noisy, 0)  # post-processing: costs no privacy
    table = pd.DataFrame(domain, columns=list(spec.breakdown))
    table["count"] = noisy
    return DpTable(
        name=spec.name,
        table=table,
        epsilon=float(spec.epsilon),
        scale=scale,
        sensitivity=sensitivity,
        mechanism=MECHANISM,
        privacy_unit=PRIVACY_UNIT,
        epsilon_certified=certified,
        records_used=len(frame),
        records_dropped_by_contribution_bound=dropped,
        spec=spec,
    )


def _in_domain(series: pd.Series, spec: DpTableSpec, column: str) -> list[str]:
    allowed = [str(v) for v in spec.domains[column]]
    allowed_set = set(allowed)
    values = series.astype(object).where(series.notna(), None)
    out = values.map(lambda v: None if v is None else str(v))
    is_missing = out.isna()
    if is_missing.any():
        if spec.missing_category not in allowed_set:
            row = out.index[is_missing.to_numpy()][0]
            raise DeidDataError(
                f"dp table {spec.name!r}, column {column!r}, row {row!r}: missing value, and the "
                f"domain has no {spec.missing_category!r} category to count it under"
            )
        out = out.where(~is_missing, spec.missing_category)
    outside = ~out.isin(allowed_set)
    if outside.any():
        if spec.other_category is None or spec.other_category not in allowed_set:
            row = out.index[outside.to_numpy()][0]
            shown = ", ".join(allowed[:20]) + (", ..." if len(allowed) > 20 else "")
            raise DeidDataError(
                f"dp table {spec.name!r}, column {column!r}, row {row!r}: value {out[row]!r} is "
                f"not in the declared domain ({shown})"
            )
        out = out.where(~outside, spec.other_category)
    return out.tolist()


# --------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class BudgetSpend:
    """One charge against an organisation's privacy budget."""

    epsilon: float
    purpose: str
    spent_at: str  # ISO 8601, UTC
    release_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "epsilon": self.epsilon,
            "purpose": self.purpose,
            "spent_at": self.spent_at,
            "release_id": self.release_id,
        }


class PrivacyBudgetAccountant:
    """Total epsilon of one organisation, what has been spent, and refusal of overspending.

    Pure Python; the Django layer persists :meth:`to_dict` (or the spends) and rebuilds
    it with :meth:`from_dict`. Sums are exact (decimal), so ten spends of 0.1 fill a
    budget of 1.0 exactly.

    >>> acc = PrivacyBudgetAccountant(organisation="demo", total_epsilon=1.0)
    >>> _ = acc.spend(0.6, purpose="release 1")
    >>> acc.remaining_epsilon
    0.4
    >>> acc.can_spend(0.5)
    False
    """

    def __init__(
        self,
        *,
        organisation: str,
        total_epsilon: float,
        spends: Iterable[BudgetSpend] = (),
    ) -> None:
        if not organisation:
            raise DeidSpecError("organisation is empty; name the organisation the budget belongs to")
        self.organisation = organisation
        self._total = Decimal(str(check_epsilon(total_epsilon, where="total_epsilon")))
        self._spends: list[BudgetSpend] = []
        for s in spends:
            self._spends.append(s)
        if self._spent() > self._total:
            raise PrivacyBudgetExceededError(
                f"organisation {organisation!r}: recorded spends ({self._spent()}) already exceed "
                f"the total budget {self._total}"
            )

    def _spent(self) -> Decimal:
        return sum((Decimal(str(s.epsilon)) for s in self._spends), Decimal(0))

    @property
    def total_epsilon(self) -> float:
        return float(self._total)

    @property
    def spent_epsilon(self) -> float:
        return float(self._spent())

    @property
    def remaining_epsilon(self) -> float:
        return float(self._total - self._spent())

    @property
    def spends(self) -> tuple[BudgetSpend, ...]:
        return tuple(self._spends)

    def can_spend(self, epsilon: float) -> bool:
        eps = Decimal(str(check_epsilon(epsilon, where="epsilon")))
        return self._spent() + eps <= self._total

    def spend(
        self,
        epsilon: float,
        *,
        purpose: str,
        release_id: str | None = None,
        at: datetime | None = None,
    ) -> BudgetSpend:
        """Record a spend, or raise :class:`PrivacyBudgetExceededError` and record nothing."""
        eps = Decimal(str(check_epsilon(epsilon, where="epsilon")))
        if not purpose:
            raise DeidSpecError("purpose is empty; say what the budget is spent on")
        if self._spent() + eps > self._total:
            raise PrivacyBudgetExceededError(
                f"organisation {self.organisation!r}: spending epsilon {eps} on {purpose!r} would "
                f"exceed the privacy budget: total {self._total}, already spent {self._spent()}, "
                f"remaining {self._total - self._spent()}"
            )
        when = (at or datetime.now(UTC)).astimezone(UTC).isoformat()
        record = BudgetSpend(float(eps), purpose, when, release_id)
        self._spends.append(record)
        return record

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "total_epsilon": self.total_epsilon,
            "spent_epsilon": self.spent_epsilon,
            "remaining_epsilon": self.remaining_epsilon,
            "spends": [s.to_dict() for s in self._spends],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrivacyBudgetAccountant:
        spends = [
            BudgetSpend(
                epsilon=float(s["epsilon"]),
                purpose=str(s["purpose"]),
                spent_at=str(s["spent_at"]),
                release_id=s.get("release_id"),
            )
            for s in data.get("spends", [])
        ]
        return cls(
            organisation=str(data["organisation"]),
            total_epsilon=float(data["total_epsilon"]),
            spends=spends,
        )
