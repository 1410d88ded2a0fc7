"""Steps about the edit form commands of a custom table's record (MO-CUST-001): Mark Complete,
Refresh, Convert To Opportunity (Delete is an entity command, see entity_steps).

A command's outcome is remembered, so ``the device refuses it as "<code>"`` (entity_steps)
checks a refusal.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from features.steps.entity_steps import arranged, lookup_id, outcome, server_record
from features.steps.form_steps import open_form
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import (
    AvailableCommands,
    ConvertToOpportunity,
    Created,
    LocalRecords,
    MarkComplete,
    Refresh,
    Retrieved,
)

COMPLETED = (1, 2)  # new_inspection: statecode Inactive, statuscode Completed
FORM_COMMANDS = {
    "mark_complete": MarkComplete,
    "refresh": Refresh,
    "convert_to_opportunity": ConvertToOpportunity,
}


@when(parsers.parse('the user runs the form command "{command}" offline on that record'))
def user_runs_form_command(device: Device, command: str) -> None:
    record = arranged(device)
    assert command in FORM_COMMANDS, f"no form command {command!r}; known: {', '.join(FORM_COMMANDS)}"
    device.memory["outcome"] = device.attempt(
        FORM_COMMANDS[command](entity=record.entity, record_id=record.record_id)
    )


@then(parsers.parse('the edit form of that record offers "{commands}"'))
def form_offers(device: Device, commands: str) -> None:
    record = arranged(device)
    offered = device.run(
        AvailableCommands(entity=record.entity, context="form", record_id=record.record_id)
    ).commands
    missing = {c.strip() for c in commands.split(",")} - offered
    assert not missing, f"the form does not offer {sorted(missing)}; it offers {sorted(offered)}"


def succeeded(device: Device) -> Any:
    result = outcome(device)
    assert not isinstance(result, ClientCommandError), f"the device refused: {result}"
    return result


# --- Mark Complete ---------------------------------------------------------------------------------


@then("the device shows that record completed")
def device_shows_completed(device: Device) -> None:
    succeeded(device)
    refreshed = device.run(Refresh(entity=arranged(device).entity, record_id=arranged(device).record_id))
    state = (refreshed.record.get("statecode"), refreshed.record.get("statuscode"))
    assert state == COMPLETED, f"the device shows statecode/statuscode {state}"


@then("the server shows that record completed")
def server_shows_completed(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    now = server_record(organization, record.entity, record.record_id)
    assert now is not None, "the server no longer holds the record"
    assert (now["statecode"], now["statuscode"]) == COMPLETED, now


# --- Refresh ---------------------------------------------------------------------------------------


@then("the refreshed record shows what the device stored, without the unsaved edits")
def refreshed_without_edits(device: Device) -> None:
    result = succeeded(device)
    assert isinstance(result, Retrieved)
    record = arranged(device)
    sample = SAMPLES[record.entity]
    edits = open_form(device).edits
    assert edits, "the scenario made no unsaved edits: it proves nothing"
    assert result.record.get(sample.name) == sample.values[sample.name], result.record
    assert all(result.record.get(column) != value for column, value in edits.items()), result.record


# --- Convert To Opportunity ------------------------------------------------------------------------


@then("the device holds a new opportunity linked to that record")
def device_holds_opportunity(device: Device) -> None:
    result = succeeded(device)
    assert isinstance(result, Created)
    record = arranged(device)
    [opportunity] = [
        row
        for row in device.run(LocalRecords(entity="opportunity")).records
        if str(row.get("opportunityid", "")).lower() == result.record_id.lower()
    ]
    assert lookup_id(opportunity.get("new_inspectionid")) == record.record_id.lower(), opportunity
    assert opportunity.get("name") == SAMPLES[record.entity].values[SAMPLES[record.entity].name], opportunity


@then("the server holds one opportunity converted from that record")
def server_holds_opportunity(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    rows = organization.get(f"opportunities?$filter=_new_inspectionid_value eq {record.record_id}")["value"]
    assert len(rows) == 1, f"the server holds {len(rows)} opportunities converted from the record, expected 1"
    assert rows[0]["name"] == SAMPLES[record.entity].values[SAMPLES[record.entity].name], rows[0]
