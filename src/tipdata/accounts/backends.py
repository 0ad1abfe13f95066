"""Authentication backend: Django's model backend, reading the user and their memberships at once.

Every signed-in page needs both the user and the organisations they act for (the menu, the
role check, the scoping of every read). Django reads the user by itself and tipdata then
read the memberships: two queries on every page. Here one query reads the memberships with
their user and organisation; a user without any (the platform operator) is read as Django
does. Passwords, ``is_active`` and sessions are handled exactly as in ``ModelBackend``.

The query is plain SQL (ADR 0006): on a light page the ORM's building and compiling of it
cost more than everything else the page did. Its rows become model instances as the ORM
makes them: every column through the database's and the field's converters, then
``Model.from_db``. ``test_user_with_memberships_read_as_the_orm_reads_them`` holds it to the
ORM's answer.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.contrib.auth.backends import ModelBackend
from django.db import connections, models, router

from tipdata import plainsql
from tipdata.accounts.models import Membership, Organisation, User

PRELOADED = "preloaded_memberships"  # read by accounts.selectors.request_memberships

_PARTS: tuple[tuple[type[models.Model], str], ...] = ((Membership, "m"), (User, "u"), (Organisation, "o"))


@cache
def _statement(alias: str) -> tuple[str, list[tuple[type[models.Model], tuple[str, ...], str]]]:
    """The SQL, and for each model: its fields' names and its alias in the SQL, in order."""
    quote = connections[alias].ops.quote_name
    columns: list[str] = []
    parts = []
    for model, table_alias in _PARTS:
        fields = model._meta.concrete_fields
        columns += [f"{table_alias}.{quote(str(f.column))}" for f in fields]
        names = tuple(f.attname for f in fields)
        parts.append((model, names, table_alias))

    def column(model: type[models.Model], name: str) -> str:
        return quote(str(cast(Any, model._meta.get_field(name)).column))

    sql = (f"SELECT {', '.join(columns)} FROM {quote(Membership._meta.db_table)} m "  # noqa: S608 - names from the models
           f"JOIN {quote(User._meta.db_table)} u ON u.{column(User, 'id')} = m.{column(Membership, 'user')} "
           f"JOIN {quote(Organisation._meta.db_table)} o ON o.{column(Organisation, 'id')} = m.{column(Membership, 'organisation')} "
           f"WHERE m.{column(Membership, 'user')} = %s ORDER BY o.{column(Organisation, 'slug')}")
    return sql, parts


def memberships_with_user(user_id: Any) -> list[Membership]:
    """The user's memberships, each with ``user`` (one shared instance) and ``organisation``
    loaded, ordered by the organisation's slug; none for a user without a membership."""
    alias = router.db_for_read(Membership)
    sql, parts = _statement(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    found: list[Membership] = []
    user: Any = None
    converters = [plainsql.converters(alias, model, names, table_alias) for model, names, table_alias in parts]
    for row in rows:
        instances: list[Any] = []
        start = 0
        for (model, names, _table_alias), column_converters in zip(parts, converters, strict=True):
            values = plainsql.convert(row[start: start + len(names)], column_converters, alias)
            start += len(names)
            instances.append(model.from_db(alias, names, values))
        membership, row_user, organisation = instances
        user = user or row_user
        membership.user = user
        membership.organisation = organisation
        found.append(membership)
    return found


class UserWithMembershipsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        # user_id has been through the primary key's to_python (django.contrib.auth.get_user).
        memberships = memberships_with_user(user_id)
        if not memberships:
            user = super().get_user(user_id)
            if user is not None:
                setattr(user, PRELOADED, [])
            return user
        user = memberships[0].user
        setattr(user, PRELOADED, memberships)
        return user if self.user_can_authenticate(user) else None
