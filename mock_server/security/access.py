"""``Access``: what one user may do, read once per identity and kept on the ``Caller``.

Effective access is the union over the user's roles and the roles of the user's teams: for each
(table, verb) the depth mask of every granting role privilege OR-ed together. ``restrict`` turns
the Read depth into one SQL condition (or none at Organization depth, so a System Administrator's
queries carry no extra predicate); ``reaches`` answers the same question for one row on writes.
Shares (``principalobjectaccess``) are read inside the SQL, so a grant applies at once without
invalidating anything. Manager hierarchy security adds the reports' rows; field security lists
the secured columns a user may not read (``hidden``) or set (``may_set``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select

from mock_server.errors import AccessDenied, PrivilegeDenied
from mock_server.schema import Entity, Ownership, schema
from mock_server.schema.model import metadata_id
from mock_server.schema.security_tables import ALLOWED, DEEP, GLOBAL, LOCAL
from mock_server.security.privileges import ACCESS_RIGHTS, by_name, privilege_name
from mock_server.store.tables import tables

Row = dict[str, Any]
SYSTEM_ADMINISTRATOR = "System Administrator"  # the role whose holders bypass field security


HIERARCHY_WRITE = ("Read", "Write", "Append", "AppendTo")
DEFAULT_HIERARCHY_DEPTH = 3
POSITION_MODEL = 1  # organization.hierarchicalsecuritymodel: 0 Manager, 1 Position


@cache
def _secured(entity: Entity) -> frozenset[str]:
    return frozenset(a.logical_name for a in entity.attributes if a.is_secured)


def _highest(mask: int) -> int:
    """The widest depth a mask grants (masks from several roles are OR-ed)."""
    for depth in (GLOBAL, DEEP, LOCAL):
        if mask & depth:
            return depth
    return mask


@dataclass(frozen=True, eq=False)  # identity equality: a new Access is loaded when roles change
class Access:
    """A user's effective privileges: (entity, verb) -> widest depth, and where the user sits."""

    user_id: str
    business_unit_id: str
    principals: tuple[str, ...]  # the user and the user's teams: owners and share principals
    subtree: tuple[str, ...]  # the user's business unit and every unit below it
    depths: dict[tuple[str, str], int]
    role_count: int
    privilege_ids: dict[str, str] = field(repr=False)  # every privilege's name -> id
    # Hierarchy security: direct reports and their teams (read and write), deeper ones (read).
    direct_reports: tuple[str, ...] = ()
    deeper_reports: tuple[str, ...] = ()
    # Field security: (entity, column) -> the verbs ("Read", "Create", "Update") a profile allows.
    # A System Administrator reads and writes every secured column.
    is_administrator: bool = False
    field_rights: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # Field sharing: (entity, column) -> the rows shared with the user or the user's teams for
    # reading, and for updating.
    field_shares: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    # Built conditions by entity: a retrieve asks for one on every request.
    _conditions: dict[str, ColumnElement[bool] | None] = field(default_factory=dict, repr=False)

    def hidden(self, entity: Entity) -> frozenset[str]:
        """The secured columns of ``entity`` the user may not read: they read as null."""
        if self.is_administrator:
            return frozenset()
        return _secured(entity) - {
            name
            for name in _secured(entity)
            if "Read" in self.field_rights.get((entity.logical_name, name), ())
        }

    def field_shared(self, entity: Entity) -> dict[str, frozenset[str]]:
        """The hidden columns of ``entity`` shared with the user on some rows, and those rows."""
        hidden = self.hidden(entity)
        return {
            column: rows[0]
            for (name, column), rows in self.field_shares.items()
            if name == entity.logical_name and column in hidden and rows[0]
        }

    def may_set(self, entity: Entity, column: str, verb: str, row_id: str | None = None) -> bool:
        """Whether a profile lets the user set ``column`` (``verb``: Create or Update), or, for
        an update of row ``row_id``, the column of that row is shared with the user to update."""
        if self.is_administrator or verb in self.field_rights.get((entity.logical_name, column), ()):
            return True
        shared = self.field_shares.get((entity.logical_name, column))
        return verb == "Update" and shared is not None and row_id in shared[1]

    @property
    def privilege_count(self) -> int:
        return len(self.depths)

    def depth(self, entity: Entity, verb: str) -> int:
        return self.depths.get((entity.logical_name, verb), 0)

    def require(self, entity: Entity, verb: str) -> int:
        """The depth of a privilege the user holds; PrivilegeDenied when no role grants it."""
        depth = self.depth(entity, verb)
        if not depth:
            name = privilege_name(entity, verb)
            raise PrivilegeDenied(
                self.user_id,
                self.role_count,
                self.privilege_count,
                name,
                self.privilege_ids.get(name, "00000000-0000-0000-0000-000000000000"),
                entity.object_type_code,
                entity.logical_name,
            )
        return depth

    # Reads: one condition for a whole query.

    def restrict(self, entity: Entity) -> ColumnElement[bool] | None:
        """The rows of ``entity`` the user may read, as a condition; None when all of them."""
        depth = self.require(entity, "Read")
        if depth == GLOBAL or entity.ownership is not Ownership.USER:
            return None  # organization-owned and child tables have Organization depth only
        if entity.logical_name not in self._conditions:
            self._conditions[entity.logical_name] = self._condition(entity, depth)
        return self._conditions[entity.logical_name]

    def _condition(self, entity: Entity, depth: int) -> ColumnElement[bool]:
        table = tables()[entity.logical_name]
        reach: list[ColumnElement[bool]] = [
            table.c.ownerid.in_((*self.principals, *self.direct_reports, *self.deeper_reports))
        ]
        if depth == LOCAL:
            reach.append(table.c.owningbusinessunit == self.business_unit_id)
        elif depth == DEEP:
            reach.append(table.c.owningbusinessunit.in_(self.subtree))
        shared = self._shared(entity, ACCESS_RIGHTS["Read"])
        reach.append(table.c[entity.primary_id].in_(shared))
        return or_(*reach)

    def _shared(self, entity: Entity, right: int, verb: str = "Read") -> Any:
        """Rows of ``entity`` shared with ``right`` to the user, the user's teams, or (through
        hierarchy security) the reports and their teams: direct ones for reading and writing,
        deeper ones for reading."""
        principals = (*self.principals, *self.direct_reports)
        if verb == "Read":
            principals += self.deeper_reports
        elif verb not in HIERARCHY_WRITE:
            principals = self.principals
        poa = tables()["principalobjectaccess"]
        return select(poa.c.objectid).where(
            poa.c.objecttypecode == entity.logical_name,
            poa.c.principalid.in_(principals),
            poa.c.accessrightsmask.op("&")(right) != 0,
        )

    # Earlier access (change tracking: security/history.py).

    def reading(self) -> dict[str, Any]:
        """What decides which rows the user may read, as plain data: compared to notice a
        change, and kept to rebuild the earlier access (``from_reading``)."""
        return {
            "unit": self.business_unit_id,
            "principals": list(self.principals),
            "subtree": list(self.subtree),
            "direct": list(self.direct_reports),
            "deeper": list(self.deeper_reports),
            "read": {
                entity: depth for (entity, verb), depth in sorted(self.depths.items()) if verb == "Read"
            },
        }

    @classmethod
    def from_reading(cls, now: Access, reading: dict[str, Any]) -> Access:
        """The access ``reading`` describes, for the user of ``now`` (reads only)."""
        return cls(
            user_id=now.user_id,
            business_unit_id=reading["unit"],
            principals=tuple(reading["principals"]),
            subtree=tuple(reading["subtree"]),
            depths={(entity, "Read"): depth for entity, depth in reading["read"].items()},
            role_count=now.role_count,
            privilege_ids=now.privilege_ids,
            direct_reports=tuple(reading["direct"]),
            deeper_reports=tuple(reading["deeper"]),
        )

    def as_of(self, conn: Connection, version: int) -> Access:
        """The access this user had at ``version``: the first one kept after it (history.py)."""
        history = tables().access_history
        kept = conn.execute(
            select(history.c.access)
            .where(history.c.userid == self.user_id, history.c.versionnumber > version)
            .order_by(history.c.versionnumber)
            .limit(1)
        ).scalar()
        if kept is None:
            return self
        reading = json.loads(kept)
        return self if reading == self.reading() else Access.from_reading(self, reading)

    def read_at(
        self, conn: Connection, entity: Entity, rows: list[Row], version: int, *, deleted: bool = False
    ) -> set[str]:
        """The ids of ``rows`` (as they are now) this access could read at ``version``, with
        each row's owner, business unit and read shares of that time (history.py). ``deleted``
        rows are only ids: one without a kept state (a cascaded delete) counts as readable."""
        ids = [str(r[entity.primary_id]) for r in rows]
        history = tables().row_history
        then: dict[str, tuple[str | None, str | None, frozenset[str]] | None] = {}
        stmt = (
            select(history)
            .where(
                history.c.entity == entity.logical_name,
                history.c.id.in_(ids),
                history.c.versionnumber > version,
            )
            .order_by(history.c.versionnumber)
        )
        for entry in conn.execute(stmt):
            if entry.id not in then:
                readers = frozenset(filter(None, entry.readers.split(",")))
                then[entry.id] = (entry.ownerid, entry.owningbusinessunit, readers) if entry.existed else None
        readable = {i for i, state in then.items() if state is not None and self.could_read(entity, *state)}
        unknown = [r for r in rows if str(r[entity.primary_id]) not in then]
        if deleted:
            return readable | {str(r[entity.primary_id]) for r in unknown}
        shared = shared_for_reading(conn, entity, [str(r[entity.primary_id]) for r in unknown])
        for row in unknown:
            row_id = str(row[entity.primary_id])
            if self.could_read(
                entity, row.get("ownerid"), row.get("owningbusinessunit"), frozenset(shared[row_id])
            ):
                readable.add(row_id)
        return readable

    def could_read(
        self, entity: Entity, owner: str | None, unit: str | None, readers: frozenset[str]
    ) -> bool:
        """Whether a row with this owner, business unit and read shares is in the user's reach
        (``reaches`` for Read, with the shares given instead of read from the database)."""
        depth = self.depth(entity, "Read")
        if not depth:
            return False
        if depth == GLOBAL or entity.ownership is not Ownership.USER:
            return True
        everyone = {*self.principals, *self.direct_reports, *self.deeper_reports}
        if owner in everyone or readers & everyone:
            return True
        return (depth == LOCAL and unit == self.business_unit_id) or (depth == DEEP and unit in self.subtree)

    # Writes and single rows.

    def reaches(self, conn: Connection, entity: Entity, row: Row, verb: str) -> bool:
        """Whether the user's ``verb`` privilege (or a share) covers ``row``."""
        depth = self.require(entity, verb)
        if depth == GLOBAL or entity.ownership is not Ownership.USER:
            return True
        owner = row.get("ownerid")
        if owner in self.principals:
            return True
        if (owner in self.direct_reports and verb in HIERARCHY_WRITE) or (
            owner in self.deeper_reports and verb == "Read"
        ):
            return True
        unit = row.get("owningbusinessunit")
        if (depth == LOCAL and unit == self.business_unit_id) or (depth == DEEP and unit in self.subtree):
            return True
        if verb == "Create":
            return False
        shared = self._shared(entity, ACCESS_RIGHTS[verb], verb).where(
            tables()["principalobjectaccess"].c.objectid == row.get(entity.primary_id)
        )
        return conn.execute(shared.limit(1)).first() is not None

    def refuse(self, entity: Entity, row: Row, verb: str) -> AccessDenied:
        return AccessDenied(
            self.user_id,
            str(row.get(entity.primary_id)),
            row.get("ownerid"),
            entity.object_type_code,
            row.get("owningbusinessunit"),
            f"{verb}Access",
        )

    def check(self, conn: Connection, entity: Entity, row: Row, verb: str) -> None:
        if not self.reaches(conn, entity, row, verb):
            raise self.refuse(entity, row, verb)


