"""Sharing: ``GrantAccess``, ``ModifyAccess`` and ``RevokeAccess`` write ``principalobjectaccess``.

A share gives one user or team access rights on one row (``accessrightsmask``, the AccessRights
bits). Reads and writes consult the shares in SQL, so a grant or revoke applies to the next
request. Sharing needs the Share privilege reaching the row, as in Dataverse.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from starlette.responses import Response

from mock_server.errors import BadRequest
from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.schema import Entity, schema
from mock_server.security.access import Access
from mock_server.security.history import remember_share
from mock_server.security.privileges import parse_mask
from mock_server.store import records
from mock_server.store.records import Writer
from mock_server.store.tables import tables

PRINCIPALS = ("systemuser", "team")


def _record(value: Any, what: str, allowed: tuple[str, ...] | None = None) -> tuple[Entity, str]:
    """The (entity, id) of an entity reference ``{"<pk>": id, "@odata.type": "...<name>"}``."""
    if not isinstance(value, dict):
        raise BadRequest(f"'{what}' must be an entity reference with '@odata.type' and its id.")
    name = str(value.get("@odata.type", "")).lstrip("#").removeprefix("Microsoft.Dynamics.CRM.")
    entity = schema().entity(name)
    if entity is None or (allowed is not None and name not in allowed):
        raise BadRequest(f"'{what}' has an unknown or unsupported '@odata.type': '{name}'.")
    row_id = value.get(entity.primary_id)
    if not isinstance(row_id, str):
        raise BadRequest(f"'{what}' needs its '{entity.primary_id}'.")
    return entity, row_id.lower()


def _system(writer: Writer) -> Writer:
    """The same writer (connection, touched tables) acting without security: the platform itself
    maintains the share table once the caller's Share access has been checked."""
    return replace(writer, caller=replace(writer.caller, policy=None), checks=())


def _authorize(call: Call, entity: Entity, row_id: str) -> None:
    row = records.require_row(call.conn, entity, row_id)
    if isinstance(call.caller.policy, Access):
        call.caller.policy.check(call.conn, entity, row, "Share")


def _touch(writer: Writer, entity: Entity, row_id: str) -> None:
    """Give the shared row a new version (and nothing else), so change tracking sends it again:
    to a principal who may now read it, and as removed to one who may no longer."""
    version = writer.new_version()
    writer.touched.add(entity.logical_name)
    names = [entity.logical_name] + (["activitypointer"] if entity.is_activity else [])
    for name in names:
        table = tables()[name]
        key = table.c[entity.primary_id]
        writer.conn.execute(update(table).where(key == row_id).values(versionnumber=version))


def _existing(call: Call, target: str, principal: str) -> str | None:
    poa = tables()["principalobjectaccess"]
    found = call.conn.execute(
        select(poa.c.principalobjectaccessid).where(poa.c.objectid == target, poa.c.principalid == principal)
    ).first()
    return None if found is None else str(found[0])


def _share(call: Call, invocation: Invocation, *, modify: bool) -> Response:
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("PrincipalAccess"), dict):
        raise BadRequest(f"{invocation.segment.name} needs 'Target' and 'PrincipalAccess'.")
    entity, row_id = _record(body.get("Target"), "Target")
    access = body["PrincipalAccess"]
    principal, principal_id = _record(access.get("Principal"), "PrincipalAccess.Principal", PRINCIPALS)
    records.require_row(call.conn, principal, principal_id)
    mask = parse_mask(str(access.get("AccessMask", "")))
    _authorize(call, entity, row_id)
    poa = schema().entity("principalobjectaccess")
    assert poa is not None
    writer = _system(call.writer)
    existing = _existing(call, row_id, principal_id)
    remember_share(writer, entity, row_id)
    if existing is None:
        records.insert_record(
            writer,
            poa,
            {
                "objectid": row_id,
                "objecttypecode": entity.logical_name,
                "principalid": principal_id,
                "principaltypecode": principal.logical_name,
                "accessrightsmask": mask,
            },
        )
    else:
        current = records.require_row(call.conn, poa, existing)
        combined = mask if modify else (current["accessrightsmask"] or 0) | mask
        records.update_record(writer, poa, existing, {"accessrightsmask": combined})
    _touch(writer, entity, row_id)
    return Response(status_code=204, headers={"OData-Version": "4.0"})


def grant_access(call: Call, invocation: Invocation) -> Response:
    return _share(call, invocation, modify=False)


def modify_access(call: Call, invocation: Invocation) -> Response:
    return _share(call, invocation, modify=True)


def revoke_access(call: Call, invocation: Invocation) -> Response:
    body = call.json()
    if not isinstance(body, dict):
        raise BadRequest("RevokeAccess needs 'Target' and 'Revokee'.")
    entity, row_id = _record(body.get("Target"), "Target")
    _, principal_id = _record(body.get("Revokee"), "Revokee", PRINCIPALS)
    _authorize(call, entity, row_id)
    existing = _existing(call, row_id, principal_id)
    if existing is not None:
        poa = schema().entity("principalobjectaccess")
        assert poa is not None
        remember_share(call.writer, entity, row_id)
        records.delete_record(_system(call.writer), poa, existing)
        _touch(call.writer, entity, row_id)
    return Response(status_code=204, headers={"OData-Version": "4.0"})


OPERATIONS = (
    Operation("GrantAccess", grant_access),
    Operation("ModifyAccess", modify_access),
    Operation("RevokeAccess", revoke_access),
)
