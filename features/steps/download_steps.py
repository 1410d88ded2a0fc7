"""Steps about what an offline profile downloads to the device (REQUIREMENTS sections 12 and 14):
rows arranged on the server with chosen owners, cities, states and ages (the mock's clock moves,
nothing sleeps), a sync, and the device's local store compared with what the server's Web API
finds for the user, asked independently of the profile (by owner, by date, by parent record).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_bdd import given, parsers, then

from features.steps.profile_steps import (
    NAME_LIST,
    RULE_LIST,
    OfflineProfileDraft,
    quoted_names,
    relationship_definition,
    step,
)
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import LocalRecords

RETURN_ROW = {"Prefer": "return=representation"}
ALL_ROWS = {"Prefer": "odata.maxpagesize=5000"}
SALESPERSON = "Salesperson"
INACTIVE = {"statecode": 1, "statuscode": 2}  # account and contact
THE_USER = "the user"
PARENT_ACCOUNT = "parentaccountid"  # an account's own parent account (the account hierarchy)


def rows_named(device: Device) -> dict[str, tuple[str, str]]:
    """The rows the scenario put on the server, by name: name -> (entity, id)."""
    rows: dict[str, tuple[str, str]] = device.memory.setdefault("server rows", {})  # type: ignore[assignment]
    return rows


def user_id(device: Device) -> str:
    assert device.user_id is not None, "sign the user in first"
    return device.user_id


def created(organization: Dataverse, entity: str, body: dict[str, Any]) -> str:
    """Create a row as the administrator; its id."""
    row = organization.call("POST", organization.entity_set(entity), json=body, headers=RETURN_ROW)
    return str(row[organization.primary_id(entity)])


def principal(organization: Dataverse, device: Device, owner: str) -> str:
    """The owner named in a step, as a bind path; made on first use (the user's team, a colleague
    in the user's business unit, a user of a business unit of its own)."""
    principals: dict[str, str] = device.memory.setdefault("principals", {})  # type: ignore[assignment]
    if owner == THE_USER:
        return f"/systemusers({user_id(device)})"
    if owner not in principals:
        unit = str(device.memory["business_unit"])
        if owner == "the user's team":
            team = created(
                organization,
                "team",
                {
                    "name": "Harbour crew",
                    "teamtype": 0,
                    "businessunitid@odata.bind": f"/businessunits({unit})",
                },
            )
            organization.call(
                "POST",
                f"teams({team})/teammembership_association/$ref",
                json={"@odata.id": f"{organization.server_url}systemusers({user_id(device)})"},
            )
            principals[owner] = f"/teams({team})"
        elif owner == "a colleague":
            principals[owner] = f"/systemusers({new_user(organization, unit, 'Mia', 'Berg')})"
        elif owner == "a user of another business unit":
            root = organization.get("businessunits?$filter=_parentbusinessunitid_value eq null")["value"][0]
            far = created(
                organization,
                "businessunit",
                {
                    "name": "Fjord unit",
                    "parentbusinessunitid@odata.bind": f"/businessunits({root['businessunitid']})",
                },
            )
            principals[owner] = f"/systemusers({new_user(organization, far, 'Lars', 'Lindqvist')})"
        else:
            raise AssertionError(f"no owner {owner!r}")
    return principals[owner]


def new_user(organization: Dataverse, unit: str, first: str, last: str) -> str:
    return created(
        organization,
        "systemuser",
        {
            "firstname": first,
            "lastname": last,
            "domainname": f"{first}.{last}@contoso.test".lower(),
            "businessunitid@odata.bind": f"/businessunits({unit})",
        },
    )


def put_on_server(organization: Dataverse, device: Device, entity: str, row: dict[str, str]) -> None:
    """One row of a table of records: name, owner and, where given, city, status, account and (of an
    account) parent account."""
    sample = SAMPLES[entity]
    body: dict[str, Any] = {
        **sample.values,
        sample.name: row["name"],
        "ownerid@odata.bind": principal(organization, device, row.get("owner") or THE_USER),
    }
    if row.get("city"):
        body["address1_city"] = row["city"]
    if row.get("account"):
        [link] = [p for p in sample.parents if p.entity == "account"]
        _, account_id = rows_named(device)[row["account"]]
        body[f"{link.navigation}@odata.bind"] = f"/accounts({account_id})"
    if row.get("parent"):
        assert entity == "account", f"a {entity} has no parent account"
        _, parent_id = rows_named(device)[row["parent"]]
        body[f"{PARENT_ACCOUNT}@odata.bind"] = f"/accounts({parent_id})"
    row_id = created(organization, entity, body)
    if row.get("status", "active") == "inactive":
        organization.call("PATCH", f"{organization.entity_set(entity)}({row_id})", json=INACTIVE)
    rows_named(device)[row["name"]] = (entity, row_id)


@given(step('a signed-in salesperson without administrator rights, whose offline profile is "{profile:Q}"'))
def signed_in_salesperson(device: Device, organization: Dataverse, profile: str) -> None:
    """The first enabled user (by full name) with the profile and the Salesperson role only."""
    [found] = organization.get(f"mobileofflineprofiles?$filter=name eq '{profile}'&$select=name")["value"]
    users = organization.get(
        f"systemusers?$filter=_mobileofflineprofileid_value eq {found['mobileofflineprofileid']}"
        f" and isdisabled eq false and systemuserroles_association/any(r:r/name eq '{SALESPERSON}')"
        "&$orderby=fullname&$select=fullname,_businessunitid_value"
        "&$expand=systemuserroles_association($select=name)"
    )["value"]
    only = [u for u in users if {r["name"] for r in u["systemuserroles_association"]} == {SALESPERSON}]
    assert only, f"no enabled user with the profile {profile!r} holds the Salesperson role alone"
    device.memory["business_unit"] = only[0]["_businessunitid_value"]
    device.sign_in(str(only[0]["systemuserid"]))


@given(step('the server holds these "{entity:Q}" records'))
def server_holds_rows(
    device: Device, organization: Dataverse, entity: str, datatable: list[list[str]]
) -> None:
    header, *rows = datatable
    for row in rows:
        put_on_server(organization, device, entity, dict(zip(header, row, strict=True)))


@given(parsers.re(r'the server holds an? "(?P<entity>[^"]+)" named "(?P<name>[^"]+)", owned by the user'))
def server_holds_named_row(device: Device, organization: Dataverse, entity: str, name: str) -> None:
    put_on_server(organization, device, entity, {"name": name})


def mock_now(organization: Dataverse) -> datetime:
    now = organization.call("GET", f"{organization.origin}/_mock/clock")["now"]
    return datetime.fromisoformat(str(now).replace("Z", "+00:00"))


def advance_clock(organization: Dataverse, days: int) -> None:
    organization.call("POST", f"{organization.origin}/_mock/clock", json={"advance": {"days": days}})


@given("1 day passes on the server's clock")
def one_day_passes(organization: Dataverse) -> None:
    advance_clock(organization, 1)


@given(step("{days:d} days pass on the server's clock"))
def days_pass(organization: Dataverse, days: int) -> None:
    advance_clock(organization, days)


# --- what the device holds ---------------------------------------------------------------------


def held_ids(device: Device, entity: str) -> set[str]:
    primary = device.dataverse.primary_id(entity)
    return {str(row[primary]).lower() for row in device.run(LocalRecords(entity=entity)).records}


def readable_ids(
    organization: Dataverse, device: Device, entity: str, condition: str | None = None
) -> set[str]:
    """The ids of the rows the server lets the user read (that match ``condition``)."""
    primary = organization.primary_id(entity)
    query = f"{organization.entity_set(entity)}?$select={primary}"
    if condition is not None:
        query += f"&$filter={condition}"
    token = organization.token_for(user_id(device))
    found: set[str] = set()
    page: dict[str, Any] | None = organization.call("GET", query, token=token, headers=ALL_ROWS)
    while page is not None:
        found |= {str(row[primary]).lower() for row in page["value"]}
        link = page.get("@odata.nextLink")
        page = organization.call("GET", link, token=token, headers=ALL_ROWS) if link else None
    return found


def holds_exactly(device: Device, entity: str, expected: set[str]) -> None:
    held = held_ids(device, entity)
    assert held == expected, (
        f"the device holds {len(held)} {entity} rows; missing {sorted(expected - held)}, "
        f"not expected {sorted(held - expected)}"
    )


@then(step('the device holds exactly the "{entity:Q}" records the user may read'))
def device_holds_readable(device: Device, organization: Dataverse, entity: str) -> None:
    holds_exactly(device, entity, readable_ids(organization, device, entity))


@then(step('the user may read "{entity:Q}" records on the server'))
def user_may_read(device: Device, organization: Dataverse, entity: str) -> None:
    assert readable_ids(organization, device, entity), f"the user may read no {entity} records"


@then(
    step(
        "the device holds exactly the accounts the user may read that were modified in the last {days:d} days"
    )
)
def device_holds_recent(device: Device, organization: Dataverse, days: int) -> None:
    since = (mock_now(organization) - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    condition = f"modifiedon ge {since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    holds_exactly(device, "account", readable_ids(organization, device, "account", condition))


@then("the device holds exactly the contacts of the accounts the user owns")
def device_holds_contacts_of_own_accounts(device: Device, organization: Dataverse) -> None:
    condition = f"parentcustomerid_account/_ownerid_value eq {user_id(device)}"
    holds_exactly(device, "contact", readable_ids(organization, device, "contact", condition))


@then("the device holds exactly the active accounts in Leeds that the user owns")
def device_holds_active_leeds_accounts(device: Device, organization: Dataverse) -> None:
    condition = f"address1_city eq 'Leeds' and statecode eq 0 and _ownerid_value eq {user_id(device)}"
    holds_exactly(device, "account", readable_ids(organization, device, "account", condition))


def reached_through(
    organization: Dataverse, device: Device, relationship: str, source: str, target: str
) -> set[str]:
    """The ``target`` rows the user may read that the device's ``source`` rows reach through the
    1:N or N:1 ``relationship`` (none when it does not link the two)."""
    definition = relationship_definition(organization, relationship)
    if "ReferencingAttribute" not in definition:  # N:N
        sides = {definition["Entity1LogicalName"], definition["Entity2LogicalName"]}
        assert sides != {source, target}, f"the N:N {relationship} is beyond this step"
        return set()
    sources = sorted(held_ids(device, source))
    if not sources:
        return set()
    column = f"_{definition['ReferencingAttribute']}_value"
    if (definition["ReferencedEntity"], definition["ReferencingEntity"]) == (source, target):  # 1:N
        return readable_ids(organization, device, target, " or ".join(f"{column} eq {i}" for i in sources))
    if (definition["ReferencingEntity"], definition["ReferencedEntity"]) == (source, target):  # N:1
        primary = organization.primary_id(source)
        condition = " or ".join(f"{primary} eq {i}" for i in sources)
        rows = organization.get(f"{organization.entity_set(source)}?$select={column}&$filter={condition}")
        pointed = {str(row[column]).lower() for row in rows["value"] if row.get(column)}
        return pointed & readable_ids(organization, device, target)
    return set()


@then(
    step(
        'the device holds exactly the "{target:Q}" records its "{source:Q}" records reach through the '
        "profile's relationships"
    )
)
def device_holds_related(
    device: Device, organization: Dataverse, offline_profile: OfflineProfileDraft, target: str, source: str
) -> None:
    expected: set[str] = set()
    for relationship in offline_profile.relationships(source):
        expected |= reached_through(organization, device, relationship, source, target)
    assert expected, f"the device's {source} records reach no {target}: the scenario proves nothing"
    holds_exactly(device, target, expected)


def owned_condition(organization: Dataverse, device: Device, chosen: str) -> str:
    """The accounts one option of "Other data filter" stands for, as a Web API filter."""
    if chosen == "my records":
        return f"_owninguser_value eq {user_id(device)}"
    if chosen == "my team's records":
        teams = organization.get(f"systemusers({user_id(device)})/teammembership_association?$select=teamid")
        return " or ".join(f"_owningteam_value eq {t['teamid']}" for t in teams["value"]) or "false"
    if chosen == "my business unit's records":
        return f"_owningbusinessunit_value eq {device.memory['business_unit']}"
    raise AssertionError(f"no data filter option {chosen!r}")


@then(parsers.re(rf"the device holds exactly the union of the accounts of {RULE_LIST}"))
def device_holds_union(device: Device, organization: Dataverse, rules: str) -> None:
    expected: set[str] = set()
    for chosen in quoted_names(rules):
        expected |= readable_ids(
            organization, device, "account", owned_condition(organization, device, chosen)
        )
    holds_exactly(device, "account", expected)


def named_ids(device: Device, entity: str, names: str) -> dict[str, str]:
    found = {}
    for name in quoted_names(names):
        row_entity, row_id = rows_named(device)[name]
        assert row_entity == entity, f"{name!r} is a {row_entity}, not a {entity}"
        found[name] = row_id.lower()
    return found


@then(parsers.re(rf'the device holds the "(?P<entity>[^"]+)" records named {NAME_LIST}'))
def device_holds_named(device: Device, entity: str, names: str) -> None:
    held = held_ids(device, entity)
    missing = [name for name, row_id in named_ids(device, entity, names).items() if row_id not in held]
    assert missing == [], f"the device does not hold {missing}"


@then(parsers.re(rf'the device holds none of the "(?P<entity>[^"]+)" records named {NAME_LIST}'))
def device_holds_none_named(device: Device, entity: str, names: str) -> None:
    held = held_ids(device, entity)
    present = [name for name, row_id in named_ids(device, entity, names).items() if row_id in held]
    assert present == [], f"the device holds {present}"
