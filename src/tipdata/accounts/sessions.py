"""Sessions kept in the database exactly as Django keeps them, read with one plain statement.

Every signed-in request reads its session before anything else. Django's database store
reads it through the ORM, whose building and compiling of that one-line query cost more
than PostgreSQL took to answer it (a fifth of a light page; see docs/performance.md).
Here the same row is read with a plain, parameterised SELECT (ADR 0006). Writing, expiry,
rotation on sign-in and deletion on sign-out are Django's own, unchanged.

As in Django, a key that names no live session is forgotten, so that saving starts a new
session under a new key: a key chosen by someone else (session fixation) is never adopted.
``test_session_store_reads_as_django_reads`` holds it to Django's store.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        data = self._live_session_data()
        if data is None:
            self._session_key = None
            return {}
        decoded: dict[str, Any] = self.decode(data)
        return decoded

    def _live_session_data(self) -> str | None:
        """The encoded data of this key's session, if it has not expired."""
        model = self.model
        meta = model._meta
        connection = connections[router.db_for_read(model)]
        sql = (f"SELECT {meta.get_field('session_data').column} FROM {meta.db_table} "  # noqa: S608 - names from the model
               f"WHERE {meta.get_field('session_key').column} = %s AND {meta.get_field('expire_date').column} > %s")
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        return None if row is None else str(row[0])
