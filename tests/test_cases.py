"""Case records: encrypted identifiers, scoping by organisation and role, consent, audit, erasure."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.conftest import PASSWORD
from tipdata.accounts.models import Membership
from tipdata.audit.models import AuditEvent
from tipdata.cases import selectors
from tipdata.cases.keyrotation import organisation_rotate_keys
from tipdata.cases.models import Case, Person
from tipdata.cases.services import (
    ConsentRequiredError,
    EditConflictError,
    case_create,
    case_update,
    consent_record,
    consent_withdraw,
    person_create,
    person_erase,
    referral_create,
)
from tipdata.keys import envelope

pytestmark = pytest.mark.django_db
NAME = "Sreyleakhena"


def _case(org: Any, actor: Any, first: str = NAME, second: str = "Chhorvivorn", id_number: str = "N0123456") -> Case:
    person = person_create(organisation=org, actor=actor, values={
        "prs_FirstName": first, "prs_SecondName": second, "prs_Birthdate": "2001-04-03",
        "prs_Gender": "Feminine", "prs_Citizenship": ["KH"], "prs_IdentityNumber": id_number,
    })
    return case_create(organisation=org, actor=actor, victim=person, registered_on=date(2025, 3, 1),
                       victim_context={"vic_TypeOfExploitation": ["ForcedLabour"],
                                       "vic_MethodsOfControl": "DebtBondage WithholdsDocuments"},
                       assign_to=actor)


def _membership(user: Any) -> Membership:
    return Membership.objects.select_related("organisation").get(user=user)


def test_no_plaintext_identifier_in_the_database(make_org: Any, make_user: Any) -> None:
    org = make_org()
    _case(org, make_user(org, "caseworker"))
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump = repr(cursor.fetchall())
            assert NAME not in dump and "N0123456" not in dump and "Chhorvivorn" not in dump, table


def test_caseworker_reads_own_case_and_the_read_is_audited(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    view = selectors.case_read(_membership(worker), selectors.case_get(_membership(worker), case.public_id),
                               channel="test", actor=worker)
    assert view.persons[0].identifiers["prs_first_name"] == NAME
    event = AuditEvent.objects.filter(action="case.read_identified").last()
    assert event is not None and event.object_id == str(case.public_id) and "prs_first_name" in event.changes["fields"]
    assert NAME not in repr(list(AuditEvent.objects.values_list("changes", flat=True)))


@pytest.mark.parametrize("role,sees_case,sees_names", [
    ("admin", True, True), ("supervisor", True, True), ("caseworker", False, True),
    ("data_officer", True, False), ("viewer", False, False),
])
def test_each_role_sees_what_the_role_table_says(make_org: Any, make_user: Any, role: str, sees_case: bool, sees_names: bool) -> None:
    org = make_org()
    case = _case(org, make_user(org, "caseworker"))
    member = _membership(make_user(org, role))
    visible = selectors.cases_visible(member).filter(pk=case.pk).exists()
    assert visible is sees_case  # a caseworker not assigned does not see a colleague's case
    if visible:
        view = selectors.case_read(member, case, channel="test", actor=member.user)
        assert bool(view.persons[0].identifiers) is sees_names


def test_other_organisation_gets_not_found_everywhere(make_org: Any, make_user: Any, client: Any) -> None:
    org_a, org_b = make_org("A shelter"), make_org("B hotline", country="TH")
    case = _case(org_a, make_user(org_a, "caseworker"))
    intruder = make_user(org_b, "admin", username="intruder")
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_get(_membership(intruder), case.public_id)
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_get(_membership(intruder), "not-a-uuid")
    client.post("/login/", {"username": "intruder", "password": PASSWORD})
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    page = client.post("/cases/", {"name": NAME}, follow=True).content.decode()
    assert "0 cases" in page and "Chhorvivorn" not in page


def test_name_search_by_blind_index_any_order_and_case(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "supervisor")
    case = _case(org, worker)
    _case(org, worker, first="Bopha", second="Sok", id_number="K998877")
    member = _membership(worker)
    for query in (NAME, NAME.upper(), f"chhorvivorn {NAME.lower()}", "N0123456"):
        found = list(selectors.case_list(member, selectors.CaseSearch(name=query)))
        assert found == [case], query
    assert list(selectors.case_list(member, selectors.CaseSearch(name="Sreyleak"))) == []


def test_bad_codes_and_impossible_dates_are_refused_and_nothing_is_saved(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    with pytest.raises(ValidationError, match="prs_gender.*'Female'.*Feminine"):
        person_create(organisation=org, actor=worker, values={"prs_FirstName": "A", "prs_Gender": "Female"})
    person = person_create(organisation=org, actor=worker, values={"prs_FirstName": "A", "prs_Birthdate": "2010-01-01"})
    with pytest.raises(ValidationError, match="after the case was registered"):
        case_create(organisation=org, actor=worker, victim=person, registered_on=date(2009, 1, 1))
    with pytest.raises(ValidationError, match="at most 20000"):
        person_create(organisation=org, actor=worker, values={"prs_FirstName": "x" * 20001})
    assert Case.objects.count() == 0 and Person.objects.count() == 1


def test_second_editor_gets_a_conflict_not_a_silent_overwrite(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    first_view, second_view = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_update(case=first_view, actor=worker, expected_version=first_view.version, status="FollowUp")
    with pytest.raises(EditConflictError, match="changed by someone else"):
        case_update(case=second_view, actor=worker, expected_version=second_view.version, status="Closed")
    assert Case.objects.get(pk=case.pk).status == "FollowUp"


def test_referral_needs_consent_and_withdrawal_takes_effect_at_once(make_org: Any, make_user: Any) -> None:
    org, partner = make_org("Shelter"), make_org("Legal aid", country="KH")
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    victim = case.case_persons.get().person
    with pytest.raises(ConsentRequiredError, match="not consented to referral to Legal aid"):
        referral_create(case=case, actor=worker, partner=partner, referred_on=date(2025, 3, 2))
    consent = consent_record(person=victim, actor=worker, purpose="referral", method="written", target_organisation=partner)
    referral_create(case=case, actor=worker, partner=partner, referred_on=date(2025, 3, 2))
    consent_withdraw(consent=consent, actor=worker)
    with pytest.raises(ConsentRequiredError):
        referral_create(case=case, actor=worker, partner=partner, referred_on=date(2025, 3, 3))


def test_erasure_leaves_no_way_back_even_with_the_master_key(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "admin")
    case = _case(org, worker)
    person = case.case_persons.get().person
    sealed_before = dict(person.sealed)
    person_erase(person=person, actor=worker, reason="retention expired")
    person.refresh_from_db()
    assert person.wrapped_data_key is None and person.sealed == {}
    assert person.attributes["prs_gender"] == "Feminine"  # de-identified statistics stay
    # Even a ciphertext copied before erasure cannot be opened: its data key is gone.
    from tipdata.keys.services import master_key

    assert master_key()
    assert all(token.startswith("v1.") for token in sealed_before.values())
    assert not Person.objects.filter(search_index__isnull=False, pk=person.pk).exists()
    assert AuditEvent.objects.filter(action="person.erase", object_id=str(person.public_id)).exists()


def test_key_rotation_keeps_every_record_readable(make_org: Any, make_user: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    case = _case(org, worker)
    old_key_id = Person.objects.get().org_key_id
    _old, new, count = organisation_rotate_keys(organisation=org, actor=None)
    assert count == 2 and Person.objects.get().org_key_id == new != old_key_id
    view = selectors.case_read(_membership(worker), case, channel="test", actor=worker)
    assert view.persons[0].identifiers["prs_first_name"] == NAME


def test_wrong_master_key_is_a_clear_error(tmp_path: Any) -> None:
    bad = tmp_path / "master.key"
    bad.write_text("not-a-key")
    with pytest.raises(envelope.MasterKeyError, match="holds .* bytes|not a base64"):
        envelope.read_master_key(bad)
    with pytest.raises(envelope.MasterKeyError, match="does not exist"):
        envelope.read_master_key(tmp_path / "missing.key")


def test_browser_flow_pages_render(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    make_user(org, "caseworker", username="cw")
    client.post("/login/", {"username": "cw", "password": PASSWORD})
    response = client.post("/cases/new/", {
        "first_name": "Kanha", "second_name": "Meas", "birthdate": "1999-02-02", "gender": "Feminine",
        "citizenship": "KH", "type_of_exploitation": ["SexualExploitation"], "registered_on": "2025-05-05",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(response["Location"]).content.decode()
    assert "Kanha" in detail
    listing = client.post("/cases/", {"name": "kanha"}, follow=True).content.decode()
    assert "Kanha Meas" in listing
    bad = client.post("/cases/new/", {"first_name": "X", "gender": "Feminine", "citizenship": "KH",
                                      "birthdate": "2030-01-01", "registered_on": "2025-01-01"})
    assert bad.status_code == 200 and "future" in bad.content.decode()


def test_case_page_actions_post_as_allowed_roles_only(make_org: Any, make_user: Any, client: Any) -> None:
    org, partner = make_org("Shelter"), make_org("Legal aid", country="KH")
    worker = make_user(org, "caseworker", username="cw2")
    case = _case(org, worker)
    person = case.case_persons.get().person
    client.post("/login/", {"username": "cw2", "password": PASSWORD})
    base = f"/cases/{case.public_id}"
    refused = client.post(f"{base}/referral/", {"partner": partner.slug, "referred_on": "2025-03-05"}, follow=True)
    assert "not consented to referral to Legal aid" in refused.content.decode()
    client.post(f"{base}/consent/", {"person": str(person.public_id), "purpose": "referral", "method": "written",
                                     "target": partner.slug})
    done = client.post(f"{base}/referral/", {"partner": partner.slug, "referred_on": "2025-03-05"}, follow=True)
    assert "Referral recorded" in done.content.decode()
    client.post(f"{base}/comment/", {"text": "Met at the border crossing; needs legal aid."})
    page = client.get(f"{base}/").content.decode()
    assert "Met at the border crossing" in page and "Legal aid" in page
    stale = case.version
    client.post(f"{base}/status/", {"version": stale, "status": "FollowUp"})
    conflict = client.post(f"{base}/status/", {"version": stale, "status": "Closed"}, follow=True).content.decode()
    assert "changed by someone else" in conflict
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM cases_casecomment")
        assert "border crossing" not in repr(cursor.fetchall())
    client.logout()
    make_user(org, "data_officer", username="do2")
    client.post("/login/", {"username": "do2", "password": PASSWORD})
    assert client.post(f"{base}/comment/", {"text": "x"}).status_code == 404
    assert "border crossing" not in client.get(f"{base}/").content.decode()


def test_no_inline_styles_or_scripts_in_templates() -> None:
    """The CSP forbids them; they would silently not work."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "src" / "tipdata"
    offenders = []
    import re

    for template in root.rglob("templates/**/*.html"):
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", template.read_text(), flags=re.S)
        if ' style="' in text or "<style" in text or " onclick=" in text or ("<script" in text and "src=" not in text.split("<script", 1)[1].split(">", 1)[0] and 'type="application/json"' not in text.split("<script", 1)[1].split(">", 1)[0]):
            offenders.append(str(template.relative_to(root)))
    assert not offenders, offenders


