"""Business process flows on the device: the three stage commands on the local instance, the
refusals of multi-table flows, and the moves' upload at sync (MO-BPF-001..004)."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from clients.reference.catalog import (
    OFFLINE_COMMANDS,
    Catalog,
    CommandNotOffered,
    InvalidRequest,
    NotAvailableOffline,
)
from clients.reference.local_store import LocalStore
from clients.reference.processes import (
    FLOWS_KEY,
    INSTANCES_KEY,
    Flow,
    Instance,
    Processes,
    Stage,
    StageMove,
    dequeue_move,
    queued_moves,
)
from tests.clients.conftest import Device, Organization

INSPECTION = Flow(
    "f1",
    "Inspection Process",
    "new_inspectionprocess",
    "new_inspectionprocesses",
    (
        Stage("s1", "Schedule", "new_inspection", 0),
        Stage("s2", "Inspect", "new_inspection", 1),
        Stage("s3", "Follow-up", "new_inspection", 2),
        Stage("s4", "Close", "new_inspection", 3),
    ),
)
SALES = Flow(
    "f2",
    "Lead to Opportunity Sales Process",
    "leadtoopportunitysalesprocess",
    "leadtoopportunitysalesprocesses",
    (Stage("q", "Qualify", "lead", 0), Stage("d", "Develop", "opportunity", 1)),
)


def _device_with(*path: str, flow: Flow = INSPECTION, entity: str = "new_inspection") -> Processes:
    store = LocalStore()
    store.set_state(FLOWS_KEY, [asdict(INSPECTION), asdict(SALES)])
    instance = Instance("i1", flow.id, path[-1], tuple(path), 0, "2026-01-01T00:00:00Z")
    store.set_state(INSTANCES_KEY, {f"{entity}/r1": asdict(instance)})
    return Processes(store)


def _path(processes: Processes, entity: str = "new_inspection") -> tuple[str, ...]:
    instance = processes.instance(entity, "r1")
    assert instance is not None
    return instance.traversed_path


def test_next_stage_follows_the_stage_order_without_evaluating_branches() -> None:
    processes = _device_with("s1", "s2")
    shown = processes.next_stage("new_inspection", "r1", online=False)
    assert (shown["active_stage_id"], shown["traversed_path"]) == ("s3", ["s1", "s2", "s3"])
    assert _path(processes) == ("s1", "s2", "s3")
    assert queued_moves(processes.store) == [
        StageMove("new_inspectionprocess", "new_inspectionprocesses", "i1", "s3", ("s1", "s2", "s3"))
    ]


def test_previous_stage_drops_the_active_stage_from_the_path() -> None:
    processes = _device_with("s1", "s2")
    assert processes.previous_stage("new_inspection", "r1", online=False)["traversed_path"] == ["s1"]
    assert [m.traversed_path for m in queued_moves(processes.store)] == [("s1",)]


def test_set_active_stage_moves_back_one_stage_at_a_time() -> None:
    processes = _device_with("s1", "s2", "s4")
    shown = processes.set_active_stage("new_inspection", "r1", "S1", online=False)
    assert shown["active_stage_id"] == "s1"
    assert [m.traversed_path for m in queued_moves(processes.store)] == [("s1", "s2"), ("s1",)]


@pytest.mark.parametrize(
    ("path", "move"),
    [
        (("s1", "s2", "s4"), "next"),
        (("s1",), "previous"),
        (("s1", "s2"), "set_active"),
    ],
)
def test_moves_past_the_ends_or_forward_by_set_active_are_refused(path: tuple[str, ...], move: str) -> None:
    processes = _device_with(*path)
    with pytest.raises(InvalidRequest):
        if move == "next":
            processes.next_stage("new_inspection", "r1", online=False)
        elif move == "previous":
            processes.previous_stage("new_inspection", "r1", online=False)
        else:
            processes.set_active_stage("new_inspection", "r1", "s4", online=False)
    assert queued_moves(processes.store) == []


def test_a_flow_of_several_tables_is_not_shown_nor_moved_offline() -> None:
    processes = _device_with("q", flow=SALES, entity="lead")
    with pytest.raises(NotAvailableOffline):
        processes.state("lead", "r1", online=False)
    assert not processes.offers_stage_commands("lead", "r1", online=False)
    for move in (processes.next_stage, processes.previous_stage):
        with pytest.raises(CommandNotOffered):
            move("lead", "r1", False)
    with pytest.raises(CommandNotOffered):
        processes.set_active_stage("lead", "r1", "q", online=False)
    assert queued_moves(processes.store) == []


def test_online_a_flow_of_several_tables_is_shown_and_moves_with_next_stage() -> None:
    processes = _device_with("q", flow=SALES, entity="lead")
    state = processes.state("lead", "r1", online=True)
    assert state is not None and state["active_stage_id"] == "q"
    assert processes.offers_stage_commands("lead", "r1", online=True)
    assert processes.next_stage("lead", "r1", online=True)["traversed_path"] == ["q", "d"]


def test_a_record_without_a_flow_on_the_device_shows_none_and_offers_no_moves() -> None:
    processes = _device_with("s1")
    assert processes.state("new_inspection", "other", online=False) is None
    assert not processes.offers_stage_commands("new_inspection", "other", online=False)
    with pytest.raises(CommandNotOffered):
        processes.next_stage("new_inspection", "other", online=False)


def test_a_finished_flow_does_not_move() -> None:
    processes = _device_with("s1")
    instances = processes.store.state(INSTANCES_KEY)
    instances["new_inspection/r1"]["statecode"] = 1
    processes.store.set_state(INSTANCES_KEY, instances)
    with pytest.raises(InvalidRequest):
        processes.next_stage("new_inspection", "r1", online=False)


def test_a_move_is_uploaded_as_the_instance_tables_active_stage_and_traversed_path() -> None:
    move = StageMove("new_inspectionprocess", "new_inspectionprocesses", "i1", "s2", ("s1", "s2"))
    assert move.url == "new_inspectionprocesses(i1)"
    assert move.body == {"activestageid@odata.bind": "/processstages(s2)", "traversedpath": "s1,s2"}
    processes = _device_with("s1")
    processes.next_stage("new_inspection", "r1", online=False)
    dequeue_move(processes.store)
    assert queued_moves(processes.store) == []


def test_the_form_lists_the_stage_commands_only_when_the_record_shows_a_flow() -> None:
    catalog = Catalog(dict(OFFLINE_COMMANDS))
    stage_commands = ["bpf_next_stage", "bpf_previous_stage", "bpf_set_active_stage"]
    assert catalog.offered("new_inspection", "form", {}, shows_flow=True)[-3:] == stage_commands
    assert not set(stage_commands) & set(catalog.offered("new_inspection", "form", {}))
    assert not set(stage_commands) & set(catalog.offered("new_inspection", "grid", None, shows_flow=True))


def _new_inspection(organization: Organization) -> str:
    created = organization.admin.post(
        "new_inspections",
        json={"new_name": "Pump house inspection"},
        headers={"Authorization": f"Bearer {organization.token}", "Prefer": "return=representation"},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["new_inspectionid"])


def test_sync_uploads_moves_and_reports_the_ones_the_server_refuses(
    device: Device, organization: Organization
) -> None:
    record_id = _new_inspection(organization)
    device.call("sync")
    shown = device.call("bpf_state", entity="new_inspection", record_id=record_id)["process"]
    assert [s["name"] for s in shown["stages"]] == ["Schedule", "Inspect", "Follow-up", "Close"]
    device.call("go_offline")
    device.call("bpf_next_stage", entity="new_inspection", record_id=record_id)
    device.call("bpf_next_stage", entity="new_inspection", record_id=record_id)  # Follow-up, by order
    device.call("go_online")
    result = device.call("sync")
    assert result["errors"] == []
    instance = organization.get(
        f"new_inspectionprocesses?$filter=_bpf_new_inspectionid_value eq {record_id}"
    )["value"][0]
    close = shown["stages"][3]["id"]
    assert instance["_activestageid_value"] == close  # the server resolved the branch (no result)
    assert (
        device.call("bpf_state", entity="new_inspection", record_id=record_id)["process"]["active_stage_id"]
        == close
    )

    device.call("bpf_previous_stage", entity="new_inspection", record_id=record_id)
    organization.dataverse.call(  # meanwhile the flow instance is deleted on the server
        "DELETE", f"new_inspectionprocesses({instance['businessprocessflowinstanceid']})"
    )
    result = device.call("sync")
    assert [(e["entity"], e["operation"], e["code"]) for e in result["errors"]] == [
        ("new_inspectionprocess", "update", "not_found")
    ]
    assert device.call("bpf_state", entity="new_inspection", record_id=record_id)["process"] is None
