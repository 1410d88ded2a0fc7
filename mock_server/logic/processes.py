"""Business process flows: stage moves on instance tables, branch resolution, and the
``RetrieveActivePath`` / ``RetrieveProcessInstances`` functions.

Definitions are data. A flow is a ``workflow`` row (``category`` 4, ``statecode`` 1 Activated)
whose ``uniquename`` is the logical name of its instance table; its stages are ``processstage``
rows ordered by ``stageorder``. A stage leads to the stage with the next ``stageorder`` unless its
``clientdata`` holds a branch definition::

    {"next": [
        {"when": <condition, see conditions.py>, "stageid": "<processstageid>"},
        {"stageid": "<processstageid>"}
    ]}

The server takes the first entry whose ``when`` holds for the record of the branching stage's
table (``bpf_<table>id`` of the instance); an entry without ``when`` always holds. A stage with
``"next": []`` ends the flow.

A write to an instance row is checked like Dataverse does:

* ``activestageid`` may not be emptied: ActiveStageIDIsNull ``0x80060449``;
* the last stage of ``traversedpath`` must be the active stage:
  ActiveStageIdDoesNotMatchLastStageInTraversedPath ``0x80060455``;
* a move goes one stage forward (to a stage the current one leads to) or one stage back; the
  server resolves branches: a forward move out of a branching stage to one of its branch targets
  lands on the target the condition picks (so a client that does not evaluate branches, offline,
  is corrected at sync); anything else is ``0x80040203``;
* the active stage's table must be linked (``bpf_<table>id``); Finished (statuscode 2) only at
  the last stage of the active path.

A new instance without an active stage starts at the first stage. Every write to an instance
copies its ``processid``, active stage (``stageid``) and ``traversedpath`` onto the records it
links; creating a record of a flow's first table starts the default flow (``start_default_flow``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, select
from starlette.responses import Response

from mock_server.errors import BadRequest, DataverseError, InvalidArgument
from mock_server.logic import conditions
from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.odata.query_options import build_plan
from mock_server.odata.serialize import Renderer, json_response
from mock_server.schema import Entity, schema
from mock_server.store import query
from mock_server.store.records import Row, Writer, insert_record, update_record
from mock_server.store.tables import tables

BUSINESS_PROCESS_FLOW = 4
ACTIVATED = 1
EMPTY_PROCESS = "00000000-0000-0000-0000-000000000000"
FINISHED = 2
INSTANCE_KEY = "businessprocessflowinstanceid"


class ActiveStageIdDoesNotMatchLastStageInTraversedPath(BadRequest):
    code = "0x80060455"


class ActiveStageIDIsNull(BadRequest):
    code = "0x80060449"


class ProcessInstanceNotFound(DataverseError):
    status = 404
    code = "0x80060370"


@dataclass(frozen=True)
class Branch:
    stage_id: str
    when: dict[str, Any] | None


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    entity: str
    order: int
    branches: tuple[Branch, ...] | None  # None: the next stage by order


@dataclass(frozen=True)
class Flow:
    id: str
    name: str
    instance_table: str
    stages: tuple[Stage, ...]  # by stageorder

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def candidates(self, stage: Stage) -> tuple[str, ...]:
        """The stages ``stage`` may lead to."""
        if stage.branches is not None:
            return tuple(b.stage_id for b in stage.branches)
        later = [s for s in self.stages if s.order > stage.order]
        return (later[0].id,) if later else ()

    def resolve(self, stage: Stage, instance: Row, conn: Connection) -> str | None:
        """The stage ``stage`` leads to, branch conditions evaluated on the instance's records."""
        if stage.branches is None:
            options = self.candidates(stage)
            return options[0] if options else None
        entity = schema().entity(stage.entity)
        assert entity is not None
        record_id = instance.get(f"bpf_{stage.entity}id")
        record = _row(conn, entity, record_id) if record_id else None
        for branch in stage.branches:
            if branch.when is None or conditions.holds(entity, branch.when, record):
                return branch.stage_id
        return None


def _row(conn: Connection, entity: Entity, row_id: str) -> Row | None:
    table = tables()[entity.logical_name]
    found = conn.execute(select(table).where(table.c[entity.primary_id] == row_id)).first()
    return None if found is None else dict(found._mapping)


