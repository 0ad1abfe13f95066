"""SDG 16.2.2, UNODC and donor reports against counts made by hand (caseload fixture)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.engines.reports.conftest import rec
from tipdata.engines.reports import (
    ReportSpec,
    ReportSpecError,
    donor_summary,
    sdg_16_2_2,
    unodc_global_report,
)
from tipdata.engines.reports.units import victims


def grid(report, table_id):
    table = report.table(table_id)
    cols = [c.code for c in table.columns]
    return {row.codes[0]: dict(zip(cols, (c.value for c in row.cells), strict=True)) for row in table.rows}


def test_sdg_counts_each_victim_under_one_form_by_sex_and_age(caseload) -> None:
    report = sdg_16_2_2(caseload, year=2025)
    table = grid(report, "sdg_16_2_2")
    assert table["forced_labour"] == {"girls": 0, "boys": 0, "women": 6, "men": 0, "other_unknown": 0, "total": 6}
    # p-c (sexual + forced labour: mixed), p-d (begging; child labour says only that he is a child),
    # p-f (mixed, sex and age unknown), p-g (other, non-conforming gender)
    assert table["other"] == {"girls": 0, "boys": 1, "women": 1, "men": 0, "other_unknown": 2, "total": 4}
    assert table["sexual_exploitation"]["total"] == 0
    assert table["_total"] == {"girls": 0, "boys": 1, "women": 7, "men": 0, "other_unknown": 2, "total": 10}
    sexes = {r.codes[0]: r.cells[0].value for r in report.table("sdg_16_2_2_sex").rows}
    assert sexes == {"female": 7, "male": 1, "other_unknown": 2, "_total": 10}
    ages = {r.codes[0]: r.cells[0].value for r in report.table("sdg_16_2_2_age").rows}
    assert ages == {"child": 1, "adult": 8, "unknown": 1, "_total": 10}
    assert report.period == "2025"


def test_sdg_rows_and_columns_add_up(caseload) -> None:
    table = grid(sdg_16_2_2(caseload, year=2025), "sdg_16_2_2")
    body = {k: v for k, v in table.items() if k != "_total"}
    for column in ("girls", "boys", "women", "men", "other_unknown", "total"):
        assert sum(row[column] for row in body.values()) == table["_total"][column]
    for row in table.values():
        assert sum(v for k, v in row.items() if k != "total") == row["total"]


def test_sdg_counts_only_consenting_victims_when_asked(caseload) -> None:
    report = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(statistics_consent_only=True))
    assert report.counted == {"victims": 9, "left_out_without_statistics_consent": 1}
    assert any("consented to de-identified statistics" in n for n in report.notes)


def test_sdg_rate_per_100000_only_when_population_given(caseload) -> None:
    report = sdg_16_2_2(caseload, year=2025, population=2_000_000)
    assert any("0.50" in n and "100,000" in n for n in report.notes)
    assert not any("100,000 population:" in n for n in sdg_16_2_2(caseload, year=2025).notes)
    with pytest.raises(ReportSpecError, match="population"):
        sdg_16_2_2(caseload, year=2025, population=0)


def test_sdg_suppressed_protects_sex_and_age_totals(caseload) -> None:
    report = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(suppress=True))
    table = report.table("sdg_16_2_2")
    assert table.cell(["other"], "boys").display == "<5"
    values = [c.value for t in report.tables for r in t.rows for c in r.cells if c.value is not None]
    assert all(v == 0 or v >= 5 for v in values)
    # boys = 1 and the male total is 1 too: it must not be shown either
    sexes = report.table("sdg_16_2_2_sex")
    assert sexes.cell(["male"]).value is None
    # the number of victims counted is the grand total: shown only where the tables show it
    grand = table.total.cells[-1] if table.total else None
    assert grand is not None
    assert report.counted["victims"] == grand.value


def test_forms_map_htcds_types_to_unodc_categories() -> None:
    people = victims([
        rec(person_id="1", exploitation_types=("ForcedBegging", "ChildLabour")),
        rec(person_id="2", exploitation_types=("ChildLabour",)),
        rec(person_id="3", exploitation_types=("SexualExploitation", "ForcedLabour")),
        rec(person_id="4", exploitation_types=("ForcedLabour", "Servitude")),
        rec(person_id="5", exploitation_types=()),
        rec(person_id="6", exploitation_types=("ForcedMarriage",)),
    ])
    assert [v.form for v in people] == ["begging", "forced_labour", "mixed", "forced_labour", "not_recorded",
                                        "forced_marriage"]
    assert [v.broad_form for v in people] == ["other", "forced_labour", "other", "forced_labour", "not_recorded", "other"]


def test_unodc_breakdowns(caseload) -> None:
    spec = ReportSpec(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31), detection_country="KH")
    report = unodc_global_report(caseload, spec)
    groups = {r.codes[0]: r.cells[0].value for r in report.table("unodc_sex_age").rows}
    assert groups == {"girls": 0, "boys": 1, "women": 7, "men": 0, "other_unknown": 2, "_total": 10}
    forms = grid(report, "unodc_forms")
    assert forms["begging"]["boys"] == 1 and forms["mixed"]["total"] == 2 and forms["other"]["total"] == 1
    origin = {r.codes[0]: r.cells[0].value for r in report.table("unodc_origin").rows}
    assert origin == {"domestic": 8, "foreign": 1, "_none": 1, "_total": 10}  # the dual citizen is a citizen
    where = {r.codes[0]: r.cells[0].value for r in report.table("unodc_exploited_where").rows}
    assert where == {"domestic": 7, "abroad": 2, "_none": 1, "_total": 10}


def test_unodc_without_detection_country_says_so(caseload) -> None:
    report = unodc_global_report(caseload, ReportSpec())
    assert not any(t.id == "unodc_origin" for t in report.tables)
    assert any("country of detection" in n for n in report.notes)


def test_donor_summary_counts_people_assisted_in_the_period(caseload, referrals) -> None:
    spec = ReportSpec(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    report = donor_summary(caseload, referrals, spec)
    people = grid(report, "donor_people")
    # p-a's case closed in 2024: not assisted in 2025; p-b's case, open since 2024, continues.
    assert people["new"]["total"] == 10
    assert people["continuing"] == {"girls": 0, "boys": 0, "women": 0, "men": 1, "other_unknown": 0, "total": 1}
    assert people["_total"]["total"] == 11
    outcomes = {r.codes[0]: r.cells[0].value for r in report.table("donor_outcomes").rows}
    assert outcomes == {"closed": 0, "closed_referred": 0, "open": 12, "_total": 12}
    support = {r.codes[0]: r.cells[0].value for r in report.table("donor_support_types").rows}
    assert support["Health"] == 1 and support["_none"] == 11
    refs = {r.codes[0]: r.cells[0].value for r in report.table("donor_referrals").rows}
    assert refs == {"out": 2, "in": 1, "_total": 3}
    consents = {r.codes[0]: r.cells[0].value for r in report.table("donor_consents").rows}
    assert consents == {"services": 11, "statistics": 10}


def test_quality_lines_give_completeness_of_the_fields_used(caseload) -> None:
    report = sdg_16_2_2(caseload, year=2025)
    quality = {q.field: q for q in report.quality}
    assert quality["prs_Gender"].recorded == 9 and quality["prs_Gender"].of == 10  # p-f has none
    assert quality["prs_Birthdate"].percent == 90
    assert quality["vic_ForcedLabourIndustry"].of == 8  # only victims of forced labour need an industry
    suppressed = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(suppress=True))
    assert all(q.recorded is None and q.percent is None for q in suppressed.quality)  # 10 victims: too few


def test_counted_is_never_shown_as_small_when_it_is_not(caseload) -> None:
    """A count withheld only because it equals a withheld table total reads "x", never "<5"."""
    plain = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(statistics_consent_only=True))
    shown = sdg_16_2_2(caseload, year=2025, spec=ReportSpec(statistics_consent_only=True, suppress=True))
    for name, true_value in plain.counted.items():
        display = shown.counted_display[name]
        assert true_value is not None
        if display.startswith("<"):
            assert 0 < true_value < shown.threshold, (name, true_value, display)
        elif display not in ("x", "–"):
            assert display == str(true_value)
    assert shown.counted_display["victims"] in ("9", "x", "–")


def test_a_withheld_grand_total_of_ten_reads_x_not_small() -> None:
    """Ten victims whose grand total is withheld (it would reveal the small cells) must not be
    summarised as "<5": that would tell readers fewer than five were found."""
    from tests.engines.reports.conftest import rec

    s, f, o = ("SexualExploitation",), ("ForcedLabour",), ("Other",)
    records = [rec(gender="Feminine", age=15, exploitation_types=s), rec(gender="Feminine", age=25, exploitation_types=s),
               rec(gender=None, age=None, exploitation_types=s),
               *[rec(gender="Feminine", age=30 + i, exploitation_types=f) for i in range(4)],
               rec(gender="Masculine", age=40, exploitation_types=f), rec(gender=None, age=None, exploitation_types=f),
               rec(gender="Masculine", age=33, exploitation_types=o)]
    report = sdg_16_2_2(records, year=2025, spec=ReportSpec(suppress=True))
    assert report.table("sdg_16_2_2").total.cells[-1].display == "x"
    assert report.counted["victims"] is None
    assert report.counted_display["victims"] == "x"
