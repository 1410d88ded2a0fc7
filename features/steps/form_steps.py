"""Steps about a record's form and its business rules (MO-BR-001, MO-BR-002).

The user opens a form (a new record's, or an arranged record's), sets values on it, and the
device answers ``form_state``: the values, required, locked and hidden columns and errors after
the rules. Saving the form is a ``create`` or an ``update`` whose outcome (a result or a typed
refusal) is remembered, so ``the device refuses it as "<code>"`` (entity_steps) checks it. The
mock's request log shows whether the device asked the server anything while it was offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import arranged, outcome
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import Create, Form, FormState, LocalRecords, Retrieve, Update


@dataclass
class OpenForm:
    """The form the user has open: its table, its record (None: a new one) and the edits."""

    entity: str
    record_id: str | None
    edits: dict[str, Any] = field(default_factory=dict)
    shown: Form | None = None


def open_form(device: Device) -> OpenForm:
    form = device.memory.get("form")
    assert isinstance(form, OpenForm), "the user has no form open"
    return form


def shown(device: Device) -> Form:
    form = open_form(device).shown
    assert form is not None, "the device has not shown the form"
    return form


def show(device: Device, form: OpenForm) -> None:
    form.shown = device.run(FormState(entity=form.entity, record_id=form.record_id, values=form.edits))
    device.memory["form"] = form


# --- the request log -------------------------------------------------------------------------------


@given("the server's request log is cleared")
def request_log_cleared(organization: Dataverse) -> None:
    organization.call("DELETE", f"{organization.origin}/_mock/requests")


@then("the device sent no request to the server while offline")
def no_request_sent(organization: Dataverse) -> None:
    logged = organization.call("GET", f"{organization.origin}/_mock/requests?limit=1000")["requests"]
    assert logged == [], f"the server was asked: {[(r['method'], r['path']) for r in logged]}"


@given("that record is completed on the server")
def record_completed_on_server(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    completed = {"statecode": 1, "statuscode": 2}
    organization.call(
        "PATCH", f"{organization.entity_set(record.entity)}({record.record_id})", json=completed
    )


# --- the form --------------------------------------------------------------------------------------


@when(parsers.parse('the user opens a new "{entity}" form offline'))
def user_opens_new_form(device: Device, entity: str) -> None:
    show(device, OpenForm(entity, None))


@when("the user opens that record's form offline")
def user_opens_record_form(device: Device) -> None:
    record = arranged(device)
    show(device, OpenForm(record.entity, record.record_id))


@when(parsers.parse('the user sets "{column}" to {value} on the form'))
def user_sets_value(device: Device, column: str, value: str) -> None:
    form = open_form(device)
    form.edits[column] = json.loads(value)
    show(device, form)


@when("the user saves the form offline")
def user_saves_form(device: Device) -> None:
    form = open_form(device)
    command: Create | Update = (
        Create(entity=form.entity, values=form.edits)
        if form.record_id is None
        else Update(entity=form.entity, record_id=form.record_id, values=form.edits)
    )
    device.memory["outcome"] = device.attempt(command)


@then(parsers.parse('the form shows "{column}" set to {value}'))
def form_shows_value(device: Device, column: str, value: str) -> None:
    values = shown(device).values
    assert values.get(column) == json.loads(value), f"{column} is {values.get(column)!r}: {values}"


@then(parsers.parse('the form shows "{column}" empty'))
def form_shows_empty(device: Device, column: str) -> None:
    values = shown(device).values
    assert values.get(column) is None, f"{column} is {values.get(column)!r}"


@then(parsers.parse('the form shows "{column}" as business required'))
def form_shows_required(device: Device, column: str) -> None:
    assert column in shown(device).required, f"required: {sorted(shown(device).required)}"


@then(parsers.parse('the form does not show "{column}" as business required'))
def form_shows_optional(device: Device, column: str) -> None:
    assert column not in shown(device).required, f"required: {sorted(shown(device).required)}"


@then(parsers.parse('the form shows "{column}" locked'))
def form_shows_locked(device: Device, column: str) -> None:
    assert column in shown(device).locked, f"locked: {sorted(shown(device).locked)}"


@then(parsers.parse('the form shows "{column}" unlocked'))
def form_shows_unlocked(device: Device, column: str) -> None:
    assert column not in shown(device).locked, f"locked: {sorted(shown(device).locked)}"


@then(parsers.parse('the form shows "{column}" hidden'))
def form_shows_hidden(device: Device, column: str) -> None:
    assert column in shown(device).hidden, f"hidden: {sorted(shown(device).hidden)}"


@then(parsers.parse('the form shows "{column}" visible'))
def form_shows_visible(device: Device, column: str) -> None:
    assert column not in shown(device).hidden, f"hidden: {sorted(shown(device).hidden)}"


@then(parsers.parse('the form shows the error "{message}" on "{column}"'))
def form_shows_error(device: Device, message: str, column: str) -> None:
    errors = [(error.column, error.message) for error in shown(device).errors]
    assert (column, message) in errors, f"the form's errors: {errors}"


@then("the form shows no error")
def form_shows_no_error(device: Device) -> None:
    assert shown(device).errors == (), f"the form's errors: {shown(device).errors}"


# --- after saving ----------------------------------------------------------------------------------


@then("the device saves the form")
def device_saves_form(device: Device) -> None:
    result = outcome(device)
    assert not isinstance(result, ClientCommandError), f"the device refused the save: {result}"


def local_named(device: Device, entity: str, name: str) -> list[dict[str, Any]]:
    column = SAMPLES[entity].name
    return [row for row in device.run(LocalRecords(entity=entity)).records if row.get(column) == name]


@then(parsers.parse('the device holds no "{entity}" named "{name}"'))
def device_holds_none_named(device: Device, entity: str, name: str) -> None:
    assert local_named(device, entity, name) == [], f"the device holds a {entity} named {name!r}"


@then(parsers.parse('the device keeps that record\'s "{column}" empty'))
def device_record_column_empty(device: Device, column: str) -> None:
    record = arranged(device)
    held = device.run(Retrieve(entity=record.entity, record_id=record.record_id)).record
    assert held.get(column) is None, f"the device holds {column} = {held.get(column)!r}"


@then(parsers.parse('the server\'s "{entity}" named "{name}" has "{column}" set to {value}'))
def server_named_value(organization: Dataverse, entity: str, name: str, column: str, value: str) -> None:
    field_name = SAMPLES[entity].name
    rows = organization.get(f"{organization.entity_set(entity)}?$filter={field_name} eq '{name}'")["value"]
    assert len(rows) == 1, f"the server holds {len(rows)} {entity} named {name!r}"
    assert rows[0].get(column) == json.loads(value), rows[0]
