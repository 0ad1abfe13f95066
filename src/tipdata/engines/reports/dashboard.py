"""The dashboard: an organisation's caseload in tables, one per chart.

>>> from datetime import date
>>> from tipdata.engines.reports import ReportSpec, VictimRecord, build_dashboard
>>> rows = [VictimRecord(case_id=f"c{i}", person_id=f"p{i}", registered_on=date(2025, 1 + i % 3, 5),
...                      status="Active", gender="Feminine" if i % 4 else "Masculine", age=20 + i)
...         for i in range(12)]
>>> report = build_dashboard(rows, spec=ReportSpec(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31)))
>>> [(r.labels[0], r.cells[0].display) for r in report.table("gender").rows]
[('Feminine', '9'), ('Masculine', '3'), ('Victims', '12')]
>>> report = build_dashboard(rows, spec=ReportSpec(suppress=True))
>>> [(r.labels[0], r.cells[0].display) for r in report.table("gender").rows]
[('Feminine', 'x'), ('Masculine', '<5'), ('Victims', '12')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from .labels import Labeller
from .records import CASE_STATUSES, ReferralRecord, VictimRecord
from .shapes import NONE, completeness, counted_items, months_between, multi_items, one_way
from .spec import ReportSpec
from .tables import Column, Report, ReportBuilder, gettext_noop
from .units import CaseUnit, Victim, band_of, cases, categories, referrals_in_scope, select, victims

IDENTIFIED_ONLY = gettext_noop(
    "These numbers count identified cases only: people an organisation met and recorded. "
    "They do not measure how much trafficking there is (prevalence)."
)
VICTIMS = gettext_noop("Victims (persons; a person with several cases counts once)")
CASES = gettext_noop("Cases")


def period_text(spec: ReportSpec, labeller: Labeller) -> str:
    if spec.date_from and spec.date_to:
        return f"{spec.date_from.isoformat()} – {spec.date_to.isoformat()}"
    if spec.date_from:
        return labeller.text(gettext_noop("from")) + f" {spec.date_from.isoformat()}"
    if spec.date_to:
        return labeller.text(gettext_noop("until")) + f" {spec.date_to.isoformat()}"
    return labeller.text(gettext_noop("all registrations"))


def as_of_day(spec: ReportSpec, records: Sequence[VictimRecord]) -> date | None:
    """The day ageing is measured on: the spec's, else the period end, else the latest date seen."""
    if spec.as_of:
        return spec.as_of
    if spec.date_to:
        return spec.date_to
    days = [r.registered_on for r in records] + [r.closed_on for r in records if r.closed_on]
    return max(days) if days else None