def is_instance_table(entity: Entity) -> bool:
    return entity.is_bpf_entity


def load_flow(
    conn: Connection, *, process_id: str | None = None, instance_table: str | None = None
) -> Flow | None:
    workflows, stages = tables()["workflow"], tables()["processstage"]
    where = (
        workflows.c.workflowid == process_id
        if process_id is not None
        else workflows.c.uniquename == instance_table
    )
    found = conn.execute(
        select(workflows.c.workflowid, workflows.c.name, workflows.c.uniquename).where(
            where, workflows.c.category == BUSINESS_PROCESS_FLOW
        )
    ).first()
    if found is None:
        return None
    rows = conn.execute(
        select(stages).where(stages.c.processid == found[0]).order_by(stages.c.stageorder)
    ).all()
    return Flow(str(found[0]), str(found[1]), str(found[2]), tuple(_stage(dict(r._mapping)) for r in rows))


def _stage(row: Row) -> Stage:
    branches = None
    if row.get("clientdata"):
        try:
            data = json.loads(row["clientdata"])
        except ValueError:
            data = {}
        if isinstance(data, dict) and isinstance(data.get("next"), list):
            branches = tuple(Branch(str(b["stageid"]), b.get("when")) for b in data["next"])
    return Stage(
        str(row["processstageid"]),
        str(row["stagename"]),
        str(row["primaryentitytypecode"]),
        int(row["stageorder"] or 0),
        branches,
    )


def _path(value: Any) -> list[str]:
    return [p.strip().lower() for p in str(value).split(",") if p.strip()] if value else []


def active_path(flow: Flow, instance: Row, conn: Connection) -> list[str]:
    """The stages traversed so far, then the stages ahead as the branches resolve now."""
    path = _path(instance.get("traversedpath")) or ([flow.stages[0].id] if flow.stages else [])
    current = flow.stage(path[-1]) if path else None
    while current is not None:
        following = flow.resolve(current, instance, conn)
        if following is None or following in path:
            break
        path.append(following)
        current = flow.stage(following)
    return path


# The write check -----------------------------------------------------------------------------


def check_stage_moves(writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row) -> None:
    """WriteCheck on flow instance tables: keep ``activestageid`` and ``traversedpath``
    consistent, resolve branches, stamp stage and completion times."""
    if operation == "delete" or not is_instance_table(entity):
        return
    conn = writer.conn
    flow = load_flow(conn, process_id=new.get("processid")) if new.get("processid") else None
    flow = flow or load_flow(conn, instance_table=entity.logical_name)
    if flow is None or not flow.stages:
        return
    if flow.instance_table != entity.logical_name:
        raise InvalidArgument(
            f"The process {flow.id} keeps its instances in '{flow.instance_table}', "
            f"not '{entity.logical_name}'."
        )
    new["processid"] = flow.id
    if new.get("name") is None:
        new["name"] = flow.name
    now = writer.caller.now.replace(tzinfo=None)
    if current is None and new.get("activestageid") is None:
        new["activestageid"] = flow.stages[0].id
        new["traversedpath"] = new.get("traversedpath") or flow.stages[0].id
    if new.get("activestageid") is None:
        raise ActiveStageIDIsNull(
            "The active stage of a business process flow instance cannot be empty (activestageid)."
        )
    active = str(new["activestageid"]).lower()
    path = _path(new.get("traversedpath"))
    if current is None and not path and active == flow.stages[0].id:
        path = [active]
    for stage_id in path:
        if flow.stage(stage_id) is None:
            raise InvalidArgument(
                f"The stage {stage_id} in traversedpath is not a stage of process {flow.id}."
            )
    if not path or path[-1] != active:
        raise ActiveStageIdDoesNotMatchLastStageInTraversedPath(
            f"The active stage {active} is not the last stage of the traversed path "
            f"'{new.get('traversedpath') or ''}'. Send traversedpath with the new stage appended "
            "(or the last stage removed) together with activestageid."
        )
    before = _path(current.get("traversedpath")) if current is not None else []
    if not before:  # a new instance, or one that had no path: check the path as a whole
        for previous, following in pairwise(path):
            stage = flow.stage(previous)
            assert stage is not None
            if following not in flow.candidates(stage):
                raise InvalidArgument(
                    f"The traversed path moves from stage {previous} to {following}, "
                    "which it does not lead to."
                )
    elif path != before:
        path = _move(flow, before, path, new, conn)
        active = path[-1]
    new["activestageid"], new["traversedpath"] = active, ",".join(path)
    stage = flow.stage(active)
    assert stage is not None
    if new.get(f"bpf_{stage.entity}id") is None:
        raise InvalidArgument(
            f"The stage '{stage.name}' belongs to '{stage.entity}': set bpf_{stage.entity}id@odata.bind "
            "on the process instance together with the stage move."
        )
    if current is None or current.get("activestageid") != active:
        new["activestagestartedon"] = now
    if new.get("statuscode") == FINISHED and (current is None or current.get("statuscode") != FINISHED):
        if flow.resolve(stage, new, conn) is not None:
            raise InvalidArgument("A business process flow can be finished only at its last stage.")
        new["completedon"] = now
    _mirror(writer, flow, new, {"processid": flow.id, "stageid": active, "traversedpath": ",".join(path)})


