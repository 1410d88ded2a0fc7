"""Writing rows: create, update, delete and N:N links, with everything Dataverse does around a
write (ids, versions, audit columns, owner columns, default status, computed columns, the
``activitypointer`` copy, cascading deletes).

Functions take a connection and plain values and raise domain errors; they never see a
request. The caller's transaction makes each request all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from mock_server.errors import DuplicateRecord, InvalidArgument, RecordNotFound
from mock_server.schema import Entity, ManyToMany, schema
from mock_server.store import derive
from mock_server.store.database import Database, record_id
from mock_server.store.query import Caller
from mock_server.store.tables import tables

Row = dict[str, Any]
# Runs before a row is written: (writer, entity, "create" | "update" | "delete", the row as it is
# (None on create), the row as it will be). Raises a DataverseError to refuse the write.
WriteCheck = Callable[["Writer", Entity, str, Row | None, Row], None]
# Runs before an N:N link is added or removed: (writer, relationship, "associate" |
# "disassociate", the record the request names as (entity, id), the other record as (entity, id)).
LinkCheck = Callable[["Writer", ManyToMany, str, tuple[str, str], tuple[str, str]], None]


@dataclass
class Writer:
    """What a write needs besides its values: the connection, the database (for versions),
    the seed ids derive from, and who writes when. It remembers what it wrote: the tables
    (``touched``) and the record a request last created or updated (``last_write``, which
    ``$batch`` Content-ID references point to)."""

    conn: Connection
    db: Database
    seed: int
    caller: Caller
    touched: set[str] = field(default_factory=set)  # entities and N:N relationships written
    last_write: tuple[Entity, str] | None = None
    checks: tuple[WriteCheck, ...] = ()
    link_checks: tuple[LinkCheck, ...] = ()

    def check(self, entity: Entity, operation: str, current: Row | None, new: Row) -> None:
        for check in self.checks:
            check(self, entity, operation, current, new)

    def check_link(
        self, relationship: ManyToMany, operation: str, target: tuple[str, str], related: tuple[str, str]
    ) -> None:
        for check in self.link_checks:
            check(self, relationship, operation, target, related)

    def new_version(self) -> int:
        return self.db.next_versions(self.conn)


def get_row(conn: Connection, entity: Entity, row_id: str) -> Row | None:
    table = tables()[entity.logical_name]
    found = conn.execute(select(table).where(table.c[entity.primary_id] == row_id)).first()
    return None if found is None else dict(found._mapping)


def require_row(conn: Connection, entity: Entity, row_id: str) -> Row:
    row = get_row(conn, entity, row_id)
    if row is None:
        raise RecordNotFound(entity.logical_name, row_id)
    return row


def find_by_key(conn: Connection, entity: Entity, pairs: tuple[tuple[str, Any], ...]) -> Row | None:
    table = tables()[entity.logical_name]
    stmt = select(table).where(*(table.c[name] == value for name, value in pairs))
    found = conn.execute(stmt).first()
    return None if found is None else dict(found._mapping)


def exists(conn: Connection, entity: Entity, row_id: str) -> bool:
    table = tables()[entity.logical_name]
    pk = table.c[entity.primary_id]
    return conn.execute(select(pk).where(pk == row_id)).first() is not None


def _owner_business_unit(conn: Connection, owner_entity: str, owner_id: str) -> str:
    owner = schema().entity(owner_entity)
    assert owner is not None
    table = tables()[owner_entity]
    found = conn.execute(select(table.c.businessunitid).where(table.c[owner.primary_id] == owner_id)).first()
    if found is None:
        raise RecordNotFound(owner_entity, owner_id)
    return str(found[0])


def _check_state_status(entity: Entity, row: Row) -> None:
    state_attr, status_attr = entity.attribute("statecode"), entity.attribute("statuscode")
    if state_attr is None or status_attr is None or row.get("statuscode") is None:
        return
    status = status_attr.option(row["statuscode"])
    if status is not None and status.state != row.get("statecode"):
        raise InvalidArgument(
            f"{row['statuscode']} is not a valid status code for state code {entity.schema_name}State."
            f"{row.get('statecode')} on {entity.logical_name} with Id {row.get(entity.primary_id)}."
        )


def insert_record(writer: Writer, entity: Entity, values: Row) -> str:
    """Create a row; returns its id. ``values`` are converted columns, possibly with an id."""
    conn, caller = writer.conn, writer.caller
    writer.touched.add(entity.logical_name)
    version = writer.new_version()
    row: Row = {c: None for c in tables()[entity.logical_name].c.keys()}  # noqa: SIM118 - column names
    row.update(values)
    row_id = row.get(entity.primary_id) or record_id(writer.seed, version)
    now = caller.now.replace(tzinfo=None)
    row.update(
        {
            entity.primary_id: row_id,
            "versionnumber": version,
            "createdon": now,
            "modifiedon": now,
            "createdby": caller.user_id,
            "modifiedby": caller.user_id,
        }
    )
    if "ownerid" in row:
        owner_id = row.get("ownerid") or caller.user_id
        owner_entity = row.get("ownerid__target") or "systemuser"
        row.update(
            derive.owner_columns(owner_id, owner_entity, _owner_business_unit(conn, owner_entity, owner_id))
        )
    if "statecode" in row:
        state, status = derive.default_state_status(entity)
        row["statecode"] = state if row.get("statecode") is None else row["statecode"]
        if row.get("statuscode") is None:
            row["statuscode"] = (
                derive.status_for_state(entity, row["statecode"]) if row["statecode"] is not None else status
            )
    _check_state_status(entity, row)
    row.update(derive.computed_columns(entity, row))
    writer.check(entity, "create", None, row)
    try:
        conn.execute(insert(tables()[entity.logical_name]).values(row))
    except IntegrityError:
        raise DuplicateRecord("A record with matching key values already exists.") from None
    if entity.is_activity and entity.logical_name != "activitypointer":
        conn.execute(insert(tables()["activitypointer"]).values(derive.pointer_row(row)))
    return str(row_id)


def update_record(writer: Writer, entity: Entity, row_id: str, values: Row) -> Row:
    """Update a row; returns the row as written."""
    conn, caller = writer.conn, writer.caller
    writer.touched.add(entity.logical_name)
    current = require_row(conn, entity, row_id)
    row = {**current, **values}
    if "ownerid" in values and values["ownerid"] is not None:
        owner_entity = row.get("ownerid__target") or "systemuser"
        row.update(
            derive.owner_columns(
                row["ownerid"], owner_entity, _owner_business_unit(conn, owner_entity, row["ownerid"])
            )
        )
    if "statecode" in values and "statuscode" not in values and values["statecode"] is not None:
        row["statuscode"] = derive.status_for_state(entity, values["statecode"])
    _check_state_status(entity, row)
    row.update(derive.computed_columns(entity, row))
    row.update(
        {
            "versionnumber": writer.new_version(),
            "modifiedon": caller.now.replace(tzinfo=None),
            "modifiedby": caller.user_id,
        }
    )
    writer.check(entity, "update", current, row)
    changed = {k: v for k, v in row.items() if current.get(k) != v or k in values}
    table = tables()[entity.logical_name]
    try:
        conn.execute(update(table).where(table.c[entity.primary_id] == row_id).values(changed))
    except IntegrityError:
        raise DuplicateRecord("A record with matching key values already exists.") from None
    if entity.is_activity and entity.logical_name != "activitypointer":
        pointer = tables()["activitypointer"]
        conn.execute(update(pointer).where(pointer.c.activityid == row_id).values(derive.pointer_row(row)))
    return row


def delete_record(writer: Writer, entity: Entity, row_id: str) -> None:
    """Delete a row, the rows that belong to it, and every link to it."""
    current = require_row(writer.conn, entity, row_id)
    writer.check(entity, "delete", current, current)
    _delete_tree(writer, entity, row_id, set())


def _delete_tree(writer: Writer, entity: Entity, row_id: str, visited: set[str]) -> None:
    if row_id in visited:  # parental relationships can form cycles (a contact parenting a contact)
        return
    visited.add(row_id)
    conn = writer.conn
    writer.touched.add(entity.logical_name)
    names = {entity.logical_name}
    if entity.is_activity:
        # An activity and its activitypointer copy are one record, known by either name.
        pointer = tables()["activitypointer"]
        activity_type = conn.execute(
            select(pointer.c.activitytypecode).where(pointer.c.activityid == row_id)
        ).scalar()
        names |= {"activitypointer", str(activity_type or entity.logical_name)}
    for name in names:
        table = tables()[name]
        named = schema().entity(name)
        assert named is not None
        if conn.execute(delete(table).where(table.c[named.primary_id] == row_id)).rowcount:
            conn.execute(
                insert(tables().deleted).values(
                    entity=name,
                    id=row_id,
                    versionnumber=writer.new_version(),
                    deletedon=writer.caller.now.replace(tzinfo=None),
                )
            )
    for relationship in schema().one_to_many:
        if relationship.referenced_entity not in names:
            continue
        child = schema().entity(relationship.referencing_entity)
        assert child is not None
        child_table = tables()[child.logical_name]
        column = child_table.c[relationship.attribute.logical_name]
        if relationship.attribute.cascade_delete:
            for (child_id,) in conn.execute(
                select(child_table.c[child.primary_id]).where(column == row_id)
            ).all():
                _delete_tree(writer, child, child_id, visited)
        else:
            conn.execute(update(child_table).where(column == row_id).values({column.name: None}))
    for m in schema().many_to_many:
        intersect = tables().intersects[m.schema_name]
        for side in {m.entity1, m.entity2} & names:
            conn.execute(delete(intersect).where(intersect.c[f"{side}id"] == row_id))


def _link_ids(relationship: ManyToMany, target: tuple[str, str], related: tuple[str, str]) -> dict[str, str]:
    ids = dict((target, related))
    return {
        f"{relationship.entity1}id": ids[relationship.entity1],
        f"{relationship.entity2}id": ids[relationship.entity2],
    }


def associate(
    writer: Writer, relationship: ManyToMany, target: tuple[str, str], related: tuple[str, str]
) -> None:
    """Link two rows through an N:N relationship: ``target`` is the record the request names,
    ``related`` the one it links, each as (entity, id). The link checks run first."""
    conn = writer.conn
    writer.check_link(relationship, "associate", target, related)
    writer.touched.add(relationship.schema_name)
    intersect = tables().intersects[relationship.schema_name]
    values = _link_ids(relationship, target, related)
    try:
        conn.execute(insert(intersect).values(values))
    except IntegrityError:
        raise DuplicateRecord("Cannot insert duplicate key.") from None


def disassociate(
    writer: Writer, relationship: ManyToMany, target: tuple[str, str], related: tuple[str, str]
) -> bool:
    """Remove an N:N link (as ``associate`` names its records); False when there was none."""
    conn = writer.conn
    writer.touched.add(relationship.schema_name)
    intersect = tables().intersects[relationship.schema_name]
    values = _link_ids(relationship, target, related)
    if conn.execute(select(intersect).filter_by(**values).limit(1)).first() is None:
        return False
    writer.check_link(relationship, "disassociate", target, related)
    result = conn.execute(delete(intersect).filter_by(**values))
    return bool(result.rowcount)
