"""Steps about business process flows (MO-BPF): the flow a record shows on the device, the three
stage commands, and the flow instance the server holds after sync.

The server side is read as the administrator through the Web API: the instance row of the
record's flow (its ``activestageid`` and ``traversedpath``) and the record's own ``stageid``.
Stages are named in the feature files and turned into ids through the server's ``processstage``
rows. A refused stage command is remembered as the scenario's outcome, so ``the device refuses it
as "<code>"`` (entity_steps) checks it.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import CREATED_OFFLINE, arranged, lookup_id
from features.steps.samples import SAMPLES
from harness.dataverse import Dataverse
from harness.device import Device
from harness.errors import ClientCommandError, ErrorCode
from harness.protocol.messages import (
    AvailableCommands,
    BpfNextStage,
    BpfPreviousStage,
    BpfSetActiveStage,
    BpfState,
    Create,
    Process,
    Qualify,
    Update,
)

# The instance table of the flow each table of the scenarios starts (the mock's seeded flows).
INSTANCE_TABLES = {"new_inspection": "new_inspectionprocess", "lead": "leadtoopportunitysalesprocess"}
STAGE_COMMANDS = {
    "Next stage": "bpf_next_stage",
    "Previous stage": "bpf_previous_stage",
    "Set Active stage": "bpf_set_active_stage",
}
INSPECTION_RESULTS = {"Pass": 100000000, "Fail": 100000001}
MAX_STAGES = 10


def flow_record(device: Device, organization: Dataverse) -> tuple[str, str, str]:
    """The record whose flow the scenario works on: its table, its id on the device and its id on
    the server (they differ for a record created offline, found on the server by its name)."""
    created = device.memory.get("created_offline")
    if isinstance(created, tuple):
        entity, device_id, name = created
        column = SAMPLES[entity].name
        rows = organization.get(f"{organization.entity_set(entity)}?$filter={column} eq '{name}'")["value"]
        server_id = str(rows[0][organization.primary_id(entity)]) if rows else device_id
        return entity, device_id, server_id
    record = arranged(device)
    return record.entity, record.record_id, record.record_id


def server_instance(organization: Dataverse, entity: str, record_id: str) -> dict[str, Any]:
    table = INSTANCE_TABLES[entity]
    rows = organization.get(f"{organization.entity_set(table)}?$filter=_bpf_{entity}id_value eq {record_id}")[
        "value"
    ]
    assert len(rows) == 1, f"the server holds {len(rows)} {table} instances for the {entity}, expected 1"
    instance: dict[str, Any] = rows[0]
    return instance


def server_stages(organization: Dataverse, process_id: str) -> dict[str, str]:
    """The stages of a process on the server, id -> name, in stage order."""
    rows = organization.get(
        f"processstages?$select=processstageid,stagename,stageorder&$filter=_processid_value eq {process_id}"
    )["value"]
    ordered = sorted(rows, key=lambda r: r["stageorder"])
    return {str(r["processstageid"]).lower(): str(r["stagename"]) for r in ordered}


def path_names(path: str | None, stages: dict[str, str]) -> list[str]:
    return [stages.get(p.strip().lower(), p) for p in (path or "").split(",") if p.strip()]


def names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


def shown(device: Device, organization: Dataverse) -> Process:
    entity, device_id, _ = flow_record(device, organization)
    process = device.run(BpfState(entity=entity, record_id=device_id)).process
    assert process is not None, f"the device shows no flow on the {entity}"
    return process


# --- arranging the server ----------------------------------------------------------------------


@given(parsers.parse('on the server the record\'s flow has moved to "{stage}"'))
def server_flow_moved(device: Device, organization: Dataverse, stage: str) -> None:
    """Next stage on the server, one stage at a time in stage order, the server resolving
    branches, until the flow reaches ``stage``."""
    entity, _, record_id = flow_record(device, organization)
    entity_set = organization.entity_set(INSTANCE_TABLES[entity])
    for _ in range(MAX_STAGES):
        instance = server_instance(organization, entity, record_id)
        stages = server_stages(organization, instance["_processid_value"])
        active = str(instance["_activestageid_value"]).lower()
        if stages[active] == stage:
            return
        ids = list(stages)
        following = ids[ids.index(active) + 1]
        organization.call(
            "PATCH",
            f"{entity_set}({instance['businessprocessflowinstanceid']})",
            json={
                "activestageid@odata.bind": f"/processstages({following})",
                "traversedpath": f"{instance['traversedpath']},{following}",
            },
        )
    raise AssertionError(f"the flow did not reach {stage!r} on the server")


# --- the device --------------------------------------------------------------------------------


@when("the user creates a lead offline")
def user_creates_lead(device: Device) -> None:
    sample = SAMPLES["lead"]
    name = sample.values[sample.name] + CREATED_OFFLINE
    created = device.run(Create(entity="lead", values={**sample.values, sample.name: name}))
    device.memory["created_offline"] = ("lead", created.record_id, name)


@when("the user qualifies that lead offline, creating an opportunity")
def user_qualifies_that_lead(device: Device, organization: Dataverse) -> None:
    _, device_id, _ = flow_record(device, organization)
    device.run(Qualify(record_id=device_id, create_opportunity=True))


@when(parsers.parse('the user records the inspection result "{result}" offline'))
def user_records_result(device: Device, result: str) -> None:
    record = arranged(device)
    # A business rule wants notes on a failed inspection; every result gets them.
    values = {"new_result": INSPECTION_RESULTS[result], "new_notes": f"Inspection result: {result}"}
    device.run(Update(entity=record.entity, record_id=record.record_id, values=values))


@when(parsers.parse('the user runs "{command}" on the record\'s flow'))
def user_runs_stage_command(device: Device, organization: Dataverse, command: str) -> None:
    entity, device_id, server_id = flow_record(device, organization)
    if command == "Next stage":
        move: Any = BpfNextStage(entity=entity, record_id=device_id)
    elif command == "Previous stage":
        move = BpfPreviousStage(entity=entity, record_id=device_id)
    else:
        assert command == "Set Active stage", f"no stage command {command!r}"
        instance = server_instance(organization, entity, server_id)
        first = next(iter(server_stages(organization, instance["_processid_value"])))
        move = BpfSetActiveStage(entity=entity, record_id=device_id, stage_id=first)
    device.memory["outcome"] = device.attempt(move)


@when(parsers.parse('the user sets "{stage}" as the active stage of the record\'s flow'))
def user_sets_active_stage(device: Device, organization: Dataverse, stage: str) -> None:
    entity, device_id, _ = flow_record(device, organization)
    stage_id = shown(device, organization).stage_named(stage).id
    move = BpfSetActiveStage(entity=entity, record_id=device_id, stage_id=stage_id)
    device.memory["outcome"] = device.run(move)


@then(parsers.parse('the device shows the flow "{process}" on the record at stage "{stage}"'))
def device_shows_flow(device: Device, organization: Dataverse, process: str, stage: str) -> None:
    flow = shown(device, organization)
    active = {s.id: s.name for s in flow.stages}.get(flow.active_stage_id)
    assert (flow.name, active) == (process, stage), f"the device shows {flow.name!r} at {active!r}"
    assert flow.traversed_path[-1] == flow.active_stage_id, "the active stage ends the traversed path"


@then(parsers.parse('the device shows the traversed path "{path}"'))
def device_shows_path(device: Device, organization: Dataverse, path: str) -> None:
    flow = shown(device, organization)
    stages = {s.id: s.name for s in flow.stages}
    assert [stages[s] for s in flow.traversed_path] == names(path)


@then("the device does not show the record's flow")
def device_does_not_show_flow(device: Device, organization: Dataverse) -> None:
    entity, device_id, _ = flow_record(device, organization)
    refusal = device.attempt(BpfState(entity=entity, record_id=device_id))
    assert isinstance(refusal, ClientCommandError), f"the device shows the flow: {refusal}"
    assert refusal.code == ErrorCode.NOT_AVAILABLE_OFFLINE, refusal


def form_commands(device: Device, organization: Dataverse) -> frozenset[str]:
    entity, device_id, _ = flow_record(device, organization)
    offered = device.run(AvailableCommands(entity=entity, record_id=device_id, context="form")).commands
    assert "read" in offered, f"the record's form is not offered: {sorted(offered)}"
    return offered


@then("the record's form offers exactly the stage commands Next stage, Previous stage and Set Active stage")
def form_offers_stage_commands(device: Device, organization: Dataverse) -> None:
    stage_commands = {c for c in form_commands(device, organization) if c.startswith("bpf_")}
    assert stage_commands == set(STAGE_COMMANDS.values()), sorted(stage_commands)


@then("the record's form offers no stage commands")
def form_offers_no_stage_commands(device: Device, organization: Dataverse) -> None:
    stage_commands = {c for c in form_commands(device, organization) if c.startswith("bpf_")}
    assert stage_commands == set(), sorted(stage_commands)


# --- the server --------------------------------------------------------------------------------


@then(
    parsers.parse('the server shows the record\'s flow at stage "{stage}" with the traversed path "{path}"')
)
@then(
    parsers.parse(
        'the server still shows the record\'s flow at stage "{stage}" with the traversed path "{path}"'
    )
)
def server_shows_flow(device: Device, organization: Dataverse, stage: str, path: str) -> None:
    entity, _, record_id = flow_record(device, organization)
    instance = server_instance(organization, entity, record_id)
    stages = server_stages(organization, instance["_processid_value"])
    active = stages.get(str(instance["_activestageid_value"]).lower())
    assert active == stage, f"the server's flow is at {active!r}"
    assert path_names(instance["traversedpath"], stages) == names(path), instance["traversedpath"]
    record = organization.get(f"{organization.entity_set(entity)}({record_id})?$select=stageid")
    assert lookup_id(record.get("stageid")) == str(instance["_activestageid_value"]).lower(), (
        f"the {entity}'s stageid is not the flow's active stage"
    )
