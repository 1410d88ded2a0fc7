"""Steps about who may read what (REQUIREMENTS sections 10 and 11): a user made for the scenario,
with security roles, business units, teams, shares, hierarchy and field security arranged
through the Web API as the administrator, and what the device stores after a sync compared
with what the server lets that user read (the user's own token).

The user's offline profile takes every account the user may read ("All records"), so the
security model alone decides which accounts belong on the device.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.write_steps import named
from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import LocalRecords

ALL_RECORDS = 1  # mobileofflineprofileitem.recorddistributioncriteria
DEPTHS = {"User": 1, "Business Unit": 2, "Parent: Child Business Units": 4, "Organization": 8}
# What the device reads besides the tables under test: the user and the user's offline profile.
SYNC_READS = (
    "systemuser",
    "mobileofflineprofile",
    "mobileofflineprofileitem",
    "mobileofflineprofileitemassociation",
)
ALLOWED = 4  # field_security_permission_type
MANAGER_MODEL = 0  # organization.hierarchicalsecuritymodel
SALESPERSON = "Salesperson"


@dataclass
class Cast:
    """What the scenario made on the server: business units, users and teams by label."""

    units: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)


def cast(device: Device) -> Cast:
    found = device.memory.setdefault("cast", Cast())
    assert isinstance(found, Cast)
    return found


# --- the Web API as the administrator -------------------------------------------------------------


def create(organization: Dataverse, entity: str, body: dict[str, Any]) -> str:
    """Create a row as the administrator; its id."""
    row = organization.call(
        "POST", organization.entity_set(entity), json=body, headers={"Prefer": "return=representation"}
    )
    return str(row[organization.primary_id(entity)])


def link(
    organization: Dataverse, entity: str, row_id: str, relationship: str, target: str, target_id: str
) -> None:
    """Associate two rows through an N:N relationship (``$ref``)."""
    organization.call(
        "POST",
        f"{organization.entity_set(entity)}({row_id})/{relationship}/$ref",
        json={"@odata.id": f"{organization.server_url}{organization.entity_set(target)}({target_id})"},
    )


def unlink(organization: Dataverse, entity: str, row_id: str, relationship: str, target_id: str) -> None:
    organization.call(
        "DELETE", f"{organization.entity_set(entity)}({row_id})/{relationship}({target_id})/$ref"
    )


def bind(organization: Dataverse, entity: str, row_id: str) -> str:
    return f"/{organization.entity_set(entity)}({row_id})"


def privilege_id(organization: Dataverse, entity: str, verb: str) -> str:
    """The id of the privilege ``prv<Verb><SchemaName>`` of ``entity``."""
    schema_name = organization.get(f"EntityDefinitions(LogicalName='{entity}')?$select=SchemaName")[
        "SchemaName"
    ]
    found = organization.get(f"privileges?$filter=name eq 'prv{verb}{schema_name}'&$select=name")["value"]
    assert found, f"the organization has no privilege prv{verb}{schema_name}"
    return str(found[0]["privilegeid"])


def root_unit(organization: Dataverse) -> str:
    found = organization.get("businessunits?$filter=_parentbusinessunitid_value eq null&$select=name")[
        "value"
    ]
    return str(found[0]["businessunitid"])


def make_role(organization: Dataverse, name: str, grants: dict[tuple[str, str], int]) -> str:
    """A security role granting each (entity, verb) privilege at a depth mask."""
    role_id = create(
        organization,
        "role",
        {
            "name": name,
            "businessunitid@odata.bind": bind(organization, "businessunit", root_unit(organization)),
        },
    )
    for (entity, verb), depth in grants.items():
        create(
            organization,
            "roleprivileges",
            {
                "roleid@odata.bind": bind(organization, "role", role_id),
                "privilegeid@odata.bind": bind(
                    organization, "privilege", privilege_id(organization, entity, verb)
                ),
                "privilegedepthmask": depth,
            },
        )
    return role_id


def seeded_role(organization: Dataverse, name: str) -> str:
    found = organization.get(f"roles?$filter=name eq '{name}'&$select=name")["value"]
    assert found, f"the organization has no security role named {name!r}"
    return str(found[0]["roleid"])


def offline_profile(organization: Dataverse, entities: tuple[str, ...]) -> str:
    """A published offline profile taking every row of ``entities`` the user may read."""
    profile_id = create(
        organization, "mobileofflineprofile", {"name": f"Everything readable: {', '.join(entities)}"}
    )
    for entity in entities:
        create(
            organization,
            "mobileofflineprofileitem",
            {
                "name": entity,
                "selectedentitytypecode": entity,
                "recorddistributioncriteria": ALL_RECORDS,
                "regardingobjectid@odata.bind": bind(organization, "mobileofflineprofile", profile_id),
            },
        )
    organization.call(
        "POST", f"mobileofflineprofiles({profile_id})/Microsoft.Dynamics.CRM.PublishMobileOfflineProfile"
    )
    return profile_id


def make_user(organization: Dataverse, label: str, unit: str, *roles: str, manager: str | None = None) -> str:
    body: dict[str, Any] = {
        "firstname": label,
        "lastname": "Conformance",
        "domainname": f"{label.lower().replace(' ', '.')}@conformance.test",
        "businessunitid@odata.bind": bind(organization, "businessunit", unit),
    }
    if manager is not None:
        body["parentsystemuserid@odata.bind"] = bind(organization, "systemuser", manager)
    user_id = create(organization, "systemuser", body)
    for role in roles:
        link(organization, "systemuser", user_id, "systemuserroles_association", "role", role)
    return user_id


def make_account(
    organization: Dataverse,
    device: Device,
    name: str,
    owner: str,
    owner_entity: str = "systemuser",
    **values: Any,
) -> str:
    """An account owned by ``owner``, remembered by name (the write steps find it there too)."""
    body = {"name": name, "ownerid@odata.bind": bind(organization, owner_entity, owner), **values}
    account_id = create(organization, "account", body)
    named(device)[name] = ("account", account_id)
    return account_id


def make_team(organization: Dataverse, name: str, unit: str) -> str:
    """An owner team of business unit ``unit``."""
    body = {
        "name": name,
        "teamtype": 0,
        "businessunitid@odata.bind": bind(organization, "businessunit", unit),
    }
    return create(organization, "team", body)


def share(organization: Dataverse, account_id: str, user_id: str, *, grant: bool) -> None:
    """GrantAccess (Read) on an account to a user, or RevokeAccess."""
    target = {"accountid": account_id, "@odata.type": "Microsoft.Dynamics.CRM.account"}
    who = {"systemuserid": user_id, "@odata.type": "Microsoft.Dynamics.CRM.systemuser"}
    if grant:
        body = {"Target": target, "PrincipalAccess": {"Principal": who, "AccessMask": "ReadAccess"}}
        organization.call("POST", "GrantAccess", json=body)
    else:
        organization.call("POST", "RevokeAccess", json={"Target": target, "Revokee": who})


def assign(organization: Dataverse, account_id: str, owner: str, owner_entity: str = "systemuser") -> None:
    organization.call(
        "PATCH",
        f"accounts({account_id})",
        json={"ownerid@odata.bind": bind(organization, owner_entity, owner)},
    )


def sync_reads_role(organization: Dataverse) -> str:
    """A role with what every offline user needs to sync: Read on users and offline profiles."""
    return make_role(
        organization, "Offline sync", {(entity, "Read"): DEPTHS["Organization"] for entity in SYNC_READS}
    )


def sign_in_new_user(
    device: Device,
    organization: Dataverse,
    entities: tuple[str, ...],
    *roles: str,
    unit: str | None = None,
    manager: str | None = None,
) -> str:
    """A new user in ``unit`` (default: the root unit) with ``roles``, an offline profile taking
    every readable row of ``entities``, signed in on the device."""
    profile = offline_profile(organization, entities)
    user_id = make_user(organization, "Device user", unit or root_unit(organization), *roles, manager=manager)
    organization.call(
        "PATCH",
        f"systemusers({user_id})",
        json={"mobileofflineprofileid@odata.bind": bind(organization, "mobileofflineprofile", profile)},
    )
    cast(device).users["the user"] = user_id
    device.sign_in(user_id)
    return user_id


def business_units(organization: Dataverse, device: Device) -> Cast:
    """The user's unit "Sales" (under the root) with a child "Sales North", and a sibling "Service"."""
    units = cast(device).units
    root = root_unit(organization)
    for name, parent in (("Sales", root), ("Sales North", None), ("Service", root)):
        units[name] = create(
            organization,
            "businessunit",
            {
                "name": name,
                "parentbusinessunitid@odata.bind": bind(
                    organization, "businessunit", parent or units["Sales"]
                ),
            },
        )
    return cast(device)