def build_dashboard(records: Iterable[VictimRecord], referrals: Iterable[ReferralRecord] = (),
                    spec: ReportSpec | None = None, *, translate: Callable[[str], str] | None = None) -> Report:
    """Every dashboard table for the records the spec keeps."""
    spec = spec or ReportSpec()
    labeller = Labeller(spec.lang, translate)
    all_records = list(records)
    kept = select(all_records, spec)
    people = victims(kept)
    units = cases(kept)
    builder = ReportBuilder(spec, translate=labeller.text)
    t = labeller.text
    n_victims = len(people)
    n_cases = len(units)
    victims_total = (("victims",), n_victims)
    cases_total = (("cases",), n_cases)

    _registrations(builder, units, spec, labeller, kept)
    one_way(builder, "case_status", title=t(gettext_noop("Cases by status")), counts=t(CASES),
            dimension=t(gettext_noop("Status")), column=t(CASES), total=cases_total, total_label=t(CASES),
            items=[(s, _status_label(s, labeller), sum(1 for u in units if u.status == s)) for s in CASE_STATUSES])
    _ageing(builder, units, as_of_day(spec, all_records), labeller)
    _support(builder, units, as_of_day(spec, all_records), labeller)

    one_way(builder, "gender", title=t(gettext_noop("Victims by gender")), counts=t(VICTIMS),
            dimension=t(gettext_noop("Gender")), column=t(gettext_noop("Victims")), total=victims_total,
            total_label=t(gettext_noop("Victims")),
            items=counted_items((v.gender for v in people), lambda c: labeller.code("gender", c)))
    _ages(builder, people, labeller)
    nationality = _multi(builder, people, "citizenship", "nationality", labeller,
                         title=gettext_noop("Victims by citizenship"), dimension=gettext_noop("Citizenship"),
                         note=gettext_noop("A person with two citizenships is counted under each."))
    destination = one_way(
        builder, "country_of_exploitation", title=t(gettext_noop("Victims by country of exploitation")),
        counts=t(VICTIMS), dimension=t(gettext_noop("Country of exploitation")), column=t(gettext_noop("Victims")),
        total=victims_total, total_label=t(gettext_noop("Victims")),
        items=counted_items((v.country_of_exploitation for v in people),
                            lambda c: labeller.code("country_of_exploitation", c)))
    _routes(builder, people, labeller, nationality_keys=nationality, destination_keys=destination.id)
    _multi(builder, people, "exploitation_types", "exploitation_type", labeller,
           title=gettext_noop("Victims by type of exploitation"), dimension=gettext_noop("Type of exploitation"),
           note=gettext_noop("A victim can suffer several types of exploitation and is counted under each."))
    one_way(builder, "labour_industry", title=t(gettext_noop("Victims by labour industry")), counts=t(VICTIMS),
            dimension=t(gettext_noop("Industry")), column=t(gettext_noop("Victims")), total=victims_total,
            total_label=t(gettext_noop("Victims")),
            items=counted_items((v.labour_industry for v in people), lambda c: labeller.code("labour_industry", c)))
    _multi(builder, people, "methods_of_control", "methods_of_control", labeller,
           title=gettext_noop("Victims by method of control"), dimension=gettext_noop("Method of control"),
           note=gettext_noop("Traffickers often use several methods; a victim is counted under each one recorded."))
    _multi(builder, people, "recruitment", "recruitment", labeller,
           title=gettext_noop("Victims by method of recruitment"), dimension=gettext_noop("Method of recruitment"))
    _referrals(builder, referrals_in_scope(referrals, all_records, spec), labeller)

    notes = [t(IDENTIFIED_ONLY)]
    if spec.statistics_consent_only:
        notes.append(t(gettext_noop("Only victims who consented to de-identified statistics are counted.")))
    return builder.finish(
        kind="dashboard", title=t(gettext_noop("Dashboard")), period=period_text(spec, labeller), notes=notes,
        quality=completeness(people, labeller, suppressed=spec.suppress),
        counted={"victims": n_victims, "cases": n_cases},
    )


def _status_label(code: str, labeller: Labeller) -> str:
    from tipdata.engines.standard import load_dictionary

    return load_dictionary().field("cas_status").value(code).label_for(labeller.lang)


def _registrations(builder: ReportBuilder, units: Sequence[CaseUnit], spec: ReportSpec, labeller: Labeller,
                   records: Sequence[VictimRecord]) -> None:
    t = labeller.text
    days = [u.registered_on for u in units]
    start = spec.date_from or (min(days) if days else None)
    end = spec.date_to or (max(days) if days else None)
    by_month = spec.granularity == "month" or (
        spec.granularity == "auto" and start is not None and end is not None
        and (end.year - start.year) * 12 + end.month - start.month < 24
    )
    if start is None or end is None:
        periods: list[str] = []
    elif by_month:
        periods = months_between(start, end)
    else:
        periods = [str(y) for y in range(start.year, end.year + 1)]
    tally = Counter(u.registered_on.strftime("%Y-%m") if by_month else str(u.registered_on.year) for u in units)
    draft = one_way(
        builder, "registrations",
        title=t(gettext_noop("Cases registered per month") if by_month else gettext_noop("Cases registered per year")),
        counts=t(CASES), dimension=t(gettext_noop("Month") if by_month else gettext_noop("Year")),
        column=t(gettext_noop("Cases registered")), total=(("cases",), len(units)), total_label=t(CASES),
        items=[(p, p, tally.get(p, 0)) for p in periods], chart="line" if by_month else "bar",
    )
    draft.notes.append(t(gettext_noop("Counted by the date each case was registered.")))


