"""Screening and self-assessment in the app: outcomes land in the case, roles decide who sees them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import get_commands
from django.urls import Resolver404, resolve

from tipdata.audit.models import AuditEvent
from tipdata.cases.models import Case, CasePerson, PersonRole
from tipdata.cases.services import case_create, person_create, victim_context_update
from tipdata.engines.selfassessment import load_questionnaire
from tipdata.practice.models import ScreeningRecord, SelfAssessment
from tipdata.practice.services import screening_record, self_assessment_record

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]

PRESUMED = {  # adult, labour: deception + exploitation + coercion at destination
    "deceptive_recruitment.nature_of_job": "yes", "deceptive_recruitment.wages": "yes",
    "exploitative_conditions.excessive_hours": "yes", "exploitative_conditions.low_or_no_salary": "yes",
    "coercion_at_destination.confiscation_of_documents": "yes", "coercion_at_destination.debt_bondage": "yes",
}
POSSIBLE = {"coercion_at_destination.confiscation_of_documents": "yes", "coercion_at_destination.debt_bondage": "yes"}
INSUFFICIENT = {"recruitment_abuse_of_vulnerability.economic_reasons": "yes"}


def _case(org: Any, actor: Any, context: dict[str, Any] | None = None) -> Case:
    person = person_create(organisation=org, actor=actor, values={"prs_FirstName": "Mya"})
    return case_create(organisation=org, actor=actor, victim=person, registered_on=date(2026, 2, 1),
                       victim_context=context or {}, assign_to=actor)


def _context(case: Case) -> dict[str, Any]:
    return CasePerson.objects.get(case=case, role=PersonRole.VICTIM).context


# --- services ------------------------------------------------------------------------------
def test_screening_outcome_lands_in_the_case_record(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker, {"vic_methods_of_control": ["PhysicalThreats"]})
    version = case.version
    record = screening_record(organisation=org, actor=worker, answers=PRESUMED, age=29,
                              exploitation_kind="labour", case=case)
    assert record.outcome == "presumed_victim" and record.status_written == "ActualVictimOfTrafficking"
    context = _context(case)
    assert context["vic_trafficking_status"] == "ActualVictimOfTrafficking"
    assert context["vic_trafficking_status_decision_making_org"] == "NGO"  # a shelter made the assertion
    assert context["vic_methods_of_control"] == ["PhysicalThreats", "FalsePromises", "ExcessiveWorkingHours",
                                                 "WithholdsDocuments", "DebtBondage"]
    case.refresh_from_db()
    assert case.version == version + 1
    assert record.result["spec"]["version"] and record.reasons
    actions = list(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert "screening.record" in actions and "case.victim_context_update" in actions


def test_screening_raises_the_status_and_never_lowers_it(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker, {"vic_trafficking_status": "NotAVictimOfTrafficking"})
    first = screening_record(organisation=org, actor=worker, answers=POSSIBLE, age=30, exploitation_kind="labour", case=case)
    assert first.status_written == "PossibleVictimOfTrafficking"
    screening_record(organisation=org, actor=worker, answers=PRESUMED, age=30, exploitation_kind="labour", case=case)
    assert _context(case)["vic_trafficking_status"] == "ActualVictimOfTrafficking"
    later = screening_record(organisation=org, actor=worker, answers=POSSIBLE, age=30, exploitation_kind="labour", case=case)
    assert later.outcome == "possible_victim" and later.status_written == ""
    assert _context(case)["vic_trafficking_status"] == "ActualVictimOfTrafficking"


def test_insufficient_indicators_write_no_status(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    record = screening_record(organisation=org, actor=worker, answers=INSUFFICIENT, age=30,
                              exploitation_kind="labour", case=case)
    assert record.outcome == "insufficient_indicators" and record.status_written == ""
    assert "vic_trafficking_status" not in _context(case)


def test_child_screening_records_type_of_exploitation(make_org: Any, make_user: Any) -> None:
    org = make_org(kind="police")
    officer = make_user(org, "caseworker")
    case = _case(org, officer)
    record = screening_record(organisation=org, actor=officer, case=case, age=15, exploitation_kind="sexual",
                              answers={"palermo.act": ["harbouring"], "palermo.purpose": ["sexual_exploitation"]})
    assert record.outcome == "presumed_victim" and record.age_group == "child"
    context = _context(case)
    assert context["vic_type_of_exploitation"] == ["SexualExploitation"]
    assert context["vic_trafficking_status_decision_making_org"] == "Police"
    case.refresh_from_db()
    assert case.exploitation_type_list == ["SexualExploitation"]


def test_bad_answers_change_nothing(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    with pytest.raises(ValidationError) as err:
        screening_record(organisation=org, actor=worker, case=case, age=30, exploitation_kind="labour",
                         answers={**PRESUMED, "deceptive_recruitment.wages": "perhaps"})
    assert "perhaps" in " ".join(err.value.messages)
    with pytest.raises(ValidationError, match="allowed: labour, sexual"):
        screening_record(organisation=org, actor=worker, answers={}, age=30, exploitation_kind="organs")
    assert ScreeningRecord.objects.count() == 0
    assert _context(case) == {}


def test_case_of_another_organisation_or_with_two_victims_is_refused(make_org: Any, make_user: Any) -> None:
    org, other = make_org("A"), make_org("B", country="TH")
    worker = make_user(org, "caseworker")
    foreign = _case(other, make_user(other, "caseworker"))
    with pytest.raises(ValidationError, match="another organisation"):
        screening_record(organisation=org, actor=worker, answers=PRESUMED, age=30, exploitation_kind="labour", case=foreign)
    case = _case(org, worker)
    second = person_create(organisation=org, actor=worker, values={"prs_FirstName": "Aye"})
    CasePerson.objects.create(organisation=org, case=case, person=second, role=PersonRole.VICTIM)
    with pytest.raises(ValidationError, match="2 victims"):
        screening_record(organisation=org, actor=worker, answers=PRESUMED, age=30, exploitation_kind="labour", case=case)
    record = screening_record(organisation=org, actor=worker, answers=PRESUMED, age=30, exploitation_kind="labour",
                              case=case, person=second)
    assert record.person == second
    assert CasePerson.objects.get(case=case, person=second).context["vic_trafficking_status"] == "ActualVictimOfTrafficking"


def test_victim_context_update_checks_values(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    with pytest.raises(ValidationError, match="Victim"):
        victim_context_update(case=case, actor=worker, values={"vic_trafficking_status": "Victim"})
    with pytest.raises(ValidationError, match="only victim-context"):
        victim_context_update(case=case, actor=worker, values={"prs_gender": "Feminine"})
    with pytest.raises(ValidationError, match="narrative"):
        victim_context_update(case=case, actor=worker, values={"vic_details_of_vulnerabilities": "text"})
    empty = case_create(organisation=org, actor=worker, victim=None, registered_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="no victim"):
        victim_context_update(case=empty, actor=worker, values={"vic_trafficking_status": "PossibleVictimOfTrafficking"})


def test_self_assessment_record_keeps_scores(make_org: Any, make_user: Any) -> None:
    org = make_org()
    admin = make_user(org, "admin")
    record = self_assessment_record(organisation=org, actor=admin, answers={"consent_recorded": "3", "devices": "1"})
    assert record.scores["areas"][0]["score"] == 3.0
    assert record.overall_score == 2.0  # collection 3.0 and protection 1.0
    with pytest.raises(ValidationError, match="not an allowed answer"):
        self_assessment_record(organisation=org, actor=admin, answers={"devices": "7"})
    assert SelfAssessment.objects.count() == 1
    assert AuditEvent.objects.filter(action="self_assessment.record").count() == 1


# --- pages ---------------------------------------------------------------------------------
def test_caseworker_screens_through_the_guided_form(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    client.force_login(worker)
    start = client.get("/practice/screening/")
    assert start.status_code == 200 and "Start the interview" in start.content.decode()
    missing_age = client.get("/practice/screening/", {"kind": "labour"})
    assert "Give the age in years" in missing_age.content.decode()
    page = client.get("/practice/screening/", {"age_years": 29, "kind": "labour", "lang": "en", "case": str(case.public_id)})
    html = page.content.decode()
    assert "Before you left, were you told about a job" in html
    assert "Indicator: Deceived about the nature of the job, location or employer" in html
    assert "private place" in html  # the interview guidance comes first
    posted = client.post("/practice/screening/", {"age_years": 29, "kind": "labour", "lang": "en",
                                                  "case": str(case.public_id), **PRESUMED,
                                                  "palermo.act": ["recruitment"]})
    record = ScreeningRecord.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/practice/screening/{record.public_id}/"
    assert record.answers["palermo.act"] == ["recruitment"]
    assert record.answers["deceptive_recruitment.contract"] == "not_asked"  # untouched radios default to not asked
    detail = client.get(posted["Location"]).content.decode()
    assert "Presumed victim of trafficking" in detail and "vic_trafficking_status = ActualVictimOfTrafficking" in detail
    assert _context(case)["vic_trafficking_status"] == "ActualVictimOfTrafficking"
    assert case.reference in client.get("/practice/screening/").content.decode()


def test_interview_in_the_persons_language_is_marked_unreviewed(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    client.force_login(make_user(org, "caseworker"))
    html = client.get("/practice/screening/", {"age_years": 30, "kind": "labour", "lang": "id"}).content.decode()
    assert "Sebelum berangkat, apakah Anda diberi tahu" in html
    # ?lang=id also switches the interface, so the marker itself is in (draft) Indonesian.
    assert "terjemahan belum ditinjau" in html or "translation not reviewed" in html


def test_child_gets_child_wording(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    client.force_login(make_user(org, "caseworker"))
    html = client.get("/practice/screening/", {"age_group": "child", "kind": "labour"}).content.decode()
    assert "Children, trafficking for labour exploitation" in html
    assert "Were you kept from going to school?" in html


@pytest.mark.parametrize("role", ["data_officer", "viewer"])
def test_roles_without_case_access_never_see_an_outcome(make_org: Any, make_user: Any, client: Any, role: str) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    record = screening_record(organisation=org, actor=worker, answers=PRESUMED, age=30, exploitation_kind="labour",
                              case=_case(org, worker))
    client.force_login(make_user(org, role))
    assert client.get("/practice/screening/").status_code == 404
    response = client.get(f"/practice/screening/{record.public_id}/")
    assert response.status_code == 404
    assert "Presumed victim" not in response.content.decode()
    assert client.post("/practice/screening/", {"age_years": 30, "kind": "labour", **PRESUMED}).status_code == 404
    assert ScreeningRecord.objects.count() == 1


def test_caseworker_sees_only_own_screenings_supervisor_all(make_org: Any, make_user: Any, client: Any) -> None:
    org, other_org = make_org("A"), make_org("B", country="TH")
    author, colleague = make_user(org, "caseworker"), make_user(org, "caseworker")
    record = screening_record(organisation=org, actor=author, answers=POSSIBLE, age=30, exploitation_kind="labour",
                              case=_case(org, author))
    url = f"/practice/screening/{record.public_id}/"
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert str(record.public_id) not in client.get("/practice/screening/").content.decode()
    client.force_login(make_user(org, "supervisor"))
    assert "Possible victim of trafficking" in client.get(url).content.decode()
    client.force_login(make_user(other_org, "admin"))
    assert client.get(url).status_code == 404
    assert client.get("/practice/screening/not-a-uuid/").status_code == 404


def test_screening_a_case_you_cannot_open_is_not_found(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    owner, colleague = make_user(org, "caseworker"), make_user(org, "caseworker")
    case = _case(org, owner)
    client.force_login(colleague)
    response = client.post("/practice/screening/", {"age_years": 30, "kind": "labour", "case": str(case.public_id),
                                                    **PRESUMED})
    assert response.status_code == 404
    assert ScreeningRecord.objects.count() == 0 and _context(case) == {}


def test_self_assessment_pages_show_results_and_progress(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    admin = make_user(org, "admin")
    client.force_login(admin)
    form = client.get("/practice/self-assessment/")
    assert form.status_code == 200 and "How do you record a person&#x27;s consent" in form.content.decode()
    empty = client.post("/practice/self-assessment/", {})
    assert "Answer at least one question." in empty.content.decode()
    first = client.post("/practice/self-assessment/", {"consent_recorded": "1", "devices": "0", "audit_trail": "0",
                                                       "paper_records": "not_applicable", "use_for_decisions": "1"})
    assert first.status_code == 302
    html = client.get(first["Location"]).content.decode()
    assert "What to do next, most urgent first" in html
    assert '<a href="/cases/">' in html  # a page that exists is linked
    assert "<code>tipdata audit verify</code>" in html  # a command is shown to copy
    dashboards = _resolves("/dashboards/")
    assert ('<a href="/dashboards/">' in html) is dashboards  # linked only if this installation has it
    # the form remembers the last answers; a second assessment shows progress
    remembered = client.get("/practice/self-assessment/").content.decode()
    assert re.search(r'name="consent_recorded" value="1"[^>]*checked', remembered)
    second = client.post("/practice/self-assessment/", {"consent_recorded": "4", "devices": "3", "audit_trail": "3",
                                                        "paper_records": "not_applicable", "use_for_decisions": "1"})
    html2 = client.get(second["Location"]).content.decode()
    assert "Progress since the last assessment" in html2
    assert "3 answers improved" in html2 and "+3.0" in html2
    history = client.get("/practice/self-assessment/").content.decode()
    assert history.count("/practice/self-assessment/") >= 2 and "<meter" in history


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("supervisor", 200), ("caseworker", 404),
                                              ("data_officer", 404), ("viewer", 404)])
def test_self_assessment_is_for_admins_and_supervisors(make_org: Any, make_user: Any, client: Any,
                                                       role: str, status: int) -> None:
    org, other_org = make_org("A"), make_org("B", country="TH")
    record = self_assessment_record(organisation=org, actor=make_user(org, "admin"), answers={"training": "2"})
    client.force_login(make_user(org, role))
    assert client.get("/practice/self-assessment/").status_code == status
    assert client.get(f"/practice/self-assessment/{record.pk}/").status_code == status
    client.force_login(make_user(other_org, "admin"))
    assert client.get(f"/practice/self-assessment/{record.pk}/").status_code == 404


def test_every_recommendation_link_points_at_something_real() -> None:
    commands = set(get_commands())
    for question in load_questionnaire().questions:
        for link in question.links:
            if link.kind == "command":
                name = link.target.split()[1]
                assert name in commands, f"{question.id}: no 'tipdata {name}' command"
            elif link.kind == "doc":
                assert (REPO / link.target).is_file(), f"{question.id}: {link.target} missing"
            else:
                assert re.fullmatch(r"/[a-z0-9/-]*/", link.target), link.target
    resolving = [lk.target for q in load_questionnaire().questions for lk in q.links
                 if lk.kind == "page" and _resolves(lk.target)]
    assert {"/cases/", "/standard/", "/practice/screening/", "/quality/", "/cases/retention/", "/releases/"} <= set(resolving)
