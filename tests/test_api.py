"""The REST API: token auth, the same scoping and audit as the web app, no plaintext at rest."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection

from tipdata.accounts.services import token_create
from tipdata.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)
DISTINCT = "Phalladavongsakhoun"


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {token_create(user=user)}"}


def _new_case(client: Any, headers: dict[str, str], first: str = DISTINCT) -> Any:
    return client.post("/api/v1/cases/", {
        "victim": {"prs_FirstName": first, "prs_SecondName": "Keomanivong", "prs_Gender": "Feminine",
                   "prs_Citizenship": ["LA"], "prs_Birthdate": "2000-01-31"},
        "victim_context": {"vic_TypeOfExploitation": ["ForcedLabour"], "vic_MethodsOfControl": ["DebtBondage"]},
        "registered_on": "2026-01-15",
    }, content_type="application/json", **headers)


def _database_bytes() -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA wal_checkpoint(FULL)")
        with open(settings["NAME"], "rb") as handle:
            return handle.read()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump not installed")
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    result = subprocess.run(
        [pg_dump, "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
         "-U", settings["USER"] or "postgres", settings["NAME"]],
        capture_output=True, check=True, env=env,
    )
    return result.stdout


def test_created_name_is_not_in_the_database_file_but_the_api_returns_it(make_org: Any, make_user: Any, client: Any) -> None:
    org = make_org()
    worker = make_user(org, "caseworker")
    created = _new_case(client, _auth(worker))
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    dump = _database_bytes()
    assert b"Feminine" in dump, "the grep must see coded values, or it proves nothing"
    assert DISTINCT.encode() not in dump
    assert DISTINCT.encode("utf-16-le") not in dump
    got = client.get(f"/api/v1/cases/{case_id}/", **_auth(worker))
    assert got.json()["persons"][0]["identifiers"]["prs_first_name"] == DISTINCT
    read = AuditEvent.objects.filter(action="case.read_identified", object_id=case_id).last()
    assert read is not None and read.actor_username == worker.username and read.changes["channel"] == "api"


def test_roles_and_organisations_through_the_api(make_org: Any, make_user: Any, client: Any) -> None:
    org_a, org_b = make_org("A"), make_org("B", country="TH")
    case_id = _new_case(client, _auth(make_user(org_a, "caseworker"))).json()["id"]
    expectations = {  # role -> (status of GET, identifiers returned)
        "admin": (200, True), "supervisor": (200, True), "caseworker": (404, None),
        "data_officer": (200, False), "viewer": (404, None),
    }
    for role, (status, identified) in expectations.items():
        response = client.get(f"/api/v1/cases/{case_id}/", **_auth(make_user(org_a, role)))
        assert response.status_code == status, role
        if status == 200:
            assert bool(response.json()["persons"][0]["identifiers"]) is identified, role
    outsider = _auth(make_user(org_b, "admin"))
    assert client.get(f"/api/v1/cases/{case_id}/", **outsider).status_code == 404
    assert client.get("/api/v1/cases/not-a-uuid/", **outsider).status_code == 404
    assert client.get("/api/v1/cases/", **outsider).json()["count"] == 0
    assert client.post("/api/v1/cases/search/", {"name": DISTINCT}, content_type="application/json", **outsider).json()["results"] == []
    assert _new_case(client, _auth(make_user(org_a, "viewer"))).status_code == 403


def test_bad_input_gets_clear_errors_and_saves_nothing(make_org: Any, make_user: Any, client: Any) -> None:
    from tipdata.cases.models import Person

    headers = _auth(make_user(make_org(), "caseworker"))
    bad = client.post("/api/v1/cases/", {
        "victim": {"prs_FirstName": "A", "prs_Gender": "F"}, "registered_on": "2026-01-01",
    }, content_type="application/json", **headers)
    assert bad.status_code == 400 and "Feminine" in bad.content.decode() and "prs_gender" in bad.content.decode()
    late = client.post("/api/v1/cases/", {
        "victim": {"prs_FirstName": "A", "prs_Birthdate": "2020-01-01"}, "registered_on": "2019-01-01",
    }, content_type="application/json", **headers)
    assert late.status_code == 400 and "after the case was registered" in late.content.decode()
    assert Person.objects.count() == 0
    assert client.get("/api/v1/cases/?name=x", **headers).status_code == 400


def test_edit_conflict_is_409(make_org: Any, make_user: Any, client: Any) -> None:
    headers = _auth(make_user(make_org(), "caseworker"))
    case = _new_case(client, headers).json()
    ok = client.patch(f"/api/v1/cases/{case['id']}/", {"version": case["version"], "status": "FollowUp"},
                      content_type="application/json", **headers)
    assert ok.status_code == 200
    stale = client.patch(f"/api/v1/cases/{case['id']}/", {"version": case["version"], "status": "Closed"},
                         content_type="application/json", **headers)
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]


def test_openapi_schema_lists_the_routes(client: Any) -> None:
    schema = client.get("/api/schema/").content.decode()
    assert "openapi: 3" in schema and "/api/v1/cases/{public_id}/" in schema


def test_person_and_referral_endpoints(make_org: Any, make_user: Any, client: Any) -> None:
    org, partner = make_org("Shelter"), make_org("Legal aid", country="KH")
    worker = make_user(org, "caseworker")
    headers = _auth(worker)
    case = _new_case(client, headers).json()
    person_id = case["persons"][0]["id"]
    got = client.get(f"/api/v1/persons/{person_id}/", **headers).json()
    assert got["identifiers"]["prs_first_name"] == DISTINCT and got["cases"] == [case["id"]]
    refused = client.post(f"/api/v1/cases/{case['id']}/referrals/", {"partner": partner.slug, "referred_on": "2026-02-01"},
                          content_type="application/json", **headers)
    assert refused.status_code == 403 and "consent" in refused.json()["detail"]
    client.post(f"/api/v1/persons/{person_id}/consents/", {"purpose": "referral", "method": "written",
                                                           "target_organisation": partner.slug},
                content_type="application/json", **headers)
    made = client.post(f"/api/v1/cases/{case['id']}/referrals/", {"partner": partner.slug, "referred_on": "2026-02-01"},
                       content_type="application/json", **headers)
    assert made.status_code == 201
    assert client.get(f"/api/v1/cases/{case['id']}/referrals/", **headers).json()["results"][0]["partner"] == "Legal aid"
    other = _auth(make_user(partner, "admin"))
    assert client.get(f"/api/v1/persons/{person_id}/", **other).status_code == 404
