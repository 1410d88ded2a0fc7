"""Running a stored view: ``GET <set>?savedQuery=<id>`` (a system view) and ``?userQuery=<id>``
(a personal view) execute the view's FetchXML, so results have FetchXML's shape (nulls
omitted). The view must return rows of the entity set it is run on.
"""

from __future__ import annotations

from starlette.responses import Response

from mock_server.errors import BadRequest, RecordNotFound
from mock_server.fetchxml import fetchxml_response
from mock_server.odata.context import Call
from mock_server.odata.url import GUID
from mock_server.schema import Entity, schema
from mock_server.store import records

VIEW_TABLES = {"savedQuery": "savedquery", "userQuery": "userquery"}
QUERY_ONLY = ("$select", "$filter", "$orderby", "$top", "$expand", "$skiptoken")


def stored_query(call: Call) -> str | None:
    """Which of ``fetchXml``, ``savedQuery`` or ``userQuery`` the request uses, if any."""
    used = [name for name in ("fetchXml", *VIEW_TABLES) if name in call.options.custom]
    if len(used) > 1:
        raise BadRequest(f"Use one of fetchXml, savedQuery and userQuery, not {' and '.join(used)}.")
    if used:
        conflicting = [o for o in QUERY_ONLY if call.options.get(o) is not None]
        if conflicting:
            raise BadRequest(f"The query option {conflicting[0]} cannot be combined with {used[0]}.")
    return used[0] if used else None


def respond(call: Call, entity: Entity, kind: str) -> Response:
    value = call.options.custom[kind]
    if kind == "fetchXml":
        return fetchxml_response(call, entity, value)
    view_entity = schema().entity(VIEW_TABLES[kind])
    assert view_entity is not None
    view_id = value.strip().strip("{}").lower()
    if not GUID.match(view_id):
        raise BadRequest(f"The {kind} value '{value}' is not the id of a view.")
    view = records.get_row(call.conn, view_entity, view_id)
    if view is None:
        raise RecordNotFound(view_entity.logical_name, view_id)
    if view["returnedtypecode"] != entity.logical_name:
        raise BadRequest(
            f"The view '{view['name']}' returns {view['returnedtypecode']} records; run it on the "
            f"'{schema().entity(view['returnedtypecode']).entity_set}' entity set."  # type: ignore[union-attr]
        )
    return fetchxml_response(call, entity, view["fetchxml"])
