"""``field__any_of=Ids(ids)``: membership in a list of ids sent as one parameter.

``field__in=[...]`` writes one placeholder per id. A common name can match a thousand
persons, and the query text then runs to many kilobytes, which psycopg parses again on
every execution (it caches only short queries) and PostgreSQL plans again. Here the list
travels as one parameter: PostgreSQL's array text (``= ANY(%s::bigint[])``) or, on SQLite,
JSON text (``json_each``).

The ids are wrapped in ``Ids`` and written out here as one string: given a plain list,
Django resolves every element as a possible expression and psycopg adapts every element
in Python, which for a thousand ids cost more than the query itself.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Lookup


class Ids:
    """Integer ids given to ``any_of`` as one value."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[Any]) -> None:
        self.values = tuple(array("q", values))  # refuses anything that is not an integer (TypeError)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ids) and other.values == self.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return f"Ids({len(self.values)} ids)"


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Ids:
        return self.rhs if isinstance(self.rhs, Ids) else Ids(self.rhs)

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [value]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, rhs_params = self.process_rhs(compiler, connection)
        ids: Any = list(rhs_params)[0]  # the one parameter: the Ids
        # lhs is the compiled column reference; the ids are a bound parameter.
        condition, param = one_of(connection.vendor, ids)
        return f"{lhs} {condition}", [*lhs_params, param]


def one_of(vendor: str, values: Ids | list[str]) -> tuple[str, str]:
    """"Is one of these values" as the SQL to write after a column, and its one parameter.

    ``values`` are ``Ids`` or strings of letters and digits only (such as blind-index
    digests): they are written into an array or JSON text, so nothing else is accepted.
    Also used by the plain SQL of ``cases.selectors``.
    """
    if isinstance(values, Ids):
        items, cast = [str(v) for v in values.values], "bigint"
    else:
        if not all(v.isalnum() for v in values):
            raise ValueError("only ids, or values of letters and digits, go into one parameter")
        items, cast = [json.dumps(v) for v in values], "text"
    if vendor == "postgresql":
        return f"= ANY(%s::{cast}[])", "{" + ",".join(items) + "}"
    return "IN (SELECT value FROM json_each(%s))", "[" + ",".join(items) + "]"


def register() -> None:
    models.BigAutoField.register_lookup(AnyOf)
    models.ForeignKey.register_lookup(AnyOf)
