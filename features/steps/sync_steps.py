"""Steps about what a sync moves (REQUIREMENTS section 10): the requests the device sent, read
from the mock's request log (``GET /_mock/requests``); privilege changes made on the server
between syncs; and the per-record errors a sync reports for writes the server refused.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from pytest_bdd import given, parsers, then, when

from features.steps.device_steps import last_sync
from features.steps.entity_steps import server_record
from features.steps.security_steps import (
    DEPTHS,
    SALESPERSON,
    cast,
    link,
    make_account,
    make_role,
    names_in,
    readable_ids,
    seeded_role,
    sign_in_new_user,
    stored,
    sync_reads_role,
    unlink,
)
from features.steps.write_steps import named
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import Create, Created, Delete, GoOffline, GoOnline, Sync, Update

DEFINITION = re.compile(r"EntityDefinitions\(LogicalName='([^']+)'\)")
NAMED_IN_FILTER = re.compile(r"LogicalName eq '([^']+)'")
CREATED_OFFLINE = "Fir"
CHANGED_OFFLINE = "Alder, changed offline"
USER = DEPTHS["User"]
WRITE_VERBS = ("Create", "Write", "Delete")


def request_log(organization: Dataverse) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = organization.call(
        "GET", f"{organization.origin}/_mock/requests?limit=1000"
    )["requests"]
    return entries


def clear_request_log(organization: Dataverse) -> None:
    organization.call("DELETE", f"{organization.origin}/_mock/requests")


def logged_sync(device: Device, organization: Dataverse) -> None:
    """Sync with the request log cleared first; keep the result and the requests the sync sent."""
    clear_request_log(organization)
    device.memory["sync"] = device.run(Sync())
    device.memory["requests"] = request_log(organization)


def logged(device: Device) -> list[dict[str, Any]]:
    requests = device.memory.get("requests")
    assert isinstance(requests, list), "the scenario has not logged a sync"
    return requests


# --- MO-SYNC-003 -----------------------------------------------------------------------------------


@given(parsers.parse('a user whose offline profile takes only "{first}" and "{second}"'))
def user_with_two_entities(device: Device, organization: Dataverse, first: str, second: str) -> None:
    sign_in_new_user(device, organization, (first, second), seeded_role(organization, SALESPERSON))


@when("the device syncs for the first time")
def first_sync(device: Device, organization: Dataverse) -> None:
    logged_sync(device, organization)


@then(
    parsers.parse('the device downloaded the definitions of "{first}" and "{second}" and of no other entity')
)
def definitions_downloaded(device: Device, first: str, second: str) -> None:
    """Requests that read an entity's definition (its attributes, relationships: a path on
    ``EntityDefinitions(LogicalName='x')`` or a listing with ``$expand``) name profile entities
    only, and every profile entity is read; the CSDL document (all entities) is never asked for;
    a listing is always filtered by name."""
    profile, described = {first, second}, set()
    for entry in logged(device):
        path, query = unquote(entry["path"]), unquote(entry["query"])
        assert not path.endswith("/$metadata"), "the device downloaded the whole $metadata document"
        described |= set(DEFINITION.findall(path))
        if path.endswith("/EntityDefinitions"):
            assert "$filter" in query, f"the device listed every entity's definition: {query}"
            if "$expand" in query:
                described |= set(NAMED_IN_FILTER.findall(query))
    assert described == profile, f"definitions read: {sorted(described)}; the profile holds {sorted(profile)}"


# --- MO-SYNC-004 -----------------------------------------------------------------------------------


@given("a user who may read, create, update and delete their own accounts")
def user_who_writes_accounts(device: Device, organization: Dataverse) -> None:
    reader = make_role(organization, "Account reader", {("account", "Read"): USER})
    writer = cast(device).roles["writer"] = make_role(
        organization, "Account writer", {("account", verb): USER for verb in WRITE_VERBS}
    )
    sign_in_new_user(device, organization, ("account",), sync_reads_role(organization), reader, writer)


@given("a user who may read their own accounts but not create them")
def user_who_reads_accounts(device: Device, organization: Dataverse) -> None:
    reader = make_role(organization, "Account reader", {("account", "Read"): USER})
    sign_in_new_user(device, organization, ("account",), sync_reads_role(organization), reader)


@given(parsers.parse('the server holds the user\'s accounts "{names}"'))
def users_accounts(device: Device, organization: Dataverse, names: str) -> None:
    for name in names_in(names):
        make_account(organization, device, name, cast(device).users["the user"])


@given("the device has synced, noting the server's change tracking as the user")
def synced_with_user_delta(device: Device, organization: Dataverse) -> None:
    """Sync, then take a delta link of the user's own: what it returns later is what changed
    for the user since this sync."""
    result = device.run(Sync())
    assert result.errors == (), f"the first sync reported errors: {result.errors}"
    assert device.user_id is not None
    page = organization.call(
        "GET",
        "accounts?$select=accountid",
        token=organization.token_for(device.user_id),
        headers={"Prefer": "odata.track-changes"},
    )
    while "@odata.nextLink" in page:
        page = organization.call("GET", page["@odata.nextLink"], token=organization.token_for(device.user_id))
    device.memory["delta link"] = page["@odata.deltaLink"]


@when("the device goes offline")
def device_goes_offline(device: Device) -> None:
    device.run(GoOffline())


@when(
    parsers.parse(
        'the user renames "{name}" to "{new_name}" and creates an account "{created}" on the device'
    )
)
def offline_changes(device: Device, name: str, new_name: str, created: str) -> None:
    _, account_id = named(device)[name]
    device.run(Update(entity="account", record_id=account_id, values={"name": new_name}))
    named(device)[created] = (
        "account",
        device.run(Create(entity="account", values={"name": created})).record_id,
    )


@when(
    parsers.parse(
        'on the server the administrator renames "{name}" to "{new_name}", deletes "{deleted}" '
        'and gives the user a new account "{created}"'
    )
)
def server_changes(
    device: Device, organization: Dataverse, name: str, new_name: str, deleted: str, created: str
) -> None:
    organization.call("PATCH", f"accounts({named(device)[name][1]})", json={"name": new_name})
    organization.call("DELETE", f"accounts({named(device)[deleted][1]})")
    make_account(organization, device, created, cast(device).users["the user"])


@when("the device reconnects and syncs")
def reconnects_and_syncs(device: Device, organization: Dataverse) -> None:
    device.run(GoOnline())
    logged_sync(device, organization)


@then("the sync downloaded the server's changes since the last sync, not every account")
def downloaded_deltas(device: Device, organization: Dataverse) -> None:
    assert device.user_id is not None
    changed: set[str] = set()
    url: str | None = str(device.memory["delta link"])
    while url:
        page = organization.call("GET", url, token=organization.token_for(device.user_id))
        changed |= {str(row["accountid"]) for row in page["value"] if "accountid" in row}
        url = page.get("@odata.nextLink")
    readable = readable_ids(organization, device, "account")
    downloaded = last_sync(device).downloaded
    assert 0 < downloaded <= len(changed) < len(readable), (
        f"downloaded {downloaded} rows; {len(changed)} changed since the last sync, {len(readable)} readable"
    )
    followed = [
        e for e in logged(device) if e["path"].endswith("/accounts") and "deltatoken" in unquote(e["query"])
    ]
    assert followed, "the sync did not follow the accounts' delta link"


# --- MO-SYNC-005, MO-SYNC-006 ---------------------------------------------------------------------


@when(parsers.parse('the user tries to create an account "{name}"'))
def user_tries_to_create(device: Device, name: str) -> None:
    outcome = device.attempt(Create(entity="account", values={"name": name}))
    device.memory["command"], device.memory["outcome"] = "create", outcome
    if not isinstance(outcome, ClientCommandError):
        named(device)[name] = ("account", outcome.record_id)


@then("the device accepts it")
def device_accepts(device: Device) -> None:
    outcome = device.memory.get("outcome")
    assert isinstance(outcome, Created), f"the device refused: {outcome}"


@when("the administrator gives the user a role that grants Create on accounts")
def grant_create(device: Device, organization: Dataverse) -> None:
    role = make_role(organization, "Account creator", {("account", "Create"): USER})
    link(
        organization,
        "systemuser",
        cast(device).users["the user"],
        "systemuserroles_association",
        "role",
        role,
    )


@when("the administrator takes away the user's role that writes accounts")
def take_writer_role(device: Device, organization: Dataverse) -> None:
    people = cast(device)
    unlink(
        organization,
        "systemuser",
        people.users["the user"],
        "systemuserroles_association",
        people.roles["writer"],
    )


@when(parsers.parse('the user makes an offline {operation} of "{name}"'))
def offline_write(device: Device, organization: Dataverse, operation: str, name: str) -> None:
    _, account_id = named(device)[name]
    device.memory["before"] = server_record(organization, "account", account_id)
    device.memory["operation"] = operation
    if operation == "create":
        created = device.run(Create(entity="account", values={"name": CREATED_OFFLINE}))
        named(device)[CREATED_OFFLINE] = ("account", created.record_id)
        device.memory["target"] = created.record_id
    elif operation == "update":
        device.run(Update(entity="account", record_id=account_id, values={"name": CHANGED_OFFLINE}))
        device.memory["target"] = account_id
    else:
        assert operation == "delete", f"no offline write {operation!r}"
        device.run(Delete(entity="account", record_id=account_id))
        device.memory["target"] = account_id


@then(parsers.parse('the sync reports "{code}" for the offline {operation}, and nothing else'))
def sync_reports_error(device: Device, code: str, operation: str) -> None:
    errors = last_sync(device).errors
    target = str(device.memory["target"]).lower()
    assert [(e.entity, e.record_id.lower(), e.operation, e.code.value) for e in errors] == [
        ("account", target, operation, code)
    ], errors


@then(parsers.parse('the sync reports "{code}" for the account "{name}"'))
def sync_reports_error_for(device: Device, code: str, name: str) -> None:
    _, record_id = named(device)[name]
    errors = last_sync(device).errors
    assert [(e.entity, e.record_id.lower(), e.code.value) for e in errors] == [
        ("account", record_id.lower(), code)
    ], errors


@then(parsers.parse('the server still holds "{name}" as it was, and no account "{created}"'))
def server_unchanged(device: Device, organization: Dataverse, name: str, created: str) -> None:
    _, account_id = named(device)[name]
    assert server_record(organization, "account", account_id) == device.memory["before"], (
        "the account changed"
    )
    found = organization.get(f"accounts?$filter=name eq '{created}'&$select=name")["value"]
    assert found == [], f"the server holds an account named {created!r}"


@then(parsers.parse('the device shows "{name}" as the server holds it, and no account "{created}"'))
def device_restored(device: Device, organization: Dataverse, name: str, created: str) -> None:
    _, account_id = named(device)[name]
    rows = stored(device, "account")
    assert (
        rows.get(account_id.lower(), {}).get("name")
        == organization.get(f"accounts({account_id})?$select=name")["name"]
    )
    assert all(row.get("name") != created for row in rows.values()), f"the device still holds {created!r}"
