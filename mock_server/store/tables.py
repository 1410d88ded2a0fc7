"""SQLAlchemy Core tables, derived from the schema: one table per entity, one per N:N
relationship, and the mock's own bookkeeping tables (state, tombstones, access history).

A lookup is stored as its GUID column plus, when it has several possible targets, a
``<name>__target`` column holding the target's logical name. Text columns compare without
regard to case, as Dataverse does.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

from mock_server.schema import Attribute, AttributeType, Entity, Schema, schema

T = AttributeType
STATE_TABLE = "_mock_state"
DELETED_TABLE = "_mock_deleted"
ACCESS_HISTORY_TABLE = "_mock_access_history"
ROW_HISTORY_TABLE = "_mock_row_history"


def _type(attribute: Attribute) -> TypeEngine[Any]:
    match attribute.type:
        case T.STRING:
            return String(attribute.max_length, collation="NOCASE")
        case T.MEMO:
            return Text(collation="NOCASE")
        case T.INTEGER | T.PICKLIST | T.STATE | T.STATUS:
            return Integer()
        case T.BIGINT:
            return BigInteger()
        case T.DECIMAL | T.DOUBLE | T.MONEY:
            return Float()
        case T.BOOLEAN:
            return Boolean()
        case T.DATETIME:
            return DateTime()
        case T.ENTITYNAME:
            return String(64)
        case _:  # identifiers and lookups
            return String(36)


def _entity_table(entity: Entity, metadata: MetaData) -> Table:
    columns: list[Column[Any]] = []
    indexes: list[Index] = []
    for a in entity.attributes:
        columns.append(Column(a.logical_name, _type(a), primary_key=a.is_primary_id))
        if a.is_lookup:
            if a.is_polymorphic:
                columns.append(Column(a.target_column, String(64)))
            indexes.append(Index(f"ix_{entity.logical_name}_{a.logical_name}", a.logical_name))
    for name in ("modifiedon", "createdon", "versionnumber", entity.primary_name):
        indexes.append(Index(f"ix_{entity.logical_name}_{name}_", name))
    for key in entity.keys:
        indexes.append(Index(f"ux_{entity.logical_name}_{key.name}", *key.attributes, unique=True))
    return Table(entity.logical_name, metadata, *columns, *indexes)


class Tables:
    """The tables of one schema, by entity logical name or intersect name."""

    def __init__(self, s: Schema) -> None:
        self.metadata = MetaData()
        self.entities = {e.logical_name: _entity_table(e, self.metadata) for e in s.entities}
        self.intersects = {
            m.schema_name: Table(
                m.intersect_entity,
                self.metadata,
                Column(f"{m.entity1}id", String(36), primary_key=True),
                Column(f"{m.entity2}id", String(36), primary_key=True),
                Index(f"ix_{m.intersect_entity}_{m.entity2}", f"{m.entity2}id"),
            )
            for m in s.many_to_many
        }
        self.state = Table(
            STATE_TABLE, self.metadata, Column("key", String(64), primary_key=True), Column("value", Text)
        )
        # Tombstones: which row of which entity was deleted at which version (for change tracking).
        self.deleted = Table(
            DELETED_TABLE,
            self.metadata,
            Column("entity", String(64), nullable=False),
            Column("id", String(36), nullable=False),
            Column("versionnumber", BigInteger, nullable=False),
            Column("deletedon", DateTime, nullable=False),
            Index("ix_mock_deleted_entity_version", "entity", "versionnumber"),
        )
        # What a user could read before a change of roles, teams or business unit at a version:
        # the read part of the user's access, as JSON (security/history.py).
        self.access_history = Table(
            ACCESS_HISTORY_TABLE,
            self.metadata,
            Column("userid", String(36), nullable=False),
            Column("versionnumber", BigInteger, nullable=False),
            Column("access", Text, nullable=False),
            Index("ix_mock_access_history_user_version", "userid", "versionnumber"),
        )
        # Who could read a user-owned row before a change at a version: its owner, business unit
        # and the principals it was shared with for reading; ``existed`` false for a creation.
        self.row_history = Table(
            ROW_HISTORY_TABLE,
            self.metadata,
            Column("entity", String(64), nullable=False),
            Column("id", String(36), nullable=False),
            Column("versionnumber", BigInteger, nullable=False),
            Column("existed", Boolean, nullable=False),
            Column("ownerid", String(36)),
            Column("owningbusinessunit", String(36)),
            Column("readers", Text, nullable=False),
            Index("ix_mock_row_history_entity_id_version", "entity", "id", "versionnumber"),
        )

    def __getitem__(self, entity: str) -> Table:
        return self.entities[entity]


@cache
def tables() -> Tables:
    return Tables(schema())
