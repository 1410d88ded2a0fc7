"""What a literal or a property path compiles to: an SQL expression and its Edm type.

The compiler checks operator and function types against these Edm names, so a mismatch is a
400 that reads like Dataverse's, never an SQL error. Property names resolve here, against the
schema:

* a plain attribute is its column; a lookup is read as ``_x_value`` (the GUID column ``x``);
* a single-valued navigation path (``primarycontactid/fullname``, any number of hops) becomes a
  correlated scalar subquery over aliased tables, so self-references work; it is null when the
  lookup is empty. Lookups are matched on the id alone: GUIDs are unique across tables, so a
  polymorphic lookup needs no ``__target`` check;
* ``x/name`` inside a lambda reads the range variable ``x``; any other path reads the root
  entity, as ``$it`` does in OData.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, FromClause, String, literal, select

from mock_server.errors import QuerySyntaxError, UnknownProperty
from mock_server.odata.filter.ast import Literal, PropertyPath
from mock_server.odata.filter.scope import FilterScope
from mock_server.schema import Attribute, AttributeType, Entity

T = AttributeType
BOOLEAN = "Edm.Boolean"
STRING = "Edm.String"
GUID = "Edm.Guid"
DATETIME = "Edm.DateTimeOffset"
INT32, INT64, DECIMAL, DOUBLE = "Edm.Int32", "Edm.Int64", "Edm.Decimal", "Edm.Double"
NUMERIC = (INT32, INT64, DECIMAL, DOUBLE)  # narrowest first
_INT32_RANGE = range(-(2**31), 2**31)
_INT64_RANGE = range(-(2**63), 2**63)

_EDM_TYPES = {
    T.UNIQUEIDENTIFIER: GUID,
    T.LOOKUP: GUID,
    T.CUSTOMER: GUID,
    T.OWNER: GUID,
    T.STRING: STRING,
    T.MEMO: STRING,
    T.ENTITYNAME: STRING,
    T.INTEGER: INT32,
    T.PICKLIST: INT32,
    T.STATE: INT32,
    T.STATUS: INT32,
    T.BIGINT: INT64,
    T.DECIMAL: DECIMAL,
    T.MONEY: DECIMAL,
    T.DOUBLE: DOUBLE,
    T.BOOLEAN: BOOLEAN,
    T.DATETIME: DATETIME,
}


@dataclass(frozen=True)
class Operand:
    """An SQL expression and its Edm type; ``edm`` is None for the ``null`` literal."""

    expr: ColumnElement[Any]
    edm: str | None


def edm_type(attribute: Attribute) -> str:
    return _EDM_TYPES[attribute.type]


def naive_utc(value: datetime) -> datetime:
    """The store keeps naive UTC datetimes; a value without an offset is taken as UTC."""
    try:
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    except OverflowError:
        raise QuerySyntaxError(f"The date and time '{value.isoformat()}' is out of range.") from None


def null_operand(edm: str | None) -> Operand:
    """A null of the given type: a bound None, which any operator accepts, unlike SQL's NULL keyword."""
    return Operand(literal(None), edm)


def literal_operand(node: Literal) -> Operand:
    value = node.value
    if value is None:
        return null_operand(None)
    if isinstance(value, bool):
        return Operand(literal(value, Boolean()), BOOLEAN)
    if isinstance(value, int):
        if value not in _INT64_RANGE:
            raise QuerySyntaxError(f"The number {value} is out of range for Edm.Int64.")
        return Operand(literal(value), INT32 if value in _INT32_RANGE else INT64)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuerySyntaxError(f"The number {value} is out of range for Edm.Double.")
        return Operand(literal(value), DECIMAL)
    if isinstance(value, datetime):
        return Operand(literal(naive_utc(value)), DATETIME)
    if node.is_guid:
        return Operand(literal(value.lower(), String(36)), GUID)
    return Operand(literal(value, String()), STRING)


def base(scope: FilterScope, variable: str | None) -> tuple[Entity, FromClause]:
    """The entity and table a path starts from: a range variable's, or the root entity's."""
    if variable is None:
        return scope.entity, scope.table
    for name, entity, table in reversed(scope.variables):
        if name == variable:
            return entity, table
    raise QuerySyntaxError(
        f"The range variable '{variable}' is not defined; declare it as in any({variable}: ...)."
    )