def _system(writer: Writer) -> Writer:
    """The platform writing for itself: no security, no write checks (the flow's columns on its
    records follow the instance, whoever moved it)."""
    return replace(writer, caller=replace(writer.caller, policy=None), checks=())


def _mirror(writer: Writer, flow: Flow, instance: Row, values: Row) -> None:
    """Copy the instance's process, active stage and traversed path onto the records it links
    (``processid``, ``stageid``, ``traversedpath`` of each ``bpf_<table>id``), as Dataverse keeps
    them on the record. A record being created gets them from ``start_default_flow``."""
    for table in sorted({s.entity for s in flow.stages}):
        entity, record_id = schema().entity(table), instance.get(f"bpf_{table}id")
        if entity is None or record_id is None or entity.attribute("stageid") is None:
            continue
        record = _row(writer.conn, entity, str(record_id))
        if record is not None and any(record.get(k) != v for k, v in values.items()):
            update_record(_system(writer), entity, str(record_id), values)


def start_default_flow(
    writer: Writer, entity: Entity, operation: str, _current: Row | None, new: Row
) -> None:
    """WriteCheck: creating a record of a flow's first table starts an instance of the flow, as
    Dataverse does on create: the one named by ``processid``, none when it is the empty GUID, else
    the first activated flow (by ``processorder``) that starts on the table. The record gets the
    flow's columns; the instance is the platform's own write."""
    if operation != "create" or entity.is_bpf_entity or entity.attribute("processid") is None:
        return
    requested = str(new["processid"]).lower() if new.get("processid") else None
    if requested == EMPTY_PROCESS:
        new["processid"] = None
        return
    flow = _starting_flow(writer.conn, entity, requested)
    if flow is None:
        if requested is not None:
            raise InvalidArgument(
                f"The process {requested} is not an activated business process flow that starts on "
                f"'{entity.logical_name}'."
            )
        return
    first = flow.stages[0].id
    new.update({"processid": flow.id, "stageid": first, "traversedpath": first})
    instance_table = schema().entity(flow.instance_table)
    assert instance_table is not None
    platform = replace(writer, caller=replace(writer.caller, policy=None))
    insert_record(
        platform,
        instance_table,
        {f"bpf_{entity.logical_name}id": new[entity.primary_id], "processid": flow.id},
    )


def _starting_flow(conn: Connection, entity: Entity, process_id: str | None) -> Flow | None:
    workflows = tables()["workflow"]
    stmt = (
        select(workflows.c.workflowid)
        .where(workflows.c.category == BUSINESS_PROCESS_FLOW, workflows.c.statecode == ACTIVATED)
        .order_by(workflows.c.processorder, workflows.c.name, workflows.c.workflowid)
    )
    if process_id is not None:
        stmt = stmt.where(workflows.c.workflowid == process_id)
    for (workflow_id,) in conn.execute(stmt).all():
        flow = load_flow(conn, process_id=str(workflow_id))
        if flow is not None and flow.stages and flow.stages[0].entity == entity.logical_name:
            return flow
    return None


