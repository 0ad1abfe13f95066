"""The result of a quality run: issues, scores, the checks that ran and the spec they ran with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import DIMENSIONS, Issue
from .scores import DimensionScores, FieldScore, Scores


@dataclass
class RecordSummary:
    """One record for the "worst records first" list: its scores and its issues."""

    record_id: str
    case_id: str
    case_reference: str
    organisation: str
    caseworker: str
    scores: DimensionScores
    issues: list[Issue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id, "case_id": self.case_id, "case_reference": self.case_reference or None,
            "organisation": self.organisation or None, "caseworker": self.caseworker or None,
            "scores": self.scores.to_dict(), "issues": [i.to_dict() for i in self.issues],
        }


@dataclass
class QualityResult:
    """What :func:`run_quality` returns. ``spec`` is the complete spec it ran with (JSON)."""

    spec: dict[str, Any]
    records: int
    issues: list[Issue]
    scores: Scores
    checks: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    record_info: Mapping[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # record_id -> (case_id, case_reference, organisation, caseworker), for the worst-records list

    def issue_counts(self) -> dict[str, int]:
        """Issues per check slug, most first."""
        return dict(Counter(i.check for i in self.issues).most_common())

    def issue_type_counts(self) -> dict[tuple[str, str], int]:
        return dict(Counter((i.check, i.type) for i in self.issues).most_common())

    def dataset_issues(self) -> list[Issue]:
        return [i for i in self.issues if i.record_id is None]

    def issues_for(self, record_id: str) -> list[Issue]:
        return [i for i in self.issues if i.record_id == record_id]

    def worst_fields(self, limit: int | None = 10) -> list[FieldScore]:
        """Fields with the lowest completeness or validity first, then the most issues."""
        ranked = sorted(self.scores.fields.values(), key=lambda f: (f.worst, -f.issues, f.field))
        ranked = [f for f in ranked if f.worst < 1 or f.issues]
        return ranked if limit is None else ranked[:limit]

    def worst_records(self, limit: int | None = 20) -> list[RecordSummary]:
        """Records with issues, the lowest overall score first, then the most issues."""
        by_record: dict[str, list[Issue]] = {}
        for issue in self.issues:
            if issue.record_id is not None:
                by_record.setdefault(issue.record_id, []).append(issue)

        def key(rid: str) -> tuple[float, int, str]:
            overall = self.scores.records[rid].overall
            return (1.0 if overall is None else overall, -len(by_record[rid]), rid)

        ranked = sorted(by_record, key=key)
        if limit is not None:
            ranked = ranked[:limit]
        out = []
        for rid in ranked:
            case_id, reference, org, worker = self.record_info.get(rid, (rid, "", "", ""))
            out.append(RecordSummary(rid, case_id, reference, org, worker, self.scores.records[rid], by_record[rid]))
        return out

    def to_json(self, *, include_record_scores: bool = True) -> dict[str, Any]:
        scores = self.scores.to_dict()
        if not include_record_scores:
            scores.pop("records")
        return {
            "records": self.records,
            "scores": scores,
            "issue_counts": self.issue_counts(),
            "issues": [i.to_dict() for i in self.issues],
            "checks": self.checks,
            "warnings": self.warnings,
            "spec": self.spec,
        }


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{value * 100:5.1f}%"


def format_summary(result: QualityResult, *, title: str = "", limit: int = 10) -> str:
    """A plain-text summary: scores, then the worst fields and records first, then the rest."""
    lines: list[str] = []
    if title:
        lines += [title, "=" * len(title)]
    o = result.scores.overall
    lines.append(f"{result.records} records checked as of {result.spec['as_of']}; {len(result.issues)} issues.")
    lines.append("")
    lines.append("Scores      " + "  ".join(f"{d:>12}" for d in (*DIMENSIONS, "overall")))
    lines.append("  all       " + "  ".join(f"{_pct(o.get(d)):>12}" for d in (*DIMENSIONS, "overall")))
    for org, s in result.scores.organisations.items():
        if len(result.scores.organisations) > 1:
            lines.append(f"  {org[:9]:<9} " + "  ".join(f"{_pct(s.get(d)):>12}" for d in (*DIMENSIONS, "overall")))
    worst = result.worst_fields(limit)
    if worst:
        lines += ["", "Worst fields first:"]
        for f in worst:
            core = "core" if f.core else "    "
            lines.append(f"  {f.field:<34} {core}  complete {_pct(f.completeness)} ({f.filled}/{f.expected})"
                         f"  valid {_pct(f.validity)}  issues {f.issues}")
    records = result.worst_records(limit)
    if records:
        lines += ["", "Worst records first:"]
        for r in records:
            label = r.case_reference or r.record_id
            lines.append(f"  {label:<24} overall {_pct(r.scores.overall)}  {len(r.issues)} issue"
                         f"{'s' if len(r.issues) != 1 else ''}"
                         + (f"  ({r.caseworker})" if r.caseworker else ""))
            for issue in r.issues[:5]:
                lines.append(f"      - [{issue.check}] {issue.message}")
            if len(r.issues) > 5:
                lines.append(f"      ... and {len(r.issues) - 5} more")
    dataset = result.dataset_issues()
    if dataset:
        lines += ["", "Across records:"]
        lines += [f"  - [{i.check}] {i.message}" for i in dataset]
    counts = result.issue_type_counts()
    if counts:
        lines += ["", "Issues by check:"]
        lines += [f"  {check:<40} {kind:<42} {n:>6}" for (check, kind), n in counts.items()]
    if len(result.scores.caseworkers) > 1:
        lines += ["", "By caseworker (overall, completeness, records):"]
        ranked = sorted(result.scores.caseworkers.items(), key=lambda kv: (kv[1].overall or 0, kv[0]))
        for name, s in ranked[:limit]:
            lines.append(f"  {name:<30} {_pct(s.overall)}  {_pct(s.completeness)}  {s.records:>6}")
    if result.scores.months:
        lines += ["", "By month of registration (last 12; overall, issues, records):"]
        for month, s in list(result.scores.months.items())[-12:]:
            lines.append(f"  {month:<10} {_pct(s.overall)}  {s.issues:>5}  {s.records:>6}")
    if result.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in result.warnings]
    return "\n".join(lines) + "\n"
