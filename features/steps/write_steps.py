"""Steps about several offline writes in a row, named by the user (MO-ENT-031, 033), and the
user's offline profile (MO-ENT-030)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import arranged, lookup_id
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import Create, Delete, LocalRecords, Qualify, QualifyResult, Retrieve, Update


def named(device: Device) -> dict[str, tuple[str, str]]:
    """The records the scenario created offline, by name: name -> (entity, id on the device)."""
    names: dict[str, tuple[str, str]] = device.memory.setdefault("named", {})  # type: ignore[assignment]
    return names


def create_named(device: Device, entity: str, name: str, parent: str | None = None) -> None:
    sample = SAMPLES[entity]
    values: dict[str, Any] = {**sample.values, sample.name: name}
    if parent is not None:
        parent_entity, parent_id = named(device)[parent]
        [link] = [p for p in sample.parents if p.entity == parent_entity]
        values[link.column] = parent_id
    named(device)[name] = (entity, device.run(Create(entity=entity, values=values)).record_id)


@given(parsers.parse('the user\'s offline profile leaves out "{entity}"'))
def profile_leaves_out(device: Device, organization: Dataverse, entity: str) -> None:
    user = organization.get(f"systemusers({device.user_id})?$select=_mobileofflineprofileid_value")
    profile_id = user["_mobileofflineprofileid_value"]
    items = organization.get(
        f"mobileofflineprofileitems?$filter=_regardingobjectid_value eq {profile_id} "
        f"and selectedentitytypecode eq '{entity}'&$select=name"
    )["value"]
    assert items, f"the profile has no {entity} item to leave out"
    for item in items:
        organization.call("DELETE", f"mobileofflineprofileitems({item['mobileofflineprofileitemid']})")


@when(parsers.parse('the user creates a "{entity}" named "{name}" offline'))
def user_creates_named(device: Device, entity: str, name: str) -> None:
    create_named(device, entity, name)


@when(parsers.parse('the user creates a "{entity}" named "{name}" offline, linked to "{parent}"'))
def user_creates_named_child(device: Device, entity: str, name: str, parent: str) -> None:
    create_named(device, entity, name, parent)


@when(parsers.parse('the user renames "{name}" to "{new_name}" offline'))
def user_renames(device: Device, name: str, new_name: str) -> None:
    entity, record_id = named(device)[name]
    device.run(Update(entity=entity, record_id=record_id, values={SAMPLES[entity].name: new_name}))
    named(device)[new_name] = (entity, record_id)


@when(parsers.parse('the user deletes "{name}" offline'))
def user_deletes(device: Device, name: str) -> None:
    entity, record_id = named(device)[name]
    device.run(Delete(entity=entity, record_id=record_id))


@when("the user qualifies the lead offline, creating an account, a contact and an opportunity")
def user_qualifies_creating(device: Device) -> None:
    result = device.run(
        Qualify(
            record_id=arranged(device).record_id,
            create_account=True,
            create_contact=True,
            create_opportunity=True,
        )
    )
    assert isinstance(result, QualifyResult)
    device.memory["command"], device.memory["outcome"] = "qualify", result


@then("the device shows the lead qualified")
def device_shows_lead_qualified(device: Device) -> None:
    lead = device.run(Retrieve(entity="lead", record_id=arranged(device).record_id)).record
    assert (lead.get("statecode"), lead.get("statuscode")) == (1, 3), lead


@then(parsers.parse('the device holds no "{entity}" records'))
def device_holds_none(device: Device, entity: str) -> None:
    assert device.run(LocalRecords(entity=entity)).records == ()


def server_named(organization: Dataverse, entity: str, name: str) -> list[dict[str, Any]]:
    column = SAMPLES[entity].name
    rows: list[dict[str, Any]] = organization.get(
        f"{organization.entity_set(entity)}?$filter={column} eq '{name}'"
    )["value"]
    return rows


@then(parsers.parse('the server holds no "{entity}" named "{name}"'))
def server_holds_none_named(organization: Dataverse, entity: str, name: str) -> None:
    assert server_named(organization, entity, name) == [], f"the server holds a {entity} named {name!r}"


@then(parsers.parse('the server holds one "{entity}" named "{name}"'))
def server_holds_one_named(organization: Dataverse, entity: str, name: str) -> None:
    found = server_named(organization, entity, name)
    assert len(found) == 1, f"the server holds {len(found)} {entity} records named {name!r}"


@then(parsers.parse('on the server "{name}" points to "{parent}"'))
def server_links(device: Device, organization: Dataverse, name: str, parent: str) -> None:
    entity, _ = named(device)[name]
    parent_entity, _ = named(device)[parent]
    [child] = server_named(organization, entity, name)
    [target] = server_named(organization, parent_entity, parent)
    [link] = [p for p in SAMPLES[entity].parents if p.entity == parent_entity]
    parent_id = str(target[organization.primary_id(parent_entity)]).lower()
    assert lookup_id(child.get(f"_{link.column}_value")) == parent_id, child


@then("the server holds the account, contact and opportunity the qualification created")
def server_holds_qualification(device: Device, organization: Dataverse) -> None:
    lead_id = arranged(device).record_id
    for entity_set in ("accounts", "contacts", "opportunities"):
        rows = organization.get(f"{entity_set}?$filter=_originatingleadid_value eq {lead_id}")["value"]
        assert len(rows) == 1, f"{len(rows)} {entity_set} originate from the qualified lead, expected 1"
