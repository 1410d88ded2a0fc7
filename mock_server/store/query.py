"""Executing a ``QueryPlan``: SQLAlchemy Core in, plain rows out.

One function builds the SELECT for a plan; ``fetch`` runs it with paging and resolves
``$expand`` with one extra query per expanded navigation (never one per row). FetchXML
link-entities (``plan.links``) join in the same SELECT (``store/links.py``); their columns come
back beside each row, by alias, in ``Fetched.linked``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, Dialect, Result, Select, bindparam, func, select

from mock_server.odata.filter import FilterScope, compile_filter
from mock_server.odata.filter.scope import readable_column
from mock_server.odata.plan import QueryPlan
from mock_server.schema import Entity, Navigation, NavigationKind, schema
from mock_server.store.links import Joined, join_links, split_linked
from mock_server.store.tables import tables

Row = dict[str, Any]


class RowPolicy(Protocol):
    """Which rows a caller may see and touch (``security.Access``); hashable, since a caller is a
    cache key."""

    def restrict(self, entity: Entity) -> ColumnElement[bool] | None:
        """The readable rows of ``entity`` as a condition, None for all; raises without Read."""

    def hidden(self, entity: Entity) -> frozenset[str]:
        """Secured columns of ``entity`` the caller may not read; they read as null."""

    def field_shared(self, entity: Entity) -> Mapping[str, frozenset[str]]:
        """Of the hidden columns, those shared with the caller on some rows: their ids."""

    def reaches(self, conn: Connection, entity: Entity, row: Row, verb: str) -> bool: ...

    def as_of(self, conn: Connection, version: int) -> RowPolicy:
        """The policy the caller had at ``version`` (itself when nothing changed since)."""

    def read_at(
        self, conn: Connection, entity: Entity, rows: list[Row], version: int, *, deleted: bool = False
    ) -> set[str]:
        """The ids of ``rows`` the caller could read at ``version`` (change tracking)."""

    def refuse(self, entity: Entity, row: Row, verb: str) -> Exception: ...


@dataclass(frozen=True)
class Caller:
    """Who runs a query and when: what query functions such as ``EqualUserId`` and
    ``LastXDays`` read, and the security policy narrowing every read (None: unrestricted)."""

    user_id: str
    business_unit_id: str
    team_ids: tuple[str, ...]
    now: datetime
    policy: RowPolicy | None = None

    def restriction(self, entity: Entity) -> ColumnElement[bool] | None:
        return None if self.policy is None else self.policy.restrict(entity)

    def hidden(self, entity: Entity) -> frozenset[str]:
        return frozenset() if self.policy is None else self.policy.hidden(entity)

    def field_shared(self, entity: Entity) -> Mapping[str, frozenset[str]]:
        return {} if self.policy is None else self.policy.field_shared(entity)


@dataclass
class Fetched:
    """A row, the rows ``$expand`` attached to it by navigation property name, and the columns
    of the rows FetchXML links joined to it, by link alias (all None for an outer link without
    a match)."""

    row: Row
    expanded: dict[str, Fetched | list[Fetched] | None] = field(default_factory=dict)
    linked: dict[str, Row] = field(default_factory=dict)


def _fetched(result: Result[Any], plan: QueryPlan | None = None) -> list[Fetched]:
    keys = list(result.keys())
    rows = [Fetched(dict(zip(keys, row, strict=True))) for row in result.all()]
    if plan is not None and plan.links:
        for fetched in rows:
            fetched.linked = split_linked(plan, fetched.row)
    return rows


def _scope(entity: Entity, caller: Caller) -> FilterScope:
    return FilterScope(
        entity=entity,
        table=tables()[entity.logical_name],
        schema=schema(),
        tables=tables(),
        now=caller.now,
        user_id=caller.user_id,
        business_unit_id=caller.business_unit_id,
        team_ids=caller.team_ids,
        fields=caller.policy,
    )


def _columns(plan: QueryPlan) -> frozenset[str]:
    """The stored columns a plan reads: its attributes, lookup targets, and what $expand follows."""
    if not plan.select:
        return _all_columns(plan.entity.logical_name)
    table = tables()[plan.entity.logical_name]
    names = {a.logical_name for a in plan.columns} | {"versionnumber"}
    for a in plan.columns:
        if a.is_lookup and a.target_column in table.c:
            names.add(a.target_column)
    for item in plan.expand:
        if item.navigation.kind is NavigationKind.SINGLE and item.navigation.attribute is not None:
            names.add(item.navigation.attribute.logical_name)
            names.add(item.navigation.attribute.target_column)
    return frozenset(names & set(table.c.keys()))


@cache
def _all_columns(entity: str) -> frozenset[str]:
    return frozenset(tables()[entity].c.keys())


@lru_cache(maxsize=1024)
def _select(
    entity: str,
    columns: frozenset[str],
    hidden: frozenset[str] = frozenset(),
    shared: tuple[tuple[str, frozenset[str]], ...] = (),
) -> Select[Any]:
    """The bare SELECT of some columns; built once, since building it costs more than running it.
    ``hidden`` columns (field security) are selected as typed nulls under their own names, or,
    when ``shared`` with the caller on some rows (field sharing), as their value on those rows."""
    table = tables()[entity]
    if columns == frozenset(table.c.keys()) and not hidden:
        return select(table)  # a whole-table SELECT also has a far cheaper statement cache key
    policy = _Concealed(hidden, dict(shared))
    named = schema().entity(entity)
    assert named is not None
    return select(
        *(
            readable_column(policy, named, table, n).label(n) if n in hidden else table.c[n]
            for n in sorted(columns)
        )
    )


@dataclass(frozen=True)
class _Concealed:
    """Hidden and field-shared columns of one entity, as ``readable_column`` asks for them."""

    columns: frozenset[str]
    shared: dict[str, frozenset[str]]

    def hidden(self, _entity: Entity) -> frozenset[str]:
        return self.columns

    def field_shared(self, _entity: Entity) -> Mapping[str, frozenset[str]]:
        return self.shared


def _conditions(plan: QueryPlan, caller: Caller, joined: Joined | None = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if plan.filter is not None:
        scope = _scope(plan.entity, caller)
        if joined is not None:  # the filter may read the linked tables by alias
            scope = replace(scope, variables=joined.variables)
        conditions.append(compile_filter(plan.filter, scope))
    if plan.within is not None:
        conditions.append(_within(plan.entity, plan.within.navigation, [plan.within.parent_id]))
    # Security narrows in SQL, so paging, $count and $top see only the readable rows.
    if (restriction := caller.restriction(plan.entity)) is not None:
        conditions.append(restriction)
    return conditions


def _within(entity: Entity, navigation: Navigation, parent_ids: list[str]) -> ColumnElement[bool]:
    """Rows of ``entity`` reached from ``parent_ids`` through a collection navigation."""
    table = tables()[entity.logical_name]
    if navigation.kind is NavigationKind.MANY_TO_MANY:
        assert navigation.relationship is not None
        intersect = tables().intersects[navigation.relationship.schema_name]
        mine, theirs = f"{entity.logical_name}id", f"{navigation.entity}id"
        return table.c[entity.primary_id].in_(
            select(intersect.c[mine]).where(intersect.c[theirs].in_(parent_ids))
        )
    assert navigation.attribute is not None
    return table.c[navigation.attribute.logical_name].in_(parent_ids)


@dataclass(frozen=True)
class Prepared:
    """A statement compiled once to the driver's SQL, with the columns it returns and the
    conversions SQLAlchemy would apply to them (``None`` where a value needs none)."""

    sql: str
    keys: tuple[str, ...]
    convert: tuple[Callable[[Any], Any] | None, ...]

    def rows(self, conn: Connection, *params: Any) -> list[dict[str, Any]]:
        cursor = conn.connection.driver_connection.execute(self.sql, params)  # type: ignore[union-attr]
        keys, convert = self.keys, self.convert
        return [
            {k: v if c is None or v is None else c(v) for k, v, c in zip(keys, row, convert, strict=True)}
            for row in cursor.fetchall()
        ]


@lru_cache(maxsize=1024)
def _by_id(dialect: Dialect, entity: str, columns: frozenset[str]) -> Prepared:
    """One row by primary key: the most frequent query of all (every retrieve), so it is compiled
    once and run straight on the driver, without SQLAlchemy's per-execution work."""
    named = schema().entity(entity)
    assert named is not None
    stmt = _select(entity, columns).where(tables()[entity].c[named.primary_id] == bindparam("id"))
    selected = list(stmt.selected_columns)
    return Prepared(
        str(stmt.compile(dialect=dialect)),
        tuple(c.name for c in selected),
        tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected),
    )


