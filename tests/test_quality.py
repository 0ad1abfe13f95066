"""The quality report on real (encrypted) case records: the demo's planted issues are all found,
the page shows them to the roles that may see it, and nothing is decrypted to do so."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.conftest import PASSWORD
from tipdata.accounts.models import Membership, Organisation
from tipdata.audit.models import AuditEvent
from tipdata.cases.models import Case, CasePerson, Person, PersonRole
from tipdata.cases.services import case_create, person_create
from tipdata.demo.generator import DEMO_PASSWORD, DemoCaseload, generate
from tipdata.demo.services import demo_load
from tipdata.quality.selectors import batch_membership, quality_records, quality_report

pytestmark = pytest.mark.django_db

# Seed 8 plants all four kinds of inconsistency the generator knows.
SEED, PERSONS = 8, 300


@pytest.fixture
def demo() -> DemoCaseload:
    demo_load(seed=SEED, persons=PERSONS)
    return generate(seed=SEED, persons=PERSONS)


def _case_of_record_key() -> dict[str, Case]:
    links = CasePerson.objects.filter(role=PersonRole.VICTIM).select_related("person", "case")
    return {link.person.demo_key: link.case for link in links}


def _found_by_record_key(org: Organisation) -> dict[str, set[str]]:
    report = quality_report(batch_membership(org), channel="test")
    demo_key_of_case = {str(case.public_id): key for key, case in _case_of_record_key().items()}
    found: dict[str, set[str]] = defaultdict(set)
    for issue in report.result.issues:
        if issue.record_id is not None:
            found[demo_key_of_case[issue.case_id]].add(issue.check)
    return found


def test_the_report_finds_every_planted_issue(demo: DemoCaseload) -> None:
    planted = demo.planted_issues
    assert {p.check for p in planted} == {"birth_after_registration", "sex_subtype_without_sexual_exploitation",
                                          "closed_without_reason", "referral_before_registration"}
    found: dict[str, set[str]] = {}
    for org in Organisation.objects.filter(is_demo=True):
        found.update(_found_by_record_key(org))
    missed = [(p.record_key, p.check) for p in planted if p.check not in found.get(p.record_key, set())]
    assert not missed, f"planted issues the quality report did not find: {missed}"


def test_false_alarms_on_the_demo_are_few(demo: DemoCaseload) -> None:
    # The generator plants a few per cent of inconsistencies and otherwise writes consistent
    # records, so nearly every consistency issue should be a planted one.
    planted = {(p.record_key, p.check) for p in demo.planted_issues}
    extra = []
    for org in Organisation.objects.filter(is_demo=True):
        for key, checks in _found_by_record_key(org).items():
            for check in checks:
                if check in {"birth_after_registration", "sex_subtype_without_sexual_exploitation",
                             "closed_without_reason", "referral_before_registration"} and (key, check) not in planted:
                    extra.append((key, check))
    assert extra == []


def test_the_page_shows_the_planted_issues_with_links_to_the_cases(demo: DemoCaseload, client: Any) -> None:
    cases = _case_of_record_key()
    by_org: dict[str, list[Any]] = defaultdict(list)
    for p in demo.planted_issues:
        by_org[cases[p.record_key].organisation.slug].append(p)
    slug, issues = max(by_org.items(), key=lambda kv: len(kv[1]))
    supervisor = Membership.objects.get(organisation__slug=slug, role="supervisor").user
    client.post("/login/", {"username": supervisor.username, "password": DEMO_PASSWORD})
    page = client.get("/quality/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Worst fields first" in html and "Worst records first" in html
    # every planted issue of this organisation is on the page, linked to its case
    report = quality_report(batch_membership(Organisation.objects.get(slug=slug)), channel="test")
    worst = {r.case_id for r in report.result.worst_records(50)}
    for p in issues:
        case = cases[p.record_key]
        assert str(case.public_id) in worst, f"{p.check} on {case.reference} is not among the records shown"
        assert f'href="/cases/{case.public_id}/"' in html
        assert f'<span class="tag">{p.check}</span>' in html
    # the link opens the case for this role
    assert client.get(f"/cases/{cases[issues[0].record_key].public_id}/").status_code == 200


def _names(demo: DemoCaseload, slug: str) -> set[str]:
    out: set[str] = set()
    for p in demo.persons:
        if p.organisation == slug:
            out |= {w for w in f"{p.first_name} {p.second_name}".split() if len(w) >= 6}
    return out


def test_a_data_officer_sees_scores_and_links_but_no_names(demo: DemoCaseload, client: Any) -> None:
    slug = "demo-shelter-kh"
    officer = Membership.objects.get(organisation__slug=slug, role="data_officer").user
    client.post("/login/", {"username": officer.username, "password": DEMO_PASSWORD})
    page = client.get("/quality/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Completeness" in html and "%" in html
    names = _names(demo, slug)
    assert len(names) > 20
    shown = [n for n in names if re.search(rf"\b{re.escape(n)}\b", html)]
    assert shown == [], f"names on the data officer's quality page: {shown}"
    link = re.search(r'href="(/cases/[0-9a-f-]{36}/)"', html)
    assert link is not None
    case_page = client.get(link.group(1))
    assert case_page.status_code == 200
    assert not [n for n in names if re.search(rf"\b{re.escape(n)}\b", case_page.content.decode())]


@pytest.mark.parametrize("role", ["viewer", "caseworker"])
def test_roles_without_the_quality_permission_get_not_found(role: str, make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    user = make_user(org, role)
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/quality/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Any) -> None:
    response = client.get("/quality/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _person(org: Any, actor: Any, **values: Any) -> Person:
    base = {"prs_FirstName": "Kanhaputri", "prs_Birthdate": "2001-04-03", "prs_Gender": "Feminine",
            "prs_Citizenship": ["KH"]}
    return person_create(organisation=org, actor=actor, values={**base, **values})


def test_records_come_only_from_the_organisations_own_cases_and_nothing_is_decrypted(
    make_org: Any, make_user: Any, monkeypatch: Any,
) -> None:
    org, other = make_org("Own"), make_org("Other", country="TH")
    worker = make_user(org, "caseworker")
    case = case_create(organisation=org, actor=worker, victim=_person(org, worker), registered_on=dt.date(2026, 1, 5),
                       status="Closed", closed_on=dt.date(2026, 2, 1),
                       case_values={"cas_ReasonForCaseClosure": "Went home to her family in Kampot"},
                       victim_context={"vic_TypeOfExploitation": ["ForcedLabour"]}, assign_to=worker)
    other_worker = make_user(other, "caseworker")
    case_create(organisation=other, actor=other_worker, victim=_person(other, other_worker),
                registered_on=dt.date(2026, 1, 5))

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the quality report decrypted something")

    monkeypatch.setattr("tipdata.keys.envelope.decrypt_text", refuse)
    records = quality_records(batch_membership(org))
    assert [r["record_id"] for r in records] == [str(case.public_id)]
    record = records[0]
    assert record["has_closure_reason"] is True and "prs_first_name" in record["sealed_present"]
    assert record["prs_birthdate"] == "2001-04-03" and record["vic_type_of_exploitation"] == ["ForcedLabour"]
    assert record["caseworker"] == worker.username and record["organisation"] == org.slug
    assert "Kanhaputri" not in repr(records) and "Kampot" not in repr(records)
    report = quality_report(batch_membership(org), channel="test")
    assert not any(i.check == "closed_without_reason" for i in report.result.issues)


def test_a_case_with_two_victims_gives_two_records(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = case_create(organisation=org, actor=worker, victim=_person(org, worker), registered_on=dt.date(2026, 1, 5))
    second = _person(org, worker, prs_Gender="Masculine")
    CasePerson.objects.create(organisation=org, case=case, person=second, role=PersonRole.VICTIM)
    records = quality_records(batch_membership(org))
    assert len(records) == 2 and len({r["record_id"] for r in records}) == 2
    assert {r["case_id"] for r in records} == {str(case.public_id)}
    assert {r["prs_gender"] for r in records} == {"Feminine", "Masculine"}


def test_an_open_case_untouched_for_months_is_stale(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    person = _person(org, worker)
    case = case_create(organisation=org, actor=worker, victim=person, registered_on=dt.date(2025, 1, 5))
    long_ago = timezone.now() - dt.timedelta(days=400)
    Case.objects.filter(pk=case.pk).update(updated_at=long_ago, created_at=long_ago)
    Person.objects.filter(pk=person.pk).update(updated_at=long_ago)
    report = quality_report(batch_membership(org), channel="test")
    stale = [i for i in report.result.issues if i.check == "stale_open_record"]
    assert [i.case_id for i in stale] == [str(case.public_id)]
    assert report.result.scores.overall.timeliness == 0.0


def test_each_report_is_audited_without_values(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case_create(organisation=org, actor=worker, victim=_person(org, worker), registered_on=dt.date(2026, 1, 5))
    quality_report(batch_membership(org), channel="cli")
    event = AuditEvent.objects.filter(action="quality.report").last()
    assert event is not None and event.organisation_id == org.pk
    assert event.changes["channel"] == "cli" and event.changes["records"] == 1
    assert "Kanhaputri" not in json.dumps(event.changes)


def test_the_command_prints_a_summary_and_json(demo: DemoCaseload) -> None:
    cases = _case_of_record_key()
    planted = [p for p in demo.planted_issues if cases[p.record_key].organisation.slug == "demo-police-id"]
    out = io.StringIO()
    call_command("quality", "report", "--org", "demo-police-id", "--limit", "50", stdout=out)
    text = out.getvalue()
    assert "Data quality: " in text and "Worst fields first:" in text and "Worst records first:" in text
    assert text.index("Worst fields first:") < text.index("Worst records first:")
    for p in planted:
        assert cases[p.record_key].reference in text
    out = io.StringIO()
    call_command("quality", "report", "--org", "demo-police-id", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["organisation"] == "demo-police-id"
    assert set(data["scores"]["overall"]) >= {"completeness", "validity", "consistency", "timeliness", "overall"}
    found = {(i["case_id"], i["check"]) for i in data["issues"]}
    for p in planted:
        assert (str(cases[p.record_key].public_id), p.check) in found
    assert data["spec"]["checks"]["stale_open_record"]["months"] == 6


def test_the_command_takes_a_spec_file_and_refuses_bad_input(make_org: Any, make_user: Any, tmp_path: Path) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case_create(organisation=org, actor=worker, victim=_person(org, worker), registered_on=dt.date(2026, 1, 5))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"checks": {"required_fields": False}}))
    out = io.StringIO()
    call_command("quality", "report", "--org", org.slug, "--json", "--spec", str(spec), "--as-of", "2026-06-30", stdout=out)
    data = json.loads(out.getvalue())
    assert data["spec"]["as_of"] == "2026-06-30" and not any(i["check"] == "required_fields" for i in data["issues"])
    with pytest.raises(CommandError, match="no organisation with slug 'nope'"):
        call_command("quality", "report", "--org", "nope")
    spec.write_text(json.dumps({"checks": {"stale_open_record": {"months": -1}}}))
    with pytest.raises(CommandError, match=r"checks\.stale_open_record\.months"):
        call_command("quality", "report", "--org", org.slug, "--spec", str(spec))
    spec.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON: line 1"):
        call_command("quality", "report", "--org", org.slug, "--spec", str(spec))
    with pytest.raises(CommandError, match="--as-of"):
        call_command("quality", "report", "--org", org.slug, "--as-of", "June")


def test_the_command_lists_checks_and_prints_the_default_spec() -> None:
    out = io.StringIO()
    call_command("quality", "checks", stdout=out)
    assert "stale_open_record" in out.getvalue() and "months = 6" in out.getvalue()
    out = io.StringIO()
    call_command("quality", "checks", "--json", stdout=out)
    assert json.loads(out.getvalue())["checks"]["required_fields"]["enabled"] is True


def test_an_organisation_stores_its_own_spec_and_reports_use_it(make_org: Any, make_user: Any) -> None:
    from django.core.exceptions import ValidationError

    from tipdata.quality.services import quality_spec_set

    org = make_org()
    admin = make_user(org, "admin")
    case_create(organisation=org, actor=admin, victim=_person(org, admin), registered_on=dt.date(2026, 1, 5))
    before = quality_report(batch_membership(org), channel="test").result
    assert any(i.check == "required_fields" for i in before.issues)
    quality_spec_set(organisation=org, actor=admin, spec={"checks": {"required_fields": False}})
    after = quality_report(batch_membership(org), channel="test")
    assert after.custom_spec and not any(i.check == "required_fields" for i in after.result.issues)
    event = AuditEvent.objects.filter(action="quality.spec_set").last()
    assert event is not None and event.changes["new"] == {"checks": {"required_fields": False}}
    with pytest.raises(ValidationError, match=r"checks\.required_field"):
        quality_spec_set(organisation=org, actor=admin, spec={"checks": {"required_field": False}})
    with pytest.raises(ValidationError, match="as_of"):
        quality_spec_set(organisation=org, actor=admin, spec={"as_of": "2026-01-01"})
    # another organisation keeps the defaults
    other = make_org("Other", country="TH")
    assert not quality_report(batch_membership(other), channel="test").custom_spec
    quality_spec_set(organisation=org, actor=admin, spec=None)
    assert any(i.check == "required_fields" for i in quality_report(batch_membership(org), channel="test").result.issues)


def test_the_spec_command_sets_shows_and_resets(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"checks": {"stale_open_record": {"months": 3}}}))
    out = io.StringIO()
    call_command("quality", "spec", "--org", org.slug, "--set", str(spec), stdout=out)
    shown = json.loads(out.getvalue())
    assert shown["stored"] == {"checks": {"stale_open_record": {"months": 3}}}
    assert shown["effective"]["checks"]["stale_open_record"] == {"enabled": True, "months": 3}
    spec.write_text(json.dumps({"custom": [{"slug": "x"}]}))
    with pytest.raises(CommandError, match="custom\\[0\\].slug"):
        call_command("quality", "spec", "--org", org.slug, "--set", str(spec))
    out = io.StringIO()
    call_command("quality", "spec", "--org", org.slug, "--reset", stdout=out)
    assert json.loads(out.getvalue())["stored"] == {}