def _ageing(builder: ReportBuilder, units: Sequence[CaseUnit], as_of: date | None, labeller: Labeller) -> None:
    t = labeller.text
    bands = categories()["case_age_bands"]
    open_units = [u for u in units if as_of is not None and u.open_on(as_of)]
    tally = Counter(band_of((as_of - u.registered_on).days, bands) for u in open_units if as_of)
    total_key = builder.count(("open_cases",), len(open_units), level=1)
    builder.count(("cases",), len(units), level=2)
    builder.model.at_most([total_key], [("cases",)], what="open cases within cases")
    draft = one_way(
        builder, "case_ageing", title=t(gettext_noop("Open cases by time since registration")), counts=t(CASES),
        dimension=t(gettext_noop("Open for")), column=t(gettext_noop("Open cases")),
        total=(total_key, len(open_units)), total_label=t(gettext_noop("Open cases")),
        items=[(b["code"], t(b["label"]), tally.get(b["code"], 0)) for b in bands],
    )
    if as_of is not None:
        draft.notes.append(t(gettext_noop("Cases open on")) + f" {as_of.isoformat()}.")


def _support(builder: ReportBuilder, units: Sequence[CaseUnit], as_of: date | None, labeller: Labeller) -> None:
    t = labeller.text

    def outcome(u: CaseUnit) -> str:
        """completed: every plan ended; overdue: a plan not ended is past its planned end."""
        if not u.support_plans:
            return "no_plan"
        unfinished = [p for p in u.support_plans if p.actual_end is None or (as_of is not None and p.actual_end > as_of)]
        if not unfinished:
            return "completed"
        if any(p.planned_end is not None and as_of is not None and p.planned_end < as_of for p in unfinished):
            return "overdue"
        return "ongoing"

    tally = Counter(outcome(u) for u in units)
    draft = one_way(
        builder, "support_outcome", title=t(gettext_noop("Cases by support-plan outcome")), counts=t(CASES),
        dimension=t(gettext_noop("Support plan")), column=t(CASES), total=(("cases",), len(units)),
        total_label=t(CASES),
        items=[(o["code"], t(o["label"]), tally.get(o["code"], 0)) for o in categories()["support_outcomes"]],
    )
    draft.notes.append(t(gettext_noop(
        "From the support plans recorded on each case (HTCDS spl_ fields): completed when every plan has ended, "
        "past its planned end when a plan not ended should have."
    )))


def _ages(builder: ReportBuilder, people: Sequence[Victim], labeller: Labeller) -> None:
    t = labeller.text
    bands = categories()["age_bands"]
    groups = categories()["age_groups"]
    total = (("victims",), len(people))
    tally = Counter(band_of(v.age, bands) or NONE for v in people)
    none_key = ("age", NONE)
    items = [(b["code"], b["label"], tally.get(b["code"], 0)) for b in bands]
    items.append((NONE, labeller.code("age", None), tally.get(NONE, 0)))
    draft = one_way(builder, "age_band", title=t(gettext_noop("Victims by age at registration")), counts=t(VICTIMS),
                    dimension=t(gettext_noop("Age band (years)")), column=t(gettext_noop("Victims")), total=total,
                    total_label=t(gettext_noop("Victims")), items=items, keys=lambda c: ("age", c))
    draft.notes.append(t(gettext_noop("Age bands of the CTDC global dataset; age in completed years when the case was registered.")))
    group_tally = Counter(band_of(v.age, groups) or NONE for v in people)
    group_items = [(g["code"], t(g["label"]), group_tally.get(g["code"], 0)) for g in groups]
    group_items.append((NONE, labeller.code("age", None), group_tally.get(NONE, 0)))
    one_way(builder, "majority", title=t(gettext_noop("Victims: minors and adults")), counts=t(VICTIMS),
            dimension=t(gettext_noop("Age group")), column=t(gettext_noop("Victims")), total=total,
            total_label=t(gettext_noop("Victims")), items=group_items, none_key=none_key)
    for group in groups:
        inside = [("age", b["code"]) for b in bands
                  if b["min"] >= group["min"] and (group["max"] is None or (b["max"] is not None and b["max"] <= group["max"]))]
        builder.model.sum_of(("majority", group["code"]), inside, what=f"{group['code']} = its age bands")


