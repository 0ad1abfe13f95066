"""Dashboards and indicator reports on the demo caseload, checked against the database.

Each chart's numbers (the JSON the browser draws from, and the CSV) are recomputed here
with ORM queries; viewers get small counts withheld and supervisors do not; the SDG
16.2.2 report comes out as PDF and XLSX with the same totals.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from tests.conftest import PASSWORD
from tipdata.accounts.models import Organisation
from tipdata.audit.models import AuditEvent
from tipdata.cases.models import Case, CasePerson, Consent, Referral
from tipdata.demo.generator import DEMO_PASSWORD
from tipdata.demo.services import demo_load

pytestmark = pytest.mark.django_db
SLUG = "demo-shelter-kh"
CTDC_BANDS = [(0, 8, "0-8"), (9, 17, "9-17"), (18, 20, "18-20"), (21, 23, "21-23"), (24, 26, "24-26"),
              (27, 29, "27-29"), (30, 38, "30-38"), (39, 47, "39-47"), (48, 200, "48+")]


@pytest.fixture
def demo(client: Any) -> Organisation:
    demo_load(seed=1, persons=200)
    return Organisation.objects.get(slug=SLUG)


def sign_in(client: Any, role: str) -> None:
    client.logout()
    response = client.post("/login/", {"username": f"{role.replace('_', '')}-shelter-kh", "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:300]


def chart_data(page: str) -> dict[str, dict[str, Any]]:
    """Each chart's Vega-Lite spec, as the browser receives it."""
    specs = {}
    for table_id, body in re.findall(r'<script id="chart-spec-([a-z_]+)" type="application/json">(.*?)</script>', page, re.S):
        specs[table_id] = json.loads(body)
    return specs


def bars(spec: dict[str, Any]) -> dict[str, int]:
    return {v["label"]: v["n"] for v in spec["data"]["values"]}


