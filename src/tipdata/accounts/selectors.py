"""Reads about who the user is and which organisation they act for."""

from __future__ import annotations

from typing import Any

from tipdata.accounts.backends import PRELOADED
from tipdata.accounts.models import Membership, Organisation
from tipdata.accounts.roles import Permission, role_has

SESSION_ORG_KEY = "tipdata_org"


def memberships_for(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__slug"))


def request_memberships(request: Any) -> list[Membership]:
    """The signed-in user's memberships, read once per request.

    When the user came from the session, the authentication backend has read them already,
    with the user (``accounts.backends``); otherwise (just signed in, an API token) they are
    read here.
    """
    if not hasattr(request, "_tipdata_memberships"):
        preloaded = getattr(request.user, PRELOADED, None)
        request._tipdata_memberships = list(preloaded) if preloaded is not None else memberships_for(request.user)
    found: list[Membership] = request._tipdata_memberships
    return found


def active_membership(request: Any) -> Membership | None:
    """The membership the user is acting under: the one chosen in the session, else the first."""
    if hasattr(request, "_tipdata_membership"):
        cached: Membership | None = request._tipdata_membership
        return cached
    found = request_memberships(request)
    chosen = request.session.get(SESSION_ORG_KEY) if hasattr(request, "session") else None
    membership = next((m for m in found if m.organisation_id == chosen), found[0] if found else None)
    request._tipdata_membership = membership
    return membership


def has_permission(request: Any, permission: Permission) -> bool:
    membership = active_membership(request)
    return membership is not None and role_has(membership.role, permission)


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()
