"""Values of plain-SQL rows, converted as the ORM converts them (ADR 0006).

A plain statement returns what the database driver gives: on SQLite a date or a UUID comes
back as text, on PostgreSQL a JSON column as text. The ORM passes every column through the
database's and the field's converters; ``converters`` gathers those for a model's fields
once per connection, and ``convert`` applies them to a row, so a plain read gives the same Python values
as the ORM would.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, cast
from weakref import WeakKeyDictionary

from django.db import connections, models

Converters = tuple[tuple[tuple[Any, ...], Any], ...]


@cache
def _columns(model: type[models.Model], attnames: tuple[str, ...], table_alias: str | None) -> tuple[tuple[Any, Any], ...]:
    """(field, column expression) for each of these fields of ``model``."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return tuple((fields[name], fields[name].get_col(table_alias or model._meta.db_table)) for name in attnames)


_KEPT: WeakKeyDictionary[Any, dict[tuple[Any, ...], Converters]] = WeakKeyDictionary()


def converters(alias: str, model: type[models.Model], attnames: tuple[str, ...], table_alias: str | None = None) -> Converters:
    """For each of these fields of ``model``: its converters on database ``alias``, and the
    column they are given. Kept per connection (each thread has its own, and a converter may
    be bound to it), since asking the fields for them cost more than the rest of a short read."""
    connection = connections[alias]
    kept = _KEPT.get(connection)
    if kept is None:
        kept = _KEPT[connection] = {}
    key = (model, attnames, table_alias)
    found = kept.get(key)
    if found is None:
        found = kept[key] = tuple(
            (tuple(connection.ops.get_db_converters(col) + cast(Any, field).get_db_converters(connection)), col)
            for field, col in _columns(model, attnames, table_alias))
    return found


def convert(values: Sequence[Any], column_converters: Converters, alias: str) -> list[Any]:
    """One row's values, each through its column's converters."""
    connection = connections[alias]
    out = list(values)
    for i, (functions, col) in enumerate(column_converters):
        for function in functions:
            out[i] = function(out[i], col, connection)
    return out
