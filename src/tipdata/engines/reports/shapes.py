"""Table shapes shared by the dashboard and the indicator reports.

Each helper adds a table to a :class:`ReportBuilder` and writes down, in its disclosure
model, what a reader learns from it (which rows add up to which total), so suppression
protects every small count against the sums the report publishes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from .labels import Labeller
from .suppression import Key
from .tables import Column, DraftTable, QualityLine, ReportBuilder, gettext_noop
from .units import Victim

NONE = "_none"  # code of the "not recorded" row

Item = tuple[str, str, int]  # code, label, count


def one_way(
    builder: ReportBuilder, table_id: str, *, title: str, counts: str, dimension: str, column: str,
    items: Sequence[Item], total: tuple[Key, int], total_label: str, overlapping: bool = False,
    none_key: Key | None = None, chart: str = "bar", keys: Callable[[str], Key] | None = None,
) -> DraftTable:
    """Rows of categories and a total row.

    ``overlapping``: a unit can be in several rows (then the rows need not add up to the
    total). ``keys`` names the model quantity of a row code (default ``(table_id, code)``),
    so two tables that publish the same number share it.
    """
    make_key = keys or (lambda code: (table_id, code))
    draft = builder.table(table_id, title, counts, (dimension,), (Column("n", column),),
                          chart=chart, overlapping=overlapping)
    total_key, total_value = total
    builder.count(total_key, total_value, level=2)
    cell_keys = []
    for code, label, value in items:
        key = none_key if (code == NONE and none_key is not None) else make_key(code)
        builder.count(key, value)
        draft.row((code,), (label,), (key,))
        cell_keys.append((code, key))
    draft.row(("_total",), (total_label,), (total_key,), total=True)
    if overlapping:
        named = [k for code, k in cell_keys if code != NONE]
        none = next((k for code, k in cell_keys if code == NONE), None)
        builder.model.overlapping(total_key, named, none)
    else:
        builder.model.sum_of(total_key, [k for _c, k in cell_keys], what=f"{table_id} rows add up to the total")
    return draft


def counted_items(values: Iterable[str | None], label: Callable[[str | None], str], *,
                  order: Sequence[str] | None = None, keep_zero: bool = False) -> list[Item]:
    """Count codes (None = not recorded): in ``order`` if given, else most frequent first."""
    tally = Counter(NONE if v is None else v for v in values)
    codes: list[str]
    if order is not None:
        codes = [c for c in order if keep_zero or tally.get(c)]
        codes += sorted(c for c in tally if c not in order and c != NONE)
    else:
        codes = sorted((c for c in tally if c != NONE), key=lambda c: (-tally[c], c))
    if tally.get(NONE) or (keep_zero and order is not None):
        codes.append(NONE)
    return [(c, label(None if c == NONE else c), tally.get(c, 0)) for c in codes]


def multi_items(victims: Sequence[Victim], attribute: str, label: Callable[[str | None], str]) -> tuple[list[Item], bool]:
    """Persons per code of a list attribute; the second value says whether any person has several."""
    tally: Counter[str] = Counter()
    several = False
    for victim in victims:
        values = getattr(victim, attribute)
        several = several or len(values) > 1
        tally.update(values or [NONE])
    codes = sorted((c for c in tally if c != NONE), key=lambda c: (-tally[c], c))
    if tally.get(NONE):
        codes.append(NONE)
    return [(c, label(None if c == NONE else c), tally[c]) for c in codes], several


def months_between(start: date, end: date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def completeness(victims: Sequence[Victim], labeller: Labeller, *, suppressed: bool,
                 minimum_for_shares: int = 20) -> list[QualityLine]:
    """Share of counted victims with each field recorded.

    In a suppressed report only shares are given, and for fewer than
    ``minimum_for_shares`` victims not even those: a count of missing values among a few
    people could point at them.
    """
    checks: list[tuple[str, str, Callable[[Victim], bool], Callable[[Victim], bool]]] = [
        ("prs_Gender", gettext_noop("Gender"), lambda v: True,
         lambda v: v.gender is not None and v.gender != "NonSpecifiedUnknown"),
        ("prs_Birthdate", gettext_noop("Age (from date of birth)"), lambda v: True, lambda v: v.age is not None),
        ("prs_Citizenship", gettext_noop("Citizenship"), lambda v: True, lambda v: bool(v.citizenship)),
        ("vic_TypeOfExploitation", gettext_noop("Type of exploitation"), lambda v: True,
         lambda v: bool(v.exploitation_types)),
        ("hte_Country", gettext_noop("Country of exploitation"), lambda v: True,
         lambda v: v.country_of_exploitation is not None),
        ("vic_ForcedLabourIndustry", gettext_noop("Labour industry (victims of forced labour)"),
         lambda v: "ForcedLabour" in v.exploitation_types, lambda v: v.labour_industry is not None),
        ("vic_MethodsOfControl", gettext_noop("Methods of control"), lambda v: True,
         lambda v: bool(v.methods_of_control)),
        ("vic_MethodOfRecruitment", gettext_noop("Method of recruitment"), lambda v: True,
         lambda v: bool(v.recruitment)),
    ]
    lines = []
    for name, label, applies, recorded in checks:
        pool = [v for v in victims if applies(v)]
        have = sum(1 for v in pool if recorded(v))
        if suppressed and len(pool) < minimum_for_shares:
            lines.append(QualityLine(name, labeller.text(label), None, None, None))
        else:
            percent = round(100 * have / len(pool)) if pool else None
            if suppressed:  # the share is enough to judge the data; exact counts stay inside
                lines.append(QualityLine(name, labeller.text(label), None, None, percent))
            else:
                lines.append(QualityLine(name, labeller.text(label), have, len(pool), percent))
    return lines
