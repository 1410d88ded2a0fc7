"""Closing a case or an opportunity through its close activity.

``POST CloseIncident`` with ``{"IncidentResolution": {"subject": ..., "incidentid@odata.bind":
"/incidents(<id>)", "timespent": ..., "description": ...}, "Status": 5}`` (5 Problem Solved or
1000 Information Provided) creates the ``incidentresolution`` activity, completed, and moves the
case to statecode 1 with that status. A case that is not active answers CaseAlreadyResolved
(``0x800404cf``).

``POST WinOpportunity`` / ``LoseOpportunity`` with ``{"OpportunityClose": {"subject": ...,
"opportunityid@odata.bind": "/opportunities(<id>)", "actualrevenue": ...}, "Status": 3}`` (won:
3; lost: 4 Canceled or 5 Out-Sold) create the ``opportunityclose`` activity, completed, and move
the opportunity to statecode 1 (won) or 2 (lost). An opportunity that is not open answers
OpportunityIsAlreadyClosed (``0x80040515``).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.errors import BadRequest, InvalidArgument
from mock_server.logic.states import CaseAlreadyResolved, OpportunityIsAlreadyClosed, RecordIsClosed
from mock_server.odata import records_api as api
from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.odata.payload import parse_payload
from mock_server.schema import Entity, schema
from mock_server.store import records

COMPLETED = {"statecode": 1, "statuscode": 2}


def _entity(name: str) -> Entity:
    found = schema().entity(name)
    assert found is not None
    return found


def _close(
    call: Call,
    *,
    parameter: str,
    activity: str,
    target: str,
    state: int,
    state_name: str,
    error: type[RecordIsClosed],
) -> Response:
    """Create the close ``activity`` and move its ``target`` record to ``state``."""
    body = call.json()
    fields = body.get(parameter) if isinstance(body, dict) else None
    if not isinstance(fields, dict):
        raise BadRequest(f"The action needs the parameter '{parameter}' (an {activity} entity).")
    closed = _entity(target)
    status = body.get("Status")
    statuscode = closed.attribute("statuscode")
    assert statuscode is not None
    option = statuscode.option(status) if isinstance(status, int) else None
    if option is None or option.state != state:
        raise InvalidArgument(
            f"{status} is not a valid status code for state code {closed.schema_name}State.{state_name} "
            f"on {target}."
        )
    entity = _entity(activity)
    values: dict[str, Any] = {k: v for k, v in fields.items() if k != "@odata.type"}
    column = closed.primary_id
    target_id = parse_payload(entity, values, creating=True, resolve=call.resolve).values.get(column)
    if not target_id:
        raise BadRequest(f"The {parameter} needs '{column}@odata.bind' naming the {target} to close.")
    row = records.require_row(call.conn, closed, target_id)
    if row["statecode"] != 0:
        state_attribute = closed.attribute("statecode")
        state_option = state_attribute.option(row["statecode"]) if state_attribute else None
        label = state_option.label.lower() if state_option else "closed"
        raise error(
            closed,
            target_id,
            label,
            f"The {closed.display_name.lower()} with Id = {target_id} is already {label}; only an open "
            f"{closed.display_name.lower()} can be closed. Reactivate it first (statecode 0).",
        )
    api.create_record(call, entity, values | COMPLETED)
    records.update_record(call.writer, closed, target_id, {"statecode": state, "statuscode": status})
    return Response(status_code=204, headers={"OData-Version": "4.0"})


def close_incident(call: Call, _invocation: Invocation) -> Response:
    return _close(
        call,
        parameter="IncidentResolution",
        activity="incidentresolution",
        target="incident",
        state=1,
        state_name="Resolved",
        error=CaseAlreadyResolved,
    )


def win_opportunity(call: Call, _invocation: Invocation) -> Response:
    return _close(
        call,
        parameter="OpportunityClose",
        activity="opportunityclose",
        target="opportunity",
        state=1,
        state_name="Won",
        error=OpportunityIsAlreadyClosed,
    )


def lose_opportunity(call: Call, _invocation: Invocation) -> Response:
    return _close(
        call,
        parameter="OpportunityClose",
        activity="opportunityclose",
        target="opportunity",
        state=2,
        state_name="Lost",
        error=OpportunityIsAlreadyClosed,
    )


OPERATIONS = (
    Operation("CloseIncident", close_incident),
    Operation("WinOpportunity", win_opportunity),
    Operation("LoseOpportunity", lose_opportunity),
)
