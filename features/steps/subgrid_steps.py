"""Steps about subgrids and relationships (MO-SUB): the commands a subgrid offers, Add Existing,
and the links the server holds after sync (read as the admin through the relationship's
navigation property).

A refused Add Existing is remembered as the scenario's outcome, so ``the device refuses it as
"<code>"`` (entity_steps) checks it.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import Arranged, create_on_server, lookup_id
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import AddExisting, AvailableCommands, Retrieve


def subgrid_record(device: Device, entity: str) -> Arranged:
    """The scenario's record of ``entity``, arranged by the step below."""
    records: dict[str, Arranged] = device.memory.setdefault("subgrid", {})  # type: ignore[assignment]
    assert entity in records, f"the scenario has no {entity} record on the server"
    return records[entity]


def relationship(organization: Dataverse, name: str) -> dict[str, Any]:
    found = organization.get(f"RelationshipDefinitions?$filter=SchemaName eq '{name}'")["value"]
    assert found, f"the server has no relationship {name!r}"
    definition: dict[str, Any] = found[0]
    return definition


def linked(organization: Dataverse, name: str, entity: str, record_id: str) -> frozenset[str]:
    """The ids of the records linked to ``entity``'s record through the relationship ``name``."""
    definition = relationship(organization, name)
    if "Entity1LogicalName" in definition:  # N:N
        first = definition["Entity1LogicalName"] == entity
        other = definition["Entity2LogicalName" if first else "Entity1LogicalName"]
        navigation = definition["Entity1NavigationPropertyName" if first else "Entity2NavigationPropertyName"]
    else:
        assert definition["ReferencedEntity"] == entity, f"{entity} is not the 'one' side of {name}"
        other, navigation = (
            definition["ReferencingEntity"],
            definition["ReferencedEntityNavigationPropertyName"],
        )
    primary = organization.primary_id(other)
    rows = organization.get(f"{organization.entity_set(entity)}({record_id})/{navigation}?$select={primary}")[
        "value"
    ]
    return frozenset(str(row[primary]).lower() for row in rows)


@given(
    parsers.parse('the user\'s profile downloads a "{form}" record and a "{related}" record from the server')
)
def server_holds_two_records(device: Device, organization: Dataverse, form: str, related: str) -> None:
    device.memory["subgrid"] = {
        form: create_on_server(organization, device, form),
        related: create_on_server(organization, device, related),
    }


@then(parsers.parse('the device offers "{command}" on the "{entity}" subgrid of "{name}"'))
def device_offers_on_subgrid(device: Device, command: str, entity: str, name: str) -> None:
    offered = device.run(AvailableCommands(entity=entity, context="subgrid", relationship=name)).commands
    assert command in offered, f"'{command}' is not among the subgrid's commands {sorted(offered)}"


@then(parsers.parse('the device does not offer "{command}" on the "{entity}" subgrid of "{name}"'))
def device_does_not_offer_on_subgrid(device: Device, command: str, entity: str, name: str) -> None:
    offered = device.run(AvailableCommands(entity=entity, context="subgrid", relationship=name)).commands
    assert command not in offered, f"'{command}' is offered on the subgrid: {sorted(offered)}"


@when(parsers.parse('the user adds the existing "{related}" to the "{form}" through "{name}" offline'))
def user_adds_existing(device: Device, organization: Dataverse, related: str, form: str, name: str) -> None:
    record, other = subgrid_record(device, form), subgrid_record(device, related)
    device.memory["links_before"] = linked(organization, name, form, record.record_id)
    command = AddExisting(
        entity=form, record_id=record.record_id, relationship=name, related_id=other.record_id
    )
    outcome = device.attempt(command)
    device.memory["outcome"] = outcome


@then(parsers.parse('the device shows the "{related}" linked to the "{form}" through "{name}"'))
def device_shows_link(device: Device, organization: Dataverse, related: str, form: str, name: str) -> None:
    outcome = device.memory.get("outcome")
    assert not isinstance(outcome, ClientCommandError), f"the device refused: {outcome}"
    column = relationship(organization, name)["ReferencingAttribute"]
    record = device.run(Retrieve(entity=related, record_id=subgrid_record(device, related).record_id)).record
    assert lookup_id(record.get(column)) == subgrid_record(device, form).record_id.lower(), record


@then(parsers.parse('on the server the "{related}" is linked to the "{form}" through "{name}"'))
def server_shows_link(device: Device, organization: Dataverse, related: str, form: str, name: str) -> None:
    links = linked(organization, name, form, subgrid_record(device, form).record_id)
    assert subgrid_record(device, related).record_id.lower() in links, f"the server links {sorted(links)}"


@then(parsers.parse('on the server the links of the "{form}" through "{name}" are unchanged'))
def server_links_unchanged(device: Device, organization: Dataverse, form: str, name: str) -> None:
    links = linked(organization, name, form, subgrid_record(device, form).record_id)
    assert links == device.memory["links_before"], f"the server links {sorted(links)}"