@lru_cache(maxsize=1024)
def build_select(plan: QueryPlan, caller: Caller) -> Select[Any]:
    """The SELECT of a plan for a caller. Both are immutable and the mock clock only moves when
    told, so a repeated query (a page of a sync, a poll) reuses the statement built the first
    time, and with it SQLAlchemy's compiled form."""
    table = tables()[plan.entity.logical_name]
    columns = _columns(plan)
    hidden = caller.hidden(plan.entity) & columns
    shared = tuple(sorted((n, ids) for n, ids in caller.field_shared(plan.entity).items() if n in hidden))
    stmt = _select(plan.entity.logical_name, columns, hidden, shared)
    joined = join_links(plan, table, _scope(plan.entity, caller), caller) if plan.links else None
    if joined is not None:
        stmt = joined.extend(stmt)
    if plan.distinct:
        stmt = stmt.distinct()
    stmt = stmt.where(*_conditions(plan, caller, joined))
    sorted_by = [
        (readable_column(caller.policy, plan.entity, table, o.attribute.logical_name), o)
        for o in plan.order_by
    ]
    order = [column.desc() if o.descending else column for column, o in sorted_by]
    if joined is None:
        return stmt.order_by(*order, table.c[plan.entity.primary_id])
    return stmt.order_by(*order, *joined.order_by, table.c[plan.entity.primary_id], *joined.tiebreakers)


