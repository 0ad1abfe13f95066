"""Standard indicator reports: SDG 16.2.2, the UNODC Global Report breakdowns, a donor summary.

SDG indicator 16.2.2 is the number of detected victims of trafficking per 100,000
population, by sex, age group and form of exploitation; an organisation contributes the
counts (the rate needs the population, which can be given). The UNODC Global Report on
Trafficking in Persons breaks detected victims down by sex and age (girls, boys, women,
men), by detailed form of exploitation and by whether they were detected in their own
country. The donor/M&E summary counts the people a programme assisted in a period, the
services and consents behind that, the referrals and the outcomes.

>>> from datetime import date
>>> from tipdata.engines.reports import VictimRecord, sdg_16_2_2
>>> rows = [VictimRecord(case_id=f"c{i}", person_id=f"p{i}", registered_on=date(2025, 6, 1),
...                      status="Active", gender="Feminine", age=15 + i,
...                      exploitation_types=("SexualExploitation",), statistics_consent=True)
...         for i in range(8)]
>>> report = sdg_16_2_2(rows, year=2025)
>>> table = report.table("sdg_16_2_2")
>>> table.cell(["sexual_exploitation"], "girls").value, table.cell(["sexual_exploitation"], "women").value
(3, 5)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from .dashboard import IDENTIFIED_ONLY, VICTIMS, period_text
from .labels import Labeller
from .records import ReferralRecord, VictimRecord
from .shapes import NONE, completeness, one_way
from .spec import ReportSpec
from .suppression import Key
from .tables import Column, Report, ReportBuilder, gettext_noop
from .units import Victim, categories, keep, referrals_in_scope, select, victims

SEXES = ("female", "male", "other_unknown")
AGES = ("child", "adult", "unknown")


def _group_of(sex: str, age: str) -> str | None:
    for group in categories()["sex_age_groups"]:
        if group["sex"] == sex and group["age"] == age:
            return str(group["code"])
    return None


def _consent_notes(spec: ReportSpec, records: Sequence[VictimRecord], labeller: Labeller,
                   chooser: Callable[[VictimRecord, ReportSpec], bool]) -> tuple[list[str], int]:
    """Notes on what is counted, and how many victims were left out for lack of consent."""
    t = labeller.text
    notes = [t(IDENTIFIED_ONLY)]
    left_out = 0
    if spec.statistics_consent_only:
        without = spec.replace(statistics_consent_only=False)
        everyone = {r.person_id for r in records if chooser(r, without)}
        consenting = {r.person_id for r in records if chooser(r, spec)}
        left_out = len(everyone - consenting)
        notes.append(t(gettext_noop(
            "Only victims who consented to de-identified statistics are counted; the others are left out "
            "(their number is given under 'Counted')."
        )))
    return notes, left_out


def form_by_group(builder: ReportBuilder, table_id: str, people: Sequence[Victim], *, detailed: bool,
                  labeller: Labeller, title: str, with_sex_and_age: bool = False) -> None:
    """Forms of exploitation (rows) by girls, boys, women, men and other/unknown (columns).

    Behind the five columns lie nine sex-by-age counts per form; the four named groups are
    four of them, the last column adds up the other five, which stay unpublished. The
    suppression model knows this, so it also protects the sex and age totals.
    """
    t = labeller.text
    forms_def = categories()["forms"]["detailed" if detailed else "broad"]
    tally: Counter[tuple[str, str, str]] = Counter()
    for v in people:
        form = v.form if detailed else v.broad_form
        tally[(form, v.sex, v.age_group or "unknown")] += 1
    present = {f for f, _s, _a in tally}
    always = {"sexual_exploitation", "forced_labour"} | ({"other"} if not detailed else set())
    forms = [f for f in forms_def if f["code"] in present or f["code"] in always]
    groups = categories()["sex_age_groups"]
    columns = [Column(g["code"], t(g["label"])) for g in groups] + [Column("total", t(gettext_noop("Total")))]
    draft = builder.table(table_id, title, t(VICTIMS), (t(gettext_noop("Form of exploitation")),), columns, chart="stacked")
    atom: dict[tuple[str, str, str], Key] = {}
    row_totals = []
    for form in forms:
        code = form["code"]
        cells: list[Key] = []
        for sex in SEXES:
            for age in AGES:
                group = _group_of(sex, age)
                key: Key = (table_id, code, group) if group else ("atom", table_id, code, sex, age)
                atom[(code, sex, age)] = builder.count(key, tally.get((code, sex, age), 0), published=group is not None)
        for g in groups:
            if g["code"] != "other_unknown":
                cells.append(atom[(code, g["sex"], g["age"])])
        hidden = [k for (f, s, a), k in atom.items() if f == code and _group_of(s, a) is None]
        other = builder.count((table_id, code, "other_unknown"), sum(builder.model.quantities[k].value for k in hidden))
        builder.model.sum_of(other, hidden, what=f"{code}: other or unknown")
        cells.append(other)
        total = builder.count((table_id, code, "total"), sum(builder.model.quantities[k].value for k in cells), level=1)
        builder.model.sum_of(total, cells, what=f"{code}: row total")
        draft.row((code,), (t(form["label"]),), (*cells, total))
        row_totals.append(total)
    grand = builder.count(("victims",), len(people), level=2)
    column_totals: list[Key] = []
    for g in groups:
        keys: list[Key]
        if g["code"] == "other_unknown":
            keys = [(table_id, f["code"], "other_unknown") for f in forms]
        else:
            keys = [atom[(f["code"], g["sex"], g["age"])] for f in forms]
        key = builder.count((table_id, "_total", g["code"]), sum(builder.model.quantities[k].value for k in keys), level=1)
        builder.model.sum_of(key, keys, what=f"column {g['code']}")
        column_totals.append(key)
    builder.model.sum_of(grand, row_totals, what="rows add up to the victims")
    builder.model.sum_of(grand, column_totals, what="columns add up to the victims")
    draft.row(("_total",), (t(gettext_noop("Total")),), (*column_totals, grand), total=True)
    draft.notes.append(t(gettext_noop(
        "Each victim is counted under one form; a victim whose types of exploitation fall under two or more forms "
        "is counted under mixed forms. Children are under 18 when the case was registered. 'Other or not known': "
        "another gender than female or male, or sex or age not recorded."
    )))
    if not with_sex_and_age:
        return
    labels = categories()["sex"]["labels"]
    sex_draft = builder.table(f"{table_id}_sex", t(gettext_noop("Detected victims by sex")), t(VICTIMS),
                              (t(gettext_noop("Sex")),), (Column("n", t(gettext_noop("Victims"))),))
    sex_keys = []
    for sex in SEXES:
        parts = [k for (_f, s, _a), k in atom.items() if s == sex]
        key = builder.count(("sex", sex), sum(builder.model.quantities[k].value for k in parts))
        builder.model.sum_of(key, parts, what=f"sex {sex}")
        sex_draft.row((sex,), (t(labels[sex]),), (key,))
        sex_keys.append(key)
    sex_draft.row(("_total",), (t(gettext_noop("Total")),), (grand,), total=True)
    builder.model.sum_of(grand, sex_keys, what="sexes add up to the victims")
    age_labels = {"child": gettext_noop("Children (under 18)"), "adult": gettext_noop("Adults (18 or older)"),
                  "unknown": gettext_noop("Age not known")}
    age_draft = builder.table(f"{table_id}_age", t(gettext_noop("Detected victims by age group")), t(VICTIMS),
                              (t(gettext_noop("Age group")),), (Column("n", t(gettext_noop("Victims"))),))
    age_keys = []
    for age in AGES:
        parts = [k for (_f, _s, a), k in atom.items() if a == age]
        key = builder.count(("agegroup", age), sum(builder.model.quantities[k].value for k in parts))
        builder.model.sum_of(key, parts, what=f"age {age}")
        age_draft.row((age,), (t(age_labels[age]),), (key,))
        age_keys.append(key)
    age_draft.row(("_total",), (t(gettext_noop("Total")),), (grand,), total=True)
    builder.model.sum_of(grand, age_keys, what="age groups add up to the victims")


def sdg_16_2_2(records: Iterable[VictimRecord], *, year: int, spec: ReportSpec | None = None,
               population: int | None = None, translate: Callable[[str], str] | None = None) -> Report:
    """Detected victims registered in ``year`` by sex, age group and form of exploitation.

    ``spec`` supplies the filters and disclosure rules; its dates are replaced by the year.
    With ``population`` (of the area the organisation covers) the rate per 100,000 is
    given as well, unless the total is withheld.
    """
    base = spec or ReportSpec()
    spec = base.replace(date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    labeller = Labeller(spec.lang, translate)
    t = labeller.text
    all_records = list(records)
    people = victims(select(all_records, spec))
    builder = ReportBuilder(spec, translate=labeller.text)
    form_by_group(builder, "sdg_16_2_2", people, detailed=False, labeller=labeller, with_sex_and_age=True,
                  title=t(gettext_noop("SDG 16.2.2: detected victims by form of exploitation, sex and age group")))
    notes, left_out = _consent_notes(spec, all_records, labeller, keep)
    notes.append(t(gettext_noop(
        "SDG indicator 16.2.2 is the number of detected victims per 100,000 population; these are this "
        "organisation's detected victims, which national reporting combines across agencies after removing duplicates."
    )))
    if population is not None:
        if population <= 0:
            from .errors import ReportSpecError

            raise ReportSpecError(f"population: {population} is not allowed; allowed: a positive number of people")
        if not (spec.suppress and 0 < len(people) < spec.threshold):
            rate = 100_000 * len(people) / population
            notes.append(t(gettext_noop("Detected victims per 100,000 population")) + f": {rate:.2f} "
                         f"({len(people)} / {population:,})")
    report = builder.finish(
        kind="sdg1622", title=t(gettext_noop("SDG indicator 16.2.2: detected victims of trafficking")),
        period=str(year), notes=notes, quality=completeness(people, labeller, suppressed=spec.suppress),
        counted=_counted(len(people), left_out, spec),
    )
    return report


def unodc_global_report(records: Iterable[VictimRecord], spec: ReportSpec | None = None, *,
                        translate: Callable[[str], str] | None = None) -> Report:
    """The breakdowns of detected victims the UNODC Global Report on Trafficking in Persons asks for."""
    spec = spec or ReportSpec()
    labeller = Labeller(spec.lang, translate)
    t = labeller.text
    all_records = list(records)
    people = victims(select(all_records, spec))
    builder = ReportBuilder(spec, translate=labeller.text)
    total = (("victims",), len(people))
    groups = categories()["sex_age_groups"]
    tally = Counter(v.sex_age_group for v in people)
    one_way(builder, "unodc_sex_age", title=t(gettext_noop("Detected victims by sex and age group")),
            counts=t(VICTIMS), dimension=t(gettext_noop("Group")), column=t(gettext_noop("Victims")), total=total,
            total_label=t(gettext_noop("Total")),
            items=[(g["code"], t(g["label"]), tally.get(g["code"], 0)) for g in groups])
    form_by_group(builder, "unodc_forms", people, detailed=True, labeller=labeller,
                  title=t(gettext_noop("Detected victims by form of exploitation, sex and age group")))
    for g in groups:  # the same numbers as the forms table's column totals
        builder.model.sum_of(("unodc_sex_age", g["code"]), [("unodc_forms", "_total", g["code"])], what="same column")
    notes, left_out = _consent_notes(spec, all_records, labeller, keep)
    if spec.detection_country:
        here = spec.detection_country
        where = {
            "domestic": t(gettext_noop("Citizens of the country of detection")),
            "foreign": t(gettext_noop("Foreign citizens")),
            NONE: t(gettext_noop("Citizenship not recorded")),
        }
        origin = Counter(
            NONE if not v.citizenship else ("domestic" if here in v.citizenship else "foreign") for v in people
        )
        one_way(builder, "unodc_origin",
                title=t(gettext_noop("Detected victims: citizens and foreigners")) + f" ({labeller.country(here)})",
                counts=t(VICTIMS), dimension=t(gettext_noop("Citizenship")), column=t(gettext_noop("Victims")),
                total=total, total_label=t(gettext_noop("Total")),
                items=[(c, where[c], origin.get(c, 0)) for c in ("domestic", "foreign", NONE)])
        place = {
            "domestic": t(gettext_noop("Exploited in the country of detection")),
            "abroad": t(gettext_noop("Exploited abroad")),
            NONE: t(gettext_noop("Country of exploitation not recorded")),
        }
        exploited = Counter(
            NONE if v.country_of_exploitation is None else ("domestic" if v.country_of_exploitation == here else "abroad")
            for v in people
        )
        one_way(builder, "unodc_exploited_where", title=t(gettext_noop("Detected victims by where they were exploited")),
                counts=t(VICTIMS), dimension=t(gettext_noop("Place of exploitation")), column=t(gettext_noop("Victims")),
                total=total, total_label=t(gettext_noop("Total")),
                items=[(c, place[c], exploited.get(c, 0)) for c in ("domestic", "abroad", NONE)])
    else:
        notes.append(t(gettext_noop("No country of detection was given, so citizens and foreigners are not told apart.")))
    citizenship = Counter(c for v in people for c in (v.citizenship or [NONE]))
    several = any(len(v.citizenship) > 1 for v in people)
    items = [(c, labeller.country(c), citizenship[c]) for c in sorted((c for c in citizenship if c != NONE),
                                                                      key=lambda c: (-citizenship[c], c))]
    if citizenship.get(NONE):
        items.append((NONE, labeller.country(None), citizenship[NONE]))
    one_way(builder, "unodc_citizenship", title=t(gettext_noop("Detected victims by citizenship")), counts=t(VICTIMS),
            dimension=t(gettext_noop("Citizenship")), column=t(gettext_noop("Victims")), total=total,
            total_label=t(gettext_noop("Total")), items=items, overlapping=several)
    return builder.finish(
        kind="unodc", title=t(gettext_noop("UNODC Global Report on Trafficking in Persons: detected victims")),
        period=period_text(spec, labeller), notes=notes,
        quality=completeness(people, labeller, suppressed=spec.suppress), counted=_counted(len(people), left_out, spec),
    )


def _active_during(record: VictimRecord, spec: ReportSpec) -> bool:
    """Open at some time in the period (registered by its end, not closed before its start)."""
    timeless = spec.replace(date_from=None, date_to=None)
    if not keep(record, timeless):
        return False
    if spec.date_to and record.registered_on > spec.date_to:
        return False
    if spec.date_from:
        if record.closed_on is not None and record.closed_on < spec.date_from:
            return False
        if record.closed_on is None and record.status not in ("Active", "FollowUp") and record.registered_on < spec.date_from:
            return False  # closed, date unknown: not known to be open in the period
    return True


def donor_summary(records: Iterable[VictimRecord], referrals: Iterable[ReferralRecord] = (),
                  spec: ReportSpec | None = None, *, translate: Callable[[str], str] | None = None) -> Report:
    """People assisted, services and consents, referrals and outcomes in a period (for donors and M&E)."""
    spec = spec or ReportSpec()
    labeller = Labeller(spec.lang, translate)
    t = labeller.text
    all_records = list(records)
    active = [r for r in all_records if _active_during(r, spec)]
    people = victims(active)
    builder = ReportBuilder(spec, translate=labeller.text)
    groups = categories()["sex_age_groups"]

    new_ids = {r.person_id for r in active if not spec.date_from or r.registered_on >= spec.date_from}
    draft = builder.table("donor_people", t(gettext_noop("People assisted")), t(VICTIMS), (t(gettext_noop("People")),),
                          [Column(g["code"], t(g["label"])) for g in groups] + [Column("total", t(gettext_noop("Total")))])
    row_keys: dict[str, list[Key]] = {}
    for code, label, pool in (
        ("new", t(gettext_noop("Newly registered in the period")), [v for v in people if v.person_id in new_ids]),
        ("continuing", t(gettext_noop("Continuing from before the period")), [v for v in people if v.person_id not in new_ids]),
    ):
        tally = Counter(v.sex_age_group for v in pool)
        cells = [builder.count(("donor_people", code, g["code"]), tally.get(g["code"], 0)) for g in groups]
        total = builder.count(("donor_people", code, "total"), len(pool), level=1)
        builder.model.sum_of(total, cells, what=f"people {code}")
        draft.row((code,), (label,), (*cells, total))
        row_keys[code] = [*cells, total]
    column_keys = []
    for index, g in enumerate(groups):
        parts = [row_keys["new"][index], row_keys["continuing"][index]]
        key = builder.count(("donor_people", "_total", g["code"]), sum(builder.model.quantities[k].value for k in parts), level=1)
        builder.model.sum_of(key, parts, what=f"people {g['code']}")
        column_keys.append(key)
    grand = builder.count(("victims",), len(people), level=2)
    builder.model.sum_of(grand, [row_keys["new"][-1], row_keys["continuing"][-1]], what="people")
    builder.model.sum_of(grand, column_keys, what="people by group")
    draft.row(("_total",), (t(gettext_noop("People assisted")),), (*column_keys, grand), total=True)
    draft.notes.append(t(gettext_noop("A person is counted as assisted when one of their cases was open at some time in the period.")))

    consents = builder.table("donor_consents", t(gettext_noop("Consents held by the people assisted")), t(VICTIMS),
                             (t(gettext_noop("Consent")),), (Column("n", t(gettext_noop("People"))),), chart="none")
    for code, label, value in (
        ("services", t(gettext_noop("Consented to services")), sum(1 for v in people if v.services_consent)),
        ("statistics", t(gettext_noop("Consented to de-identified statistics")), sum(1 for v in people if v.statistics_consent)),
    ):
        key = builder.count(("donor_consent", code), value)
        builder.model.at_most([key], [grand], what=f"consent {code}")
        consents.row((code,), (label,), (key,))

    units = {r.case_id: r for r in sorted(active, key=lambda r: (r.registered_on, r.case_id))}
    plan_types = Counter(t_ for u in units.values() for t_ in dict.fromkeys(p.type for p in u.support_plans))
    without = sum(1 for u in units.values() if not u.support_plans)
    items = [(c, labeller.code("support_plans", c), plan_types[c]) for c in sorted(plan_types, key=lambda c: (-plan_types[c], c))]
    items.append((NONE, t(gettext_noop("No support plan recorded")), without))
    several = any(len({p.type for p in u.support_plans}) > 1 for u in units.values())
    one_way(builder, "donor_support_types", title=t(gettext_noop("Cases by type of support plan")),
            counts=t(gettext_noop("Cases")), dimension=t(gettext_noop("Type of support")), column=t(gettext_noop("Cases")),
            total=(("donor_cases",), len(units)), total_label=t(gettext_noop("Cases")), items=items, overlapping=several)

    end = spec.date_to
    closed_in = [u for u in units.values() if u.closed_on is not None and (not spec.date_from or u.closed_on >= spec.date_from)
                 and (not end or u.closed_on <= end)]
    open_at_end = [u for u in units.values() if end is None or u.open_on(end)]
    outcomes = [
        ("closed", t(gettext_noop("Closed in the period")), sum(1 for u in closed_in if u.status == "Closed")),
        ("closed_referred", t(gettext_noop("Closed in the period and referred on")),
         sum(1 for u in closed_in if u.status == "ClosedReferred")),
        ("open", t(gettext_noop("Open at the end of the period")), len(open_at_end)),
    ]
    outcome_draft = builder.table("donor_outcomes", t(gettext_noop("Case outcomes")), t(gettext_noop("Cases")),
                                  (t(gettext_noop("Outcome")),), (Column("n", t(gettext_noop("Cases"))),), chart="bar")
    keys = []
    for code, label, value in outcomes:
        key = builder.count(("donor_outcome", code), value)
        outcome_draft.row((code,), (label,), (key,))
        keys.append(key)
    builder.model.at_most(keys, [("donor_cases",)], what="outcomes within cases")
    outcome_draft.row(("_total",), (t(gettext_noop("Cases")),), (("donor_cases",),), total=True)
    days = sorted((u.closed_on - u.registered_on).days for u in closed_in if u.closed_on)
    if days and not (spec.suppress and len(days) < spec.threshold):
        median = days[len(days) // 2] if len(days) % 2 else (days[len(days) // 2 - 1] + days[len(days) // 2]) / 2
        outcome_draft.notes.append(t(gettext_noop("Median time from registration to closure")) + f": {median:g} "
                                   + t(gettext_noop("days")))

    in_scope = referrals_in_scope(referrals, all_records, spec)
    made = sum(1 for r in in_scope if r.direction == "out")
    one_way(builder, "donor_referrals", title=t(gettext_noop("Referrals")), counts=t(gettext_noop("Referrals")),
            dimension=t(gettext_noop("Direction")), column=t(gettext_noop("Referrals")),
            total=(("referrals",), len(in_scope)), total_label=t(gettext_noop("Referrals")),
            items=[("out", t(gettext_noop("Made")), made), ("in", t(gettext_noop("Received")), len(in_scope) - made)])

    notes, left_out = _consent_notes(spec, all_records, labeller, _active_during)
    return builder.finish(
        kind="donor", title=t(gettext_noop("Programme summary for donors and M&E")), period=period_text(spec, labeller),
        notes=notes, quality=completeness(people, labeller, suppressed=spec.suppress),
        counted=_counted(len(people), left_out, spec),
    )


def _counted(n: int, left_out: int, spec: ReportSpec) -> dict[str, int | None]:
    out: dict[str, int | None] = {"victims": n}
    if spec.statistics_consent_only:
        out["left_out_without_statistics_consent"] = left_out
    return out
