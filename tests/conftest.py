"""Shared fixtures: factories for organisations and users of each role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tipdata.accounts.models import Organisation, User
from tipdata.accounts.services import organisation_create, user_create

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    def make(name: str = "Test Shelter", country: str = "KH", kind: str = "shelter_ngo") -> Organisation:
        return organisation_create(name=name, country=country, kind=kind)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(org: Organisation | None, role: str | None = "caseworker", username: str = "", **extra: Any) -> User:
        counter["n"] += 1
        return user_create(
            username=username or f"user{counter['n']}-{role}", password=PASSWORD,
            organisation=org, role=role, **extra,
        )

    return make
