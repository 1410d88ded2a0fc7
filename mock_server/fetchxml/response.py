"""Answering a FetchXML query: running it for a Web API request and rendering Dataverse's shape.

``GET /<entityset>?fetchXml=...`` and a saved view's query (``?savedQuery=<id>``) both come
here. ``run_fetchxml`` parses the document, runs its plan with the request's connection and
caller, and builds the JSON body; ``fetchxml_response`` wraps that body in the response.

Rows: entity columns render as for OData (``Renderer``: ``@odata.etag``, lookups as
``_x_value``, the annotations ``Prefer: odata.include-annotations`` asks for), except that
null values are left out, as Dataverse does for FetchXML. A joined link's columns follow under
``<alias>.<column>`` keys (or the ``<attribute alias>`` given) holding the plain value, a
lookup's GUID included; their annotations hang off the same key
(``contact.parentcustomerid@Microsoft.Dynamics.CRM.lookuplogicalname``), with
``OData.Community.Display.V1.AttributeName`` naming the column.

Paging (``paging.py``) goes by offset. Every page but the last carries
``@Microsoft.Dynamics.CRM.fetchxmlpagingcookie`` and
``@Microsoft.Dynamics.CRM.morerecords: true``, whatever the ``Prefer`` header says (clients
such as dynamics-web-api page until the cookie disappears); the last page carries neither.

``returntotalrecordcount="true"`` adds the total-count annotations when they are asked for,
and ``$count=true`` adds ``@odata.count``, both capped at 5000 as in Dataverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from starlette.responses import JSONResponse, Response

from mock_server.errors import BadRequest
from mock_server.fetchxml.paging import Window, paging_annotations
from mock_server.fetchxml.parser import FetchQuery, parse_fetchxml
from mock_server.odata.context import Call
from mock_server.odata.plan import QueryPlan, walk_links
from mock_server.odata.prefer import (
    FORMATTED_VALUE,
    LOOKUP_LOGICAL_NAME,
    MAX_PAGE_SIZE,
    TOTAL_RECORD_COUNT,
    TOTAL_RECORD_COUNT_EXCEEDED,
    Preferences,
)
from mock_server.odata.serialize import Json, Renderer, formatted_value, wire_value
from mock_server.schema import Attribute, Entity
from mock_server.store import query
from mock_server.store.query import Fetched

JSON_TYPE = "application/json; odata.metadata=minimal"
ATTRIBUTE_NAME = "OData.Community.Display.V1.AttributeName"


def run_fetchxml(call: Call, entity: Entity, xml: str) -> dict[str, Any]:
    """The JSON body answering FetchXML ``xml`` asked of ``entity``'s entity set."""
    fetch = parse_fetchxml(xml, entity)
    plan = fetch.plan
    counted = _dollar_count(call)
    window = Window.of(fetch.page, fetch.page_size, fetch.top)
    fetched = query.fetch(call.conn, plan, call.caller, window.limit, window.offset)
    rows = fetched[: window.size]
    body: dict[str, Any] = {"@odata.context": _context(call, fetch, entity)}
    if counted or fetch.total_count:
        total = query.count(call.conn, plan, call.caller)
        preferences = call.preferences
        if fetch.total_count and preferences.wants(TOTAL_RECORD_COUNT):
            body[f"@{TOTAL_RECORD_COUNT}"] = min(total, MAX_PAGE_SIZE)
        if fetch.total_count and preferences.wants(TOTAL_RECORD_COUNT_EXCEEDED):
            body[f"@{TOTAL_RECORD_COUNT_EXCEEDED}"] = total > MAX_PAGE_SIZE
        if counted:
            body["@odata.count"] = min(total, MAX_PAGE_SIZE)
    pk = entity.primary_id
    body.update(paging_annotations(window, fetch.page, pk, [str(f.row[pk]) for f in fetched]))
    body["value"] = FetchRenderer(call.conn, call.preferences, fetch.names).rows(plan, rows)
    return body


def fetchxml_response(call: Call, entity: Entity, xml: str) -> Response:
    """The Web API response to ``GET /<entityset>?fetchXml=<xml>``."""
    body = run_fetchxml(call, entity, xml)
    headers = {"OData-Version": "4.0"}
    applied = call.preferences.applied()
    if applied:
        headers["Preference-Applied"] = applied
    return JSONResponse(body, headers=headers, media_type=JSON_TYPE)


def _dollar_count(call: Call) -> bool:
    value = call.options.get("$count")
    if value not in (None, "true", "false"):
        raise BadRequest(f"'{value}' is not a valid count option.")
    return value == "true"


def _context(call: Call, fetch: FetchQuery, entity: Entity) -> str:
    plan = fetch.plan
    if not plan.select:
        return f"{call.base_url}$metadata#{entity.entity_set}"
    names = [a.lookup_property if a.is_lookup else a.logical_name for a in plan.columns]
    return f"{call.base_url}$metadata#{entity.entity_set}({','.join(names)})"


class FetchRenderer(Renderer):
    """Renders the rows of one FetchXML query; ``names`` are the ``<attribute alias>`` names."""

    def __init__(
        self, conn: Connection, preferences: Preferences, names: Mapping[tuple[str | None, str], str]
    ) -> None:
        super().__init__(conn, preferences)
        self.names = names
        self.want_attribute_name = preferences.wants(ATTRIBUTE_NAME)

    def rows(self, plan: QueryPlan, fetched: list[Fetched]) -> list[Json]:
        if self.want_formatted:
            self._load_names(plan, fetched)
        return [self._row(plan, f) for f in fetched]

    def _collect(self, plan: QueryPlan, fetched: list[Fetched], wanted: dict[str, set[str]]) -> None:
        super()._collect(plan, fetched, wanted)
        for f in fetched:
            for link in walk_links(plan.links):
                values = f.linked.get(link.alias, {})
                for a in link.select:
                    value = values.get(a.logical_name)
                    if a.is_lookup and value and value not in self._names:
                        wanted[self._target(a, values)].add(value)

    def _row(self, plan: QueryPlan, fetched: Fetched) -> Json:
        out = {key: value for key, value in self._record(plan, fetched).items() if value is not None}
        for (alias, logical), name in self.names.items():
            attribute = plan.entity.attribute(logical)
            if alias is None and attribute is not None:
                shown = attribute.lookup_property if attribute.is_lookup else logical
                for key in [k for k in out if k == shown or k.startswith(f"{shown}@")]:
                    out[name + key[len(shown) :]] = out.pop(key)
        for link in walk_links(plan.links):
            values = fetched.linked.get(link.alias, {})
            for a in link.select:
                if values.get(a.logical_name) is not None:
                    self._linked(
                        out,
                        self.names.get((link.alias, a.logical_name), f"{link.alias}.{a.logical_name}"),
                        a,
                        values,
                    )
        return out

    def _linked(self, out: Json, key: str, attribute: Attribute, values: dict[str, Any]) -> None:
        value = values[attribute.logical_name]
        if self.want_attribute_name:
            out[f"{key}@{ATTRIBUTE_NAME}"] = attribute.logical_name
        if attribute.is_lookup:
            if self.want_formatted and self._names.get(value) is not None:
                out[f"{key}@{FORMATTED_VALUE}"] = self._names[value]
            if self.want_logical_name:
                out[f"{key}@{LOOKUP_LOGICAL_NAME}"] = self._target(attribute, values)
        elif self.want_formatted:
            text = formatted_value(attribute, value)
            if text is not None:
                out[f"{key}@{FORMATTED_VALUE}"] = text
        out[key] = wire_value(attribute, value)
