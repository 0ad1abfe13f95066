"""Authentication backend: Django's model backend, reading the user and their memberships at once.

Every signed-in page needs both the user and the organisations they act for (the menu, the
role check, the scoping of every read). Django reads the user by itself and tipdata then
read the memberships: two queries on every page. Here one query reads the memberships with
their user and organisation; a user without any (the platform operator) is read as Django
does. Passwords, ``is_active`` and sessions are handled exactly as in ``ModelBackend``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tipdata.accounts.models import Membership

PRELOADED = "preloaded_memberships"  # read by accounts.selectors.request_memberships


class UserWithMembershipsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        # user_id has been through the primary key's to_python (django.contrib.auth.get_user).
        memberships = list(
            Membership.objects.filter(user_id=user_id).select_related("user", "organisation")
            .order_by("organisation__slug")
        )
        if not memberships:
            user = super().get_user(user_id)
            if user is not None:
                setattr(user, PRELOADED, [])
            return user
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
        setattr(user, PRELOADED, memberships)
        return user if self.user_can_authenticate(user) else None
