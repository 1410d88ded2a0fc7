"""Web API operations on entity sets and records: query, create, retrieve, update, upsert,
delete, single properties, navigation properties and ``$ref`` links.

Each handler reads a ``Call``, calls the store, and returns a response; none builds SQL or
error JSON.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse, Response

from mock_server.errors import (
    BadRequest,
    ConcurrencyVersionMismatch,
    DataverseError,
    DuplicateRecord,
    MethodNotAllowed,
    PayloadError,
    RecordNotFound,
    UnknownProperty,
)
from mock_server.odata import delta, views
from mock_server.odata.context import Call, key_pairs
from mock_server.odata.paging import next_link, parse_skiptoken, skiptoken
from mock_server.odata.payload import Payload, convert, parse_payload
from mock_server.odata.plan import QueryPlan, Within
from mock_server.odata.prefer import MAX_PAGE_SIZE, TOTAL_RECORD_COUNT, TOTAL_RECORD_COUNT_EXCEEDED
from mock_server.odata.query_options import build_plan, resolve_property
from mock_server.odata.serialize import Renderer, etag, json_response, wire_value
from mock_server.odata.url import Segment
from mock_server.schema import Entity, Navigation, NavigationKind, schema
from mock_server.store import query, records


class NotSupported(DataverseError):
    status = 405
    code = "0x80040315"


def _context(call: Call, entity: Entity, plan: QueryPlan | None, suffix: str = "") -> str:
    selected = f"({','.join(a.logical_name for a in plan.select)})" if plan and plan.select else ""
    return f"{call.base_url}$metadata#{entity.entity_set}{selected}{suffix}"


def _applied(call: Call, headers: dict[str, str], *, page_size_used: bool = False) -> dict[str, str]:
    applied = call.preferences.applied(page_size_used=page_size_used)
    return {**headers, "Preference-Applied": applied} if applied else headers


# Collections -------------------------------------------------------------------------------


def query_collection(call: Call, entity: Entity, within: Within | None = None) -> Response:
    if (stored := views.stored_query(call)) is not None:
        return views.respond(call, entity, stored)
    if within is None and delta.is_tracking(call):
        return delta.respond(call, entity)
    plan = build_plan(entity, call.options, within=within)
    preferences = call.preferences
    page_size = preferences.max_page_size or MAX_PAGE_SIZE
    paged = preferences.max_page_size is not None or plan.top is None
    token = call.options.get("$skiptoken")
    page, offset = parse_skiptoken(token) if token else (1, 0)
    limit = page_size if paged else min(plan.top or 0, MAX_PAGE_SIZE)
    fetched = query.fetch(call.conn, plan, call.caller, limit + 1 if paged else limit, offset)
    body: dict[str, Any] = {"@odata.context": _context(call, entity, plan)}
    if plan.count:
        total = query.count(call.conn, plan, call.caller)
        if preferences.any_annotations:
            if preferences.wants(TOTAL_RECORD_COUNT):
                body[f"@{TOTAL_RECORD_COUNT}"] = min(total, MAX_PAGE_SIZE)
            if preferences.wants(TOTAL_RECORD_COUNT_EXCEEDED):
                body[f"@{TOTAL_RECORD_COUNT_EXCEEDED}"] = total > MAX_PAGE_SIZE
        body["@odata.count"] = min(total, MAX_PAGE_SIZE)
    more = paged and len(fetched) > limit
    body["value"] = Renderer(call.conn, preferences).records(plan, fetched[:limit])
    if more:
        body["@odata.nextLink"] = next_link(call.url, skiptoken(page + 1, offset + limit))
    return json_response(
        body, headers=_applied(call, {}, page_size_used=preferences.max_page_size is not None)
    )


def count_collection(call: Call, entity: Entity) -> Response:
    if call.options.get("$deltatoken") is not None:
        return delta.count(call, entity)
    plan = build_plan(entity, call.options)
    return PlainTextResponse(str(query.count(call.conn, plan, call.caller)), headers={"OData-Version": "4.0"})


def create(call: Call, entity: Entity) -> Response:
    if entity.logical_name == "activitypointer":
        raise NotSupported("The 'Create' method does not support entities of type 'activitypointer'.")
    row_id = create_record(call, entity, call.json())
    return _written(call, entity, row_id, created=True)


def create_record(call: Call, entity: Entity, body: Any, link: tuple[Navigation, str] | None = None) -> str:
    """Create a row from a JSON body, with its binds and deep-inserted children; returns its id."""
    payload = parse_payload(entity, body, creating=True, resolve=call.resolve)
    if link is not None:
        _set_lookup(payload, link[0], schema().entity(link[0].entity), link[1])
    for navigation, target, child_body in payload.deep_single:
        _set_lookup(payload, navigation, target, create_record(call, target, child_body))
    row_id = records.insert_record(call.writer, entity, payload.values)
    _link_collections(call, entity, row_id, payload)
    for navigation, child, bodies in payload.deep_collections:
        for child_body in bodies:
            create_record(call, child, child_body, link=(navigation, row_id))
    return row_id


def _set_lookup(payload: Payload, navigation: Navigation, target: Entity | None, target_id: str) -> None:
    attribute = navigation.attribute
    assert attribute is not None and target is not None
    payload.values[attribute.logical_name] = target_id
    if attribute.is_polymorphic:
        payload.values[attribute.target_column] = target.logical_name


def _link_collections(call: Call, entity: Entity, row_id: str, payload: Payload) -> None:
    for navigation, ids in payload.bind_collections:
        for child_id in ids:
            _add_link(call, entity, row_id, navigation, child_id)


def _add_link(call: Call, entity: Entity, row_id: str, navigation: Navigation, other_id: str) -> None:
    if navigation.kind is NavigationKind.MANY_TO_MANY:
        assert navigation.relationship is not None
        other = navigation.targets[0]
        records.associate(
            call.writer, navigation.relationship, (entity.logical_name, row_id), (other, other_id)
        )
        return
    child = schema().entity(navigation.targets[0])
    assert child is not None and navigation.attribute is not None
    values: dict[str, Any] = {navigation.attribute.logical_name: row_id}
    if navigation.attribute.is_polymorphic:
        values[navigation.attribute.target_column] = entity.logical_name
    records.update_record(call.writer, child, other_id, values)


def _written(call: Call, entity: Entity, row_id: str, *, created: bool) -> Response:
    call.writer.last_write = (entity, row_id)
    if not call.preferences.return_representation:
        return Response(
            status_code=204,
            headers={
                "OData-Version": "4.0",
                "OData-EntityId": f"{call.base_url}{entity.entity_set}({row_id})",
            },
        )
    plan = build_plan(entity, call.options)
    fetched = query.fetch_by_ids(call.conn, plan, [row_id], call.caller)
    body = {
        "@odata.context": _context(call, entity, plan, "/$entity"),
        **Renderer(call.conn, call.preferences).record(plan, fetched[0]),
    }
    return json_response(body, 201 if created else 200, _applied(call, {"ETag": body["@odata.etag"]}))


# Single records ----------------------------------------------------------------------------


def _existing_id(call: Call, entity: Entity, segment: Segment) -> str | None:
    if segment.key is not None:
        return segment.key if records.exists(call.conn, entity, segment.key) else None
    row = records.find_by_key(call.conn, entity, key_pairs(entity, segment))
    return None if row is None else str(row[entity.primary_id])


def _check_if_match(call: Call, entity: Entity, row_id: str) -> None:
    expected = call.headers.get("if-match")
    if expected is None or expected.strip() == "*":
        return
    row = records.require_row(call.conn, entity, row_id)
    if etag(row["versionnumber"]) not in [e.strip() for e in expected.split(",")]:
        raise ConcurrencyVersionMismatch()


def retrieve(call: Call, entity: Entity, segment: Segment) -> Response:
    row_id = segment.key or call.record_id(entity, segment)
    plan = build_plan(entity, call.options)
    fetched = query.fetch_by_ids(call.conn, plan, [row_id], call.caller)
    if not fetched:
        raise RecordNotFound(entity.logical_name, row_id)
    tag = etag(fetched[0].row["versionnumber"])
    if_none_match = call.headers.get("if-none-match", "").strip()
    conditional = (
        if_none_match not in ("", "null") and not plan.expand and not call.preferences.any_annotations
    )
    if conditional and (tag in [t.strip() for t in if_none_match.split(",")] or if_none_match == "*"):
        return Response(status_code=304, headers={"ETag": tag, "OData-Version": "4.0"})
    body = {
        "@odata.context": _context(call, entity, plan, "/$entity"),
        **Renderer(call.conn, call.preferences).record(plan, fetched[0]),
    }
    return json_response(body, headers=_applied(call, {"ETag": tag}))


def update_or_upsert(call: Call, entity: Entity, segment: Segment) -> Response:
    if entity.logical_name == "activitypointer":
        raise NotSupported("The 'Update' method does not support entities of type 'activitypointer'.")
    row_id = _existing_id(call, entity, segment)
    if_match, if_none_match = call.headers.get("if-match"), call.headers.get("if-none-match", "").strip()
    if row_id is None:
        if if_match is not None:
            raise RecordNotFound(entity.logical_name, segment.key or segment.raw_args or "")
        body = call.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object describing the record.")
        keys = {entity.primary_id: segment.key} if segment.key else dict(key_pairs(entity, segment))
        row_id = create_record(call, entity, {**body, **keys})
        return _written(call, entity, row_id, created=True)
    if if_none_match == "*":
        raise DuplicateRecord()
    _check_if_match(call, entity, row_id)
    update_values(call, entity, row_id, call.json())
    return _written(call, entity, row_id, created=False)


def update_values(call: Call, entity: Entity, row_id: str, body: Any) -> None:
    """Apply a JSON update body to an existing row."""
    payload = parse_payload(entity, body, creating=False, resolve=call.resolve)
    if payload.deep_single or payload.deep_collections:
        raise PayloadError("Deep insert is not supported on update; create related records separately.")
    records.update_record(call.writer, entity, row_id, payload.values)
    _link_collections(call, entity, row_id, payload)


def delete(call: Call, entity: Entity, segment: Segment) -> Response:
    row_id = call.record_id(entity, segment)
    _check_if_match(call, entity, row_id)
    records.delete_record(call.writer, entity, row_id)
    return Response(status_code=204, headers={"OData-Version": "4.0"})


# Properties and navigation -----------------------------------------------------------------


def property_value(call: Call, entity: Entity, segment: Segment, name: str, raw: bool) -> Response:
    row_id = call.record_id(entity, segment)
    attribute = resolve_property(entity, name)
    # read through the query path, so row and column security apply as to any other read
    fetched = query.fetch_by_ids(call.conn, QueryPlan(entity, select=(attribute,)), [row_id], call.caller)
    if not fetched:
        raise RecordNotFound(entity.logical_name, row_id)
    row = fetched[0].row
    value = wire_value(attribute, row[attribute.logical_name])
    if value is None:
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    if raw:
        return PlainTextResponse(str(value).lower() if isinstance(value, bool) else str(value))
    context = f"{call.base_url}$metadata#{entity.entity_set}({row[entity.primary_id]})/{name}"
    return json_response({"@odata.context": context, "value": value})


def set_property(call: Call, entity: Entity, segment: Segment, name: str, clear: bool) -> Response:
    row_id = call.record_id(entity, segment)
    attribute = entity.attribute(name)
    if attribute is None or attribute.is_lookup or attribute.is_primary_id:
        if attribute is None:
            raise UnknownProperty(entity.logical_name, name)
        raise BadRequest(f"The property '{name}' cannot be set on its own; use a $ref request for lookups.")
    if not attribute.valid_for_update:
        raise BadRequest(f"The property '{name}' of '{entity.logical_name}' is not valid for update.")
    value = None
    if not clear:
        body = call.json()
        if not isinstance(body, dict) or "value" not in body:
            raise BadRequest('The request body must be {"value": <new value>}.')
        value = convert(entity, attribute, body["value"])
    _check_if_match(call, entity, row_id)
    records.update_record(call.writer, entity, row_id, {name: value})
    return Response(status_code=204, headers={"OData-Version": "4.0"})


def navigate(call: Call, entity: Entity, segment: Segment, navigation: Navigation) -> Response:
    row_id = call.record_id(entity, segment)
    target = schema().entity(navigation.targets[0])
    assert target is not None
    if navigation.is_collection:
        return query_collection(call, target, Within(navigation, row_id))
    assert navigation.attribute is not None
    row = records.require_row(call.conn, entity, row_id)
    linked = row[navigation.attribute.logical_name]
    if linked is None:
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    actual = schema().entity(row.get(navigation.attribute.target_column) or navigation.targets[0])
    assert actual is not None
    return retrieve(call, actual, Segment(actual.entity_set, key=linked))


def references(
    call: Call, entity: Entity, segment: Segment, navigation: Navigation, child: Segment | None
) -> Response:
    """``$ref``: add (POST), set (PUT), remove (DELETE) or list (GET) links."""
    row_id = call.record_id(entity, segment)
    method = call.method
    if method == "GET":
        return _list_references(call, entity, row_id, navigation)
    if method in ("POST", "PUT"):
        body = call.json()
        if not isinstance(body, dict) or not isinstance(body.get("@odata.id"), str):
            raise BadRequest('The request body must be {"@odata.id": "<URL of a record>"}.')
        other, other_id = call.resolve(body["@odata.id"])
        if navigation.is_collection and method == "POST":
            if other.logical_name != navigation.targets[0]:
                raise PayloadError(f"'{navigation.name}' holds records of type '{navigation.targets[0]}'.")
            _add_link(call, entity, row_id, navigation, other_id)
        elif not navigation.is_collection and method == "PUT":
            if other.logical_name not in navigation.targets:
                raise PayloadError(
                    f"'{navigation.name}' cannot point to a record of type '{other.logical_name}'."
                )
            payload = Payload()
            _set_lookup(payload, navigation, other, other_id)
            records.update_record(call.writer, entity, row_id, payload.values)
        else:
            raise MethodNotAllowed(method, f"'{navigation.name}/$ref'")
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    if method == "DELETE":
        _remove_reference(call, entity, row_id, navigation, child)
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    raise MethodNotAllowed(method, f"'{navigation.name}/$ref'")


def _remove_reference(
    call: Call, entity: Entity, row_id: str, navigation: Navigation, child: Segment | None
) -> None:
    attribute = navigation.attribute
    if not navigation.is_collection:
        assert attribute is not None
        payload = Payload()
        payload.values[attribute.logical_name] = None
        if attribute.is_polymorphic:
            payload.values[attribute.target_column] = None
        records.update_record(call.writer, entity, row_id, payload.values)
        return
    other_entity = schema().entity(navigation.targets[0])
    assert other_entity is not None
    if child is not None:
        other_id = call.record_id(other_entity, child)
    elif call.options.get("$id"):
        _, other_id = call.resolve(call.options.get("$id") or "")
    else:
        raise BadRequest("Name the record to unlink: '<navigation>(<id>)/$ref' or '$ref?$id=<URL>'.")
    if navigation.kind is NavigationKind.MANY_TO_MANY:
        assert navigation.relationship is not None
        target, related = (entity.logical_name, row_id), (other_entity.logical_name, other_id)
        if not records.disassociate(call.writer, navigation.relationship, target, related):
            raise RecordNotFound(other_entity.logical_name, other_id)
        return
    assert attribute is not None
    other_row = records.require_row(call.conn, other_entity, other_id)
    if other_row[attribute.logical_name] != row_id:
        raise RecordNotFound(other_entity.logical_name, other_id)
    values: dict[str, Any] = {attribute.logical_name: None}
    if attribute.is_polymorphic:
        values[attribute.target_column] = None
    records.update_record(call.writer, other_entity, other_id, values)


def _list_references(call: Call, entity: Entity, row_id: str, navigation: Navigation) -> Response:
    target = schema().entity(navigation.targets[0])
    assert target is not None
    if navigation.is_collection:
        plan = QueryPlan(
            target, select=(target.attributes_by_name[target.primary_id],), within=Within(navigation, row_id)
        )
        ids = [f.row[target.primary_id] for f in query.fetch(call.conn, plan, call.caller, MAX_PAGE_SIZE)]
        refs = [{"@odata.id": f"{call.base_url}{target.entity_set}({i})"} for i in ids]
        return json_response({"@odata.context": f"{call.base_url}$metadata#Collection($ref)", "value": refs})
    assert navigation.attribute is not None
    row = records.require_row(call.conn, entity, row_id)
    linked = row[navigation.attribute.logical_name]
    if linked is None:
        return Response(status_code=204, headers={"OData-Version": "4.0"})
    actual = schema().entity(row.get(navigation.attribute.target_column) or navigation.targets[0])
    assert actual is not None
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#$ref",
            "@odata.id": f"{call.base_url}{actual.entity_set}({linked})",
        }
    )
