"""The sales organisation: business units, positions, users with managers, teams and members.

Security scenarios need a believable hierarchy: a business-unit tree (root, regional children,
sales and service grandchildren), users spread over it whose managers sit in the same or the
parent business unit (as manager hierarchy security requires), a position tree for position
hierarchy security, a default owner team per business unit, extra owner teams and access teams,
and team memberships. The principals built here are the owners of every later row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_server.seed.choices import default_pair
from mock_server.seed.context import Principal, SeedContext
from mock_server.seed.plan import GRANDCHILDREN_PER_CHILD, Plan
from mock_server.seed.reference import (
    ORGANIZATION_DOMAIN,
    ORGANIZATION_NAME,
    ROOT_BUSINESS_UNIT_ID,
    Reference,
    new_guid,
)

REGIONS = ("North America", "Europe", "Asia Pacific", "Latin America", "Middle East", "Africa", "Nordics")
DIVISIONS = ("Sales", "Service")
POSITION_TITLES = (
    "Chief Executive Officer",
    "Vice President",
    "Director",
    "Manager",
    "Team Lead",
    "Representative",
)
POSITION_AREAS = ("Sales", "Service", "Marketing", "Operations")
HEAD_TITLES = ("Sales Manager", "Service Manager", "Regional Director")
STAFF_TITLES = (
    "Account Executive",
    "Sales Representative",
    "Customer Service Representative",
    "Inside Sales Specialist",
    "Solutions Consultant",
    "Field Technician",
)
TEAM_FOCUS = (
    "Key Accounts",
    "Renewals",
    "Enterprise Deals",
    "Field Service",
    "Partner Sales",
    "Inside Sales",
)
DISABLED_SHARE = 0.03


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    parent: str | None


def _unique_name(name: str, seen: dict[str, int]) -> str:
    """``name``, or ``name 2``, ``name 3``... when it was used before."""
    n = seen.get(name.lower(), 0) + 1
    seen[name.lower()] = n
    return name if n == 1 else f"{name} {n}"


def _units(ctx: SeedContext, plan: Plan) -> list[Unit]:
    units = [Unit(ROOT_BUSINESS_UNIT_ID, ORGANIZATION_NAME, None)]
    seen: dict[str, int] = {ORGANIZATION_NAME.lower(): 1}
    children: list[Unit] = []
    for i in range(plan.child_units):
        region = REGIONS[i] if i < len(REGIONS) else ctx.rng.choice(ctx.pools.places).city
        name = _unique_name(f"{ORGANIZATION_NAME} {region}", seen)
        children.append(_unit(ctx, name, ROOT_BUSINESS_UNIT_ID, region))
    grandchildren = [
        _unit(
            ctx,
            _unique_name(f"{child.name} {DIVISIONS[k % len(DIVISIONS)]}", seen),
            child.id,
            DIVISIONS[k % len(DIVISIONS)],
        )
        for child in children
        for k in range(GRANDCHILDREN_PER_CHILD)
    ]
    return units + children + grandchildren


def _unit(ctx: SeedContext, name: str, parent: str, division: str) -> Unit:
    row = ctx.record("businessunit")
    row.update(
        name=name,
        parentbusinessunitid=parent,
        divisionname=division,
        websiteurl=f"https://www.{ORGANIZATION_DOMAIN}",
        isdisabled=False,
    )
    ctx.emit("businessunit", row)
    return Unit(row["businessunitid"], name, parent)


def _positions(ctx: SeedContext, plan: Plan) -> list[tuple[str, int]]:
    """A position tree, three reports per position: (id, depth) in creation order."""
    positions: list[tuple[str, int]] = []
    areas: list[str] = []
    names: list[str] = []
    seen: dict[str, int] = {}
    state, status = default_pair("position")
    for i in range(plan.positions):
        parent = (i - 1) // 3 if i else None
        depth = positions[parent][1] + 1 if parent is not None else 0
        if parent is None:
            area = ""
        elif depth == 1:
            area = POSITION_AREAS[(i - 1) % len(POSITION_AREAS)]
        else:
            area = areas[parent]
        title = POSITION_TITLES[min(depth, len(POSITION_TITLES) - 1)]
        name = _unique_name(f"{area} {title}".strip(), seen)
        row = ctx.record("position")
        if parent is None:
            parent_id, description = None, "Top of the hierarchy."
        else:
            parent_id, description = positions[parent][0], f"Reports to {names[parent]}."
        row.update(
            name=name, parentpositionid=parent_id, description=description, statecode=state, statuscode=status
        )
        ctx.emit("position", row)
        positions.append((row["positionid"], depth))
        areas.append(area)
        names.append(name)
    return positions


def _email_name(first: str, last: str, seen: dict[str, int]) -> str:
    stem = re.sub(r"[^a-z0-9.]", "", f"{first}.{last}".lower())
    n = seen.get(stem, 0) + 1
    seen[stem] = n
    return f"{stem}{n if n > 1 else ''}@{ORGANIZATION_DOMAIN}"


def _users(
    ctx: SeedContext, plan: Plan, units: list[Unit], reference: Reference, positions: list[tuple[str, int]]
) -> list[Principal]:
    rng = ctx.rng
    below_root = units[1:]
    weights = [1.0 if u.parent == ROOT_BUSINESS_UNIT_ID else 3.0 for u in below_root]
    homes = [
        below_root[k] if k < len(below_root) else rng.choices(below_root, weights)[0]
        for k in range(plan.users - 1)
    ]
    head: dict[str, str] = {ROOT_BUSINESS_UNIT_ID: reference.admin.id}
    by_unit: dict[str, list[str]] = {}
    senior = [p for p, depth in positions if depth <= 2]
    junior = [p for p, depth in positions if depth > 2] or senior
    users = [reference.admin]
    seen: dict[str, int] = {"admin": 1}
    parent_of = {u.id: u.parent for u in units}
    for unit in homes:
        row = ctx.record("systemuser")
        user_id = row["systemuserid"]
        is_head = unit.id not in head
        if is_head:
            head[unit.id] = user_id
            manager_unit = parent_of[unit.id]
            while manager_unit is not None and manager_unit not in head:
                manager_unit = parent_of[manager_unit]
            manager = head[manager_unit or ROOT_BUSINESS_UNIT_ID]
        else:
            peers = by_unit[unit.id]
            manager = rng.choice(peers) if rng.random() < 0.3 else head[unit.id]
        first, last = ctx.person()
        email = _email_name(first, last, seen)
        disabled = not is_head and rng.random() < DISABLED_SHARE
        row.update(
            firstname=first,
            lastname=last,
            domainname=email,
            internalemailaddress=email,
            title=rng.choice(HEAD_TITLES if is_head else STAFF_TITLES),
            azureactivedirectoryobjectid=new_guid(ctx),
            businessunitid=unit.id,
            parentsystemuserid=manager,
            positionid=rng.choice(senior if is_head else junior) if positions else None,
            isdisabled=disabled,
        )
        ctx.emit("systemuser", row)
        by_unit.setdefault(unit.id, []).append(user_id)
        principal = Principal(user_id, "systemuser", unit.id, row["fullname"], email)
        users.append(principal)
        if not disabled:
            ctx.users.append(principal)
            ctx.creators.append(user_id)
    return users


def _team(ctx: SeedContext, name: str, unit: Unit, kind: int, default: bool, admin: str) -> Principal:
    row = ctx.record("team")
    row.update(
        name=name,
        teamtype=kind,
        businessunitid=unit.id,
        administratorid=admin,
        isdefault=default,
        description=f"Default team of {unit.name}." if default else ctx.sentence(),
    )
    ctx.emit("team", row)
    return Principal(row["teamid"], "team", unit.id, name)


def seed_organization(ctx: SeedContext, plan: Plan, reference: Reference) -> None:
    """Business units, positions, users, teams and memberships; fills ``ctx.users`` and ``ctx.teams``."""
    rng = ctx.rng
    units = _units(ctx, plan)
    positions = _positions(ctx, plan)
    users = _users(ctx, plan, units, reference, positions)
    members: dict[str, dict[str, None]] = {}  # team id -> user ids, in insertion order

    head = {}
    for user in reversed(users):  # the first user of a unit is its head
        head[user.business_unit] = user.id
    seen: dict[str, int] = {u.name.lower(): 1 for u in units}
    default_team = {}
    for unit in units:
        team = _team(ctx, unit.name, unit, 0, True, head.get(unit.id, reference.admin.id))
        default_team[unit.id] = team.id
        members[team.id] = {}
        if unit.parent is not None:
            ctx.teams.append(team)
    for user in users:
        members[default_team[user.business_unit]][user.id] = None

    below_root = units[1:]
    for _ in range(plan.owner_teams):
        unit = rng.choice(below_root)
        team = _team(
            ctx,
            _unique_name(f"{unit.name} {rng.choice(TEAM_FOCUS)}", seen),
            unit,
            0,
            False,
            head.get(unit.id, reference.admin.id),
        )
        ctx.teams.append(team)
        local = [u.id for u in users if u.business_unit == unit.id]
        members[team.id] = dict.fromkeys(rng.sample(local, min(len(local), rng.randint(3, 8))))
    for _ in range(plan.access_teams):
        unit = rng.choice(below_root)
        company = rng.choice(ctx.pools.companies).name
        team = _team(ctx, _unique_name(f"{company} Deal Team", seen), unit, 1, False, ctx.user().id)
        members[team.id] = dict.fromkeys(
            u.id for u in rng.sample(ctx.users, min(len(ctx.users), rng.randint(2, 5)))
        )
    for team_id, user_ids in members.items():
        for user_id in user_ids:
            ctx.associate("teammembership", {"systemuserid": user_id, "teamid": team_id})
