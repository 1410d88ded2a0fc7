"""Steps about views, offline search and lookups (MO-VIEW, MO-SRCH, MO-LKP).

A refused command is remembered as the scenario's outcome, so ``the device refuses it as
"<code>"`` (entity_steps) checks it.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import arranged, lookup_id
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError
from harness.protocol.messages import Create, LocalRecords, LookupCandidates, Records, RunView, Search, Views


def system_view(organization: Dataverse, entity: str, name: str) -> str:
    rows = organization.get(
        f"savedqueries?$select=name&$filter=name eq '{name}' and returnedtypecode eq '{entity}'"
    )["value"]
    assert rows, f"the server has no system view {name!r} of {entity}"
    return str(rows[0]["savedqueryid"])


def listed(device: Device, entity: str) -> dict[str, str]:
    """The views the device offers for ``entity``, name -> id."""
    return {view.name: view.id for view in device.run(Views(entity=entity)).views}


def records(device: Device) -> tuple[dict[str, Any], ...]:
    result = device.memory.get("outcome")
    assert isinstance(result, Records), f"the device did not answer with records: {result}"
    return result.records


# --- views -----------------------------------------------------------------------------------------


@given(parsers.parse('the user has a personal view "{name}" of "{entity}"'))
def personal_view(device: Device, organization: Dataverse, name: str, entity: str) -> None:
    primary = organization.primary_id(entity)
    fetch = (
        f'<fetch><entity name="{entity}"><attribute name="{primary}" />'
        '<filter><condition attribute="statecode" operator="eq" value="0" /></filter></entity></fetch>'
    )
    assert device.user_id is not None
    view = organization.call(
        "POST",
        "userqueries",
        token=organization.token_for(device.user_id),
        json={"name": name, "returnedtypecode": entity, "querytype": 0, "fetchxml": fetch},
        headers={"Prefer": "return=representation"},
    )
    device.memory["view"] = (entity, str(view["userqueryid"]))


@when(parsers.parse('the user opens the view "{name}" of "{entity}" offline'))
def open_system_view(device: Device, organization: Dataverse, name: str, entity: str) -> None:
    view_id = system_view(organization, entity, name)
    device.memory["view"] = (entity, view_id)
    device.memory["outcome"] = device.attempt(RunView(entity=entity, view_id=view_id))


@when("the user opens that view offline")
def open_that_view(device: Device) -> None:
    entity, view_id = device.memory["view"]  # type: ignore[misc]
    device.memory["outcome"] = device.attempt(RunView(entity=entity, view_id=view_id))


@when(parsers.parse('the user asks for the views of "{entity}" offline'))
def ask_for_views(device: Device, entity: str) -> None:
    device.memory["outcome"] = device.attempt(Views(entity=entity))


@when(parsers.parse('the user opens the quick view "{name}" of that record offline'))
def open_quick_view(device: Device, name: str) -> None:
    record = arranged(device)
    views = listed(device, record.entity)
    assert name in views, f"the device offers no quick view {name!r}: {sorted(views)}"
    command = RunView(entity=record.entity, view_id=views[name], record_id=record.record_id)
    device.memory["outcome"] = device.attempt(command)


@then(parsers.parse('the device lists the view "{name}" for "{entity}"'))
def device_lists_view(device: Device, name: str, entity: str) -> None:
    assert name in listed(device, entity), f"{name!r} is not among {sorted(listed(device, entity))}"


@then(parsers.parse('the device does not list the view "{name}" for "{entity}"'))
def device_does_not_list_view(device: Device, name: str, entity: str) -> None:
    assert name not in listed(device, entity), f"{name!r} is offered offline"


@then("the device shows the rows the server's view shows for the data on the device")
def view_matches_server(device: Device, organization: Dataverse) -> None:
    entity, view_id = device.memory["view"]  # type: ignore[misc]
    primary = organization.primary_id(entity)
    shown = [str(row[primary]).lower() for row in records(device)]
    held = {str(row[primary]).lower() for row in device.run(LocalRecords(entity=entity)).records}
    assert device.user_id is not None
    server = organization.call(
        "GET",
        f"{organization.entity_set(entity)}?savedQuery={view_id}",
        token=organization.token_for(device.user_id),
    )["value"]
    expected = [str(row[primary]).lower() for row in server if str(row[primary]).lower() in held]
    assert shown, "the view shows no rows on the device: the scenario proves nothing"
    assert shown == expected


@then("the device shows the linked columns of the view")
def view_shows_linked_columns(device: Device) -> None:
    rows = records(device)
    assert rows and all(any("." in column for column in row) for row in rows), rows


@then("the device shows the record's fields on the card")
def card_shows_record(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    [card] = records(device)
    sample = SAMPLES[record.entity]
    assert str(card[organization.primary_id(record.entity)]).lower() == record.record_id.lower()
    assert card.get(sample.name) == sample.values[sample.name], card


# --- search ----------------------------------------------------------------------------------------


@when(parsers.parse('the user searches "{entities}" for "{text}" offline'))
def user_searches(device: Device, entities: str, text: str) -> None:
    chosen = [e.strip() for e in entities.split(",")]
    device.memory["outcome"] = device.attempt(Search(entities=chosen, text=text))


@when(parsers.parse('the user searches the "{field}" column of "{entity}" for "{text}" offline'))
def user_searches_field(device: Device, entity: str, text: str, field: str) -> None:
    device.memory["outcome"] = device.attempt(Search(entities=[entity], text=text, fields=[field]))


@when(parsers.parse('the user runs a relevance search of "{entity}" for "{text}" offline'))
def user_searches_relevance(device: Device, entity: str, text: str) -> None:
    device.memory["outcome"] = device.attempt(Search(entities=[entity], text=text, mode="relevance"))


@then("the search finds that record")
def search_finds_record(device: Device, organization: Dataverse) -> None:
    record = arranged(device)
    primary = organization.primary_id(record.entity)
    found = {str(row[primary]).lower() for row in records(device)}
    assert record.record_id.lower() in found, f"the search found {sorted(found)}"


@then("the search finds nothing")
def search_finds_nothing(device: Device) -> None:
    assert records(device) == ()


# --- lookups ---------------------------------------------------------------------------------------


@when(parsers.parse('the user looks up "{column}" of a new "{entity}" offline'))
def user_looks_up(device: Device, column: str, entity: str) -> None:
    device.memory["outcome"] = device.attempt(LookupCandidates(entity=entity, column=column))


@then("the candidates include that record")
def candidates_include_record(device: Device) -> None:
    record = arranged(device)
    result = device.memory.get("outcome")
    assert not isinstance(result, ClientCommandError), f"the device refused: {result}"
    ids = {candidate.id.lower() for candidate in result.candidates}  # type: ignore[union-attr]
    assert record.record_id.lower() in ids, f"the candidates are {sorted(ids)}"


@when(
    parsers.parse('the user creates a "{entity}" named "{name}" offline with "{column}" set to that record')
)
def create_with_lookup(device: Device, entity: str, name: str, column: str) -> None:
    sample = SAMPLES[entity]
    values = {**sample.values, sample.name: name, column: arranged(device).record_id}
    device.run(Create(entity=entity, values=values))


@then(parsers.parse('on the server the "{entity}" named "{name}" has "{column}" set to that record'))
def server_has_lookup(organization: Dataverse, device: Device, entity: str, name: str, column: str) -> None:
    field = SAMPLES[entity].name
    rows = organization.get(f"{organization.entity_set(entity)}?$filter={field} eq '{name}'")["value"]
    assert len(rows) == 1, f"the server holds {len(rows)} {entity} named {name!r}"
    assert lookup_id(rows[0].get(f"_{column}_value")) == arranged(device).record_id.lower(), rows[0]
