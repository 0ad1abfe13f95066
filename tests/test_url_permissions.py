"""Walk every URL and API route as every role, and as another organisation.

A new route fails this test until its expected access is written into EXPECTED, so no
page can ship without someone deciding who may open it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PASSWORD
from tipdata.accounts.services import token_create

pytestmark = pytest.mark.django_db

ROLES = ["admin", "supervisor", "caseworker", "data_officer", "viewer"]
OK, NOT_FOUND, DENIED = 200, 404, 403
# route name -> expected status for GET by role of the owning organisation; "other" is an
# admin of another organisation; "assigned" the caseworker who owns the case.
EXPECTED: dict[str, dict[str, int | tuple[int, ...]]] = {
    "home": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "standard-index": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "standard-field": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "case-list": {"admin": OK, "supervisor": OK, "caseworker": OK, "data_officer": OK, "viewer": NOT_FOUND,
                  "other": OK, "assigned": OK},
    "case-new": {"admin": OK, "supervisor": OK, "caseworker": OK, "data_officer": NOT_FOUND, "viewer": NOT_FOUND,
                 "other": OK, "assigned": OK},
    "case-detail": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                    "other": NOT_FOUND, "assigned": OK},
    "audit-list": {"admin": OK, "supervisor": NOT_FOUND, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                   "viewer": NOT_FOUND, "other": OK, "assigned": NOT_FOUND},
    "twofactor": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "release-list": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                     "other": OK, "assigned": NOT_FOUND},
    "release-detail": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},  # no release exists: id 999
    "release-file": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},
    "release-approve": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "release-share": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "quality": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                "other": OK, "assigned": NOT_FOUND},
    # screenings are case content; the self-assessment is for those who oversee all casework
    "practice-screening": {"admin": OK, "supervisor": OK, "caseworker": OK, "data_officer": NOT_FOUND,
                           "viewer": NOT_FOUND, "other": OK, "assigned": OK},
    "practice-screening-detail": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                                  "viewer": NOT_FOUND, "other": NOT_FOUND, "assigned": OK},
    "practice-self-assessment": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                                 "viewer": NOT_FOUND, "other": OK, "assigned": NOT_FOUND},
    "practice-self-assessment-detail": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND,
                                        "data_officer": NOT_FOUND, "viewer": NOT_FOUND, "other": NOT_FOUND,
                                        "assigned": NOT_FOUND},
    "estimation": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    # aggregates for every role; small counts withheld for those without access to all the records
    "dashboard": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "dashboard-csv": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "reports-index": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "report-download": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "dedupe-candidates": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                          "viewer": NOT_FOUND, "other": OK, "assigned": NOT_FOUND},
    "dedupe-decide": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "linkage-projects": {"admin": OK, "supervisor": NOT_FOUND, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                         "viewer": NOT_FOUND, "other": OK, "assigned": NOT_FOUND},
    "linkage-project": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},  # no project 999
    "intake-runs": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                    "other": OK, "assigned": NOT_FOUND},
    "intake-upload": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                      "other": OK, "assigned": NOT_FOUND},
    "intake-preview": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},
    "intake-run": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},
    "intake-quarantine": {r: NOT_FOUND for r in [*ROLES, "other", "assigned"]},
    "dedupe-undo": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "retention": {"admin": OK, "supervisor": NOT_FOUND, "caseworker": NOT_FOUND, "data_officer": NOT_FOUND,
                  "viewer": NOT_FOUND, "other": OK, "assigned": NOT_FOUND},
    "person-erase": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-plan": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-event": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-person": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "api-me": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "api-standard": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "api-standard-field": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "api-cases": {r: OK for r in ROLES} | {"other": OK, "assigned": OK},
    "api-person": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                   "other": NOT_FOUND, "assigned": OK},
    "api-case-referrals": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK,
                           "viewer": NOT_FOUND, "other": NOT_FOUND, "assigned": OK},
    "api-case": {"admin": OK, "supervisor": OK, "caseworker": NOT_FOUND, "data_officer": OK, "viewer": NOT_FOUND,
                 "other": NOT_FOUND, "assigned": OK},
    # POST-only routes answer 405 to GET for everyone signed in
    "api-case-search": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "api-person-consents": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "logout": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-status": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-consent": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-referral": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "case-comment": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "language": {r: 405 for r in [*ROLES, "other", "assigned"]},
    "organisation-switch": {r: 405 for r in [*ROLES, "other", "assigned"]},
}
PUBLIC = {"login", "login-2fa", "api-schema", "set_language"}


def _names(resolver: URLResolver | None = None) -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            names |= _names(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_named_route_has_an_access_decision() -> None:
    missing = _names() - set(EXPECTED) - PUBLIC
    assert not missing, f"routes without an access decision in EXPECTED: {sorted(missing)}"


def test_every_route_for_every_role(make_org: Any, make_user: Any, client: Any) -> None:
    from datetime import date

    from tipdata.cases.services import case_create, person_create

    org, other_org = make_org("Owner"), make_org("Other", country="TH")
    users = {role: make_user(org, role, username=f"u-{role}") for role in ROLES}
    users["other"] = make_user(other_org, "admin", username="u-other")
    users["assigned"] = make_user(org, "caseworker", username="u-assigned")
    person = person_create(organisation=org, actor=users["assigned"], values={"prs_FirstName": "Route"})
    case = case_create(organisation=org, actor=users["assigned"], victim=person, registered_on=date(2026, 1, 1))
    from tipdata.practice.services import screening_record, self_assessment_record

    screening = screening_record(organisation=org, actor=users["assigned"], case=case, age=30,
                                 exploitation_kind="labour", answers={"deceptive_recruitment.wages": "yes"})
    assessment = self_assessment_record(organisation=org, actor=users["admin"], answers={"consent_recorded": 2})
    urls = {
        "home": "/", "standard-index": "/standard/", "standard-field": "/standard/prs_gender/",
        "quality": "/quality/",
        "practice-screening": "/practice/screening/",
        "practice-screening-detail": f"/practice/screening/{screening.public_id}/",
        "practice-self-assessment": "/practice/self-assessment/",
        "practice-self-assessment-detail": f"/practice/self-assessment/{assessment.pk}/",
        "release-list": "/releases/", "release-detail": "/releases/999/", "release-file": "/releases/999/files/microdata.csv",
        "release-approve": "/releases/999/approve/", "release-share": "/releases/999/share/",
        "estimation": "/estimation/", "dashboard": "/dashboard/", "dashboard-csv": "/dashboard/gender.csv",
        "reports-index": "/reports/", "report-download": "/reports/sdg1622.xlsx", "dedupe-candidates": "/dedupe/", "dedupe-decide": "/dedupe/1/decide/",
        "dedupe-undo": "/dedupe/merges/1/undo/",
        "linkage-projects": "/dedupe/projects/", "linkage-project": "/dedupe/projects/999/",
        "intake-runs": "/intake/", "intake-upload": "/intake/upload/", "intake-preview": "/intake/upload/nope/",
        "intake-run": "/intake/runs/999/", "intake-quarantine": "/intake/runs/999/quarantine/", "retention": "/cases/retention/", "person-erase": f"/cases/{case.public_id}/erase/",
        "case-plan": f"/cases/{case.public_id}/plan/", "case-event": f"/cases/{case.public_id}/event/",
        "case-person": f"/cases/{case.public_id}/person/", "twofactor": "/account/two-factor/", "audit-list": "/audit/", "case-list": "/cases/", "case-new": "/cases/new/", "case-detail": f"/cases/{case.public_id}/",
        "api-me": "/api/v1/me/", "api-standard": "/api/v1/standard/", "api-standard-field": "/api/v1/standard/prs_gender/",
        "api-cases": "/api/v1/cases/", "api-case": f"/api/v1/cases/{case.public_id}/",
        "api-person": f"/api/v1/persons/{person.public_id}/", "api-case-referrals": f"/api/v1/cases/{case.public_id}/referrals/",
        "api-case-search": "/api/v1/cases/search/", "api-person-consents": f"/api/v1/persons/{person.public_id}/consents/",
        "case-status": f"/cases/{case.public_id}/status/", "case-consent": f"/cases/{case.public_id}/consent/",
        "case-referral": f"/cases/{case.public_id}/referral/", "case-comment": f"/cases/{case.public_id}/comment/",
        "logout": "/logout/", "language": "/language/", "organisation-switch": "/organisation/",
    }
    assert set(urls) == set(EXPECTED)
    failures = []
    for who, user in users.items():
        client.logout()
        client.post("/login/", {"username": user.username, "password": PASSWORD})
        token = {"HTTP_AUTHORIZATION": f"Token {token_create(user=user)}"}
        for name, url in urls.items():
            headers = token if name.startswith("api-") else {}
            status = client.get(url, **headers).status_code
            if status != EXPECTED[name][who]:
                failures.append(f"{who} GET {url}: {status}, expected {EXPECTED[name][who]}")
    assert not failures, "\n".join(failures)
    client.logout()
    for name, url in urls.items():
        if name.startswith("api-"):
            assert client.get(url).status_code in (401, 403), url
        elif name not in {"logout", "language", "organisation-switch"}:
            assert client.get(url).status_code == 302, url