# --- arranging the user ---------------------------------------------------------------------------


@given(parsers.parse('a user whose only Read privilege on "account" is at "{depth}" depth'))
def user_reads_accounts_at(device: Device, organization: Dataverse, depth: str) -> None:
    assert depth in DEPTHS, f"no depth {depth!r}; known: {', '.join(DEPTHS)}"
    units = business_units(organization, device).units
    reader = make_role(organization, f"Account reader ({depth})", {("account", "Read"): DEPTHS[depth]})
    sign_in_new_user(
        device, organization, ("account",), sync_reads_role(organization), reader, unit=units["Sales"]
    )


@given(
    "accounts owned by the user, a colleague, a user of a child business unit, a user of another "
    "business unit, a team of the user, and one shared with the user"
)
def accounts_around_the_user(device: Device, organization: Dataverse) -> None:
    people = cast(device)
    me = people.users["the user"]
    colleague = make_user(organization, "Colleague", people.units["Sales"])
    north = make_user(organization, "North seller", people.units["Sales North"])
    other = make_user(organization, "Service agent", people.units["Service"])
    team = make_team(organization, "Service crew", people.units["Service"])
    link(organization, "team", team, "teammembership_association", "systemuser", me)
    make_account(organization, device, "Own", me)
    make_account(organization, device, "Colleague's", colleague)
    make_account(organization, device, "Child unit's", north)
    make_account(organization, device, "Other unit's", other)
    make_account(organization, device, "Team's", team, "team")
    share(organization, make_account(organization, device, "Shared", other), me, grant=True)


