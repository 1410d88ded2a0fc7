"""Business process flows on the device: the flows of the offline tables, downloaded at sync, the
flow instance of each record on the device, and the three stage commands offline.

REQUIREMENTS section 3 (Decision): a flow that stays on one table works offline with exactly Next
stage, Previous stage and Set Active stage; a flow that spans several tables is not shown offline
and its stage moves are refused; branch conditions are never evaluated offline. So the device
downloads each flow's stages and their order, never their branch definitions: Next stage offline
goes to the next stage in stage order, and the server, which evaluates the branch when the move
reaches it at sync, decides where the flow lands (the next download shows it). Online, the device
shows every flow as the last sync left it, multi-table ones included, and queues their moves the
same way. Qualifying a lead does not touch its flow: the user moves it with Next stage.

A move changes the local instance (active stage, traversed path) and is queued; the sync sends
each as Dataverse does, a ``PATCH`` of the instance table's ``activestageid`` and
``traversedpath``, one stage at a time. A record created offline shows no flow until the sync that
creates it on the server (which starts its flow) has run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from clients.reference.catalog import CommandNotOffered, InvalidRequest, NotAvailableOffline
from clients.reference.local_store import LocalStore
from clients.reference.webapi import WebApi

BUSINESS_PROCESS_FLOW = 4
ACTIVATED = 1
ACTIVE_INSTANCE = 0
INSTANCE_ID = "businessprocessflowinstanceid"
FLOWS_KEY, INSTANCES_KEY, MOVES_KEY = "flows", "flow_instances", "stage_moves"


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    entity: str
    order: int

    def listing(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "entity": self.entity}


@dataclass(frozen=True)
class Flow:
    """A business process flow definition: its stages in stage order, without branches."""

    id: str
    name: str
    instance_table: str
    entity_set: str
    stages: tuple[Stage, ...]

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(stage.entity for stage in self.stages))

    @property
    def single_entity(self) -> bool:
        return len(self.tables) == 1

    def stage(self, stage_id: str) -> Stage:
        found = next((s for s in self.stages if s.id == stage_id), None)
        if found is None:
            raise InvalidRequest(f"The stage '{stage_id}' is not a stage of the flow {self.name}.")
        return found

    def next_in_order(self, stage_id: str) -> Stage | None:
        """The stage after ``stage_id`` in stage order (offline, branches are not evaluated)."""
        ids = [s.id for s in self.stages]
        position = ids.index(stage_id) if stage_id in ids else len(ids)
        return self.stages[position + 1] if position + 1 < len(self.stages) else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flow:
        return cls(**{**data, "stages": tuple(Stage(**s) for s in data["stages"])})


@dataclass(frozen=True)
class Instance:
    """The flow instance of one record, as the device holds it."""

    id: str
    flow_id: str
    active_stage_id: str
    traversed_path: tuple[str, ...]
    statecode: int
    modifiedon: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Instance:
        return cls(**{**data, "traversed_path": tuple(data["traversed_path"])})


class Processes:
    """The flows and flow instances on one device, and the stage moves waiting for upload."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def flows(self) -> dict[str, Flow]:
        return {f["id"]: Flow.from_json(f) for f in self.store.state(FLOWS_KEY) or []}

    def instance(self, entity: str, record_id: str) -> Instance | None:
        found = (self.store.state(INSTANCES_KEY) or {}).get(_key(entity, record_id))
        return None if found is None else Instance.from_json(found)

    def shown(self, entity: str, record_id: str, online: bool) -> tuple[Flow, Instance] | None:
        """The flow the record shows: None when it has none on the device; a multi-table flow
        offline is not shown at all (``NotAvailableOffline``)."""
        instance = self.instance(entity, record_id)
        if instance is None:
            return None
        flow = self.flows()[instance.flow_id]
        if not flow.single_entity and not online:
            raise NotAvailableOffline(
                f"The flow {flow.name} spans {', '.join(flow.tables)}: a business process flow of "
                "several tables is not shown offline."
            )
        return flow, instance

    def state(self, entity: str, record_id: str, online: bool) -> dict[str, Any] | None:
        """The protocol's ``process`` for the record."""
        shown = self.shown(entity, record_id, online)
        return None if shown is None else _process(*shown)

    def offers_stage_commands(self, entity: str, record_id: str, online: bool) -> bool:
        try:
            return self.shown(entity, record_id, online) is not None
        except NotAvailableOffline:
            return False

    # --- the three stage commands --------------------------------------------------------------

    def next_stage(self, entity: str, record_id: str, online: bool) -> dict[str, Any]:
        flow, instance = self._movable(entity, record_id, online)
        following = flow.next_in_order(instance.active_stage_id)
        if following is None:
            raise InvalidRequest(f"The flow {flow.name} is at its last stage; there is no next stage.")
        return self._move(entity, record_id, flow, instance, [*instance.traversed_path, following.id])

    def previous_stage(self, entity: str, record_id: str, online: bool) -> dict[str, Any]:
        flow, instance = self._movable(entity, record_id, online)
        if len(instance.traversed_path) < 2:
            raise InvalidRequest(f"The flow {flow.name} is at its first stage; there is no previous stage.")
        return self._move(entity, record_id, flow, instance, list(instance.traversed_path[:-1]))

    def set_active_stage(self, entity: str, record_id: str, stage_id: str, online: bool) -> dict[str, Any]:
        """Make a traversed stage active: the stages after it leave the path one at a time (the
        server accepts moves of one stage)."""
        flow, instance = self._movable(entity, record_id, online)
        stage = flow.stage(stage_id.lower())
        if stage.id not in instance.traversed_path:
            raise InvalidRequest(
                f"The stage {stage.name} is not on the traversed path of {flow.name}; "
                "use Next stage to move forward."
            )
        path = list(instance.traversed_path)
        while path[-1] != stage.id:
            path.pop()
            instance = self._save_move(entity, record_id, flow, instance, path)
        return _process(flow, instance)

    def _movable(self, entity: str, record_id: str, online: bool) -> tuple[Flow, Instance]:
        try:
            shown = self.shown(entity, record_id, online)
        except NotAvailableOffline as refusal:
            raise CommandNotOffered(f"Stage moves are not offered offline: {refusal.message}") from None
        if shown is None:
            raise CommandNotOffered(
                f"The {entity} '{record_id}' has no business process flow on the device; "
                "a record created offline gets one at the next sync."
            )
        flow, instance = shown
        if instance.statecode != ACTIVE_INSTANCE:
            raise InvalidRequest(f"The flow {flow.name} of this record is finished or aborted.")
        return shown

    def _move(
        self, entity: str, record_id: str, flow: Flow, instance: Instance, path: list[str]
    ) -> dict[str, Any]:
        return _process(flow, self._save_move(entity, record_id, flow, instance, path))

    def _save_move(
        self, entity: str, record_id: str, flow: Flow, instance: Instance, path: list[str]
    ) -> Instance:
        moved = replace(instance, active_stage_id=path[-1], traversed_path=tuple(path))
        instances = self.store.state(INSTANCES_KEY) or {}
        instances[_key(entity, record_id)] = asdict(moved)
        self.store.set_state(INSTANCES_KEY, instances)
        move = StageMove(
            flow.instance_table, flow.entity_set, moved.id, moved.active_stage_id, moved.traversed_path
        )
        self.store.set_state(MOVES_KEY, [*(self.store.state(MOVES_KEY) or []), asdict(move)])
        return moved


