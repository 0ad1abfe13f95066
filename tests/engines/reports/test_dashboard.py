"""Dashboard tables against counts made by hand (see the caseload fixture)."""

from __future__ import annotations

from datetime import date

import pytest

from tipdata.engines.reports import Report, ReportSpec, build_dashboard

YEAR_2025 = ReportSpec(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


def counts(report: Report, table_id: str) -> dict[tuple[str, ...], int | None]:
    return {row.codes: row.cells[0].value for row in report.table(table_id).rows}


def test_victims_are_persons_counted_once(caseload, referrals) -> None:
    report = build_dashboard(caseload, referrals, YEAR_2025)
    assert report.counted == {"victims": 10, "cases": 11}
    assert counts(report, "gender") == {("Feminine",): 7, ("Masculine",): 1, ("NonConforming",): 1,
                                        ("_none",): 1, ("_total",): 10}


def test_age_bands_use_the_ctdc_bands_and_add_up(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    ages = counts(report, "age_band")
    assert ages[("0-8",)] == 1 and ages[("18-20",)] == 1 and ages[("24-26",)] == 3 and ages[("27-29",)] == 3
    assert ages[("39-47",)] == 1 and ages[("_none",)] == 1 and ages[("9-17",)] == 0
    assert ages[("_total",)] == 10
    assert counts(report, "majority") == {("Minor",): 1, ("Adult",): 8, ("_none",): 1, ("_total",): 10}
    labels = [r.labels[0] for r in report.table("age_band").body]
    assert labels[:3] == ["0-8", "9-17", "18-20"] and labels[-2] == "48+"


def test_citizenship_counts_a_dual_citizen_under_each(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    table = report.table("nationality")
    assert table.overlapping
    assert counts(report, "nationality") == {("KH",): 8, ("VN",): 1, ("TH",): 1, ("_none",): 1, ("_total",): 10}
    assert table.cell(["KH"]).display == "8"
    assert table.body[0].labels[0] == "Cambodia"  # most frequent first


def test_country_of_exploitation_comes_from_the_first_case_recording_it(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    assert counts(report, "country_of_exploitation") == {("KH",): 7, ("MY",): 1, ("TH",): 1, ("_none",): 1,
                                                         ("_total",): 10}


def test_routes_join_citizenship_to_country_of_exploitation(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    routes = counts(report, "routes")
    assert routes == {("KH", "KH"): 6, ("KH", "MY"): 1, ("KH", "TH"): 1, ("VN", "TH"): 1, ("TH", "KH"): 1,
                      ("_none", "_none"): 1}
    assert report.table("routes").chart == "routes"


def test_types_industries_control_and_recruitment(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    types = counts(report, "exploitation_type")
    assert types[("ForcedLabour",)] == 8 and types[("SexualExploitation",)] == 2
    assert types[("ForcedBegging",)] == 1 and types[("ChildLabour",)] == 1 and types[("Other",)] == 1
    assert counts(report, "labour_industry") == {("T_ActivitiesOfHouseholdsAsEmployers",): 6, ("C_Manufacturing",): 1,
                                                 ("_none",): 3, ("_total",): 10}
    control = counts(report, "methods_of_control")
    assert control[("WithholdsDocuments",)] == 6 and control[("_none",)] == 4
    assert counts(report, "recruitment")[("ThroughOnlineSocialNetworks",)] == 1


def test_registrations_by_month_for_a_year_with_empty_months(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    table = report.table("registrations")
    months = counts(report, "registrations")
    assert len(table.body) == 12
    assert months[("2025-06",)] == 2 and months[("2025-09",)] == 0 and months[("2025-12",)] == 1
    assert months[("_total",)] == 11 == sum(v for k, v in months.items() if k != ("_total",))
    assert table.chart == "line"


def test_registrations_by_year_for_long_periods_or_when_asked(caseload) -> None:
    report = build_dashboard(caseload, spec=ReportSpec(granularity="year"))
    assert counts(report, "registrations") == {("2024",): 2, ("2025",): 11, ("_total",): 13}
    assert len(build_dashboard(caseload).table("registrations").body) == 20  # May 2024 - Dec 2025: monthly
    long = build_dashboard(caseload, spec=ReportSpec(date_from=date(2020, 1, 1), date_to=date(2025, 12, 31)))
    assert [r.codes[0] for r in long.table("registrations").body] == [str(y) for y in range(2020, 2026)]


def test_status_ageing_and_support_plans(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    assert counts(report, "case_status") == {("Active",): 9, ("FollowUp",): 1, ("Closed",): 0,
                                             ("ClosedReferred",): 1, ("_total",): 11}
    ageing = counts(report, "case_ageing")
    assert ageing[("0-29d",)] == 1 and ageing[("90-179d",)] == 2 and ageing[("180-364d",)] == 8
    assert ageing[("_total",)] == 11
    assert "2025-12-31" in report.table("case_ageing").notes[0]
    support = counts(report, "support_outcome")
    assert support[("overdue",)] == 1 and support[("no_plan",)] == 10


def test_ageing_on_a_chosen_day_leaves_out_cases_closed_by_then(caseload) -> None:
    report = build_dashboard(caseload, spec=ReportSpec(as_of=date(2024, 12, 31)))
    # p-a closed in 2024; p-b open since 2024-11-20; the 2025 cases were not registered yet.
    assert counts(report, "case_ageing")[("_total",)] == 1
    assert counts(report, "case_ageing")[("30-89d",)] == 1


def test_referrals_made_and_received_in_the_period(caseload, referrals) -> None:
    report = build_dashboard(caseload, referrals, YEAR_2025)
    table = counts(report, "referrals")
    assert table[("out", "Partner A")] == 2
    assert table[("in", "Police unit")] == 1
    assert table[("out", "_total")] == 2 and table[("in", "_total")] == 1
    assert ("out", "Partner C") not in table  # a case this reader cannot see


def test_type_filter_keeps_victims_with_that_type(caseload, referrals) -> None:
    report = build_dashboard(caseload, referrals, YEAR_2025.replace(exploitation_types=("ForcedLabour",)))
    assert report.counted["victims"] == 8
    assert counts(report, "exploitation_type") == {("ForcedLabour",): 8, ("SexualExploitation",): 1, ("_total",): 8}
    refs = counts(report, "referrals")
    assert refs[("out", "_total")] == 2 and refs[("in", "_total")] == 0  # nothing known about the received one


def test_place_filter_keeps_victims_exploited_there(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025.replace(places=("TH",)))
    assert report.counted["victims"] == 2
    assert counts(report, "country_of_exploitation") == {("TH",): 2, ("_total",): 2}


def test_empty_selection_gives_empty_tables_not_an_error(caseload) -> None:
    report = build_dashboard(caseload, spec=ReportSpec(date_from=date(2030, 1, 1)))
    assert report.counted == {"victims": 0, "cases": 0}
    assert counts(report, "gender") == {("_total",): 0}


def test_every_table_says_what_it_counts_and_the_report_says_not_prevalence(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025)
    assert any("prevalence" in note for note in report.notes)
    for table in report.tables:
        assert table.counts
        assert table.to_csv().splitlines()[0]


def test_suppressed_dashboard_shows_no_count_from_1_to_4(caseload, referrals) -> None:
    plain = build_dashboard(caseload, referrals, YEAR_2025)
    safe = build_dashboard(caseload, referrals, YEAR_2025.replace(suppress=True))
    assert safe.suppressed and safe.withheld["primary"] > 0
    for table in plain.tables:
        other = safe.table(table.id)
        for row, safe_row in zip(table.rows, other.rows, strict=True):
            for cell, safe_cell in zip(row.cells, safe_row.cells, strict=True):
                if cell.value is not None and 0 < cell.value < 5:
                    assert safe_cell.value is None and safe_cell.display == "<5", (table.id, row.codes)
                if safe_cell.value is not None:
                    assert safe_cell.value == cell.value
                    assert safe_cell.value == 0 or safe_cell.value >= 5
                else:
                    assert safe_cell.display in ("<5", "x")
        assert "<5" not in table.to_csv()
    assert "4" not in [c.display for t in safe.tables for r in t.rows for c in r.cells]
    assert any("withheld" in note for note in safe.notes)


def test_suppressed_csv_carries_only_displays(caseload) -> None:
    safe = build_dashboard(caseload, spec=YEAR_2025.replace(suppress=True))
    csv_text = safe.table("gender").to_csv()
    assert "Masculine,<5" in csv_text
    assert safe.table("gender").cell(["Masculine"]).value is None


def test_threshold_is_configurable(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025.replace(suppress=True, threshold=10))
    assert report.table("gender").cell(["Feminine"]).display == "<10"


def test_long_rows_feed_the_charts(caseload) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025.replace(suppress=True))
    rows = report.table("gender").long_rows()
    assert {r["label0"] for r in rows} >= {"Feminine", "Masculine"}
    masculine = next(r for r in rows if r["code0"] == "Masculine")
    assert masculine["n"] is None and masculine["withheld"] and masculine["display"] == "<5"


@pytest.mark.parametrize("lang, label", [("en", "Cambodia"), ("th", "กัมพูชา")])
def test_labels_follow_the_language(caseload, lang: str, label: str) -> None:
    report = build_dashboard(caseload, spec=YEAR_2025.replace(lang=lang))
    assert report.table("nationality").body[0].labels[0] == label


def test_spec_is_carried_for_reproduction(caseload) -> None:
    spec = YEAR_2025.replace(exploitation_types=("ForcedLabour",), suppress=True)
    report = build_dashboard(caseload, spec=spec)
    assert ReportSpec.from_json(report.spec) == spec
    again = build_dashboard(caseload, spec=ReportSpec.from_json(report.spec))
    assert again.to_json() == report.to_json()