@given(parsers.parse("manager hierarchy security is on, {levels:d} levels deep"))
def hierarchy_on(organization: Dataverse, levels: int) -> None:
    org = organization.get("organizations?$select=name")["value"][0]
    organization.call(
        "PATCH",
        f"organizations({org['organizationid']})",
        json={
            "ishierarchicalsecuritymodelenabled": True,
            "hierarchicalsecuritymodel": MANAGER_MODEL,
            "maximumdepthforhierarchysecuritymodel": levels,
        },
    )


@given(
    parsers.parse(
        'a manager with Read on "account" at "User" depth, a direct report, a report of that report '
        "and a peer, each owning an account"
    )
)
def manager_and_reports(device: Device, organization: Dataverse) -> None:
    root = root_unit(organization)
    reader = make_role(organization, "Account reader (User)", {("account", "Read"): DEPTHS["User"]})
    manager = sign_in_new_user(device, organization, ("account",), sync_reads_role(organization), reader)
    direct = make_user(organization, "Direct report", root, manager=manager)
    indirect = make_user(organization, "Indirect report", root, manager=direct)
    peer = make_user(organization, "Peer", root)
    for name, owner in (
        ("Manager's", manager),
        ("Direct report's", direct),
        ("Indirect report's", indirect),
        ("Peer's", peer),
    ):
        make_account(organization, device, name, owner)


@given(parsers.parse('the user may read the secured column "fax" of accounts through {grant}'))
def user_reads_fax(device: Device, organization: Dataverse, grant: str) -> None:
    me = cast(device).users["the user"]
    if grant == "a field security profile":
        profile = create(organization, "fieldsecurityprofile", {"name": "Account fax"})
        create(
            organization,
            "fieldpermission",
            {
                "fieldsecurityprofileid@odata.bind": bind(organization, "fieldsecurityprofile", profile),
                "entityname": "account",
                "attributelogicalname": "fax",
                "canread": ALLOWED,
                "cancreate": 0,
                "canupdate": 0,
            },
        )
        link(
            organization, "systemuser", me, "systemuserprofiles_association", "fieldsecurityprofile", profile
        )
    else:
        assert grant == "the System Administrator role", f"no way {grant!r} to read a secured column"
        link(
            organization,
            "systemuser",
            me,
            "systemuserroles_association",
            "role",
            seeded_role(organization, "System Administrator"),
        )


@given(parsers.parse('the server holds an account "{name}" with fax "{fax}" and main phone "{phone}"'))
def account_with_fax(device: Device, organization: Dataverse, name: str, fax: str, phone: str) -> None:
    make_account(organization, device, name, cast(device).users["the user"], fax=fax, telephone1=phone)


@given(parsers.parse('the administrator shares the column "fax" of "{name}" with the user for reading'))
def field_share(device: Device, organization: Dataverse, name: str) -> None:
    _, account_id = named(device)[name]
    attribute = organization.get(
        "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='fax')?$select=LogicalName"
    )
    create(
        organization,
        "principalobjectattributeaccess",
        {
            "attributeid": attribute["MetadataId"],
            "objectid_account@odata.bind": bind(organization, "account", account_id),
            "principalid_systemuser@odata.bind": bind(
                organization, "systemuser", cast(device).users["the user"]
            ),
            "readaccess": True,
            "updateaccess": False,
        },
    )


# --- visibility changes (MO-SYNC-007) ------------------------------------------------------------

WAYS = ("a share", "its owner", "a team")


@given(
    parsers.parse(
        'an account "Gained" the user cannot read yet and an account "Lost" the user can read, '
        "both through {way}"
    )
)
def gained_and_lost(device: Device, organization: Dataverse, way: str) -> None:
    assert way in WAYS, f"no way {way!r}; known: {', '.join(WAYS)}"
    people = cast(device)
    me = people.users["the user"]
    other = people.users["other"] = make_user(organization, "Service agent", people.units["Service"])
    if way == "a share":
        make_account(organization, device, "Gained", other)
        share(organization, make_account(organization, device, "Lost", other), me, grant=True)
    elif way == "its owner":
        make_account(organization, device, "Gained", other)
        make_account(organization, device, "Lost", me)
    else:
        for team_name, account in (("Joined crew", "Gained"), ("Left crew", "Lost")):
            team = people.teams[account] = make_team(organization, team_name, people.units["Service"])
            make_account(organization, device, account, team, "team")
        link(organization, "team", people.teams["Lost"], "teammembership_association", "systemuser", me)


