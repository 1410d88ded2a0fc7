"""Mutants of section 3 of the catalogue: business process flows offline (MO-BPF).

They break the three stage commands (one missing, a move kept on the device, a jump of several
stages), show a flow that spans several tables, settle a branch on the device or keep the
device's guess over the server's, and move a qualified lead's flow on without the user.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import catalog, processes, rules, sync
from clients.reference.catalog import Command, InvalidRequest
from clients.reference.local_store import LocalStore
from clients.reference.processes import Processes
from clients.reference.webapi import WebApi

BRANCHES_KEY = "flow_branches"


def _without_set_active_stage(patch: pytest.MonkeyPatch) -> None:
    offered = tuple(c for c in catalog.STAGE_COMMANDS if c is not Command.BPF_SET_ACTIVE_STAGE)
    patch.setattr(catalog, "STAGE_COMMANDS", offered)


def _keep_moves_on_device(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(processes, "queued_moves", lambda store: [])


def _set_active_stage_in_one_move(patch: pytest.MonkeyPatch) -> None:
    def jump(self: Processes, entity: str, record_id: str, stage_id: str, online: bool) -> dict[str, Any]:
        flow, instance = self._movable(entity, record_id, online)
        stage = flow.stage(stage_id.lower())
        if stage.id not in instance.traversed_path:
            raise InvalidRequest(f"The stage {stage.name} is not on the traversed path of {flow.name}.")
        path = list(instance.traversed_path)
        return self._move(entity, record_id, flow, instance, path[: path.index(stage.id) + 1])

    patch.setattr(Processes, "set_active_stage", jump)


def _show_every_flow(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(processes.Flow, "single_entity", property(lambda flow: True))


def _stage_commands_on_every_flow(patch: pytest.MonkeyPatch) -> None:
    def has_flow(self: Processes, entity: str, record_id: str, online: bool) -> bool:
        return self.instance(entity, record_id) is not None

    patch.setattr(Processes, "offers_stage_commands", has_flow)


def _evaluate_branches(patch: pytest.MonkeyPatch) -> None:
    download, next_stage = processes.download, Processes.next_stage

    def with_branches(api: WebApi, store: LocalStore, entities: tuple[str, ...]) -> None:
        download(api, store, entities)
        branches = {}
        for flow_id in Processes(store).flows():
            for row in api.readable_rows(
                f"processstages?$select=processstageid,clientdata&$filter=_processid_value eq {flow_id}"
            ):
                if row.get("clientdata"):
                    branches[str(row["processstageid"]).lower()] = json.loads(row["clientdata"])["next"]
        store.set_state(BRANCHES_KEY, branches)

    def branching(self: Processes, entity: str, record_id: str, online: bool) -> dict[str, Any]:
        flow, instance = self._movable(entity, record_id, online)
        branch = (self.store.state(BRANCHES_KEY) or {}).get(instance.active_stage_id)
        if not branch:
            return next_stage(self, entity, record_id, online)
        record = self.store.get(entity, record_id) or {}
        taken = next(b for b in branch if "when" not in b or rules.holds(b["when"], record))
        return self._move(
            entity, record_id, flow, instance, [*instance.traversed_path, taken["stageid"].lower()]
        )

    patch.setattr(processes, "download", with_branches)
    patch.setattr(Processes, "next_stage", branching)


def _keep_device_stage(patch: pytest.MonkeyPatch) -> None:
    download = processes._download_instances

    def device_first(
        api: WebApi, store: LocalStore, flows: list[processes.Flow], offline: set[str]
    ) -> dict[str, dict[str, Any]]:
        return {**download(api, store, flows, offline), **(store.state(processes.INSTANCES_KEY) or {})}

    patch.setattr(processes, "_download_instances", device_first)


def _advance_after_qualify(patch: pytest.MonkeyPatch) -> None:
    run = sync.SyncEngine.run

    def run_and_advance(self: sync.SyncEngine, only: frozenset[str] | None = None) -> sync.SyncResult:
        qualified = [c.record_id for c in self.store.queue() if c.operation == "qualify"]
        result = run(self, only)
        flows = Processes(self.store)
        for lead_id in (self.store.server_id(offline_id) for offline_id in qualified):
            if flows.instance("lead", lead_id) is not None:
                flows.next_stage("lead", lead_id, online=True)
        self.upload_stage_moves(result)
        return result

    patch.setattr(sync.SyncEngine, "run", run_and_advance)


MUTANTS = (
    Mutant(
        "no_set_active_stage",
        "offers Next and Previous stage on a flow offline, but not Set Active stage",
        ("MO-BPF-001",),
        _without_set_active_stage,
    ),
    Mutant(
        "stage_moves_not_uploaded",
        "keeps stage moves made offline on the device and never uploads them",
        ("MO-BPF-001",),
        _keep_moves_on_device,
    ),
    Mutant(
        "set_active_stage_jumps",
        "uploads Set Active stage as one move over several stages",
        ("MO-BPF-001",),
        _set_active_stage_in_one_move,
    ),
    Mutant(
        "shows_multi_table_flows",
        "shows a flow that spans several tables offline and lets its stages move",
        ("MO-BPF-002",),
        _show_every_flow,
    ),
    Mutant(
        "stage_commands_on_multi_table_flow",
        "lists the stage commands on a record whose flow spans several tables",
        ("MO-BPF-002",),
        _stage_commands_on_every_flow,
    ),
    Mutant(
        "evaluates_branches_offline",
        "downloads branch conditions and evaluates them for Next stage offline",
        ("MO-BPF-003",),
        _evaluate_branches,
    ),
    Mutant(
        "keeps_device_stage_after_sync",
        "keeps the stage a flow reached offline over the one the server settled",
        ("MO-BPF-003",),
        _keep_device_stage,
    ),
    Mutant(
        "advances_flow_after_qualify",
        "moves a lead's flow to the next stage after the sync that qualified it",
        ("MO-BPF-004",),
        _advance_after_qualify,
    ),
)
