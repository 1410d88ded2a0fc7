"""Change tracking on the wire: ``Prefer: odata.track-changes`` and ``$deltatoken``.

The first request returns the rows and, on its last page, an ``@odata.deltaLink``; following
it returns what changed since, deleted rows as ``$deletedEntity`` entries, and a new delta link.
A token is ``<version>!<MM/dd/yyyy HH:mm:ss>`` as in Dataverse and expires after the
organization's change-tracking lifetime, counted on the mock clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, select, true
from starlette.responses import PlainTextResponse, Response

from mock_server.errors import BadRequest, Forbidden
from mock_server.odata.context import Call
from mock_server.odata.paging import parse_tracking_skiptoken, tracking_skiptoken, with_option
from mock_server.odata.plan import QueryPlan
from mock_server.odata.prefer import MAX_PAGE_SIZE
from mock_server.odata.query_options import build_plan
from mock_server.odata.serialize import Renderer, json_response
from mock_server.schema import Entity
from mock_server.store import changes
from mock_server.store.query import Fetched, RowPolicy, build_select, fetch_rows
from mock_server.store.tables import tables

REFUSED_WITH_TRACKING = ("$filter", "$orderby", "$expand", "$top")
TOKEN = re.compile(r"^(\d+)!(\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2})$")
TOKEN_TIME = "%m/%d/%Y %H:%M:%S"
DEFAULT_LIFETIME = timedelta(days=7)
COUNT_LIMIT = 5000  # a restricted caller's delta count, like @odata.count


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
        page, served, snapshot, base = parse_tracking_skiptoken(skip)
    else:
        page, served, snapshot = 1, 0, changes.current_version(call.conn)
        base = _parse_token(token, now, _lifetime(call)) if token is not None else 0
    delta = token is not None
    page_size = call.preferences.max_page_size or MAX_PAGE_SIZE
    since = max(served, base)
    found = changes.changes(call.conn, plan, call.caller, since, snapshot, page_size + 1, deleted=delta)
    more = len(found) > page_size
    # How far this page reaches: its last change when more follow, else the snapshot. Corrections
    # only look that far, so a page that drops entries still ends where the next one starts.
    horizon = _version(found[page_size - 1]) if more else snapshot
    if delta:
        window = Window(served, base, horizon, page_size + 1)
        found = _visibility_changes(call, plan, found[:page_size] if more else found, window)
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
    if len(found) > page_size or more:
        served = _version(found[page_size - 1]) if len(found) > page_size else horizon
        body["@odata.nextLink"] = with_option(
            call.url, "$skiptoken", tracking_skiptoken(page + 1, served, snapshot, base)
        )
    else:
        body["@odata.deltaLink"] = with_option(
            call.url, "$deltatoken", _token(snapshot, now), drop=("$skiptoken",)
        )
    return json_response(body, headers={"Preference-Applied": "odata.track-changes"})


@dataclass(frozen=True)
class Window:
    """One page of a delta from version ``base``: what is left after version ``served`` up to
    ``snapshot`` (the page's horizon), at most ``limit`` entries. Versions up to ``base`` hold
    rows whose visibility changed with the caller's access; later ones, rows that changed."""

    served: int
    base: int
    snapshot: int
    limit: int


def _version(item: Fetched | changes.Deleted) -> int:
    return item.version if isinstance(item, changes.Deleted) else int(item.row["versionnumber"])


def _visibility_changes(
    call: Call, plan: QueryPlan, found: list[Fetched | changes.Deleted], window: Window
) -> list[Fetched | changes.Deleted]:
    """Correct a delta for what the caller may read now against what it could read at the
    token: rows changed since that it could read then and no longer can come as removed;
    deletions of rows it could not read then are left out; and when its own access changed
    (roles, teams, business unit, hierarchy), unchanged rows that left its sight come as removed
    and those that came into it as new. See ``security/history.py``."""
    policy = call.caller.policy
    if policy is None:
        return found
    conn, entity = call.conn, plan.entity
    table, pk = tables()[entity.logical_name], entity.primary_id
    version = table.c.versionnumber
    now = call.caller.restriction(entity)
    then = policy.as_of(conn, window.base)
    then_condition = _readable(then, entity)
    since = max(window.served, window.base)
    gone = [f for f in found if isinstance(f, changes.Deleted)]
    if gone and then_condition is not None:
        readable = then.read_at(conn, entity, [{pk: g.id} for g in gone], window.base, deleted=True)
        found = [f for f in found if not isinstance(f, changes.Deleted) or f.id in readable]
    extra: list[Fetched | changes.Deleted] = []
    if now is not None:  # changed rows out of sight now: removed if they were in sight then
        who = (table.c[pk], version, table.c.ownerid, table.c.owningbusinessunit)
        stmt = select(*who).where(version > since, version <= window.snapshot, not_(now)).order_by(version)
        hidden = [dict(r._mapping) for r in conn.execute(stmt)]
        if hidden:
            readable = then.read_at(conn, entity, hidden, window.base)
            extra += [changes.Deleted(r[pk], r["versionnumber"]) for r in hidden if r[pk] in readable]
    if then is not policy and window.served < window.base:
        unchanged = and_(version > window.served, version <= window.base)
        was, see = (
            then_condition if then_condition is not None else true(),
            now if now is not None else true(),
        )
        left = (
            select(table.c[pk], version)
            .where(unchanged, was, not_(see))
            .order_by(version)
            .limit(window.limit)
        )
        extra += [changes.Deleted(str(row_id), int(v)) for row_id, v in conn.execute(left)]
        came = build_select(plan, call.caller).where(unchanged, not_(was)).order_by(None).order_by(version)
        extra += fetch_rows(conn, plan, came.limit(window.limit), call.caller)
    if not extra:
        return found
    return sorted(found + extra, key=_version)[: window.limit]


def _readable(policy: RowPolicy, entity: Entity) -> ColumnElement[bool] | None:
    """The rows ``policy`` lets its user read, as a condition (None: all); none without Read."""
    try:
        return policy.restrict(entity)
    except Forbidden:
        return false()


def count(call: Call, entity: Entity) -> Response:
    """``GET <set>/$count?$deltatoken=...``: how many changes a delta would return."""
    _check(call, entity)
    since = _parse_token(call.options.get("$deltatoken") or "", call.caller.now, _lifetime(call))
    plan, snapshot = build_plan(entity, call.options), changes.current_version(call.conn)
    if call.caller.restriction(entity) is None:
        total = changes.count_changes(call.conn, plan, since, snapshot)
    else:  # what this caller's delta holds, which row security decides (at most COUNT_LIMIT)
        found = changes.changes(call.conn, plan, call.caller, since, snapshot, COUNT_LIMIT, deleted=True)
        total = len(_visibility_changes(call, plan, found, Window(0, since, snapshot, COUNT_LIMIT)))
    return PlainTextResponse(str(total), headers={"OData-Version": "4.0"})
