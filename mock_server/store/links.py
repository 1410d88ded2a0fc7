"""FetchXML joins in SQL: a plan's ``LinkPlan`` tree as aliased tables joined to the root table.

``store/query.py`` builds one SELECT for every plan; when the plan has links it asks this
module for the joined FROM clause, the linked columns, the link aliases a filter may read,
and the extra sort keys. Linked columns are selected under short generated labels
(``_l<link>_<column>``), never under the client's aliases, so any alias is safe in SQL;
``split_linked`` moves them out of a fetched row into one small row per alias.

Each link joins its own nested links first and then joins to its parent
(``parent LEFT JOIN (link JOIN child ON ...) ON ...``), so an inner link below an outer one
restricts only the outer link's matches, never the parent rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, Select, Table, and_
from sqlalchemy.sql.util import ClauseAdapter

from mock_server.odata.filter import FilterScope, compile_filter
from mock_server.odata.filter.scope import readable_column
from mock_server.odata.plan import LinkPlan, OrderItem, QueryPlan, walk_links
from mock_server.schema import Attribute, Entity, schema
from mock_server.store.tables import tables

Row = dict[str, Any]
Variables = tuple[tuple[str, Entity, FromClause], ...]


@dataclass(frozen=True)
class LinkedColumn:
    """One selected column of a link: where it sits in a fetched row, and where it goes."""

    alias: str
    attribute: Attribute
    label: str
    target_label: str | None  # the ``__target`` column of a polymorphic lookup


@dataclass(frozen=True)
class Joined:
    """What the links add to a plan's SELECT."""

    from_clause: FromClause
    variables: Variables  # (alias, entity, aliased table): what filters may read
    columns: tuple[ColumnElement[Any], ...]
    order_by: tuple[ColumnElement[Any], ...]  # the links' own <order>s
    tiebreakers: tuple[ColumnElement[Any], ...]  # keep pages stable when links repeat a parent row

    def extend(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.select_from(self.from_clause).add_columns(*self.columns)


def table_of(entity: Entity) -> Table:
    """The table behind an entity, or behind an N:N intersect entity (``teammembership``)."""
    found = tables().entities.get(entity.logical_name)
    if found is not None:
        return found
    for table in tables().intersects.values():
        if table.name == entity.logical_name:
            return table
    raise KeyError(entity.logical_name)  # the parser only builds links to known tables


@lru_cache(maxsize=256)
def linked_columns(plan: QueryPlan) -> tuple[LinkedColumn, ...]:
    """The linked columns of a plan, in SELECT order; labels follow the links' depth-first order."""
    found: list[LinkedColumn] = []
    for i, link in enumerate(walk_links(plan.links)):
        for j, attribute in enumerate(link.select):
            target = f"_l{i}_{j}t" if attribute.is_polymorphic else None
            found.append(LinkedColumn(link.alias, attribute, f"_l{i}_{j}", target))
    return tuple(found)


class LinkPolicy(Protocol):
    """What the caller may see of a linked entity (``store.query.Caller`` provides it)."""

    def restriction(self, entity: Entity) -> ColumnElement[bool] | None: ...

    def hidden(self, entity: Entity) -> frozenset[str]: ...

    def field_shared(self, entity: Entity) -> Mapping[str, frozenset[str]]: ...


def join_links(plan: QueryPlan, root: FromClause, scope: FilterScope, policy: LinkPolicy) -> Joined:
    """The root table joined with every link of ``plan``; ``scope`` is the root's filter scope.
    A linked row the caller may not read does not join (so an outer link shows nothing and an
    inner link drops the row), and linked columns the caller may not read come back null."""
    links = walk_links(plan.links)
    aliased = {link.alias: table_of(link.entity).alias(f"_l{i}") for i, link in enumerate(links)}
    variables: Variables = tuple((link.alias, link.entity, aliased[link.alias]) for link in links)
    entities = {link.alias: link.entity for link in links}

    def attach(parent: FromClause, link: LinkPlan) -> tuple[FromClause, ColumnElement[bool]]:
        table = aliased[link.alias]
        joined: FromClause = table
        for child in link.links:
            subtree, on = attach(table, child)
            joined = joined.join(subtree, on, isouter=child.outer)
        on = table.c[link.from_attribute.logical_name] == parent.c[link.to_attribute.logical_name]
        # intersect tables of N:N links are not entities with security of their own
        restriction = policy.restriction(link.entity) if schema().entity(link.entity.logical_name) else None
        if restriction is not None:  # written against the entity's table: move it onto the alias
            on = and_(on, ClauseAdapter(table).traverse(restriction))
        if link.filter is not None:
            inner = replace(scope, entity=link.entity, table=table, variables=variables)
            on = and_(on, compile_filter(link.filter, inner))
        return joined, on

    from_clause = root
    for link in plan.links:
        subtree, on = attach(root, link)
        from_clause = from_clause.join(subtree, on, isouter=link.outer)
    columns: list[ColumnElement[Any]] = []
    for column in linked_columns(plan):
        table = aliased[column.alias]
        entity = entities[column.alias]
        columns.append(_shown(policy, entity, table, column.attribute.logical_name).label(column.label))
        if column.target_label is not None:
            columns.append(table.c[column.attribute.target_column].label(column.target_label))
    order = [
        _order(policy, link.entity, aliased[link.alias], item) for link in links for item in link.order_by
    ]
    tiebreakers: list[ColumnElement[Any]]
    if plan.distinct:  # rows are told apart by what they show; a hidden key would undo DISTINCT
        tiebreakers = [
            _shown(policy, entities[c.alias], aliased[c.alias], c.attribute.logical_name)
            for c in linked_columns(plan)
        ]
    else:
        tiebreakers = [c for link in links for c in _key(aliased[link.alias], link.entity)]
    return Joined(from_clause, variables, tuple(columns), tuple(order), tuple(tiebreakers))


def split_linked(plan: QueryPlan, row: Row) -> dict[str, Row]:
    """Move the linked columns out of a fetched row: ``{alias: {logical name: value}}``."""
    linked: dict[str, Row] = {link.alias: {} for link in walk_links(plan.links)}
    for column in linked_columns(plan):
        values = linked[column.alias]
        values[column.attribute.logical_name] = row.pop(column.label)
        if column.target_label is not None:
            values[column.attribute.target_column] = row.pop(column.target_label)
    return linked


def _shown(policy: LinkPolicy, entity: Entity, table: FromClause, name: str) -> ColumnElement[Any]:
    """A linked column as the caller may see it (intersect tables have no secured columns)."""
    return (
        readable_column(policy, entity, table, name)
        if schema().entity(entity.logical_name)
        else table.c[name]
    )


def _order(policy: LinkPolicy, entity: Entity, table: FromClause, item: OrderItem) -> ColumnElement[Any]:
    column = _shown(policy, entity, table, item.attribute.logical_name)
    return column.desc() if item.descending else column


def _key(table: FromClause, entity: Entity) -> list[ColumnElement[Any]]:
    if entity.primary_id in table.c:
        return [table.c[entity.primary_id]]
    return list(table.c)  # an intersect table: its two ids are its key