def test_events_plans_and_perpetrators_with_sealed_narratives(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    make_user(org, "caseworker", username="cw3")
    case = _case(org, Membership.objects.get(user__username="cw3").user)
    client.post("/login/", {"username": "cw3", "password": PASSWORD})
    base = f"/cases/{case.public_id}"
    client.post(f"{base}/event/", {"hte_Type": "Exploitation", "hte_Country": "MY", "hte_City": "Johor Bahru",
                                   "hte_Date": "2024-05-01", "hte_Description": "Palm oil plantation near the river"})
    client.post(f"{base}/plan/", {"spl_Type": "Legal", "spl_Objectives": "Claim unpaid wages from the broker",
                                  "spl_PlannedEndDate": "2026-12-31"})
    client.post(f"{base}/person/", {"role": "perpetrator", "prs_FirstName": "Broker", "prs_SecondName": "Unknownsky",
                                    "per_RoleInProcess": ["RecruiterOrIntermediary", "Transporter"],
                                    "per_RoleDetails": "Took passports at the border"})
    page = client.get(f"{base}/").content.decode()
    for text in ("Palm oil plantation", "Claim unpaid wages", "Unknownsky", "Took passports", "Johor Bahru"):
        assert text in page, text
    bad = client.post(f"{base}/event/", {"hte_Type": "Holiday"}, follow=True).content.decode()
    assert "Holiday" in bad and "Recruitment" in bad  # the error names the value and what is allowed
    with connection.cursor() as cursor:
        for table in ("cases_trafficking_event", "cases_traffickingevent", "cases_supportplan", "cases_person", "cases_caseperson"):
            if table in connection.introspection.table_names():
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                dump = repr(cursor.fetchall())
                for secret in ("Palm oil", "unpaid wages", "Unknownsky", "passports"):
                    assert secret not in dump, (table, secret)


def test_a_list_page_with_names_is_an_audited_read(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker", username="lister")
    case = _case(org, worker)
    officer = make_user(org, "data_officer", username="officer")
    client.post("/login/", {"username": "lister", "password": PASSWORD})
    page = client.get("/cases/").content.decode()
    assert NAME in page
    event = AuditEvent.objects.filter(action="case.list_identified").get()
    assert event.actor == worker and event.changes["cases"] == [str(case.public_id)]
    assert NAME not in repr(event.changes)
    # The search answers the POST at once (no redirect), audited as a search; the words are not kept.
    found = client.post("/cases/", {"name": NAME.lower()})
    assert found.status_code == 200 and NAME in found.content.decode()
    search = AuditEvent.objects.filter(action="case.search_by_name").get()
    assert search.changes["cases"] == [str(case.public_id)] and NAME.lower() not in repr(search.changes)
    # A role that sees no names leaves no identified-read event.
    client.post("/logout/")
    client.post("/login/", {"username": "officer", "password": PASSWORD})
    page = client.get("/cases/").content.decode()
    assert NAME not in page and case.reference in page
    assert AuditEvent.objects.filter(actor=officer, action__in=["case.list_identified", "case.search_by_name"]).count() == 0


def test_a_search_by_name_leaves_the_name_nowhere_in_the_database(make_org: Any, make_user: Any, client: Any) -> None:
    """The words searched for are not kept in the session table (signed, not encrypted)."""
    org = make_org()
    worker = make_user(org, "caseworker", username="searcher")
    _case(org, worker)
    client.post("/login/", {"username": "searcher", "password": PASSWORD})
    assert NAME in client.post("/cases/", {"name": "Chhorvivorn"}).content.decode()
    client.get(f"/cases/{Case.objects.get().public_id}/")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump = repr(cursor.fetchall())
            assert "Chhorvivorn" not in dump and NAME not in dump, table
    from django.contrib.sessions.models import Session

    assert all("case_search" not in s.get_decoded() for s in Session.objects.all())


def test_the_pager_of_a_search_posts_the_criteria_again(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    worker = make_user(org, "supervisor", username="pager")
    for i in range(27):
        _case(org, worker, id_number=f"N{i:07d}")
    _case(org, worker, first="Bopha", second="Sok", id_number="K998877")
    client.post("/login/", {"username": "pager", "password": PASSWORD})
    first = client.post("/cases/", {"name": NAME}).content.decode()
    assert "27 cases" in first and first.count(f"<td>{NAME} Chhorvivorn</td>") == 25
    assert 'name="page" value="2"' in first and f'name="name" value="{NAME}"' in first
    second = client.post("/cases/", {"name": NAME, "page": "2"}).content.decode()
    assert second.count(f"<td>{NAME} Chhorvivorn</td>") == 2 and "Bopha" not in second
    # The plain list pages by GET and shows everyone.
    assert "28 cases" in client.get("/cases/").content.decode()
    assert "2 / 2" in client.get("/cases/?page=2").content.decode()


def test_a_long_list_is_counted_up_to_the_cap_and_still_pages(make_org: Any, make_user: Any, client: Any,
                                                               monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 30)
    org = make_org()
    worker = make_user(org, "supervisor", username="long")
    for i in range(52):
        _case(org, worker, id_number=f"L{i:07d}")
    client.post("/login/", {"username": "long", "password": PASSWORD})
    first = client.get("/cases/").content.decode()
    assert "More than 30 cases" in first and "?page=2" in first
    third = client.get("/cases/?page=3").content.decode()
    assert third.count(f"<td>{NAME} Chhorvivorn</td>") == 2 and "?page=4" not in third and "?page=2" in third
    assert "page=1" not in client.get("/cases/?page=1").content.decode().split("pager")[1]
    small = selectors.list_page(Case.objects.all(), "x")
    assert small.number == 1 and small.capped and small.has_next and len(small.object_list) == 25
    with monkeypatch.context() as m:
        m.setattr(selectors, "COUNT_CAP", 1000)
        exact = selectors.list_page(Case.objects.all(), 99)
        assert not exact.capped and exact.count == 52 and exact.num_pages == 3 and exact.number == 3
        assert len(exact.object_list) == 2 and not exact.has_next


def test_any_of_matches_exactly_the_ids_given_as_one_parameter(make_org: Any, make_user: Any) -> None:
    """The name search's ``any_of`` lookup gives what ``__in`` gives, on either database, in
    one parameter whatever the number of ids; anything that is not an id is refused."""
    from tipdata.cases.lookups import Ids

    org = make_org()
    worker = make_user(org, "supervisor", username="ids")
    cases = [_case(org, worker, id_number=f"I{i:07d}") for i in range(5)]
    wanted = [cases[0].pk, cases[3].pk, 10**12]  # one id that exists nowhere
    for given in (Ids(wanted), wanted):
        found = set(Case.objects.filter(pk__any_of=given).values_list("pk", flat=True))
        assert found == set(Case.objects.filter(pk__in=wanted).values_list("pk", flat=True)) == {cases[0].pk, cases[3].pk}
    assert not Case.objects.filter(pk__any_of=Ids([])).exists()
    many = Case.objects.filter(pk__any_of=Ids(range(1, cases[-1].pk + 5000)))
    assert many.count() == 5
    _, params = many.query.sql_with_params()
    assert len(params) == 1  # all the ids in one parameter, not 5,000 placeholders
    with pytest.raises(TypeError):
        Ids(["1; DROP TABLE cases_case"])
    with pytest.raises(TypeError):
        Ids([1.5])


def test_list_rows_and_options_are_escaped_and_marked_as_before() -> None:
    from tipdata.cases.templatetags.case_tags import case_rows, select_options

    row = {"href": "/cases/x/", "reference": "R-1", "victim": '<script>alert("x")</script> & Co',
           "status": "Open", "registered_on": "2025-03-01", "types": "Forced labour"}
    html = case_rows([row], True)
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert case_rows([row], False).count("<td>") == 4 and "script" not in case_rows([row], False)
    assert "No cases match." in case_rows([], True)
    options = select_options([("", "—"), ("open", "Open"), ("closed", 'Closed "<b>"')], "closed")
    assert options.count("selected") == 1 and '<option value="closed" selected>Closed &quot;&lt;b&gt;&quot;</option>' in options
    assert select_options([("", "—"), ("open", "Open")], None).startswith('<option value="" selected>')  # nothing chosen


@pytest.mark.parametrize("cap", [1000, 30])
def test_a_name_search_pages_by_ids_exactly_as_the_list_does(make_org: Any, make_user: Any, monkeypatch: Any,
                                                               cap: int) -> None:
    """``by_ids`` (used for name searches) gives the same pages, counts and order as
    counting and slicing, on every page, including past the count cap."""
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    org = make_org()
    worker = make_user(org, "supervisor", username="pager")
    for i in range(57):
        case = _case(org, worker, id_number=f"P{i:07d}")
        Case.objects.filter(pk=case.pk).update(registered_on=date(2024, 1 + i % 12, 1 + i % 27))
    rows = Case.objects.filter(organisation=org).order_by("-registered_on", "-id")
    for number in (1, 2, 3, 4, "x", -1, 99):
        plain, by_ids = selectors.list_page(rows, number, 10), selectors.list_page(rows, number, 10, by_ids=selectors.case_rows_by_id)
        assert [c.pk for c in by_ids.object_list] == [c.pk for c in plain.object_list]
        assert (by_ids.number, by_ids.count, by_ids.capped, by_ids.has_next, by_ids.num_pages) == (
            plain.number, plain.count, plain.capped, plain.has_next, plain.num_pages)


def test_name_search_rows_match_the_orm(make_org: Any, make_user: Any) -> None:
    """The name search's one plain-SQL read gives exactly what the ORM's join gives: every
    (digest, person, case) of the organisation, none of another organisation's."""
    from tipdata.cases.models import CasePerson
    from tipdata.cases.selectors import _persons_and_cases_by_digest
    from tipdata.keys.services import index_key_plain

    org, other = make_org("Mine"), make_org("Theirs", country="TH")
    me, them = make_user(org, "supervisor", username="mine"), make_user(other, "supervisor", username="theirs")
    first = _case(org, me)
    second = _case(org, me, id_number="N7654321")
    # The first victim is also a person in the second case: one person, two cases.
    CasePerson.objects.create(organisation=org, case=second, person=first.case_persons.get().person, role="other")
    _case(org, me, first="Dara", second="Chhorvivorn", id_number="N1111111")
    _case(other, them)  # the same name in another organisation
    key = index_key_plain(org)
    digests = sorted({envelope.blind_index(w, key, "name") for w in (NAME, "Chhorvivorn", "Dara")}
                     | {envelope.blind_index("N0123456", key, "id")})
    expected = sorted(CasePerson.objects.filter(
        organisation_id=org.pk, person__search_index__organisation_id=org.pk, person__search_index__digest__in=digests,
    ).values_list("person__search_index__digest", "person_id", "case_id"))
    got = sorted(_persons_and_cases_by_digest(org.pk, digests))
    registered = dict(Case.objects.values_list("pk", "registered_on"))
    assert got == sorted((d, p, c, registered[c]) for d, p, c in expected) and len(got) >= 6
    assert {c for _, _, c, _ in got} <= set(Case.objects.filter(organisation=org).values_list("pk", flat=True))
    with pytest.raises(ValueError):
        _persons_and_cases_by_digest(org.pk, ["abc}', '{x"])


def test_a_name_search_from_the_index_pages_as_the_database_would(make_org: Any, make_user: Any) -> None:
    """A search by name alone, by a supervisor, is ordered and counted from the name index;
    it must give the same pages as counting and paging the cases in the database, and a
    caseworker (who sees only assigned cases) still goes through the database."""
    org = make_org()
    boss = make_user(org, "supervisor", username="boss-pages")
    worker = make_user(org, "caseworker", username="worker-pages")
    for i in range(33):
        case = _case(org, boss if i % 3 else worker, id_number=f"Q{i:07d}")
        Case.objects.filter(pk=case.pk).update(registered_on=date(2023, 1 + i % 12, 1 + (i * 7) % 27))
    _case(org, boss, first="Someone", second="Else", id_number="Z0000001")
    search = selectors.CaseSearch(name=NAME)
    boss_m, worker_m = _membership(boss), _membership(worker)
    for number in (1, 2, 3, "x", 9):
        fast = selectors.case_list_page(boss_m, search, number)
        general = selectors.list_page(selectors.case_list_rows(boss_m, search), number,
                                      by_ids=selectors.case_rows_by_id)
        assert [c.pk for c in fast.object_list] == [c.pk for c in general.object_list]
        assert (fast.number, fast.count, fast.has_next, fast.num_pages) == (
            general.number, general.count, general.has_next, general.num_pages) and fast.count == 33
    mine = selectors.case_list_page(worker_m, search, 1)
    assert mine.count == 11 and Case.objects.filter(pk__in=[c.pk for c in mine.object_list], owner=worker).count() == 11
    assert selectors.case_list_page(boss_m, selectors.CaseSearch(name=NAME, status="closed"), 1).count == 0


def test_the_organisation_list_pages_as_the_orm_would(make_org: Any, make_user: Any, monkeypatch: Any) -> None:
    """The list of a role that sees every case, without a name, is read in plain SQL
    (``_organisation_page``, ADR 0006): for any filters and page, on either database, it
    gives the pages, counts and values that ``case_list`` gives through the ORM, and never a
    case of another organisation."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    monkeypatch.setattr(selectors, "COUNT_CAP", 12)  # so that capped lists are tried too
    org, other = make_org(), make_org("Other", country="TH")
    boss = make_user(org, "supervisor", username="org-pages")
    officer = make_user(org, "data_officer", username="org-officer")
    statuses = ["Active", "FollowUp", "Closed"]
    types = ["|sexual|", "|forced_labour|sexual|", "|forcedxlabour|", "|"]
    for i in range(30):
        case = _case(org, boss, id_number=f"P{i:07d}")
        Case.objects.filter(pk=case.pk).update(registered_on=date(2023, 1 + i % 6, 1 + i % 5), status=statuses[i % 3],
                                               exploitation_types=types[i % 4])
    _case(other, make_user(other, "supervisor", username="other-boss"), id_number="P9999999")

    def check(membership: Membership, search: selectors.CaseSearch, number: Any) -> None:
        plain = selectors.case_list_page(membership, search, number)
        orm = selectors.list_page(selectors.case_list_rows(membership, search), number)
        assert all(isinstance(row, selectors.CaseRow) for row in plain.object_list)
        assert [(r.pk, r.public_id, r.reference, r.status, r.registered_on, r.exploitation_type_list)
                for r in plain.object_list] == [
            (c.pk, c.public_id, c.reference, c.status, c.registered_on, c.exploitation_type_list)
            for c in orm.object_list]
        assert (plain.number, plain.count, plain.capped, plain.has_next, plain.num_pages) == (
            orm.number, orm.count, orm.capped, orm.has_next, orm.num_pages)

    boss_m, officer_m = _membership(boss), _membership(officer)
    check(boss_m, selectors.CaseSearch(), 1)
    assert selectors.case_list_page(boss_m, selectors.CaseSearch(), 1).capped  # 30 cases > 12
    assert selectors.case_list_page(boss_m, selectors.CaseSearch(), 2).number == 2

    dates = st.none() | st.dates(date(2022, 12, 1), date(2023, 7, 1))

    @settings(max_examples=60, deadline=None)
    @given(status=st.sampled_from(["", *statuses, "Nope"]),
           kind=st.sampled_from(["", "sexual", "forced_labour", "forced%", "labour|sexual", "x"]),
           start=dates, end=dates, number=st.sampled_from([1, 2, 3, 5, "x", -1, 10**6]),
           as_officer=st.booleans())
    def many(status: str, kind: str, start: date | None, end: date | None, number: Any, as_officer: bool) -> None:
        search = selectors.CaseSearch(status=status, exploitation_type=kind, registered_from=start, registered_to=end)
        check(officer_m if as_officer else boss_m, search, number)

    many()


def test_a_name_search_without_the_right_to_names_and_a_huge_page_are_answered(
        make_org: Any, make_user: Any, client: Any, monkeypatch: Any) -> None:
    """A data officer (no names) searching by name gets no cases, not an error; a page
    number far past the end of a long list gets an empty page, not a database overflow."""
    org = make_org()
    boss = make_user(org, "supervisor", username="huge-boss")
    make_user(org, "data_officer", username="huge-officer")
    worker = make_user(org, "caseworker", username="huge-worker")
    for i in range(4):
        _case(org, worker if i % 2 else boss, id_number=f"H{i:07d}")
    client.post("/login/", {"username": "huge-officer", "password": PASSWORD})
    page = client.post("/cases/", {"name": NAME})
    assert page.status_code == 200 and "0 cases" in page.content.decode()
    assert "No cases match." in page.content.decode()

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)  # so every list here is "more than 2"
    huge = 10**20
    for user in (boss, worker):
        membership = _membership(user)
        for search in (selectors.CaseSearch(), selectors.CaseSearch(status="Active"), selectors.CaseSearch(name=NAME)):
            result = selectors.case_list_page(membership, search, huge)
            assert result.object_list == [] or result.number < huge
    client.post("/login/", {"username": "huge-boss", "password": PASSWORD})
    assert client.get(f"/cases/?page={huge}").status_code == 200


def test_case_rows_by_id_read_as_the_orm_reads_them(make_org: Any, make_user: Any) -> None:
    """The plain read of a page's rows by id gives the ORM's values, whatever the ids."""
    org = make_org()
    boss = make_user(org, "supervisor", username="rows-boss")
    ids = [_case(org, boss, id_number=f"R{i:07d}").pk for i in range(4)]
    asked = [ids[2], ids[0], 10**9, ids[3]]
    got = sorted(selectors.case_rows_by_id(asked))
    want = sorted(Case.objects.filter(pk__in=asked).values_list(*selectors.ROW_FIELDS))
    assert got == want and len(got) == 3
    assert [type(v) for v in got[0]] == [type(v) for v in want[0]]
    assert selectors.case_rows_by_id([]) == []


def test_victim_names_read_as_the_orm_reads_them(make_org: Any, make_user: Any) -> None:
    """The list's plain-SQL read of the victims' sealed names gives what the ORM's JSON key
    lookups give, on either database, and an erased victim shows as erased."""
    import uuid

    from tipdata.cases.models import CasePerson
    from tipdata.cases.selectors import _victim_sealed_names

    org = make_org()
    boss = make_user(org, "supervisor", username="names-boss")
    cases = [_case(org, boss, id_number=f"V{i:07d}") for i in range(3)]
    cases.append(_case(org, boss, first="Solo", second="", id_number="V9999999"))
    person_erase(person=cases[1].case_persons.get().person, actor=boss, reason="test")
    ids = [c.pk for c in cases]
    expected = sorted(
        (c, str(p), bytes(w) if w is not None else None, k, f, s)
        for c, p, w, k, f, s in CasePerson.objects.filter(case_id__in=ids, role="victim").values_list(
            "case_id", "person__public_id", "person__wrapped_data_key", "person__org_key_id",
            "person__sealed__prs_first_name", "person__sealed__prs_second_name"))
    got = sorted((c, str(uuid.UUID(str(p))), bytes(w) if w is not None else None, k, f, s)
                 for c, p, w, k, f, s in _victim_sealed_names(ids))
    assert got == expected and len(got) == 4
    names = selectors.case_victim_names(cases, _membership(boss))
    assert names[cases[0].pk] == f"{NAME} Chhorvivorn" and names[cases[1].pk] == "[erased]"
    assert names[cases[3].pk] == "Solo" and selectors._victim_sealed_names([]) == []
