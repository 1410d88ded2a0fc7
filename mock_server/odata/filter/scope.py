"""What a predicate is compiled against: the entity, its table, and who is asking when.

Query functions such as ``EqualUserId`` or ``LastXDays`` read the caller and the mock clock
from here, never from globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import FromClause

from mock_server.schema import Entity, Schema
from mock_server.store.tables import Tables


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