def load_access(conn: Connection, user_id: str, business_unit_id: str, team_ids: tuple[str, ...]) -> Access:
    """Read a user's roles, their teams' roles and the privileges those roles grant."""
    t = tables()
    user_roles, team_roles = (
        t.intersects["systemuserroles_association"],
        t.intersects["teamroles_association"],
    )
    roles = {
        r for (r,) in conn.execute(select(user_roles.c.roleid).where(user_roles.c.systemuserid == user_id))
    }
    if team_ids:
        roles |= {
            r for (r,) in conn.execute(select(team_roles.c.roleid).where(team_roles.c.teamid.in_(team_ids)))
        }
    privilege, grants = t["privilege"], t["roleprivileges"]
    ids = {name: pid for pid, name in conn.execute(select(privilege.c.privilegeid, privilege.c.name))}
    names = {pid: name for name, pid in ids.items()}
    masks: dict[tuple[str, str], int] = {}
    if roles:
        stmt = select(grants.c.privilegeid, grants.c.privilegedepthmask).where(grants.c.roleid.in_(roles))
        known = by_name()
        for pid, mask in conn.execute(stmt):
            key = known.get(names.get(pid, ""))
            if key is not None and mask:
                masks[key] = masks.get(key, 0) | int(mask)
    direct, deeper = (_with_teams(conn, users) for users in _reports(conn, user_id))
    role_names = t["role"]
    administrator = bool(roles) and (
        conn.execute(
            select(role_names.c.roleid).where(
                role_names.c.roleid.in_(roles), role_names.c.name == SYSTEM_ADMINISTRATOR
            )
        ).first()
        is not None
    )
    return Access(
        user_id=user_id,
        business_unit_id=business_unit_id,
        principals=(user_id, *team_ids),
        subtree=_subtree(conn, business_unit_id),
        depths={key: _highest(mask) for key, mask in masks.items()},
        role_count=len(roles),
        privilege_ids=ids,
        direct_reports=direct,
        deeper_reports=deeper,
        is_administrator=administrator,
        field_rights=_field_rights(conn, user_id, team_ids),
        field_shares=_field_shares(conn, (user_id, *team_ids)),
    )