@when(
    parsers.parse(
        'the administrator makes "Gained" readable to the user and "Lost" unreadable, through {way}'
    )
)
def change_visibility(device: Device, organization: Dataverse, way: str) -> None:
    people = cast(device)
    me, other = people.users["the user"], people.users["other"]
    gained, lost = named(device)["Gained"][1], named(device)["Lost"][1]
    if way == "a share":
        share(organization, gained, me, grant=True)
        share(organization, lost, me, grant=False)
    elif way == "its owner":
        assign(organization, gained, me)
        assign(organization, lost, other)
    else:
        link(organization, "team", people.teams["Gained"], "teammembership_association", "systemuser", me)
        unlink(organization, "team", people.teams["Lost"], "teammembership_association", me)


# --- syncing and checking the device ------------------------------------------------------------


def readable_ids(organization: Dataverse, device: Device, entity: str) -> frozenset[str]:
    """The ids of the rows of ``entity`` the signed-in user may read, asked with the user's token."""
    assert device.user_id is not None
    primary = organization.primary_id(entity)
    url: str | None = f"{organization.entity_set(entity)}?$select={primary}"
    found: set[str] = set()
    while url:
        page = organization.call(
            "GET",
            url,
            token=organization.token_for(device.user_id),
            headers={"Prefer": "odata.maxpagesize=500"},
        )
        found |= {str(row[primary]).lower() for row in page["value"]}
        url = page.get("@odata.nextLink")
    return frozenset(found)


def stored(device: Device, entity: str) -> dict[str, dict[str, Any]]:
    """The rows the device stores for ``entity``, by id."""
    primary = device.dataverse.primary_id(entity)
    return {str(row[primary]).lower(): dict(row) for row in device.run(LocalRecords(entity=entity)).records}


@then("the device holds exactly the accounts the user may read on the server")
def device_holds_readable(device: Device, organization: Dataverse) -> None:
    held, readable = set(stored(device, "account")), readable_ids(organization, device, "account")
    assert held == readable, (
        f"the device holds {len(held - readable)} unreadable accounts "
        f"and lacks {len(readable - held)} readable ones"
    )


NONE = "(none)"  # an empty list of names in an Examples table


def names_in(text: str) -> list[str]:
    """The names of a comma-separated list (``(none)``: no names)."""
    return [name.strip() for name in text.split(",") if name.strip() and name.strip() != NONE]


@then(parsers.parse('the device holds "{held}" and none of "{withheld}"'))
def device_holds_named(device: Device, held: str, withheld: str) -> None:
    names = {str(row.get("name")) for row in stored(device, "account").values()}
    assert set(names_in(held)) <= names, f"missing: {sorted(set(names_in(held)) - names)}"
    assert not set(names_in(withheld)) & names, (
        f"held although unreadable: {sorted(set(names_in(withheld)) & names)}"
    )


@then(parsers.parse('on the server the user reads the fax of "{name}" as "{fax}"'))
def user_reads_fax_on_server(device: Device, organization: Dataverse, name: str, fax: str) -> None:
    assert device.user_id is not None
    _, account_id = named(device)[name]
    row = organization.call(
        "GET", f"accounts({account_id})?$select=fax", token=organization.token_for(device.user_id)
    )
    assert row.get("fax") == fax, f"the user reads the fax of {name} as {row.get('fax')!r}"


@then(parsers.parse('on the server the user cannot read the fax of "{name}"'))
def user_cannot_read_fax(device: Device, organization: Dataverse, name: str) -> None:
    assert device.user_id is not None
    _, account_id = named(device)[name]
    row = organization.call(
        "GET", f"accounts({account_id})?$select=fax", token=organization.token_for(device.user_id)
    )
    assert row.get("fax") is None, f"the user reads the fax of {name}: {row.get('fax')!r}"


@then(parsers.parse('the device stores the main phone of "{name}" but not its fax'))
def device_stores_no_fax(device: Device, organization: Dataverse, name: str) -> None:
    _, account_id = named(device)[name]
    row = stored(device, "account").get(account_id.lower())
    assert row is not None, f"the device does not hold {name}"
    server = organization.get(f"accounts({account_id})?$select=telephone1")
    assert row.get("telephone1") == server["telephone1"], row
    assert "fax" not in row, f"the device stores the secured column fax of {name}: {row['fax']!r}"
