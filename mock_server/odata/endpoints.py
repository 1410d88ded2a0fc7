"""The Web API's URL table below ``/api/data/v9.x/``: which handler answers which path and method.

The dispatch reads the parsed segments and hands over to ``records_api`` (entity sets and
records), ``metadata`` (``$metadata``, ``EntityDefinitions``...) or the functions and actions
here (``WhoAmI``, ``CreateMultiple``, ``UpdateMultiple``, ``UpsertMultiple``).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.errors import BadRequest, MethodNotAllowed, NoResource, ResourceNotFound
from mock_server.odata import records_api as api
from mock_server.odata.context import Call
from mock_server.odata.metadata import query_definitions, render_csdl, service_document
from mock_server.odata.operations import Invocation, Operation, registry
from mock_server.odata.serialize import json_response
from mock_server.odata.url import Segment
from mock_server.schema import Entity, schema
from mock_server.seed import ORGANIZATION_ID
from mock_server.store import records

METADATA_SETS = {"EntityDefinitions", "RelationshipDefinitions", "GlobalOptionSetDefinitions"}
MULTIPLE = "Microsoft.Dynamics.CRM."


def dispatch(call: Call, segments: list[Segment]) -> Response:
    if not segments:
        _only(call, "GET", "the service document")
        return json_response(service_document(call.base_url))
    first = segments[0]
    if first.name == "$metadata" and len(segments) == 1:
        _only(call, "GET", "$metadata")
        annotated = call.options.custom.get("annotations") == "true"
        return Response(
            render_csdl(call.base_url, annotated),
            media_type="application/xml",
            headers={"OData-Version": "4.0"},
        )
    if first.name == "WhoAmI" and len(segments) == 1 and not first.has_key:
        if call.method != "GET":
            raise NoResource(call.url)
        return who_am_i(call)
    if first.name in METADATA_SETS:
        _only(call, "GET", first.name)
        return json_response(
            query_definitions(segments, call.options.custom | call.options.system, call.base_url)
        )
    entity = schema().entity_by_set(first.name)
    if entity is None:
        operation = registry().get((first.name, None))
        if operation is not None and len(segments) == 1:
            return _invoke(call, operation, Invocation(first))
        raise ResourceNotFound(first.name)
    if first.has_key:
        return _record(call, entity, first, segments[1:])
    return _collection(call, entity, segments[1:])


def _only(call: Call, method: str, what: str) -> None:
    if call.method != method:
        raise MethodNotAllowed(call.method, what)


def _collection(call: Call, entity: Entity, rest: list[Segment]) -> Response:
    if not rest:
        if call.method == "GET":
            return api.query_collection(call, entity)
        if call.method == "POST":
            return api.create(call, entity)
        raise MethodNotAllowed(call.method, f"the entity set '{entity.entity_set}'")
    if len(rest) == 1 and rest[0].name == "$count":
        _only(call, "GET", "$count")
        return api.count_collection(call, entity)
    if len(rest) == 1 and rest[0].name.startswith(MULTIPLE):
        action = rest[0].name.removeprefix(MULTIPLE)
        if action in ("CreateMultiple", "UpdateMultiple", "UpsertMultiple"):
            if call.method != "POST":
                raise NoResource(call.url)
            return multiple(call, entity, action)
    raise ResourceNotFound(rest[0].name)


def _record(call: Call, entity: Entity, key: Segment, rest: list[Segment]) -> Response:
    method = call.method
    if not rest:
        if method == "GET":
            return api.retrieve(call, entity, key)
        if method == "PATCH":
            return api.update_or_upsert(call, entity, key)
        if method == "DELETE":
            return api.delete(call, entity, key)
        raise MethodNotAllowed(method, f"a record of '{entity.entity_set}'")
    name = rest[0].name
    if name.startswith(MULTIPLE) and len(rest) == 1:
        operation = registry().get((name.removeprefix(MULTIPLE), entity.logical_name))
        if operation is None:
            raise ResourceNotFound(name)
        return _invoke(call, operation, Invocation(rest[0], entity, call.record_id(entity, key)))
    navigation = schema().navigation(entity.logical_name, name)
    if navigation is not None:
        tail = rest[1:]
        if not tail and not rest[0].has_key:
            _only(call, "GET", f"the navigation property '{name}'")
            return api.navigate(call, entity, key, navigation)
        if len(tail) == 1 and tail[0].name == "$ref":
            return api.references(call, entity, key, navigation, rest[0] if rest[0].has_key else None)
        raise ResourceNotFound(tail[0].name if tail else name)
    if len(rest) == 2 and rest[1].name == "$value":
        _only(call, "GET", "$value")
        return api.property_value(call, entity, key, name, raw=True)
    if len(rest) == 1:
        if method == "GET":
            return api.property_value(call, entity, key, name, raw=False)
        if method in ("PUT", "DELETE"):
            return api.set_property(call, entity, key, name, clear=method == "DELETE")
        raise MethodNotAllowed(method, f"the property '{name}'")
    raise ResourceNotFound(rest[-1].name)


def _invoke(call: Call, operation: Operation, invocation: Invocation) -> Response:
    if call.method != operation.method:
        raise NoResource(call.url)
    return operation.handler(call, invocation)


def who_am_i(call: Call) -> Response:
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
            "BusinessUnitId": call.caller.business_unit_id,
            "UserId": call.caller.user_id,
            "OrganizationId": ORGANIZATION_ID,
        }
    )


def _targets(call: Call, entity: Entity) -> list[dict[str, Any]]:
    body = call.json()
    targets = body.get("Targets") if isinstance(body, dict) else None
    if not isinstance(targets, list) or not targets or not all(isinstance(t, dict) for t in targets):
        raise BadRequest('The body must be {"Targets": [<records>]} with at least one record.')
    for target in targets:
        declared = str(target.get("@odata.type", "")).lstrip("#").removeprefix("Microsoft.Dynamics.CRM.")
        if declared and declared != entity.logical_name:
            raise BadRequest(
                f"Every target must be of type 'Microsoft.Dynamics.CRM.{entity.logical_name}', "
                f"not '{declared}'."
            )
    return targets


def _existing(call: Call, entity: Entity, target: dict[str, Any]) -> str | None:
    """The id of the row a target names by primary key or by a complete alternate key, if it exists."""
    if target.get(entity.primary_id):
        row_id = str(target[entity.primary_id]).lower()
        return row_id if records.exists(call.conn, entity, row_id) else None
    for key in entity.keys:
        if all(target.get(a) is not None for a in key.attributes):
            row = records.find_by_key(call.conn, entity, tuple((a, target[a]) for a in key.attributes))
            return None if row is None else str(row[entity.primary_id])
    return None


def multiple(call: Call, entity: Entity, action: str) -> Response:
    """CreateMultiple, UpdateMultiple and UpsertMultiple: many records of one table, all or none."""
    targets = _targets(call, entity)
    ids: list[str] = []
    results: list[dict[str, Any]] = []
    for target in targets:
        body = {k: v for k, v in target.items() if k != "@odata.type"}
        if action == "CreateMultiple":
            ids.append(api.create_record(call, entity, body))
            continue
        row_id = _existing(call, entity, body)
        if action == "UpdateMultiple":
            if not body.get(entity.primary_id):
                raise BadRequest(f"Every target of UpdateMultiple needs its '{entity.primary_id}'.")
            api.update_values(
                call,
                entity,
                call.record_id(entity, Segment(entity.entity_set, key=str(body[entity.primary_id]).lower())),
                body,
            )
            continue
        if row_id is not None:
            api.update_values(call, entity, row_id, body)
            results.append({"RecordCreated": False, "Id": row_id})
        else:
            created = api.create_record(call, entity, body)
            results.append({"RecordCreated": True, "Id": created})
    context = f"{call.base_url}$metadata#Microsoft.Dynamics.CRM.{action}Response"
    if action == "CreateMultiple":
        return json_response({"@odata.context": context, "Ids": ids})
    if action == "UpdateMultiple":
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    return json_response(
        {
            "@odata.context": context,
            "Results": [
                {
                    "@odata.type": "#Microsoft.Dynamics.CRM.UpsertResponse",
                    "RecordCreated": r["RecordCreated"],
                    "Target": {
                        "@odata.type": f"#Microsoft.Dynamics.CRM.{entity.logical_name}",
                        entity.primary_id: r["Id"],
                    },
                }
                for r in results
            ],
        }
    )
