"""The de-identification spec: what to drop, what to generalise, and how safe is safe.

A :class:`DeidSpec` is plain, JSON-serialisable data (``to_dict`` / ``from_dict``
round-trip), so the spec a release ran with is stored next to it and the release can be
reproduced. Validation against a frame (:meth:`DeidSpec.validate_columns`) names the
spec key, the column and what exists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import DeidSpecError
from .hierarchies import Hierarchy, hierarchy_from_spec

DEFAULT_K = 11
DEFAULT_SUPPRESSION_LIMIT = 0.1


@dataclass(frozen=True)
class QuasiIdentifier:
    """A quasi-identifier column and how it may be generalised.

    ``hierarchy`` is a built-in name or an inline definition (see
    :mod:`tipdata.engines.deid.hierarchies`); ``weight`` scales its share of the
    information loss; ``max_level`` (a level name or index) stops the search from
    generalising it further, e.g. to keep gender from being suppressed whole.
    """

    column: str
    hierarchy: str | Mapping[str, Any]
    weight: float = 1.0
    max_level: int | str | None = None

    def resolved(self) -> Hierarchy:
        return hierarchy_from_spec(self.hierarchy, where=f"quasi_identifiers[{self.column!r}]")

    def max_level_index(self, hierarchy: Hierarchy) -> int:
        names = hierarchy.all_level_names
        if self.max_level is None:
            return len(names) - 1
        if isinstance(self.max_level, int) and not isinstance(self.max_level, bool):
            if 0 <= self.max_level < len(names):
                return self.max_level
        elif isinstance(self.max_level, str) and self.max_level in names:
            return names.index(self.max_level)
        raise DeidSpecError(
            f"quasi_identifiers[{self.column!r}].max_level is {self.max_level!r}; allowed: "
            f"0..{len(names) - 1} or one of {', '.join(names)}"
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "hierarchy": self.hierarchy}
        if self.weight != 1.0:
            out["weight"] = self.weight
        if self.max_level is not None:
            out["max_level"] = self.max_level
        return out


@dataclass(frozen=True)
class DeidSpec:
    """What the k-anonymity engine does to a person-level frame.

    - ``direct_identifiers`` and ``free_text`` columns are dropped;
    - ``quasi_identifiers`` are generalised/suppressed until every combination of their
      released values occurs at least ``k`` times;
    - ``sensitive_attributes`` are kept as they are and, when ``l_diversity`` is set,
      every class must show at least ``l`` distinct values of each of them;
    - ``keep`` lists other columns released unchanged; every other column is dropped
      (and listed in the result) so an unexpected identifier cannot slip through;
    - ``suppression_limit`` is the share of records that may fall in classes smaller
      than ``k`` at the chosen generalisation; those records are then handled by
      local (cell) suppression, and only the ones that still cannot be protected are
      removed.
    """

    quasi_identifiers: tuple[QuasiIdentifier, ...]
    k: int = DEFAULT_K
    direct_identifiers: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    sensitive_attributes: tuple[str, ...] = ()
    l_diversity: int | None = None
    keep: tuple[str, ...] = ()
    suppression_limit: float = DEFAULT_SUPPRESSION_LIMIT
    risk_threshold: float = 0.2
    _hierarchies: tuple[Hierarchy, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 2:
            raise DeidSpecError(f"k is {self.k!r}; allowed: a whole number >= 2")
        if self.l_diversity is not None and (
            isinstance(self.l_diversity, bool)
            or not isinstance(self.l_diversity, int)
            or self.l_diversity < 2
        ):
            raise DeidSpecError(
                f"l_diversity is {self.l_diversity!r}; allowed: null or a whole number >= 2"
            )
        if self.l_diversity is not None and not self.sensitive_attributes:
            raise DeidSpecError("l_diversity is set but sensitive_attributes is empty")
        if not (
            isinstance(self.suppression_limit, int | float)
            and 0.0 <= float(self.suppression_limit) <= 1.0
        ):
            raise DeidSpecError(
                f"suppression_limit is {self.suppression_limit!r}; allowed: a share 0..1"
            )
        if not (0.0 < float(self.risk_threshold) <= 1.0):
            raise DeidSpecError(f"risk_threshold is {self.risk_threshold!r}; allowed: (0, 1]")
        if not self.quasi_identifiers:
            raise DeidSpecError("quasi_identifiers is empty; declare at least one")
        seen: dict[str, str] = {}
        roles = (
            ("direct_identifiers", self.direct_identifiers),
            ("free_text", self.free_text),
            ("quasi_identifiers", tuple(q.column for q in self.quasi_identifiers)),
            ("sensitive_attributes", self.sensitive_attributes),
            ("keep", self.keep),
        )
        for role, cols in roles:
            for col in cols:
                if not isinstance(col, str) or not col:
                    raise DeidSpecError(f"{role}: column names must be non-empty strings, got {col!r}")
                if col in seen:
                    raise DeidSpecError(
                        f"column {col!r} is listed in both {seen[col]} and {role}; give it one role"
                    )
                seen[col] = role
        for q in self.quasi_identifiers:
            if not (isinstance(q.weight, int | float) and q.weight > 0 and math.isfinite(q.weight)):
                raise DeidSpecError(
                    f"quasi_identifiers[{q.column!r}].weight is {q.weight!r}; allowed: a number > 0"
                )
        hierarchies = tuple(q.resolved() for q in self.quasi_identifiers)
        for q, h in zip(self.quasi_identifiers, hierarchies, strict=True):
            q.max_level_index(h)
        object.__setattr__(self, "_hierarchies", hierarchies)

    @property
    def hierarchies(self) -> tuple[Hierarchy, ...]:
        return self._hierarchies

    @property
    def qi_columns(self) -> tuple[str, ...]:
        return tuple(q.column for q in self.quasi_identifiers)

    @property
    def released_columns(self) -> tuple[str, ...]:
        """Columns present in the de-identified frame, in order."""
        return (*self.qi_columns, *self.sensitive_attributes, *self.keep)

    def validate_columns(self, columns: Iterable[str]) -> list[str]:
        """Check every spec column exists; return the columns that will be dropped silently
        because the spec gives them no role (reported in the result, never released)."""
        present = list(columns)
        have = set(present)
        for role, cols in (
            ("direct_identifiers", self.direct_identifiers),
            ("free_text", self.free_text),
            ("quasi_identifiers", self.qi_columns),
            ("sensitive_attributes", self.sensitive_attributes),
            ("keep", self.keep),
        ):
            for col in cols:
                if col not in have:
                    raise DeidSpecError(
                        f"{role}: column {col!r} is not in the records; columns are: "
                        f"{', '.join(map(str, present))}"
                    )
        named = set(self.released_columns) | set(self.direct_identifiers) | set(self.free_text)
        return [c for c in present if c not in named]

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "suppression_limit": self.suppression_limit,
            "direct_identifiers": list(self.direct_identifiers),
            "free_text": list(self.free_text),
            "quasi_identifiers": [q.to_dict() for q in self.quasi_identifiers],
            "sensitive_attributes": list(self.sensitive_attributes),
            "l_diversity": self.l_diversity,
            "keep": list(self.keep),
            "risk_threshold": self.risk_threshold,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeidSpec:
        allowed = {
            "k",
            "suppression_limit",
            "direct_identifiers",
            "free_text",
            "quasi_identifiers",
            "sensitive_attributes",
            "l_diversity",
            "keep",
            "risk_threshold",
        }
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise DeidSpecError(
                f"unknown spec key(s) {unknown!r}; allowed: {', '.join(sorted(allowed))}"
            )
        qis_raw = data.get("quasi_identifiers", [])
        if not isinstance(qis_raw, Sequence) or isinstance(qis_raw, str):
            raise DeidSpecError("quasi_identifiers must be a list of {column, hierarchy} objects")
        qis = []
        for i, q in enumerate(qis_raw):
            if not isinstance(q, Mapping) or "column" not in q or "hierarchy" not in q:
                raise DeidSpecError(
                    f"quasi_identifiers[{i}] must be an object with 'column' and 'hierarchy', got {q!r}"
                )
            extra = sorted(set(q) - {"column", "hierarchy", "weight", "max_level"})
            if extra:
                raise DeidSpecError(f"quasi_identifiers[{i}]: unknown key(s) {extra!r}")
            qis.append(
                QuasiIdentifier(
                    column=q["column"],
                    hierarchy=q["hierarchy"],
                    weight=q.get("weight", 1.0),
                    max_level=q.get("max_level"),
                )
            )
        return cls(
            quasi_identifiers=tuple(qis),
            k=data.get("k", DEFAULT_K),
            direct_identifiers=tuple(data.get("direct_identifiers", ())),
            free_text=tuple(data.get("free_text", ())),
            sensitive_attributes=tuple(data.get("sensitive_attributes", ())),
            l_diversity=data.get("l_diversity"),
            keep=tuple(data.get("keep", ())),
            suppression_limit=data.get("suppression_limit", DEFAULT_SUPPRESSION_LIMIT),
            risk_threshold=data.get("risk_threshold", 0.2),
        )