def _field_rights(
    conn: Connection, user_id: str, team_ids: tuple[str, ...]
) -> dict[tuple[str, str], frozenset[str]]:
    """What the field security profiles of the user and the user's teams allow, column by column."""
    t = tables()
    users, teams = t.intersects["systemuserprofiles_association"], t.intersects["teamprofiles_association"]
    profiles = {
        p
        for (p,) in conn.execute(
            select(users.c.fieldsecurityprofileid).where(users.c.systemuserid == user_id)
        )
    }
    if team_ids:
        profiles |= {
            p
            for (p,) in conn.execute(
                select(teams.c.fieldsecurityprofileid).where(teams.c.teamid.in_(team_ids))
            )
        }
    rights: dict[tuple[str, str], set[str]] = {}
    if profiles:
        permissions = t["fieldpermission"]
        stmt = select(
            permissions.c.entityname,
            permissions.c.attributelogicalname,
            permissions.c.canread,
            permissions.c.cancreate,
            permissions.c.canupdate,
        ).where(permissions.c.fieldsecurityprofileid.in_(profiles))
        for entity, column, read, create, update in conn.execute(stmt):
            allowed = rights.setdefault((entity, column), set())
            for verb, value in (("Read", read), ("Create", create), ("Update", update)):
                if value == ALLOWED:
                    allowed.add(verb)
    return {key: frozenset(verbs) for key, verbs in rights.items()}