def csv_rows(client: Any, table_id: str, query: str = "") -> list[list[str]]:
    response = client.get(f"/dashboard/{table_id}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def victims_of(org: Organisation) -> list[CasePerson]:
    return list(CasePerson.objects.filter(organisation=org, role="victim").select_related("case", "person"))


def age_at(birth: str | None, day: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age if 0 <= age <= 120 else None


def test_every_chart_equals_a_direct_count_from_the_database(client: Any, demo: Organisation) -> None:
    sign_in(client, "supervisor")
    page = client.get("/dashboard/").content.decode()
    charts = chart_data(page)
    assert {"registrations", "case_status", "case_ageing", "gender", "age_band", "majority", "nationality",
            "country_of_exploitation", "routes", "exploitation_type", "labour_industry", "methods_of_control",
            "recruitment", "referrals"} <= set(charts)
    assert "&lt;5" not in page  # a supervisor sees every count

    cases = Case.objects.filter(organisation=demo)
    # registrations: the demo spans seven years, so the chart is by year
    by_year = {str(r["registered_on__year"]): r["n"] for r in cases.values("registered_on__year").annotate(n=Count("id"))}
    drawn = bars(charts["registrations"])
    assert {k: v for k, v in drawn.items() if v} == by_year
    assert sum(drawn.values()) == cases.count()

    statuses = dict(cases.values_list("status").annotate(n=Count("id")))
    drawn = bars(charts["case_status"])
    assert drawn["Active"] == statuses.get("Active", 0) and drawn["Follow Up"] == statuses.get("FollowUp", 0)
    assert drawn["Closed"] == statuses.get("Closed", 0) and drawn["Closed Referred"] == statuses.get("ClosedReferred", 0)

    today = timezone.localdate()
    open_cases = cases.filter(registered_on__lte=today).filter(
        Q(closed_on__gt=today) | Q(closed_on__isnull=True, status__in=["Active", "FollowUp"]))
    ages = Counter()
    for registered in open_cases.values_list("registered_on", flat=True):
        days = (today - registered).days
        ages[next(label for lo, hi, label in [(0, 29, "Under 30 days"), (30, 89, "30 to 89 days"),
                                              (90, 179, "90 to 179 days"), (180, 364, "180 to 364 days"),
                                              (365, 729, "1 to 2 years"), (730, 10**6, "2 years or more")]
                  if lo <= days <= hi)] += 1
    assert {k: v for k, v in bars(charts["case_ageing"]).items() if v} == dict(ages)

    victims = CasePerson.objects.filter(organisation=demo, role="victim")
    genders = {g or "Not recorded": n for g, n in
               victims.values_list("person__attributes__prs_gender").annotate(n=Count("person", distinct=True))}
    drawn = bars(charts["gender"])
    assert drawn.pop("Feminine") == genders.pop("Feminine")
    assert drawn.pop("Masculine") == genders.pop("Masculine")
    assert sum(drawn.values()) == sum(genders.values())

    destination = dict(victims.values_list("context__hte_country").annotate(n=Count("person", distinct=True)))
    drawn = bars(charts["country_of_exploitation"])
    assert drawn["Thailand"] == destination["TH"] and drawn["Cambodia"] == destination["KH"]
    assert sum(drawn.values()) == victims.values("person").distinct().count()

    industries = dict(victims.values_list("context__vic_forced_labour_industry").annotate(n=Count("person", distinct=True)))
    drawn = bars(charts["labour_industry"])
    assert drawn["Construction"] == industries.get("F_Construction", 0)
    assert drawn["Not recorded"] == industries.get(None, 0)

    links = victims_of(demo)
    band = Counter()
    for link in links:
        age = age_at(link.person.attributes.get("prs_birthdate"), link.case.registered_on)
        band[next((label for lo, hi, label in CTDC_BANDS if age is not None and lo <= age <= hi), "Not recorded")] += 1
    assert {k: v for k, v in bars(charts["age_band"]).items() if v} == dict(band)
    minors = sum(n for label, n in band.items() if label in ("0-8", "9-17"))
    assert bars(charts["majority"])["Minor (under 18)"] == minors

    for chart, field in (("exploitation_type", "vic_type_of_exploitation"), ("methods_of_control", "vic_methods_of_control"),
                         ("recruitment", "vic_method_of_recruitment")):
        tally = Counter(code for link in links for code in (link.context.get(field) or []))
        none = sum(1 for link in links if not link.context.get(field))
        drawn = bars(charts[chart])
        assert sorted(v for k, v in drawn.items() if k != "Not recorded") == sorted(tally.values()), chart
        assert drawn.get("Not recorded", 0) == none, chart

    citizenship = Counter(c for link in links for c in link.person.attributes.get("prs_citizenship", []))
    assert bars(charts["nationality"])["Cambodia"] == citizenship["KH"]
    routes = Counter((c, link.context.get("hte_country")) for link in links
                     for c in link.person.attributes.get("prs_citizenship", []))
    drawn_routes = {}
    for value in charts["routes"]["data"]["values"]:
        drawn_routes.setdefault(value["route"], []).append(value)
    assert len(drawn_routes) == len(routes)
    kh_th = next(v for v in drawn_routes.values() if v[0]["country"] == "Cambodia" and v[1]["country"] == "Thailand")
    assert kh_th[0]["n"] == routes[("KH", "TH")]

    made = dict(Referral.objects.filter(organisation=demo, direction="out").values_list("partner_name")
                .annotate(n=Count("id")))
    received = dict(Referral.objects.filter(partner=demo, direction="out").exclude(organisation=demo)
                    .values_list("organisation__name").annotate(n=Count("id")))
    drawn = bars(charts["referrals"])
    for partner, n in made.items():
        assert drawn[f"Made · {partner}"] == n
    for partner, n in received.items():
        assert drawn[f"Received · {partner}"] == n
    assert made or received

    # the CSV of a chart holds the same numbers
    rows = csv_rows(client, "gender")
    assert rows[0] == ["Gender", "Victims"]
    assert ["Victims", str(victims.values("person").distinct().count())] in rows
    assert AuditEvent.objects.filter(action="report.export", object_id="gender").exists()


def test_filters_change_the_numbers(client: Any, demo: Organisation) -> None:
    sign_in(client, "supervisor")
    start, end = date(2024, 1, 1), date(2025, 12, 31)
    query = f"?date_from={start}&date_to={end}&exploitation_type=SexualExploitation"
    charts = chart_data(client.get(f"/dashboard/{query}").content.decode())
    # JSON list "contains" differs between databases: the type is checked in Python
    in_period = CasePerson.objects.filter(organisation=demo, role="victim", case__registered_on__range=(start, end))
    wanted = [cp for cp in in_period if "SexualExploitation" in (cp.context.get("vic_type_of_exploitation") or [])]
    assert sum(bars(charts["gender"]).values()) == len(wanted)
    assert len(bars(charts["registrations"])) == 24  # two years: by month
    assert bars(charts["exploitation_type"])["Sexual exploitation"] == len(wanted)
    place = chart_data(client.get("/dashboard/?place=TH").content.decode())
    th = [cp for cp in CasePerson.objects.filter(organisation=demo, role="victim") if cp.context.get("hte_country") == "TH"]
    assert bars(place["country_of_exploitation"]) == {"Thailand": len(th)}
    rows = csv_rows(client, "country_of_exploitation", "?place=TH")
    assert rows[-1] == ["Victims", str(len(th))]


def test_viewer_sees_small_counts_withheld_and_supervisor_does_not(client: Any, demo: Organisation) -> None:
    sign_in(client, "supervisor")
    full = chart_data(client.get("/dashboard/").content.decode())
    small = [(t, label) for t, spec in full.items() if t != "routes"
             for label, n in bars(spec).items() if 0 < n < 5]
    assert small, "the demo organisation has small counts"

    sign_in(client, "viewer")
    page = client.get("/dashboard/").content.decode()
    assert "&lt;5" in page and "withheld" in page
    charts = chart_data(page)
    for table_id, spec in charts.items():
        for value in spec["data"]["values"]:
            assert value["n"] == 0 or value["n"] >= 5 or (value["withheld"] and value["n"] in (0, 1)), (table_id, value)
            if value["withheld"]:
                assert value["display"] in ("<5", "x")
    for table_id, label in small:
        withheld = {v["label"]: v["display"] for v in charts[table_id]["data"]["values"]}
        assert withheld[label] == "<5", (table_id, label)
    # the numbers tables and the CSV show no count from 1 to 4 either
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', page)
    assert cells and all(not c.isdigit() or int(c) == 0 or int(c) >= 5 for c in map(html.unescape, cells))
    rows = csv_rows(client, "gender")
    assert all(not r[-1].isdigit() or int(r[-1]) == 0 or int(r[-1]) >= 5 for r in rows[1:])
    # no record-level data reach the viewer
    reference = Case.objects.filter(organisation=demo).first().reference
    assert reference not in page
    # a day-wide window cannot single out a case: periods are whole calendar years
    narrow = client.get("/dashboard/?date_from=2025-03-14&date_to=2025-03-14").content.decode()
    assert "2025-01-01 – 2025-12-31" in narrow


def test_caseworker_sees_the_organisation_withheld_and_own_cases_in_full(client: Any, demo: Organisation) -> None:
    sign_in(client, "caseworker")
    organisation = client.get("/dashboard/").content.decode()
    assert "&lt;5" in organisation
    mine = client.get("/dashboard/?scope=mine").content.decode()
    charts = chart_data(mine)
    own = Case.objects.filter(organisation=demo, owner__username="caseworker-shelter-kh").count()
    assert sum(bars(charts["case_status"]).values()) == own
    assert "&lt;5" not in mine


def test_other_organisations_cases_are_never_counted(client: Any, demo: Organisation) -> None:
    sign_in(client, "supervisor")
    charts = chart_data(client.get("/dashboard/").content.decode())
    assert sum(bars(charts["case_status"]).values()) == Case.objects.filter(organisation=demo).count()
    assert Case.objects.exclude(organisation=demo).count() > 0


def _sdg_expected(org: Organisation, year: int) -> int:
    consenting = set(Consent.objects.filter(organisation=org, purpose="statistics", withdrawn_at__isnull=True)
                     .values_list("person_id", flat=True))
    return (CasePerson.objects.filter(organisation=org, role="victim", case__registered_on__year=year,
                                      person_id__in=consenting).values("person").distinct().count())


def test_sdg_report_as_pdf_and_xlsx_with_matching_totals(client: Any, demo: Organisation) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    sign_in(client, "supervisor")
    expected = _sdg_expected(demo, 2025)
    assert expected > 0
    xlsx = client.get("/reports/sdg1622.xlsx?year=2025&show_small=on")
    assert xlsx.status_code == 200
    assert 'filename="tipdata-demo-shelter-kh-sdg1622-2025.xlsx"' in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = next(book[n] for n in book.sheetnames if str(book[n]["A1"].value).startswith("SDG 16.2.2"))
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    header = next(r for r in rows if r[0] == "Form of exploitation")
    total = next(r for r in rows if r[0] == "Total")
    assert total[header.index("Total")] == expected
    body = rows[rows.index(header) + 1:rows.index(total)]
    assert sum(r[header.index("Total")] for r in body) == expected
    for column in range(1, len(header) - 1):
        assert sum(r[column] for r in body) == total[column]

    pdf = client.get("/reports/sdg1622.pdf?year=2025&show_small=on")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert f"Total {' '.join(str(v) for v in total[1:])}" in text
    assert "prevalence" in text and "Data quality" in text
    assert "Data-quality scores of the organisation's records" in text and "Overall quality score" in text
    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "Completeness" in summary and "Timeliness" in summary
    assert AuditEvent.objects.filter(action="report.export", object_id="sdg1622").count() == 2
    assert AuditEvent.objects.filter(action="quality.report").exists()


def test_viewer_reports_are_withheld_whatever_they_ask(client: Any, demo: Organisation) -> None:
    from openpyxl import load_workbook

    sign_in(client, "viewer")
    page = client.get("/reports/").content.decode()
    assert "show_small" not in page
    response = client.get("/reports/sdg1622.xlsx?year=2025&show_small=on")
    book = load_workbook(io.BytesIO(response.content))
    values = [v for name in book.sheetnames[1:] for row in book[name].iter_rows(values_only=True) for v in row]
    assert "<5" in values
    assert all(not isinstance(v, int) or v == 0 or v >= 5 for v in values)


@pytest.mark.parametrize("kind", ["unodc", "donor"])
def test_other_reports_download(client: Any, demo: Organisation, kind: str) -> None:
    sign_in(client, "data_officer")
    for fmt in ("pdf", "xlsx"):
        response = client.get(f"/reports/{kind}.{fmt}?date_from=2025-01-01&date_to=2025-12-31")
        assert response.status_code == 200 and len(response.content) > 1000
    assert client.get(f"/reports/{kind}.docx").status_code == 404
    assert client.get(f"/reports/{kind}.pdf?date_from=2025-02-01&date_to=2025-01-01").status_code == 400


def test_report_command_writes_the_same_totals(demo: Organisation, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "sdg.xlsx"
    call_command("report", "sdg1622", "--org", SLUG, "--year", "2025", "--format", "xlsx", "--out", str(out),
                 "--show-small-counts")
    book = load_workbook(out)
    sheet = next(book[n] for n in book.sheetnames if str(book[n]["A1"].value).startswith("SDG 16.2.2"))
    total = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Total")
    assert total[-1] == _sdg_expected(demo, 2025)
    assert AuditEvent.objects.filter(action="report.export", actor_username="cli").exists()


def test_support_plans_and_exploitation_events_reach_the_dashboard(client: Any, make_org: Any, make_user: Any) -> None:
    from tipdata.cases.services import (
        case_create,
        person_create,
        support_plan_add,
        trafficking_event_add,
    )

    org = make_org("Plans Shelter")
    user = make_user(org, "supervisor", username="planner")
    cases = []
    for i in range(6):
        person = person_create(organisation=org, actor=user, values={"prs_FirstName": f"P{i}", "prs_Gender": "Feminine"})
        cases.append(case_create(organisation=org, actor=user, victim=person, registered_on=date(2025, 1, 10 + i)))
    support_plan_add(case=cases[0], actor=user, values={"spl_Type": "Health", "spl_PlannedEndDate": "2025-03-01"})
    support_plan_add(case=cases[1], actor=user, values={"spl_Type": "Legal", "spl_PlannedEndDate": "2025-03-01",
                                                        "spl_ActualEndDate": "2025-02-20"})
    trafficking_event_add(case=cases[2], actor=user, values={"hte_Type": "Exploitation", "hte_Country": "MY"})
    client.post("/login/", {"username": "planner", "password": PASSWORD})
    charts = chart_data(client.get("/dashboard/?date_to=2025-12-31").content.decode())
    outcomes = bars(charts["support_outcome"])
    assert outcomes["Past its planned end, not completed"] == 1
    assert outcomes["Support plan completed"] == 1
    assert outcomes["No support plan recorded"] == 4
    assert bars(charts["country_of_exploitation"])["Malaysia"] == 1
