"""Loading the synthetic demo caseload into the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tipdata.accounts.models import Organisation, User
from tipdata.accounts.services import organisation_create, user_create
from tipdata.audit.services import audit_record
from tipdata.demo.generator import DEMO_PASSWORD, DemoCaseload, generate


@dataclass(frozen=True)
class DemoLoadResult:
    organisations: int
    users: int
    persons: int
    cases: int
    logins: list[tuple[str, str, str]]  # username, password, "organisation role"


def demo_is_loaded() -> bool:
    return Organisation.objects.filter(is_demo=True).exists()


def demo_load(*, seed: int = 1, persons: int = 400) -> DemoLoadResult:
    """Create the demo organisations, one user per role in each, and their caseload."""
    if demo_is_loaded():
        raise ValueError("demo data are already loaded (tipdata demo logins shows the sign-ins)")
    caseload: DemoCaseload = generate(seed=seed, persons=persons)
    with transaction.atomic():
        orgs = {}
        for spec in caseload.organisations:
            orgs[spec["slug"]] = organisation_create(
                name=spec["name"], country=spec["country"], kind=spec["kind"], slug=spec["slug"], is_demo=True
            )
        for spec in caseload.users:
            user_create(
                username=spec["username"], password=DEMO_PASSWORD, organisation=orgs[spec["organisation"]],
                role=spec["role"], check_password=False,
            )
        loaded_persons, loaded_cases = _load_caseload(caseload, orgs)
        from tipdata.linkage.demo import demo_linkage_project

        demo_linkage_project(list(orgs.values()))
        audit_record(action="demo.load", actor_username="cli", changes={"seed": seed, "persons": persons})
    return DemoLoadResult(len(orgs), len(caseload.users), loaded_persons, loaded_cases, demo_logins())


def _load_caseload(caseload: DemoCaseload, orgs: dict[str, Organisation]) -> tuple[int, int]:
    from tipdata.cases.demo import load_cases

    return load_cases(caseload, orgs)


def demo_logins() -> list[tuple[str, str, str]]:
    rows = []
    for user in User.objects.filter(memberships__organisation__is_demo=True).order_by("username").distinct():
        membership = user.memberships.select_related("organisation").first()
        where = f"{membership.organisation.name}, {membership.role}" if membership else ""
        rows.append((user.username, DEMO_PASSWORD, where))
    return rows
