"""What a user could read at an earlier version, so a delta can tell rows that left the user's
sight from rows the user never saw.

Two logs, both written inside the transaction of the change they describe:

* ``remember_access``: when a write touches roles, privileges, teams, business units or the
  hierarchy, the read part of each affected user's access before the write (``Access.reading``)
  is kept under a fresh version. ``Access.as_of`` gives the access in effect at a delta token.
* ``remember_row`` (a write check) and ``remember_share``: before a user-owned row changes owner
  or business unit, is shared or unshared, or is deleted, and when it is created, who could read
  it until then is kept under a fresh version (owner, owning business unit, principals it was
  shared with for reading, or "did not exist yet"). ``Access.read_at`` uses that state at a
  delta token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from mock_server.schema import Entity, Ownership
from mock_server.security.access import Access, shared_for_reading
from mock_server.store.records import require_row
from mock_server.store.tables import tables

if TYPE_CHECKING:
    from mock_server.store.records import Writer

Row = dict[str, Any]


def remember_access(writer: Writer, before: Iterable[tuple[Access, Access]]) -> None:
    """Keep, under one new version, each user's access before this write where it differs
    from the access after it: ``before`` holds (before, after) pairs."""
    changed = [old for old, new in before if old.reading() != new.reading()]
    if not changed:
        return
    version = writer.new_version()
    history = tables().access_history
    writer.conn.execute(
        insert(history),
        [{"userid": a.user_id, "versionnumber": version, "access": json.dumps(a.reading())} for a in changed],
    )


def remember_row(writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row) -> None:
    """Write check: keep who could read a user-owned row before it is created, reassigned,
    moved to another business unit or deleted."""
    if entity.ownership is not Ownership.USER:
        return
    if current is None:
        _keep(writer, entity, new, existed=False)
    elif operation == "delete" or (new.get("ownerid"), new.get("owningbusinessunit")) != (
        current.get("ownerid"),
        current.get("owningbusinessunit"),
    ):
        _keep(writer, entity, current, existed=True)


def remember_share(writer: Writer, entity: Entity, row_id: str) -> None:
    """Keep who could read a row before its shares change (sharing.py calls it first)."""
    if entity.ownership is Ownership.USER:
        _keep(writer, entity, require_row(writer.conn, entity, row_id), existed=True)


def _keep(writer: Writer, entity: Entity, row: Row, *, existed: bool) -> None:
    row_id = str(row[entity.primary_id])
    readers = shared_for_reading(writer.conn, entity, [row_id])[row_id] if existed else set()
    writer.conn.execute(
        insert(tables().row_history).values(
            entity=entity.logical_name,
            id=row_id,
            versionnumber=writer.new_version(),
            existed=existed,
            ownerid=row.get("ownerid") if existed else None,
            owningbusinessunit=row.get("owningbusinessunit") if existed else None,
            readers=",".join(sorted(readers)),
        )
    )