def _key(entity: str, record_id: str) -> str:
    return f"{entity}/{record_id.lower()}"


def _process(flow: Flow, instance: Instance) -> dict[str, Any]:
    return {
        "id": flow.id,
        "name": flow.name,
        "instance_id": instance.id,
        "stages": [s.listing() for s in flow.stages],
        "active_stage_id": instance.active_stage_id,
        "traversed_path": list(instance.traversed_path),
    }


# --- sync --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageMove:
    """A stage move waiting for upload: the instance's new active stage and traversed path."""

    instance_table: str
    entity_set: str
    instance_id: str
    active_stage_id: str
    traversed_path: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"{self.entity_set}({self.instance_id})"

    @property
    def body(self) -> dict[str, str]:
        """The write Dataverse takes for a stage move: the active stage and the traversed path."""
        return {
            "activestageid@odata.bind": f"/processstages({self.active_stage_id})",
            "traversedpath": ",".join(self.traversed_path),
        }


def queued_moves(store: LocalStore) -> list[StageMove]:
    """The stage moves waiting for upload, in the order they were made."""
    return [
        StageMove(**{**m, "traversed_path": tuple(m["traversed_path"])}) for m in store.state(MOVES_KEY) or []
    ]


def dequeue_move(store: LocalStore) -> None:
    """Drop the oldest queued move (uploaded, or refused by the server)."""
    store.set_state(MOVES_KEY, (store.state(MOVES_KEY) or [])[1:])