def path_operand(path: PropertyPath, scope: FilterScope) -> Operand:
    entity, table = base(scope, path.variable)
    if not path.segments:
        raise QuerySyntaxError(
            f"The range variable '{path.variable}' cannot be used as a value; use one of its properties, "
            f"as in {path.variable}/name."
        )
    *hops, last = path.segments
    joined: FromClause | None = None
    first: ColumnElement[bool] | None = None
    current = table
    for name in hops:
        target, lookup = single_navigation(entity, name, scope)
        alias = scope.tables[target.logical_name].alias()
        link = alias.c[target.primary_id] == current.c[lookup.logical_name]
        if joined is None:
            joined, first = alias, link
        else:
            joined = joined.join(alias, link)
        entity, current = target, alias
    attribute = value_attribute(entity, last, scope)
    column = scope.column(entity, current, attribute.logical_name)
    if joined is None or first is None:
        return Operand(column, edm_type(attribute))
    subquery: ColumnElement[Any] = select(column).select_from(joined).where(first).scalar_subquery()
    collation = getattr(column.type, "collation", None)
    if collation:  # SQLite drops a column's collation once it is wrapped in a subquery
        subquery = subquery.collate(collation)
    return Operand(subquery, edm_type(attribute))


def single_navigation(entity: Entity, name: str, scope: FilterScope) -> tuple[Entity, Attribute]:
    """The entity a single-valued navigation property leads to, and the lookup that carries it."""
    navigation = scope.schema.navigation(entity.logical_name, name)
    if navigation is None:
        attribute = _lookup_property(entity, name) or entity.attribute(name)
        if attribute is None or (attribute.logical_name == name and attribute.is_lookup):
            raise UnknownProperty(entity.logical_name, name)
        raise QuerySyntaxError(
            f"The property '{name}' is not a navigation property, so no path can follow it."
        )
    if navigation.is_collection:
        raise _collection_used_as_value(name)
    if navigation.attribute is None or len(navigation.targets) != 1:
        raise QuerySyntaxError(
            f"The navigation property '{name}' may point to several tables "
            f"({', '.join(navigation.targets)}); filter on "
            f"'{_lookup_hint(navigation.attribute, name)}' instead."
        )
    target = scope.schema.entity(navigation.targets[0])
    assert target is not None  # the schema only builds navigations to its own entities
    return target, navigation.attribute


def value_attribute(entity: Entity, name: str, scope: FilterScope) -> Attribute:
    """The attribute a ``$filter`` property names: a primitive column or a ``_x_value`` lookup."""
    lookup = _lookup_property(entity, name)
    if lookup is not None:
        return lookup
    attribute = entity.attribute(name)
    if attribute is not None and not attribute.is_lookup:
        return attribute
    navigation = scope.schema.navigation(entity.logical_name, name)
    if navigation is None:
        raise UnknownProperty(entity.logical_name, name)
    if navigation.is_collection:
        raise _collection_used_as_value(name)
    raise QuerySyntaxError(
        f"The navigation property '{name}' cannot be used as a value; compare "
        f"'{_lookup_hint(navigation.attribute, name)}' or a property of the related row, "
        f"as in {name}/<property>."
    )


def function_attribute(entity: Entity, name: str) -> Attribute:
    """The attribute a query function's PropertyName names: any logical name, lookups included,
    or a lookup's ``_x_value``."""
    attribute = _lookup_property(entity, name) or entity.attribute(name)
    if attribute is None:
        raise UnknownProperty(entity.logical_name, name)
    return attribute


def _lookup_property(entity: Entity, name: str) -> Attribute | None:
    if not (name.startswith("_") and name.endswith("_value")):
        return None
    attribute = entity.attribute(name[1:-6])
    return attribute if attribute is not None and attribute.is_lookup else None


def _lookup_hint(attribute: Attribute | None, navigation: str) -> str:
    return attribute.lookup_property if attribute is not None else f"_{navigation}_value"


def _collection_used_as_value(name: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        f"The collection-valued navigation property '{name}' can only be filtered with any() or all(), "
        f"as in {name}/any(x: ...)."
    )
