"""Quality scores: completeness, validity, consistency, timeliness and overall, between 0 and 1.

* **Completeness** = filled ÷ expected, over the spec's expected fields where they apply,
  each field weighted ``core_weight`` if HTCDS marks it core and 1 otherwise.
* **Validity** = valid ÷ given, over the dictionary values given (encrypted fields are not
  given and not counted); a value is invalid when a validity check raised an issue on it.
* **Consistency** = share of records with no consistency issue.
* **Timeliness** = share of records with no timeliness issue.
* **Overall** = the weighted mean of the four (``score_weights``), over those that could be
  measured.

Every group (the whole dataset, an organisation, a caseworker, a month of registration,
one record) is scored from the same sums, so a group's score is never an average of
averages, and the whole dataset's score equals the score of its one organisation.
A score is ``None`` when there was nothing to measure (no expected field applied).
Dataset-level issues (suspicious defaults) are listed but change no score: they say
something about a field, not about which record is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tipdata.engines.standard import Dictionary

from .base import DIMENSIONS, ExpectedField, Issue
from .schema import Row

NO_CASEWORKER = "(none)"
NO_MONTH = "(no date)"
NO_ORGANISATION = "(none)"


@dataclass
class _Sums:
    records: int = 0
    issues: int = 0
    filled: float = 0.0  # weighted
    expected: float = 0.0  # weighted
    given: int = 0
    invalid: int = 0
    consistent: int = 0
    timely: int = 0

    def add(self, other: _Sums) -> None:
        self.records += other.records
        self.issues += other.issues
        self.filled += other.filled
        self.expected += other.expected
        self.given += other.given
        self.invalid += other.invalid
        self.consistent += other.consistent
        self.timely += other.timely


@dataclass(frozen=True)
class DimensionScores:
    """Scores of one group of records (or of one record)."""

    records: int
    issues: int
    completeness: float | None
    validity: float | None
    consistency: float | None
    timeliness: float | None
    overall: float | None

    def get(self, dimension: str) -> float | None:
        value: float | None = getattr(self, dimension)
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records, "issues": self.issues,
            **{d: _round(getattr(self, d)) for d in (*DIMENSIONS, "overall")},
        }


@dataclass(frozen=True)
class FieldScore:
    """Completeness and validity of one field across all records."""

    field: str
    entity: str
    core: bool
    weight: float
    expected: int  # records where the field is expected
    filled: int  # of those, records where it holds a value
    given: int  # records holding a value of it (validity counts these)
    invalid: int
    issues: int  # issues of any check naming this field

    @property
    def completeness(self) -> float | None:
        return self.filled / self.expected if self.expected else None

    @property
    def validity(self) -> float | None:
        return (self.given - self.invalid) / self.given if self.given else None

    @property
    def worst(self) -> float:
        """The lower of completeness and validity (1 when neither applies): the sort key for "worst first"."""
        known = [s for s in (self.completeness, self.validity) if s is not None]
        return min(known) if known else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field, "entity": self.entity, "core": self.core, "weight": self.weight,
            "expected": self.expected, "filled": self.filled, "completeness": _round(self.completeness),
            "given": self.given, "invalid": self.invalid, "validity": _round(self.validity), "issues": self.issues,
        }


@dataclass(frozen=True)
class EntityScore:
    """Weighted completeness of the expected fields of one HTCDS entity (person, victim context, case)."""

    entity: str
    fields: int
    completeness: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "fields": self.fields, "completeness": _round(self.completeness)}


@dataclass
class Scores:
    overall: DimensionScores
    fields: dict[str, FieldScore] = field(default_factory=dict)
    entities: dict[str, EntityScore] = field(default_factory=dict)
    organisations: dict[str, DimensionScores] = field(default_factory=dict)
    caseworkers: dict[str, DimensionScores] = field(default_factory=dict)
    months: dict[str, DimensionScores] = field(default_factory=dict)
    records: dict[str, DimensionScores] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "entities": {k: v.to_dict() for k, v in self.entities.items()},
            "organisations": {k: v.to_dict() for k, v in self.organisations.items()},
            "caseworkers": {k: v.to_dict() for k, v in self.caseworkers.items()},
            "months": {k: v.to_dict() for k, v in self.months.items()},
            "records": {k: v.to_dict() for k, v in self.records.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _finish(sums: _Sums, weights: Mapping[str, float]) -> DimensionScores:
    completeness = sums.filled / sums.expected if sums.expected else None
    validity = (sums.given - sums.invalid) / sums.given if sums.given else None
    consistency = sums.consistent / sums.records if sums.records else None
    timeliness = sums.timely / sums.records if sums.records else None
    parts = {"completeness": completeness, "validity": validity, "consistency": consistency, "timeliness": timeliness}
    measured = [(weights[d], v) for d, v in parts.items() if v is not None and weights[d] > 0]
    total = sum(w for w, _ in measured)
    overall = sum(w * v for w, v in measured) / total if total else None
    return DimensionScores(sums.records, sums.issues, completeness, validity, consistency, timeliness, overall)


def compute_scores(
    rows: Sequence[Row], issues: Iterable[Issue], *, expected_fields: Sequence[ExpectedField],
    core_weight: float, score_weights: Mapping[str, float], dictionary: Dictionary,
) -> Scores:
    """Score ``rows`` given the ``issues`` the checks raised on them."""
    by_record: dict[str, list[Issue]] = defaultdict(list)
    issues_by_field: dict[str, int] = defaultdict(int)
    for issue in issues:
        if issue.field:
            issues_by_field[issue.field] += 1
        if issue.record_id is not None:
            by_record[issue.record_id].append(issue)
    weight = {f.name: (core_weight if f.core else 1.0) for f in expected_fields}
    field_expected: dict[str, int] = defaultdict(int)
    field_filled: dict[str, int] = defaultdict(int)
    field_given: dict[str, int] = defaultdict(int)
    field_invalid: dict[str, int] = defaultdict(int)
    entity_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    total = _Sums()
    groups: dict[str, dict[str, _Sums]] = {"organisations": defaultdict(_Sums), "caseworkers": defaultdict(_Sums),
                                            "months": defaultdict(_Sums)}
    records: dict[str, DimensionScores] = {}
    for row in rows:
        own = by_record.get(row.record_id, [])
        sums = _Sums(records=1, issues=len(own))
        for expected in expected_fields:
            if not expected.applies(row):
                continue
            filled = row.has(expected.name)
            w = weight[expected.name]
            sums.expected += w
            field_expected[expected.name] += 1
            entity_sums[expected.entity][1] += w
            if filled:
                sums.filled += w
                field_filled[expected.name] += 1
                entity_sums[expected.entity][0] += w
        invalid_fields = {i.field for i in own if i.dimension == "validity" and i.field in row.raw}
        for name in row.raw:
            field_given[name] += 1
        for name in invalid_fields:
            assert name is not None
            field_invalid[name] += 1
        sums.given = len(row.raw)
        sums.invalid = len(invalid_fields)
        sums.consistent = int(not any(i.dimension == "consistency" for i in own))
        sums.timely = int(not any(i.dimension == "timeliness" for i in own))
        total.add(sums)
        groups["organisations"][row.organisation or NO_ORGANISATION].add(sums)
        groups["caseworkers"][row.caseworker or NO_CASEWORKER].add(sums)
        month = row.registered_on.strftime("%Y-%m") if row.registered_on else NO_MONTH
        groups["months"][month].add(sums)
        records[row.record_id] = _finish(sums, score_weights)
    fields: dict[str, FieldScore] = {}
    names = [f.name for f in expected_fields] + sorted(set(field_given) - {f.name for f in expected_fields})
    for name in names:
        fld = dictionary.field(name)
        fields[name] = FieldScore(
            field=name, entity=fld.entity, core=fld.core, weight=weight.get(name, core_weight if fld.core else 1.0),
            expected=field_expected[name], filled=field_filled[name], given=field_given[name],
            invalid=field_invalid[name], issues=issues_by_field.get(name, 0),
        )
    entity_fields: dict[str, int] = defaultdict(int)
    for expected in expected_fields:
        entity_fields[expected.entity] += 1
    entities = {
        entity: EntityScore(entity, entity_fields[entity], filled / exp if exp else None)
        for entity, (filled, exp) in entity_sums.items()
    }
    for entity, count in entity_fields.items():
        entities.setdefault(entity, EntityScore(entity, count, None))
    return Scores(
        overall=_finish(total, score_weights), fields=fields, entities=entities,
        organisations={k: _finish(v, score_weights) for k, v in sorted(groups["organisations"].items())},
        caseworkers={k: _finish(v, score_weights) for k, v in sorted(groups["caseworkers"].items())},
        months={k: _finish(v, score_weights) for k, v in sorted(groups["months"].items())},
        records=records,
    )
