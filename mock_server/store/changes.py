"""Change tracking over row versions: what changed or was deleted after a given version.

Every write gives a row a new version from one counter, and every delete leaves a tombstone
with its own version, so "changes since version V" is a range scan on indexed version columns:
its cost follows the number of changes, not the size of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select

from mock_server.odata.plan import QueryPlan
from mock_server.store.query import Caller, Fetched, build_select, expand
from mock_server.store.tables import tables


@dataclass(frozen=True)
class Deleted:
    id: str
    version: int


def current_version(conn: Connection) -> int:
    """The newest version any row or tombstone has."""
    state = tables().state
    value = conn.execute(select(state.c.value).where(state.c.key == "version")).scalar()
    return int(value) if value is not None else 0


def changes(
    conn: Connection, plan: QueryPlan, caller: Caller, since: int, upto: int, limit: int, *, deleted: bool
) -> list[Fetched | Deleted]:
    """Rows changed and (if ``deleted``) rows deleted with a version in ``(since, upto]``, oldest
    first, at most ``limit`` of them."""
    table = tables()[plan.entity.logical_name]
    version = table.c.versionnumber
    window = and_(version > since, version <= upto)
    stmt = build_select(plan, caller)
    if deleted and caller.restriction(plan.entity) is not None:
        # A delta of a restricted caller: find the window's rows by the version index first. Put
        # side by side with a row restriction (``ownerid IN ...``), the window alone would let
        # SQLite walk the owner index, through every row the caller owns, whatever the window.
        pk = table.c[plan.entity.primary_id]
        stmt = stmt.where(pk.in_(select(pk).where(window)))
    else:
        stmt = stmt.where(window)
    stmt = stmt.order_by(None).order_by(version).limit(limit)
    keys_rows = conn.execute(stmt)
    keys = list(keys_rows.keys())
    found: list[Fetched | Deleted] = [Fetched(dict(zip(keys, row, strict=True))) for row in keys_rows]
    expand(conn, plan, [f for f in found if isinstance(f, Fetched)], caller)
    if deleted:
        tombstones = tables().deleted
        stmt_deleted = (
            select(tombstones.c.id, tombstones.c.versionnumber)
            .where(tombstones.c.entity == plan.entity.logical_name)
            .where(tombstones.c.versionnumber > since, tombstones.c.versionnumber <= upto)
            .order_by(tombstones.c.versionnumber)
            .limit(limit)
        )
        alive = {f.row[plan.entity.primary_id] for f in found if isinstance(f, Fetched)}
        found += [Deleted(i, v) for i, v in conn.execute(stmt_deleted) if i not in alive]
    found.sort(key=lambda f: f.version if isinstance(f, Deleted) else int(f.row["versionnumber"]))
    return found[:limit]


def count_changes(conn: Connection, plan: QueryPlan, since: int, upto: int) -> int:
    table = tables()[plan.entity.logical_name]
    tombstones = tables().deleted
    changed = conn.execute(
        select(func.count())
        .select_from(table)
        .where(table.c.versionnumber > since, table.c.versionnumber <= upto)
    ).scalar_one()
    removed = conn.execute(
        select(func.count())
        .select_from(tombstones)
        .where(
            tombstones.c.entity == plan.entity.logical_name,
            tombstones.c.versionnumber > since,
            tombstones.c.versionnumber <= upto,
        )
    ).scalar_one()
    return int(changed) + int(removed)
