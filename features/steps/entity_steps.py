"""Steps about records and the entity commands: arrange a record on the server, run a command
on the device, and check the device and the server afterwards.

``the user runs "<command>" offline on a "<entity>" record`` sends the protocol command the name
stands for; the checks that follow look at what that command should have done, on the device
(its local store, through the protocol) and on the server (its Web API, as the administrator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.samples import ME, MY_BUSINESS_UNIT, SAMPLES, Sample
from harness.dataverse import Dataverse, DataverseCallFailed
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import (
    AvailableCommands,
    ConvertToCase,
    Create,
    Created,
    Delete,
    Disqualify,
    LocalRecords,
    Qualify,
    Retrieve,
    Update,
)

DISQUALIFIED = 5  # lead status reason "Cannot Contact"
CREATED_OFFLINE = " (created offline)"
CHANGED_OFFLINE = " (changed offline)"
# Where a screen lists a command: creating from a grid, everything else on the record's form.
CONTEXT = {"create": "grid"}


@dataclass
class Arranged:
    """A record the scenario put on the server, with the records its lookups point to."""

    entity: str
    record_id: str
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (entity, id)
    server_before: dict[str, Any] = field(default_factory=dict)
    ids_before: frozenset[str] = frozenset()


def arranged(device: Device) -> Arranged:
    record = device.memory.get("record")
    assert isinstance(record, Arranged), "the scenario has no record on the server yet"
    return record


def server_record(organization: Dataverse, entity: str, record_id: str) -> dict[str, Any] | None:
    """The record as the server holds it now, or None when it is gone."""
    try:
        record: dict[str, Any] = organization.get(f"{organization.entity_set(entity)}({record_id})")
    except DataverseCallFailed as failure:
        if " 404:" in str(failure):
            return None
        raise
    return record


def server_ids(organization: Dataverse, entity: str) -> frozenset[str]:
    primary = organization.primary_id(entity)
    rows = organization.get(f"{organization.entity_set(entity)}?$select={primary}")["value"]
    return frozenset(str(row[primary]) for row in rows)


def create_on_server(organization: Dataverse, device: Device, entity: str) -> Arranged:
    """A sample ``entity`` record and its parents, created with the user's token (the user owns them)."""
    sample = SAMPLES[entity]
    assert device.user_id is not None, "sign the user in first"
    body = dict(sample.values)
    parents: dict[str, tuple[str, str]] = {}
    for parent in sample.parents:
        if parent.given == ME:
            parent_id = device.user_id
        elif parent.given == MY_BUSINESS_UNIT:
            parent_id = str(device.memory["business_unit"])
        else:
            parent_id = create_on_server(organization, device, parent.entity).record_id
        body[f"{parent.navigation}@odata.bind"] = f"/{organization.entity_set(parent.entity)}({parent_id})"
        parents[parent.column] = (parent.entity, parent_id)
    created_as = sample.created_as or entity
    record = organization.call(
        "POST",
        organization.entity_set(created_as),
        token=organization.token_for(device.user_id),
        json=body,
        headers={"Prefer": "return=representation"},
    )
    return Arranged(entity, str(record[organization.primary_id(created_as)]), parents)


@given(parsers.parse('the server holds a "{entity}" record the user\'s profile downloads'))
@given(parsers.parse('the server holds a "{entity}" record'))
def server_holds_record(device: Device, organization: Dataverse, entity: str) -> None:
    record = create_on_server(organization, device, entity)
    before = server_record(organization, entity, record.record_id)
    assert before is not None, f"the {entity} just created is not readable"
    record.server_before = before
    record.ids_before = server_ids(organization, entity)
    device.memory["record"] = record


# --- running a command -------------------------------------------------------------------------


def offline_values(sample: Sample, record: Arranged) -> dict[str, Any]:
    """A new record like the sample, told apart by its name, with the sample's lookups."""
    values = {**sample.values, sample.name: sample.values[sample.name] + CREATED_OFFLINE}
    values.update({column: parent_id for column, (_, parent_id) in record.parents.items()})
    return values


def update_values(sample: Sample) -> dict[str, Any]:
    return sample.update or {sample.name: sample.values[sample.name] + CHANGED_OFFLINE}


def command_for(name: str, record: Arranged) -> Any:
    sample, entity, record_id = SAMPLES[record.entity], record.entity, record.record_id
    commands = {
        "create": lambda: Create(entity=entity, values=offline_values(sample, record)),
        "read": lambda: Retrieve(entity=entity, record_id=record_id),
        "update": lambda: Update(entity=entity, record_id=record_id, values=update_values(sample)),
        "delete": lambda: Delete(entity=entity, record_id=record_id),
        "qualify": lambda: Qualify(record_id=record_id),
        "disqualify": lambda: Disqualify(record_id=record_id, status=DISQUALIFIED),
        "convert_to_case": lambda: ConvertToCase(entity=entity, record_id=record_id),
    }
    assert name in commands, f"no command {name!r}; known: {', '.join(commands)}"
    return commands[name]()


@when(parsers.parse('the user runs "{command}" offline on a "{entity}" record'))
def user_runs_command(device: Device, command: str, entity: str) -> None:
    record = arranged(device)
    assert record.entity == entity, f"the scenario arranged a {record.entity}, not a {entity}"
    device.memory["command"] = command
    device.memory["outcome"] = device.attempt(command_for(command, record))


def outcome(device: Device) -> Any:
    assert "outcome" in device.memory, "no command has run"
    return device.memory["outcome"]


# --- the device --------------------------------------------------------------------------------