@cache
def secured_by_id() -> dict[str, tuple[str, str]]:
    """Every secured column's MetadataId (``principalobjectattributeaccess.attributeid``) ->
    (entity, column)."""
    return {
        metadata_id(e.logical_name, a.logical_name): (e.logical_name, a.logical_name)
        for e in schema().entities
        for a in e.attributes
        if a.is_secured
    }


def _field_shares(
    conn: Connection, principals: tuple[str, ...]
) -> dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]]:
    """The columns of single rows shared with these principals, for reading and for updating."""
    shares = tables()["principalobjectattributeaccess"]
    stmt = select(shares.c.attributeid, shares.c.objectid, shares.c.readaccess, shares.c.updateaccess).where(
        shares.c.principalid.in_(principals)
    )
    found: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for attribute_id, object_id, read, write in conn.execute(stmt):
        column = secured_by_id().get(str(attribute_id).lower())
        if column is None:
            continue
        rows = found.setdefault(column, (set(), set()))
        if read:
            rows[0].add(object_id)
        if write:
            rows[1].add(object_id)
    return {key: (frozenset(read), frozenset(write)) for key, (read, write) in found.items()}


def _reports(conn: Connection, manager: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The users below ``manager`` when hierarchy security is on: direct reports (one level
    down) and deeper ones, to the organization's depth. The manager model follows
    ``systemuser.parentsystemuserid``; the position model follows ``position.parentpositionid``
    from the user's position, and a level holds every user in the positions there."""
    org = tables()["organization"]
    settings = conn.execute(
        select(
            org.c.ishierarchicalsecuritymodelenabled,
            org.c.hierarchicalsecuritymodel,
            org.c.maximumdepthforhierarchysecuritymodel,
        ).limit(1)
    ).first()
    if settings is None or not settings[0]:
        return (), ()
    depth = settings[2] or DEFAULT_HIERARCHY_DEPTH
    users = tables()["systemuser"]
    if (settings[1] or 0) == POSITION_MODEL:
        positions = tables()["position"]
        below = _tree(conn.execute(select(positions.c.positionid, positions.c.parentpositionid)))
        start = conn.execute(select(users.c.positionid).where(users.c.systemuserid == manager)).scalar()
        if start is None:
            return (), ()
        holders: dict[str, list[str]] = {}
        for user, position in conn.execute(select(users.c.systemuserid, users.c.positionid)):
            if position is not None and user != manager:
                holders.setdefault(position, []).append(user)
        levels = [[u for p in level for u in holders.get(p, [])] for level in _levels(below, start, depth)]
    else:
        below = _tree(conn.execute(select(users.c.systemuserid, users.c.parentsystemuserid)))
        levels = _levels(below, manager, depth)
    if not levels:
        return (), ()
    return tuple(levels[0]), tuple(u for level in levels[1:] for u in level)


def _with_teams(conn: Connection, users: tuple[str, ...]) -> tuple[str, ...]:
    """Users and the teams they belong to: hierarchy security reaches the reports' team rows."""
    if not users:
        return ()
    members = tables().intersects["teammembership_association"]
    teams = conn.execute(select(members.c.teamid).where(members.c.systemuserid.in_(users)).distinct())
    return (*users, *sorted(t for (t,) in teams))


def _tree(pairs: Any) -> dict[str, list[str]]:
    """(node, parent) pairs as parent -> children."""
    children: dict[str, list[str]] = {}
    for node, parent in pairs:
        if parent is not None and node != parent:
            children.setdefault(parent, []).append(node)
    return children


def _levels(children: dict[str, list[str]], top: str, depth: int) -> list[list[str]]:
    """The nodes one, two, ... ``depth`` levels below ``top``."""
    levels: list[list[str]] = [children.get(top, [])]
    seen = {top, *levels[0]}
    while levels[-1] and len(levels) < depth:
        below = [c for n in levels[-1] for c in children.get(n, []) if c not in seen]
        seen.update(below)
        levels.append(below)
    return levels


def _subtree(conn: Connection, root: str) -> tuple[str, ...]:
    units = tables()["businessunit"]
    children: dict[str, list[str]] = {}
    for unit, parent in conn.execute(select(units.c.businessunitid, units.c.parentbusinessunitid)):
        children.setdefault(parent, []).append(unit)
    found, queue = [root], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return tuple(found)


def shared_for_reading(conn: Connection, entity: Entity, ids: list[str]) -> dict[str, set[str]]:
    """The principals each row of ``ids`` is shared with for reading, now."""
    poa = tables()["principalobjectaccess"]
    found: dict[str, set[str]] = {i: set() for i in ids}
    if ids:
        stmt = select(poa.c.objectid, poa.c.principalid).where(
            poa.c.objecttypecode == entity.logical_name,
            poa.c.objectid.in_(ids),
            poa.c.accessrightsmask.op("&")(ACCESS_RIGHTS["Read"]) != 0,
        )
        for object_id, principal in conn.execute(stmt):
            found[object_id].add(principal)
    return found


def entity_named(name: str) -> Entity:
    found = schema().entity(name)
    assert found is not None, name
    return found
