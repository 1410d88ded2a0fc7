"""``RetrieveUserPrivileges``: the privileges a user holds, as Dataverse lists them.

``GET systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges`` answers a
``RetrieveUserPrivilegesResponse``: ``RolePrivileges``, one ``RolePrivilege`` per privilege the
user holds (``Depth`` as a ``PrivilegeDepth`` name, ``PrivilegeId``, ``BusinessUnitId``,
``PrivilegeName``, ``RecordFilterId``, ``RecordFilterUniqueName``). A privilege from the user's
own roles comes at the widest depth those roles grant; one held only through a team's role comes
at ``Basic``, as Dataverse documents for this function. The caller needs Read on the user.
"""

from __future__ import annotations

from sqlalchemy import Connection, select
from starlette.responses import Response

from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.odata.serialize import json_response
from mock_server.schema.security_tables import BASIC, DEEP, GLOBAL, LOCAL
from mock_server.security.access import Access
from mock_server.store import records
from mock_server.store.tables import tables

RESPONSE_TYPE = "Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse"
# PrivilegeDepth names (the Web API's enum members) by depth mask, widest first.
DEPTH_NAMES = ((GLOBAL, "Global"), (DEEP, "Deep"), (LOCAL, "Local"), (BASIC, "Basic"))


def depth_name(mask: int) -> str:
    """The ``PrivilegeDepth`` of the widest depth in ``mask``."""
    return next(name for bit, name in DEPTH_NAMES if mask & bit)


def _masks(conn: Connection, roles: set[str]) -> dict[str, int]:
    """Privilege id -> the depth masks the roles grant it, OR-ed."""
    grants = tables()["roleprivileges"]
    masks: dict[str, int] = {}
    if roles:
        stmt = select(grants.c.privilegeid, grants.c.privilegedepthmask).where(grants.c.roleid.in_(roles))
        for privilege_id, mask in conn.execute(stmt):
            if mask:
                masks[str(privilege_id)] = masks.get(str(privilege_id), 0) | int(mask)
    return masks


def _roles(conn: Connection, user_id: str) -> tuple[set[str], set[str]]:
    """The roles the user holds directly, and those held through the user's teams."""
    t = tables()
    user_roles, team_roles = (
        t.intersects["systemuserroles_association"],
        t.intersects["teamroles_association"],
    )
    members = t.intersects["teammembership_association"]
    own = {
        str(r)
        for (r,) in conn.execute(select(user_roles.c.roleid).where(user_roles.c.systemuserid == user_id))
    }
    teams = select(members.c.teamid).where(members.c.systemuserid == user_id)
    inherited = {
        str(r) for (r,) in conn.execute(select(team_roles.c.roleid).where(team_roles.c.teamid.in_(teams)))
    }
    return own, inherited


def retrieve_user_privileges(call: Call, invocation: Invocation) -> Response:
    assert invocation.entity is not None and invocation.record_id is not None
    user = records.require_row(call.conn, invocation.entity, invocation.record_id)
    if isinstance(call.caller.policy, Access):
        call.caller.policy.check(call.conn, invocation.entity, user, "Read")
    own, inherited = _roles(call.conn, invocation.record_id)
    depths = {pid: "Basic" for pid in _masks(call.conn, inherited)}
    depths.update({pid: depth_name(mask) for pid, mask in _masks(call.conn, own).items()})
    privilege = tables()["privilege"]
    stmt = select(privilege.c.privilegeid, privilege.c.name).where(privilege.c.privilegeid.in_(depths))
    names = {str(pid): str(name) for pid, name in call.conn.execute(stmt)}
    listed = [
        {
            "Depth": depth,
            "PrivilegeId": privilege_id,
            "BusinessUnitId": user["businessunitid"],
            "PrivilegeName": names.get(privilege_id),
            "RecordFilterId": None,
            "RecordFilterUniqueName": None,
        }
        for privilege_id, depth in depths.items()
    ]
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#{RESPONSE_TYPE}",
            "RolePrivileges": sorted(listed, key=lambda p: str(p["PrivilegeName"])),
        }
    )


OPERATIONS = (
    Operation("RetrieveUserPrivileges", retrieve_user_privileges, bound_to="systemuser", is_function=True),
)
