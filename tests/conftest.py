"""Shared fixtures: factories for organisations and users of each role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

# Engine tests run without Django (-p no:django), so Django models are imported lazily.

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105


@pytest.fixture
def make_org(db: Any) -> Callable[..., Any]:
    from tipdata.accounts.services import organisation_create

    def make(name: str = "Test Shelter", country: str = "KH", kind: str = "shelter_ngo") -> Any:
        return organisation_create(name=name, country=country, kind=kind)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from tipdata.accounts.services import user_create

    counter = {"n": 0}

    def make(org: Any, role: str | None = "caseworker", username: str = "", **extra: Any) -> Any:
        counter["n"] += 1
        return user_create(
            username=username or f"user{counter['n']}-{role}", password=PASSWORD,
            organisation=org, role=role, **extra,
        )

    return make
