"""What a predicate is compiled against: the entity, its table, and who is asking when.

Query functions such as ``EqualUserId`` or ``LastXDays`` read the caller and the mock clock
from here, never from globals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, case, literal

from mock_server.schema import Entity, Schema
from mock_server.store.tables import Tables


class FieldPolicy(Protocol):
    """Which secured columns the caller may read (``security.Access``)."""

    def hidden(self, entity: Entity) -> frozenset[str]:
        """Secured columns of ``entity`` the caller may not read in general."""

    def field_shared(self, entity: Entity) -> Mapping[str, frozenset[str]]:
        """Of those, the ones shared with the caller on some rows (field sharing): their ids."""


def readable_column(
    policy: FieldPolicy | None, entity: Entity, table: FromClause, name: str
) -> ColumnElement[Any]:
    """A column as the caller may see it: the column itself, or for a secured column the caller
    may not read, null (on the rows shared with it, the value). Selects, filters and sorts use
    it, so a query can neither show nor reveal a value the caller may not read."""
    column = table.c[name]
    if policy is None or name not in policy.hidden(entity):
        return column
    rows = policy.field_shared(entity).get(name)
    if not rows:
        return literal(None, column.type)
    shown: ColumnElement[Any] = case((table.c[entity.primary_id].in_(sorted(rows)), column), else_=None)
    collation = getattr(column.type, "collation", None)
    return shown.collate(collation) if collation else shown


@dataclass(frozen=True)
class FilterScope:
    entity: Entity
    table: FromClause  # the entity's table, or an alias of it inside a subquery
    schema: Schema
    tables: Tables
    now: datetime  # the mock clock, UTC
    user_id: str
    business_unit_id: str
    team_ids: tuple[str, ...] = field(default=())
    variables: tuple[tuple[str, Entity, FromClause], ...] = field(default=())  # lambda variables in scope
    fields: FieldPolicy | None = None  # field security: secured columns read as null

    def column(self, entity: Entity, table: FromClause, name: str) -> ColumnElement[Any]:
        return readable_column(self.fields, entity, table, name)