def _multi(builder: ReportBuilder, people: Sequence[Victim], attribute: str, table_id: str, labeller: Labeller,
           *, title: str, dimension: str, note: str = "") -> str:
    t = labeller.text
    items, several = multi_items(people, attribute, lambda c: labeller.code(attribute, c))
    draft = one_way(builder, table_id, title=t(title), counts=t(VICTIMS), dimension=t(dimension),
                    column=t(gettext_noop("Victims")), total=(("victims",), len(people)),
                    total_label=t(gettext_noop("Victims")), items=items, overlapping=several)
    if several and note:
        draft.notes.append(t(note))
    return table_id


def _routes(builder: ReportBuilder, people: Sequence[Victim], labeller: Labeller, *,
            nationality_keys: str, destination_keys: str) -> None:
    """Citizenship -> country of exploitation, persons per pair (a dual citizen on each route)."""
    t = labeller.text
    tally: Counter[tuple[str, str]] = Counter()
    for v in people:
        destination = v.country_of_exploitation or NONE
        for citizenship in v.citizenship or [NONE]:
            tally[(citizenship, destination)] += 1
    pairs = sorted(tally, key=lambda p: (-tally[p], p))
    draft = builder.table(
        "routes", t(gettext_noop("Routes: citizenship to country of exploitation")), t(VICTIMS),
        (t(gettext_noop("Citizenship")), t(gettext_noop("Country of exploitation"))),
        (Column("n", t(gettext_noop("Victims"))),), chart="routes",
    )
    keys: dict[tuple[str, str], tuple[str, ...]] = {}
    for pair in pairs:
        key = builder.count(("route", *pair), tally[pair])
        keys[pair] = key
        draft.row(pair, (labeller.country(None if pair[0] == NONE else pair[0]),
                         labeller.country(None if pair[1] == NONE else pair[1])), (key,))
    # What the routes add to the nationality and destination tables: a citizenship's routes
    # hold exactly its victims; a destination's routes hold at least its victims.
    for citizenship in {c for c, _ in pairs}:
        builder.model.sum_of((nationality_keys, citizenship), [k for p, k in keys.items() if p[0] == citizenship],
                             what=f"routes from {citizenship}")
    for destination in {d for _, d in pairs}:
        routes = [k for p, k in keys.items() if p[1] == destination]
        builder.model.at_most([(destination_keys, destination)], routes, what=f"routes to {destination}")
        for route in routes:
            builder.model.at_most([route], [(destination_keys, destination)], what=f"{route} within destination")
    draft.notes.append(t(gettext_noop("Each line joins a victim's country of citizenship to the country where they were exploited.")))


def _referrals(builder: ReportBuilder, referrals: Sequence[ReferralRecord], labeller: Labeller) -> None:
    t = labeller.text
    directions = (("out", t(gettext_noop("Made"))), ("in", t(gettext_noop("Received"))))
    draft = builder.table("referrals", t(gettext_noop("Referrals made and received")), t(gettext_noop("Referrals")),
                          (t(gettext_noop("Direction")), t(gettext_noop("Partner organisation"))),
                          (Column("n", t(gettext_noop("Referrals"))),), chart="bar")
    grand = builder.count(("referrals",), len(referrals), level=2)
    subtotals = []
    for direction, label in directions:
        chosen = [r for r in referrals if r.direction == direction]
        tally = Counter(r.partner or NONE for r in chosen)
        cells = []
        for partner in sorted(tally, key=lambda p: (-tally[p], p)):
            key = builder.count(("referral", direction, partner), tally[partner])
            name = t(gettext_noop("Partner not recorded")) if partner == NONE else partner
            draft.row((direction, partner), (label, name), (key,))
            cells.append(key)
        subtotal = builder.count(("referrals", direction), len(chosen), level=1)
        builder.model.sum_of(subtotal, cells, what=f"referrals {direction}")
        draft.row((direction, "_total"), (label, t(gettext_noop("All partners"))), (subtotal,), total=True)
        subtotals.append(subtotal)
    builder.model.sum_of(grand, subtotals, what="referrals")
    draft.notes.append(t(gettext_noop("Counted by the date of the referral.")))
