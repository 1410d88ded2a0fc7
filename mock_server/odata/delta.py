"""Change tracking on the wire: ``Prefer: odata.track-changes`` and ``$deltatoken``.

The first request returns the rows and, on its last page, an ``@odata.deltaLink``; following
it returns what changed since, deleted rows as ``$deletedEntity`` entries, and a new delta link.
A token is ``<version>!<MM/dd/yyyy HH:mm:ss>`` as in Dataverse and expires after the
organization's change-tracking lifetime, counted on the mock clock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import not_, select
from starlette.responses import PlainTextResponse, Response

from mock_server.errors import BadRequest
from mock_server.odata.context import Call
from mock_server.odata.paging import parse_tracking_skiptoken, tracking_skiptoken, with_option
from mock_server.odata.prefer import MAX_PAGE_SIZE
from mock_server.odata.query_options import build_plan
from mock_server.odata.serialize import Renderer, json_response
from mock_server.schema import Entity
from mock_server.store import changes
from mock_server.store.query import Fetched
from mock_server.store.tables import tables

REFUSED_WITH_TRACKING = ("$filter", "$orderby", "$expand", "$top")
TOKEN = re.compile(r"^(\d+)!(\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2})$")
TOKEN_TIME = "%m/%d/%Y %H:%M:%S"
DEFAULT_LIFETIME = timedelta(days=7)


class ChangeTrackingNotEnabled(BadRequest):
    code = "0x80072491"


class ExpiredVersionStamp(BadRequest):
    code = "0x80044352"


def is_tracking(call: Call) -> bool:
    return call.preferences.track_changes or call.options.get("$deltatoken") is not None


def _token(version: int, now: datetime) -> str:
    return f"{version}!{now.strftime(TOKEN_TIME)}"


def _parse_token(text: str, now: datetime, lifetime: timedelta) -> int:
    match = TOKEN.match(text.strip())
    if match is None:
        raise BadRequest(f"The delta token '{text}' is not valid; send the @odata.deltaLink unchanged.")
    try:
        issued = datetime.strptime(match[2], TOKEN_TIME).replace(tzinfo=now.tzinfo)
    except ValueError:
        raise BadRequest(
            f"The delta token '{text}' is not valid; send the @odata.deltaLink unchanged."
        ) from None
    if now - issued > lifetime:
        raise ExpiredVersionStamp(
            "Version stamp associated with the client has expired. Please perform a full sync."
        )
    return int(match[1])


def _lifetime(call: Call) -> timedelta:
    """The organization's ``expirechangetrackingindays`` (Dataverse's default: 7)."""
    organization = tables()["organization"]
    days = call.conn.execute(select(organization.c.expirechangetrackingindays).limit(1)).scalar()
    return DEFAULT_LIFETIME if days is None else timedelta(days=days)


def _check(call: Call, entity: Entity) -> None:
    if not entity.change_tracking:
        raise ChangeTrackingNotEnabled(f"Entity {entity.logical_name} isn't enabled for change tracking.")
    for option in REFUSED_WITH_TRACKING:
        if call.options.get(option) is not None:
            raise BadRequest(
                f'The "{option}" query parameter isn\'t supported when Change Tracking is enabled.'
            )


def respond(call: Call, entity: Entity) -> Response:
    """An initial change-tracking query, one of its pages, or a delta."""
    _check(call, entity)
    plan = build_plan(entity, call.options)
    now = call.caller.now
    token, skip = call.options.get("$deltatoken"), call.options.get("$skiptoken")
    if skip is not None:
        page, since, snapshot = parse_tracking_skiptoken(skip)
    else:
        page, snapshot = 1, changes.current_version(call.conn)
        since = _parse_token(token, now, _lifetime(call)) if token is not None else 0
    delta = token is not None
    page_size = call.preferences.max_page_size or MAX_PAGE_SIZE
    found = changes.changes(call.conn, plan, call.caller, since, snapshot, page_size + 1, deleted=delta)
    if delta:
        found = _with_lost(call, entity, found, since, snapshot, page_size + 1)
    renderer = Renderer(call.conn, call.preferences)
    selected = f"({','.join(a.logical_name for a in plan.select)})" if plan.select else ""
    context = f"{call.base_url}$metadata#{entity.entity_set}{selected}"
    value: list[dict[str, Any]] = []
    for item in found[:page_size]:
        if isinstance(item, changes.Deleted):
            value.append(
                {
                    "@odata.context": f"{call.base_url}$metadata#{entity.entity_set}/$deletedEntity",
                    "id": item.id,
                    "reason": "deleted",
                }
            )
        else:
            value.extend(renderer.records(plan, [item]))
    body: dict[str, Any] = {"@odata.context": context + ("/$delta" if delta else ""), "value": value}
    if len(found) > page_size:
        last = found[page_size - 1]
        served = last.version if isinstance(last, changes.Deleted) else int(last.row["versionnumber"])
        body["@odata.nextLink"] = with_option(
            call.url, "$skiptoken", tracking_skiptoken(page + 1, served, snapshot)
        )
    else:
        body["@odata.deltaLink"] = with_option(
            call.url, "$deltatoken", _token(snapshot, now), drop=("$skiptoken",)
        )
    return json_response(body, headers={"Preference-Applied": "odata.track-changes"})


def _with_lost(
    call: Call,
    entity: Entity,
    found: list[Fetched | changes.Deleted],
    since: int,
    upto: int,
    limit: int,
) -> list[Fetched | changes.Deleted]:
    """Add, as removed, the rows changed in the window that the caller may no longer read (an
    assign away, a revoked share: both give the row a new version), so the client drops them.
    A row the client never had may be among them; removing an unknown id is a no-op for it."""
    restriction = call.caller.restriction(entity)
    if restriction is None:
        return found
    table = tables()[entity.logical_name]
    version = table.c.versionnumber
    stmt = (
        select(table.c[entity.primary_id], version)
        .where(version > since, version <= upto, not_(restriction))
        .order_by(version)
        .limit(limit)
    )
    lost = [changes.Deleted(row_id, v) for row_id, v in call.conn.execute(stmt)]
    if not lost:
        return found
    merged = found + lost
    merged.sort(key=lambda f: f.version if isinstance(f, changes.Deleted) else int(f.row["versionnumber"]))
    return merged[:limit]


def count(call: Call, entity: Entity) -> Response:
    """``GET <set>/$count?$deltatoken=...``: how many changes a delta would return."""
    _check(call, entity)
    since = _parse_token(call.options.get("$deltatoken") or "", call.caller.now, _lifetime(call))
    total = changes.count_changes(
        call.conn, build_plan(entity, call.options), since, changes.current_version(call.conn)
    )
    return PlainTextResponse(str(total), headers={"OData-Version": "4.0"})