def lookup_id(value: Any) -> str | None:
    """The id a lookup column holds, whether the client shows it bare or as ``{entity, id}``."""
    if isinstance(value, dict):
        value = value.get("id")
    return None if value is None else str(value).lower()


def local(device: Device, entity: str, record_id: str) -> dict[str, Any] | None:
    primary = device.dataverse.primary_id(entity)
    rows = device.run(LocalRecords(entity=entity)).records
    found = [row for row in rows if str(row.get(primary, "")).lower() == record_id.lower()]
    return found[0] if found else None


def retrieved(device: Device, entity: str, record_id: str) -> dict[str, Any]:
    return device.run(Retrieve(entity=entity, record_id=record_id)).record


def check_device(device: Device, command: str, record: Arranged, result: Any) -> None:
    sample, entity = SAMPLES[record.entity], record.entity
    if command == "create":
        assert isinstance(result, Created)
        created = local(device, entity, result.record_id)
        assert created is not None, "the device does not hold the record it created"
        assert created[sample.name] == offline_values(sample, record)[sample.name]
    elif command == "read":
        assert result.record[sample.name] == sample.values[sample.name], result.record
    elif command == "update":
        shown = retrieved(device, entity, record.record_id)
        assert {k: shown.get(k) for k in update_values(sample)} == update_values(sample), shown
    elif command == "delete":
        assert local(device, entity, record.record_id) is None, "the device still holds the deleted record"
    elif command in ("qualify", "disqualify"):
        lead = retrieved(device, "lead", record.record_id)
        expected = (1, 3) if command == "qualify" else (2, DISQUALIFIED)
        assert (lead.get("statecode"), lead.get("statuscode")) == expected, lead
    elif command == "convert_to_case":
        assert isinstance(result, Created)
        case = retrieved(device, "incident", result.record_id)
        assert case.get("title") == sample.values["subject"], case
        appointment = retrieved(device, entity, record.record_id)
        assert lookup_id(appointment.get("regardingobjectid")) == result.record_id.lower(), appointment


@then("the device answers from its local store")
def device_answers_locally(device: Device) -> None:
    result = outcome(device)
    assert not isinstance(result, ClientCommandError), f"the device refused: {result}"
    check_device(device, str(device.memory["command"]), arranged(device), result)


@then(parsers.parse('the device refuses it as "{code}"'))
def device_refuses(device: Device, code: str) -> None:
    result = outcome(device)
    assert isinstance(result, ClientCommandError), f"the device accepted it: {result}"
    assert result.code.value == code, f"refused with {result.code.value} ({result.message}), expected {code}"


def offered(device: Device, command: str, entity: str) -> frozenset[str]:
    context = CONTEXT.get(command, "form")
    record_id = None if context == "grid" else arranged(device).record_id
    return device.run(AvailableCommands(entity=entity, context=context, record_id=record_id)).commands


@given(parsers.parse('the device offers "{command}" on a "{entity}" record'))
def device_offers(device: Device, command: str, entity: str) -> None:
    commands = offered(device, command, entity)
    assert command in commands, f"'{command}' is not among the offered commands {sorted(commands)}"


@then(parsers.parse('the device does not offer "{command}" on a "{entity}" record'))
def device_does_not_offer(device: Device, command: str, entity: str) -> None:
    commands = offered(device, command, entity)
    assert command not in commands, f"'{command}' is offered: {sorted(commands)}"


# --- the server --------------------------------------------------------------------------------


def created_on_server(organization: Dataverse, record: Arranged) -> dict[str, Any]:
    """The one record the device created offline, found on the server by its name."""
    sample, entity = SAMPLES[record.entity], record.entity
    name = offline_values(sample, record)[sample.name]
    rows = organization.get(f"{organization.entity_set(entity)}?$filter={sample.name} eq '{name}'")["value"]
    assert len(rows) == 1, f"the server holds {len(rows)} {entity} records named {name!r}, expected 1"
    row: dict[str, Any] = rows[0]
    return row


def check_server(
    organization: Dataverse, device: Device, command: str, record: Arranged, result: Any
) -> None:
    sample, entity = SAMPLES[record.entity], record.entity
    now = server_record(organization, entity, record.record_id)
    if command == "create":
        row = created_on_server(organization, record)
        for column, (_, parent_id) in record.parents.items():
            assert lookup_id(row.get(f"_{column}_value")) == parent_id.lower(), (column, row)
    elif command == "read":
        assert now == record.server_before, "reading offline changed the server's record"
    elif command == "update":
        assert now is not None
        assert {k: now.get(k) for k in update_values(sample)} == update_values(sample), now
    elif command == "delete":
        assert now is None, "the server still holds the record deleted offline"
    elif command in ("qualify", "disqualify"):
        assert now is not None
        expected = (1, 3) if command == "qualify" else (2, DISQUALIFIED)
        assert (now["statecode"], now["statuscode"]) == expected, now
    elif command == "convert_to_case":
        assert now is not None
        cases = organization.get(
            f"incidents?$filter=title eq '{sample.values['subject']}'&$select=title,_customerid_value"
        )["value"]
        assert len(cases) == 1, f"the server holds {len(cases)} cases from the appointment, expected 1"
        assert lookup_id(now.get("_regardingobjectid_value")) == str(cases[0]["incidentid"]).lower(), now


@then(parsers.parse('the server shows the offline "{command}"'))
def server_shows_command(device: Device, organization: Dataverse, command: str) -> None:
    check_server(organization, device, command, arranged(device), outcome(device))


@then("the server record is unchanged")
def server_record_unchanged(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    assert server_record(organization, record.entity, record.record_id) == record.server_before
    assert server_ids(organization, record.entity) == record.ids_before, "the server's records changed"
