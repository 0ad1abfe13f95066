"""Retention: expired records are erased by crypto-shredding; open cases and statistics survive."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipdata.cases.models import Person
from tipdata.cases.retention import retention_apply, retention_rule_set
from tipdata.cases.services import case_create, person_create

pytestmark = pytest.mark.django_db


def _person_with_case(org: Any, closed_on: date | None) -> Person:
    person = person_create(organisation=org, actor=None, values={"prs_FirstName": "Keep", "prs_Gender": "Masculine"})
    case_create(organisation=org, actor=None, victim=person, registered_on=date(2015, 1, 1),
                status="Closed" if closed_on else "Active", closed_on=closed_on)
    return person


def test_apply_erases_only_what_expired(make_org: Any) -> None:
    org = make_org()
    old = _person_with_case(org, date(2018, 6, 1))
    recent = _person_with_case(org, date(2025, 6, 1))
    still_open = _person_with_case(org, None)
    retention_rule_set(organisation=org, actor=None, years=5)
    dry = retention_apply(organisation=org, actor=None, today=date(2026, 11, 27), dry_run=True)
    assert dry.due == 1 and Person.objects.get(pk=old.pk).erased_at is None
    report = retention_apply(organisation=org, actor=None, today=date(2026, 11, 27))
    assert report.erased == 1
    old.refresh_from_db()
    assert old.erased_at is not None and old.sealed == {} and old.attributes["prs_gender"] == "Masculine"
    assert Person.objects.get(pk=recent.pk).erased_at is None
    assert Person.objects.get(pk=still_open.pk).erased_at is None


def test_commands(make_org: Any) -> None:
    org = make_org()
    out = io.StringIO()
    call_command("retention", "apply", "--org", org.slug, stdout=out)
    assert "no retention rule" in out.getvalue()
    call_command("retention", "set", "--org", org.slug, "--years", "3", stdout=out)
    with pytest.raises(CommandError, match="at least one year"):
        call_command("retention", "set", "--org", org.slug, "--years", "0", stdout=out)
    with pytest.raises(CommandError, match="no organisation"):
        call_command("retention", "apply", "--org", "nope", stdout=out)


def test_admin_ui_sets_rule_and_erases_with_confirmation(make_org: Any, make_user: Any, client: Any) -> None:
    from tests.conftest import PASSWORD

    org = make_org()
    old = _person_with_case(org, date(2016, 6, 1))
    make_user(org, "admin", username="adm")
    client.post("/login/", {"username": "adm", "password": PASSWORD})
    client.post("/cases/retention/", {"years": "5"})  # 2016 closure is past 5 years
    assert "1 person has expired" in client.get("/cases/retention/").content.decode()
    client.post("/cases/retention/", {"apply": "yes", "confirm": "nope"})
    assert Person.objects.get(pk=old.pk).erased_at is None
    client.post("/cases/retention/", {"apply": "yes", "confirm": "ERASE"})
    assert Person.objects.get(pk=old.pk).erased_at is not None


def test_admin_erases_one_person_from_the_case_page(make_org: Any, make_user: Any, client: Any) -> None:
    from tests.conftest import PASSWORD

    org = make_org()
    person = _person_with_case(org, None)
    case = person.case_links.get().case
    make_user(org, "caseworker", username="cw")
    make_user(org, "admin", username="adm")
    client.post("/login/", {"username": "cw", "password": PASSWORD})
    assert client.post(f"/cases/{case.public_id}/erase/", {"person": str(person.public_id), "confirm": "ERASE"}).status_code == 404
    client.post("/login/", {"username": "adm", "password": PASSWORD})
    client.post(f"/cases/{case.public_id}/erase/", {"person": str(person.public_id), "confirm": "ERASE", "reason": "asked"})
    person.refresh_from_db()
    assert person.erased_at is not None and person.sealed == {}
