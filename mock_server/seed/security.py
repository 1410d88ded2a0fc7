"""Security seed: a privilege per table and verb, the standard roles, and who holds them.

Roles (all in the root business unit):

==========================  ===========================================================
System Administrator        every privilege at Organization depth
Salesperson                 User depth on the sales tables; Organization read (and
                            AppendTo) on reference data and settings; full access to
                            child tables (parties, attachments, competitor addresses)
Sales Manager               the sales tables at Parent: Child Business Units depth for
                            Read, Business Unit depth for the rest; reference as above
Read Only                   Read at Organization depth on every table, nothing else
==========================  ===========================================================

The administrator holds System Administrator. The other enabled users, in creation order,
cycle through Sales Manager, Salesperson, Salesperson, Read Only; the newest owner team and
every eighth before it hold Salesperson. Runs after every other generator, so it shifts no
earlier row's id or version.
"""

from __future__ import annotations

from mock_server.schema import schema
from mock_server.schema.security_tables import BASIC, DEEP, GLOBAL, LOCAL
from mock_server.security.access import SYSTEM_ADMINISTRATOR
from mock_server.security.privileges import ACCESS_RIGHTS, VERBS, privilege_name
from mock_server.seed.context import SeedContext
from mock_server.seed.reference import ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID

SALESPERSON = "Salesperson"
SALES_MANAGER = "Sales Manager"
READ_ONLY = "Read Only"

SALES = (
    "account",
    "contact",
    "lead",
    "opportunity",
    "opportunityproduct",
    "incident",
    "connection",
    "activitypointer",
    "appointment",
    "email",
    "phonecall",
    "task",
    "annotation",
    "new_inspection",
    "userquery",
)
SECURITY = (
    "role",
    "privilege",
    "roleprivileges",
    "principalobjectaccess",
    "fieldsecurityprofile",
    "fieldpermission",
)
CHILDREN = ("activityparty", "activitymimeattachment", "competitoraddress")  # written with a parent
USER_CYCLE = (SALES_MANAGER, SALESPERSON, SALESPERSON, READ_ONLY)

Grants = dict[tuple[str, str], int]  # (entity, verb) -> depth mask


def _grants() -> dict[str, Grants]:
    entities = schema().entities
    admin: Grants = {(e.logical_name, v): GLOBAL for e in entities for v in VERBS}
    read_only: Grants = {(e.logical_name, "Read"): GLOBAL for e in entities}
    common: Grants = {}
    for e in entities:
        name = e.logical_name
        if name in SALES or name in SECURITY:
            continue
        if name in CHILDREN:
            common.update({(name, v): GLOBAL for v in VERBS})
        else:
            common.update({(name, "Read"): GLOBAL, (name, "AppendTo"): GLOBAL})
    common.update({("role", "Read"): GLOBAL, ("privilege", "Read"): GLOBAL})
    salesperson = common | {(name, v): BASIC for name in SALES for v in VERBS}
    manager = common | {(name, v): DEEP if v == "Read" else LOCAL for name in SALES for v in VERBS}
    return {
        SYSTEM_ADMINISTRATOR: admin,
        SALESPERSON: salesperson,
        SALES_MANAGER: manager,
        READ_ONLY: read_only,
    }


def seed_security(ctx: SeedContext) -> dict[str, str]:
    """Privileges, roles and role assignments; returns the role ids by name."""
    privileges: dict[tuple[str, str], str] = {}
    for e in schema().entities:
        for verb in VERBS:
            row = ctx.record("privilege")
            row.update(name=privilege_name(e, verb), accessright=ACCESS_RIGHTS[verb])
            ctx.emit("privilege", row)
            privileges[(e.logical_name, verb)] = row["privilegeid"]
    roles: dict[str, str] = {}
    for role_name, grants in _grants().items():
        role = ctx.record("role")
        role.update(name=role_name, businessunitid=ROOT_BUSINESS_UNIT_ID)
        ctx.emit("role", role)
        roles[role_name] = role["roleid"]
        for key, mask in grants.items():
            grant = ctx.record("roleprivileges", like=role)
            grant.update(roleid=role["roleid"], privilegeid=privileges[key], privilegedepthmask=mask)
            ctx.emit("roleprivileges", grant)
    ctx.associate("systemuserroles", {"systemuserid": ADMIN_USER_ID, "roleid": roles[SYSTEM_ADMINISTRATOR]})
    for i, user in enumerate(u for u in ctx.users if u.id != ADMIN_USER_ID):
        ctx.associate("systemuserroles", {"systemuserid": user.id, "roleid": roles[USER_CYCLE[i % 4]]})
    # The extra owner teams come last; the newest and every eighth before it hold a role.
    for team in ctx.teams[::-8]:
        ctx.associate("teamroles", {"teamid": team.id, "roleid": roles[SALESPERSON]})
    return roles
