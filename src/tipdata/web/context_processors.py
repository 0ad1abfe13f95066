"""What every page needs: the languages, the user's organisations, whether data are synthetic."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tipdata.accounts.selectors import active_membership, request_memberships


def tipdata(request: HttpRequest) -> dict[str, Any]:
    membership = active_membership(request) if request.user.is_authenticated else None
    return {
        "tipdata_languages": settings.LANGUAGES,
        "tipdata_membership": membership,
        "tipdata_role": membership.role if membership else "",
        "tipdata_memberships": request_memberships(request) if membership else [],
        "tipdata_is_demo": bool(membership and membership.organisation.is_demo),
        "tipdata_unreviewed_language": (getattr(request, "LANGUAGE_CODE", "en") or "en") != "en",
    }