def download(api: WebApi, store: LocalStore, entities: tuple[str, ...]) -> None:
    """Download the activated flows with a stage on an offline table (their stages in order, not
    their branches) and the newest instance of each record the device holds (the instances of
    records elsewhere are not asked for)."""
    flows = _download_flows(api, set(entities))
    store.set_state(FLOWS_KEY, [asdict(f) for f in flows])
    store.set_state(INSTANCES_KEY, _download_instances(api, store, flows, set(entities)))


def _download_flows(api: WebApi, offline: set[str]) -> list[Flow]:
    flows: list[Flow] = []
    for row in api.readable_rows(
        "workflows?$select=workflowid,name,uniquename"
        f"&$filter=category eq {BUSINESS_PROCESS_FLOW} and statecode eq {ACTIVATED}"
    ):
        flow_id = str(row["workflowid"]).lower()
        stages = sorted(
            (
                Stage(
                    str(s["processstageid"]).lower(),
                    str(s["stagename"]),
                    str(s["primaryentitytypecode"]),
                    int(s.get("stageorder") or 0),
                )
                for s in api.readable_rows(
                    "processstages?$select=processstageid,stagename,primaryentitytypecode,stageorder"
                    f"&$filter=_processid_value eq {flow_id}"
                )
            ),
            key=lambda s: (s.order, s.id),
        )
        if not stages or not offline & {s.entity for s in stages}:
            continue
        table = str(row["uniquename"])
        entity_set = api.get_json(f"EntityDefinitions(LogicalName='{table}')?$select=EntitySetName")
        flows.append(Flow(flow_id, str(row["name"]), table, str(entity_set["EntitySetName"]), tuple(stages)))
    return flows


def _download_instances(
    api: WebApi, store: LocalStore, flows: list[Flow], offline: set[str]
) -> dict[str, dict[str, Any]]:
    """The newest instance of each record on the device (``Instance`` as JSON), by record."""
    instances: dict[str, dict[str, Any]] = {}
    for flow in flows:
        for table in (t for t in flow.tables if t in offline):
            column = f"bpf_{table}id"
            for row in api.records(flow.entity_set, column, store.ids(table)):
                path = str(row.get("traversedpath") or "").split(",")
                instance = Instance(
                    str(row[INSTANCE_ID]).lower(),
                    flow.id,
                    str(row["_activestageid_value"]).lower(),
                    tuple(p.strip().lower() for p in path if p.strip()),
                    int(row.get("statecode") or 0),
                    str(row.get("modifiedon") or ""),
                )
                key = _key(table, str(row[f"_{column}_value"]))
                if key not in instances or instances[key]["modifiedon"] < instance.modifiedon:
                    instances[key] = asdict(instance)
    return instances