def count(conn: Connection, plan: QueryPlan, caller: Caller) -> int:
    if plan.links or plan.distinct:  # joins may repeat a row, DISTINCT may merge some: count results
        rows = build_select(plan, caller).order_by(None).subquery()
        return int(conn.execute(select(func.count()).select_from(rows)).scalar_one())
    table = tables()[plan.entity.logical_name]
    stmt = select(func.count()).select_from(table).where(*_conditions(plan, caller))
    return int(conn.execute(stmt).scalar_one())


def fetch(
    conn: Connection, plan: QueryPlan, caller: Caller, limit: int | None, offset: int = 0
) -> list[Fetched]:
    """The plan's rows from ``offset``, at most ``limit`` of them, with their expansions."""
    stmt = build_select(plan, caller)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return fetch_rows(conn, plan, stmt, caller)


def fetch_rows(conn: Connection, plan: QueryPlan, stmt: Select[Any], caller: Caller) -> list[Fetched]:
    """The rows of ``stmt`` (``build_select`` of the plan, narrowed further) with their expansions."""
    rows = _fetched(conn.execute(stmt), plan)
    expand(conn, plan, rows, caller)
    return rows


def fetch_by_ids(conn: Connection, plan: QueryPlan, ids: list[str], caller: Caller) -> list[Fetched]:
    """The rows of ``ids``; a row that exists but the caller may not read is refused (403), as
    Dataverse answers a retrieve of someone else's record."""
    rows = _fetch_by_ids(conn, plan, ids, caller)
    if caller.policy is not None and len(rows) < len(ids):
        found = {r.row[plan.entity.primary_id] for r in rows}
        table = tables()[plan.entity.logical_name]
        for row_id in ids:
            if row_id in found:
                continue
            found_row = conn.execute(select(table).where(table.c[plan.entity.primary_id] == row_id)).first()
            hidden = None if found_row is None else dict(found_row._mapping)
            if hidden is not None and not caller.policy.reaches(conn, plan.entity, hidden, "Read"):
                raise caller.policy.refuse(plan.entity, hidden, "Read")
    return rows


def _fetch_by_ids(conn: Connection, plan: QueryPlan, ids: list[str], caller: Caller) -> list[Fetched]:
    if (
        len(ids) == 1
        and plan.filter is None
        and plan.within is None
        and not plan.links
        and caller.restriction(plan.entity) is None
        and not caller.hidden(plan.entity)
    ):
        prepared = _by_id(conn.dialect, plan.entity.logical_name, _columns(plan))
        rows = [Fetched(row) for row in prepared.rows(conn, ids[0])]
    else:
        pk = tables()[plan.entity.logical_name].c[plan.entity.primary_id]
        rows = _fetched(conn.execute(build_select(plan, caller).where(pk.in_(ids))), plan)
    expand(conn, plan, rows, caller)
    return rows


def expand(conn: Connection, plan: QueryPlan, rows: list[Fetched], caller: Caller) -> None:
    """Attach every ``$expand`` of ``plan`` to ``rows``."""
    if not rows:
        return
    for item in plan.expand:
        navigation, child = item.navigation, item.plan
        if navigation.kind is NavigationKind.SINGLE:
            assert navigation.attribute is not None
            column = navigation.attribute.logical_name
            ids = list({r.row[column] for r in rows if r.row.get(column)})
            found = (
                {f.row[child.entity.primary_id]: f for f in _fetch_by_ids(conn, child, ids, caller)}
                if ids
                else {}
            )
            for r in rows:
                r.expanded[navigation.name] = found.get(r.row.get(column) or "")
        else:
            _expand_collection(conn, plan.entity, navigation, child, rows, caller)


def _expand_collection(
    conn: Connection,
    parent: Entity,
    navigation: Navigation,
    child: QueryPlan,
    rows: list[Fetched],
    caller: Caller,
) -> None:
    parent_ids = [r.row[parent.primary_id] for r in rows]
    table = tables()[child.entity.logical_name]
    stmt = build_select(child, caller)
    if navigation.kind is NavigationKind.MANY_TO_MANY:
        assert navigation.relationship is not None
        intersect = tables().intersects[navigation.relationship.schema_name]
        link = intersect.c[f"{parent.logical_name}id"]
        stmt = (
            stmt.add_columns(link.label("__parent"))
            .join(
                intersect, intersect.c[f"{child.entity.logical_name}id"] == table.c[child.entity.primary_id]
            )
            .where(link.in_(parent_ids))
        )
    else:
        assert navigation.attribute is not None
        fk = table.c[navigation.attribute.logical_name]
        stmt = stmt.add_columns(fk.label("__parent")).where(fk.in_(parent_ids))
    groups: dict[str, list[Fetched]] = defaultdict(list)
    fetched: list[Fetched] = []
    for result in conn.execute(stmt):
        data = dict(result._mapping)
        item = Fetched(data)
        groups[data.pop("__parent")].append(item)
        fetched.append(item)
    expand(conn, child, fetched, caller)
    for r in rows:
        children = groups.get(r.row[parent.primary_id], [])
        r.expanded[navigation.name] = children[: child.top] if child.top is not None else children
