"""The write check: privileges and access on every create, update, delete and assign.

Dataverse checks the privilege first (does any role grant ``prv<Verb><Table>`` at some depth?)
and then access (does that depth, or a share, reach this row?). Setting a lookup also needs
Append on the row's table and AppendTo on the target's; an N:N link needs AppendTo on the record
the request names and Append on the one it links (``check_link``). Refusing raises before the
store writes, and the request's transaction (or the ``$batch`` change set) rolls back everything
before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mock_server.errors import DataverseError, Forbidden, InvalidArgument
from mock_server.schema import Entity, ManyToMany
from mock_server.security.access import Access, entity_named, secured_by_id
from mock_server.store.records import require_row
from mock_server.store.tables import tables

if TYPE_CHECKING:
    from mock_server.store.records import Writer

Row = dict[str, Any]
# Columns the platform fills in; setting them is not an Append.
_SYSTEM_LOOKUPS = {"ownerid", "owninguser", "owningteam", "owningbusinessunit", "createdby", "modifiedby"}


class AttributePermissionDenied(Forbidden):
    """AttributePrivilegeCreateIsMissing / AttributePermissionUpdateIsMissingDuringUpdate."""

    def __init__(self, user_id: str, entity: Entity, column: str, verb: str) -> None:
        name = (
            "AttributePrivilegeCreateIsMissing"
            if verb == "Create"
            else ("AttributePermissionUpdateIsMissingDuringUpdate")
        )
        super().__init__(
            f"{name}: the user {user_id} does not have {verb.lower()} permission on the secured column "
            f"'{column}' of entity '{entity.logical_name}'. A field security profile must allow it."
        )


class AlreadyShared(DataverseError):
    """Field sharing: the column of that row is already shared with that principal."""

    status = 400
    code = "0x8004f50b"


def _check_field_share(writer: Writer, operation: str, current: Row | None, new: Row) -> None:
    """A field share names a secured column of the row it shares, once per principal; the
    sharer needs Share access to the row. The column, row and principal never change."""
    conn = writer.conn
    if current is not None:
        fixed = ("attributeid", "objectid", "principalid")
        if operation == "update" and any(new.get(k) != current.get(k) for k in fixed):
            raise InvalidArgument("attributeid, objectid and principalid of a field share cannot be changed.")
    target = entity_named(str(new.get("objectid__target") or "account"))
    column = secured_by_id().get(str(new.get("attributeid") or "").lower())
    if column is None or column[0] != target.logical_name:
        raise InvalidArgument(
            f"The attribute with id '{new.get('attributeid')}' is not a secured attribute of entity "
            f"'{target.logical_name}'; only secured attributes can be shared."
        )
    row = require_row(conn, target, str(new["objectid"]))
    access = writer.caller.policy
    if isinstance(access, Access):
        access.check(conn, target, row, "Share")
    if operation == "create":
        shares = tables()["principalobjectattributeaccess"]
        same = select(shares.c.principalobjectattributeaccessid).where(
            shares.c.attributeid == new["attributeid"],
            shares.c.objectid == new["objectid"],
            shares.c.principalid == new["principalid"],
        )
        if conn.execute(same.limit(1)).first() is not None:
            raise AlreadyShared(
                f"The attribute '{column[1]}' of {target.logical_name} {new['objectid']} is already shared "
                f"with principal {new['principalid']}."
            )


def check_write(writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row) -> None:
    if entity.logical_name == "principalobjectattributeaccess":
        _check_field_share(writer, operation, current, new)
    access = writer.caller.policy
    if not isinstance(access, Access):
        return
    conn = writer.conn
    if operation == "create":
        access.check(conn, entity, new, "Create")
    elif operation == "delete":
        access.check(conn, entity, new, "Delete")
        return
    else:
        assert current is not None
        access.check(conn, entity, current, "Write")
        if new.get("ownerid") != current.get("ownerid"):
            access.check(conn, entity, current, "Assign")
    _check_appends(access, entity, current or {}, new)
    _check_secured(access, entity, current, new)


def _check_secured(access: Access, entity: Entity, current: Row | None, new: Row) -> None:
    """Field security: a secured value may be set only where a profile allows it."""
    verb = "Create" if current is None else "Update"
    for attribute in entity.attributes:
        if not attribute.is_secured:
            continue
        name = attribute.logical_name
        changed = new.get(name) is not None if current is None else new.get(name) != current.get(name)
        if changed and not access.may_set(entity, name, verb, str(new.get(entity.primary_id))):
            raise AttributePermissionDenied(access.user_id, entity, name, verb)


def _check_appends(access: Access, entity: Entity, current: Row, new: Row) -> None:
    for attribute in entity.lookups:
        name = attribute.logical_name
        if name in _SYSTEM_LOOKUPS or new.get(name) is None or new.get(name) == current.get(name):
            continue
        access.require(entity, "Append")
        target = new.get(attribute.target_column) if attribute.is_polymorphic else None
        access.require(entity_named(target or attribute.targets[0].entity), "AppendTo")


# N:N links that change someone's access, and the privileges linking or unlinking them takes
# (instead of Append and AppendTo).
GUARDED_LINKS = {
    "systemuserroles_association": (("role", "Assign"), ("systemuser", "Write")),
    "teamroles_association": (("role", "Assign"), ("team", "Write")),
    "systemuserprofiles_association": (("fieldsecurityprofile", "Write"), ("systemuser", "Write")),
    "teamprofiles_association": (("fieldsecurityprofile", "Write"), ("team", "Write")),
}


def check_link(
    writer: Writer,
    relationship: ManyToMany,
    _operation: str,
    target: tuple[str, str],
    related: tuple[str, str],
) -> None:
    """An N:N associate or disassociate: AppendTo on the record the request names and Append on
    the record it links, each as a privilege and as access to that row (a share with the right
    counts). Links of roles and field security profiles take their own privileges instead."""
    access = writer.caller.policy
    if not isinstance(access, Access):
        return
    if relationship.schema_name in GUARDED_LINKS:
        for name, verb in GUARDED_LINKS[relationship.schema_name]:
            access.require(entity_named(name), verb)
        return
    for (side, row_id), verb in ((target, "AppendTo"), (related, "Append")):
        entity = entity_named(side)
        access.require(entity, verb)
        access.check(writer.conn, entity, require_row(writer.conn, entity, row_id), verb)
