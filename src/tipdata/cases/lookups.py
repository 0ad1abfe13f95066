"""``field__any_of=[ids]``: membership in a list of ids sent as one parameter.

``field__in=[...]`` writes one placeholder per id. A common name can match a thousand
persons, and the query text then runs to many kilobytes, which psycopg parses again on
every execution (it caches only short queries) and PostgreSQL plans again. Here the list
travels as one array (PostgreSQL: ``= ANY(%s)``) or one JSON text (SQLite: ``json_each``).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(v) for v in self.rhs]

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [[int(v) for v in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, rhs_params = self.process_rhs(compiler, connection)
        ids: Any = list(rhs_params)[0]  # the one parameter: the list of ids
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        # lhs is the compiled column reference; the ids are a bound parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(ids)]  # noqa: S608


def register() -> None:
    models.BigAutoField.register_lookup(AnyOf)
    models.ForeignKey.register_lookup(AnyOf)