def _move(flow: Flow, before: list[str], after: list[str], new: Row, conn: Connection) -> list[str]:
    """Check a move of one stage and resolve a branch the client did not evaluate."""
    if after == before[:-1] and after:
        return after
    if len(after) == len(before) + 1 and after[:-1] == before:
        stage = flow.stage(before[-1])
        assert stage is not None
        if after[-1] in flow.candidates(stage):
            resolved = flow.resolve(stage, new, conn) if stage.branches is not None else after[-1]
            return [*before, resolved] if resolved else after
    raise InvalidArgument(
        "A business process flow moves one stage at a time: append the next stage to traversedpath "
        "or remove the last one, and set activestageid to the new last stage."
    )


# Functions -----------------------------------------------------------------------------------


def _instance_tables() -> list[Entity]:
    return [e for e in schema().entities if is_instance_table(e)]


def _find_instance(call: Call, instance_id: str) -> tuple[Entity, Row]:
    for entity in _instance_tables():
        row = _row(call.conn, entity, instance_id)
        if row is not None:
            return entity, row
    raise ProcessInstanceNotFound(f"The process instance with Id = {instance_id} does not exist.")


def retrieve_active_path(call: Call, invocation: Invocation) -> Response:
    instance_id = str(invocation.parameter(call, "ProcessInstanceId")).strip("'").lower()
    entity, instance = _find_instance(call, instance_id)
    flow = load_flow(call.conn, process_id=instance["processid"]) if instance.get("processid") else None
    flow = flow or load_flow(call.conn, instance_table=entity.logical_name)
    path = active_path(flow, instance, call.conn) if flow else []
    stage_entity = schema().entity("processstage")
    assert stage_entity is not None
    plan = build_plan(stage_entity, call.options)
    fetched = {f.row["processstageid"]: f for f in query.fetch_by_ids(call.conn, plan, path, call.caller)}
    ordered = [fetched[s] for s in path if s in fetched]
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#processstages",
            "value": Renderer(call.conn, call.preferences).records(plan, ordered),
        }
    )


def retrieve_process_instances(call: Call, invocation: Invocation) -> Response:
    record_id = str(invocation.parameter(call, "EntityId")).strip("'").lower()
    logical_name = str(invocation.parameter(call, "EntityLogicalName")).strip("'")
    target = schema().entity(logical_name)
    if target is None:
        raise BadRequest(f"'{logical_name}' is not the logical name of a table.")
    processes: list[tuple[Any, dict[str, Any]]] = []
    workflows, stages = tables()["workflow"], tables()["processstage"]
    for entity in _instance_tables():
        column = f"bpf_{logical_name}id"
        if entity.attribute(column) is None:
            continue
        table = tables()[entity.logical_name]
        for row in call.conn.execute(select(table).where(table.c[column] == record_id)).all():
            instance = dict(row._mapping)
            name = call.conn.execute(
                select(workflows.c.name).where(workflows.c.workflowid == instance["processid"])
            ).scalar()
            stage_name = call.conn.execute(
                select(stages.c.stagename).where(stages.c.processstageid == instance["activestageid"])
            ).scalar()
            processes.append(
                (
                    (instance["modifiedon"], instance["versionnumber"]),
                    {
                        "@odata.type": "#Microsoft.Dynamics.CRM.expando",
                        "businessprocessflowinstanceid": instance[INSTANCE_KEY],
                        "processdefinitionid": instance["processid"],
                        "processdefinitionname": name,
                        "name": instance["name"],
                        "processstageid": instance["activestageid"],
                        "processstagename": stage_name,
                        "traversedpath": instance["traversedpath"],
                        "entitylogicalname": entity.logical_name,
                        "statecode": instance["statecode"],
                        "statuscode": instance["statuscode"],
                    },
                )
            )
    processes.sort(key=lambda p: p[0], reverse=True)
    context = f"{call.base_url}$metadata#Microsoft.Dynamics.CRM.RetrieveProcessInstancesResponse"
    return json_response(
        {
            "@odata.context": context,
            "Processes": [p for _, p in processes],
        }
    )


OPERATIONS = (
    Operation("RetrieveActivePath", retrieve_active_path, is_function=True),
    Operation("RetrieveProcessInstances", retrieve_process_instances, is_function=True),
)
