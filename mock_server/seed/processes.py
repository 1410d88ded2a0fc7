"""Process definitions and instances: the two business process flows, their stages, business
rules for the offline entities, and one flow instance per seeded inspection and lead.

Definitions (``workflow`` and ``processstage`` rows) have the same ids on every seed, derived
from their names, as system views do. Instances follow the seed: each inspection gets an
``new_inspectionprocess`` row and each lead a ``leadtoopportunitysalesprocess`` row whose stage
matches the record (an open lead at Qualify; a qualified lead at Develop with its opportunity;
a disqualified lead aborted; a completed inspection finished at Close, through Follow-up when it
failed). Runs after every data row is written.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from mock_server.schema.model import metadata_id
from mock_server.seed.context import SeedContext
from mock_server.store.tables import tables

INSPECTION_FLOW = "new_inspectionprocess"
LEAD_FLOW = "leadtoopportunitysalesprocess"
FAIL = 100000001
BIG_DEAL = 100000  # opportunities worth at least this go through Propose


def process_id(unique_name: str) -> str:
    """The id of a seeded process definition: the same on every seed."""
    return metadata_id("workflow", unique_name)


def stage_id(flow: str, stage: str) -> str:
    return metadata_id("processstage", flow, stage)


def _next(*entries: tuple[dict[str, Any] | None, str]) -> str:
    return json.dumps({"next": [({"when": w} if w else {}) | {"stageid": s} for w, s in entries]})


# (flow, stage name, table, stage category, branch definition or None)
STAGES: tuple[tuple[str, str, str, int, str | None], ...] = (
    (INSPECTION_FLOW, "Schedule", "new_inspection", 4, None),
    (
        INSPECTION_FLOW,
        "Inspect",
        "new_inspection",
        5,
        _next(
            (
                {"attribute": "new_result", "operator": "eq", "value": FAIL},
                stage_id(INSPECTION_FLOW, "Follow-up"),
            ),
            (None, stage_id(INSPECTION_FLOW, "Close")),
        ),
    ),
    (INSPECTION_FLOW, "Follow-up", "new_inspection", 6, None),
    (INSPECTION_FLOW, "Close", "new_inspection", 3, json.dumps({"next": []})),
    (LEAD_FLOW, "Qualify", "lead", 0, None),
    (
        LEAD_FLOW,
        "Develop",
        "opportunity",
        1,
        _next(
            (
                {"attribute": "estimatedvalue", "operator": "ge", "value": BIG_DEAL},
                stage_id(LEAD_FLOW, "Propose"),
            ),
            (None, stage_id(LEAD_FLOW, "Close")),
        ),
    ),
    (LEAD_FLOW, "Propose", "opportunity", 2, None),
    (LEAD_FLOW, "Close", "opportunity", 3, json.dumps({"next": []})),
)

FLOWS = (
    (INSPECTION_FLOW, "Inspection Process", "new_inspection"),
    (LEAD_FLOW, "Lead to Opportunity Sales Process", "lead"),
)


def _rule(
    entity: str,
    scope: str,
    condition: dict[str, Any] | None,
    *actions: dict[str, Any],
    otherwise: tuple[dict[str, Any], ...] = (),
) -> str:
    definition: dict[str, Any] = {"version": 1, "scope": scope, "formid": None}
    if condition is not None:
        definition["condition"] = condition
    definition["actions"] = list(actions)
    if otherwise:
        definition["elseActions"] = list(otherwise)
    return json.dumps(definition)


def _eq(attribute: str, value: Any) -> dict[str, Any]:
    return {"attribute": attribute, "operator": "eq", "value": value}


# (name, table, definition). The JSON format is documented in ``logic/rules.py``.
RULES: tuple[tuple[str, str, str], ...] = (
    (
        "Preferred customers are never on credit hold",
        "account",
        _rule(
            "account",
            "entity",
            _eq("accountcategorycode", 1),
            {"type": "setValue", "attribute": "creditonhold", "value": False},
        ),
    ),
    (
        "Preferred customers need a phone number",
        "account",
        _rule(
            "account",
            "entity",
            {"all": [_eq("accountcategorycode", 1), {"attribute": "telephone1", "operator": "null"}]},
            {
                "type": "showError",
                "attribute": "telephone1",
                "message": "Enter a phone number for a preferred customer.",
            },
        ),
    ),
    (
        "Mobile phone required without a business phone",
        "contact",
        _rule(
            "contact",
            "allforms",
            {"attribute": "telephone1", "operator": "null"},
            {"type": "setRequired", "attribute": "mobilephone", "required": True},
            otherwise=({"type": "setRequired", "attribute": "mobilephone", "required": False},),
        ),
    ),
    (
        "Contacts without a company have no job title",
        "contact",
        _rule(
            "contact",
            "entity",
            {
                "all": [
                    {"attribute": "parentcustomerid", "operator": "null"},
                    {"attribute": "jobtitle", "operator": "eq", "value": "Unassigned"},
                ]
            },
            {"type": "clearValue", "attribute": "jobtitle"},
        ),
    ),
    (
        "A low score fails the inspection",
        "new_inspection",
        _rule(
            "new_inspection",
            "entity",
            {"attribute": "new_score", "operator": "lt", "value": 50},
            {"type": "setValue", "attribute": "new_result", "value": FAIL},
        ),
    ),
    (
        "A failed inspection needs notes",
        "new_inspection",
        _rule(
            "new_inspection",
            "entity",
            {"all": [_eq("new_result", FAIL), {"attribute": "new_notes", "operator": "null"}]},
            {
                "type": "showError",
                "attribute": "new_notes",
                "message": "Describe what failed in Notes before saving a failed inspection.",
            },
        ),
    ),
    (
        "Inspection form defaults and locks",
        "new_inspection",
        _rule(
            "new_inspection",
            "allforms",
            _eq("statecode", 1),
            {"type": "setLocked", "attribute": "new_result", "locked": True},
            {"type": "setVisible", "attribute": "new_score", "visible": False},
            otherwise=(
                {"type": "setDefaultValue", "attribute": "new_score", "value": 100},
                {"type": "setLocked", "attribute": "new_result", "locked": False},
                {"type": "setVisible", "attribute": "new_score", "visible": True},
            ),
        ),
    ),
)


def rule_id(name: str) -> str:
    return metadata_id("workflow", "businessrule", name)


def seed_processes(ctx: SeedContext, conn: Connection) -> None:
    """Write the definitions, then one flow instance per seeded inspection and lead."""
    for order, (unique, name, entity) in enumerate(FLOWS):
        row = ctx.record("workflow", fixed_id=process_id(unique))
        row.update(
            name=name,
            category=4,
            primaryentity=entity,
            uniquename=unique,
            type=1,
            businessprocesstype=0,
            processorder=order,
            statecode=1,
            statuscode=2,
        )
        ctx.emit("workflow", row)
    for order, (flow, name, entity, category, clientdata) in enumerate(STAGES):
        row = ctx.record("processstage", fixed_id=stage_id(flow, name))
        row.update(
            stagename=name,
            processid=process_id(flow),
            primaryentitytypecode=entity,
            stagecategory=category,
            stageorder=order,
            clientdata=clientdata,
        )
        ctx.emit("processstage", row)
    for order, (name, entity, definition) in enumerate(RULES):
        row = ctx.record("workflow", fixed_id=rule_id(name))
        row.update(
            name=name,
            category=2,
            primaryentity=entity,
            type=1,
            processorder=order,
            clientdata=definition,
            statecode=1,
            statuscode=2,
        )
        ctx.emit("workflow", row)
    ctx.writer.flush()  # the data rows the instances point to
    _inspection_instances(ctx, conn)
    _lead_instances(ctx, conn)


def _instance(
    ctx: SeedContext, table: str, flow: str, name: str, stages: list[str], state: tuple[int, int]
) -> dict[str, Any]:
    row = ctx.record(table)
    ids = [stage_id(flow, s) for s in stages]
    row.update(
        name=name,
        processid=process_id(flow),
        activestageid=ids[-1],
        traversedpath=",".join(ids),
        activestagestartedon=row["modifiedon"],
        statecode=state[0],
        statuscode=state[1],
        completedon=row["modifiedon"] if state == (1, 2) else None,
    )
    return row


def _inspection_instances(ctx: SeedContext, conn: Connection) -> None:
    t = tables()["new_inspection"]
    for inspection_id, name, state, result in conn.execute(
        select(t.c.new_inspectionid, t.c.new_name, t.c.statecode, t.c.new_result).order_by(t.c.versionnumber)
    ):
        if state == 1:
            stages = ["Schedule", "Inspect", *(["Follow-up"] if result == FAIL else []), "Close"]
            row = _instance(ctx, INSPECTION_FLOW, INSPECTION_FLOW, name, stages, (1, 2))
        else:
            stages = ["Schedule", "Inspect"][: 1 + int(ctx.rng.random() < 0.5)]
            row = _instance(ctx, INSPECTION_FLOW, INSPECTION_FLOW, name, stages, (0, 1))
        row["bpf_new_inspectionid"] = inspection_id
        ctx.emit(INSPECTION_FLOW, row)


def _lead_instances(ctx: SeedContext, conn: Connection) -> None:
    t = tables()["lead"]
    for lead_id, name, state, opportunity in conn.execute(
        select(t.c.leadid, t.c.subject, t.c.statecode, t.c.qualifyingopportunityid).order_by(
            t.c.versionnumber
        )
    ):
        if state == 1 and opportunity:
            row = _instance(ctx, LEAD_FLOW, LEAD_FLOW, name, ["Qualify", "Develop"], (0, 1))
            row["bpf_opportunityid"] = opportunity
        else:
            row = _instance(ctx, LEAD_FLOW, LEAD_FLOW, name, ["Qualify"], (1, 3) if state == 2 else (0, 1))
        row["bpf_leadid"] = lead_id
        ctx.emit(LEAD_FLOW, row)
