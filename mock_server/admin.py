"""The admin API under ``/_mock/``: what tests use to arrange and inspect the mock.

Reset to the seed, re-seed with another seed or scale, read and move the clock, mint tokens
for users, read the log of recent requests, set the service protection limits and inject
faults. Every endpoint takes the admin token only.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mock_server.auth import authenticate, user_token
from mock_server.clock import format_instant, parse_instant
from mock_server.errors import BadRequest, Forbidden, RecordNotFound
from mock_server.schema import schema
from mock_server.store import records

if TYPE_CHECKING:
    from mock_server.app import MockState

MAX_SCALE = 1_000_000
DURATION_UNITS = ("days", "hours", "minutes", "seconds")


def _state(request: Request) -> MockState:
    state: MockState = request.app.state.mock
    _, is_admin = authenticate(request.headers.get("authorization"), state.settings.admin_token, "")
    if not is_admin:
        raise Forbidden("The admin API needs the admin token.")
    return state


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _whole(body: dict[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be a whole number from {lo} to {hi}.")
    return value


async def reset(request: Request) -> Response:
    """POST /_mock/reset: back to a fresh start on the seed in use (``MockState.reset``)."""
    state = _state(request)
    counts = state.reset()
    return JSONResponse({"seed": state.seed, "scale": state.scale, "rows": counts})


async def seed(request: Request) -> Response:
    """GET /_mock/seed: the seed and scale in use. POST {"seed": N, "scale": M}: re-seed."""
    state = _state(request)
    if request.method == "POST":
        body = await _body(request)
        new_seed = _whole(body, "seed", state.seed, 0, 2**31 - 1)
        new_scale = _whole(body, "scale", state.scale, 0, MAX_SCALE)
        counts = state.reseed(new_seed, new_scale)
        return JSONResponse({"seed": new_seed, "scale": new_scale, "rows": counts})
    return JSONResponse({"seed": state.seed, "scale": state.scale})


async def clock(request: Request) -> Response:
    """GET /_mock/clock: the mock's time. POST {"now": ISO} sets it; {"advance": {"days": 1}} moves it."""
    state = _state(request)
    if request.method == "POST":
        body = await _body(request)
        if "now" in body:
            try:
                state.clock.set(parse_instant(str(body["now"])))
            except ValueError:
                raise BadRequest("'now' must be an ISO-8601 instant such as 2026-01-31T09:00:00Z.") from None
        elif "advance" in body:
            step = body["advance"]
            if (
                not isinstance(step, dict)
                or not step
                or set(step) - set(DURATION_UNITS)
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in step.values())
            ):
                raise BadRequest(
                    f"'advance' must be an object with numbers for any of {', '.join(DURATION_UNITS)}."
                )
            try:
                state.clock.advance(timedelta(**step))
            except OverflowError:
                raise BadRequest("'advance' moves the clock out of range.") from None
        else:
            raise BadRequest('Send {"now": <ISO instant>} or {"advance": {"days": <n>, ...}}.')
        state.save_clock()
    return JSONResponse({"now": format_instant(state.clock.now())})


async def tokens(request: Request) -> Response:
    """POST /_mock/tokens {"systemuserid": GUID}: a bearer token acting as that user."""
    state = _state(request)
    body = await _body(request)
    user_id = str(body.get("systemuserid", "")).lower()
    users = schema().entity("systemuser")
    assert users is not None
    with state.db.transaction() as conn:
        if not user_id or not records.exists(conn, users, user_id):
            raise RecordNotFound("systemuser", user_id or "(missing)")
    return JSONResponse({"token": user_token(state.settings.admin_token, user_id), "systemuserid": user_id})


async def request_log(request: Request) -> Response:
    """GET /_mock/requests?limit=N: the most recent requests, oldest first. DELETE clears the log."""
    state = _state(request)
    if request.method == "DELETE":
        state.requests.clear()
        return Response(status_code=204)
    limit = request.query_params.get("limit", "100")
    if not limit.isdigit():
        raise BadRequest("'limit' must be a whole number.")
    entries = [r.as_json() for r in list(state.requests)[-int(limit) :]] if int(limit) else []
    return JSONResponse({"requests": entries})


async def limits(request: Request) -> Response:
    """GET /_mock/limits: the service protection limits. POST changes any of them (protection.py)
    and starts every user's window afresh."""
    state = _state(request)
    if request.method == "POST":
        state.protection.configure(state.protection.limits.updated(await _body(request)))
    return JSONResponse(state.protection.limits.as_json())


async def faults(request: Request) -> Response:
    """GET /_mock/faults: the faults not yet used up. POST registers one (faults.py) and answers
    201 with it. DELETE removes them all."""
    state = _state(request)
    if request.method == "POST":
        fault = state.faults.add(await _body(request))
        return JSONResponse(fault.as_json(), 201, headers={"Location": f"/_mock/faults/{fault.id}"})
    if request.method == "DELETE":
        state.faults.clear()
        return Response(status_code=204)
    return JSONResponse({"faults": [f.as_json() for f in state.faults.faults]})


async def fault(request: Request) -> Response:
    """DELETE /_mock/faults/{id}: remove one fault (404 if it is gone already)."""
    _state(request).faults.remove(request.path_params["fault_id"])
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        Route("/_mock/reset", reset, methods=["POST"]),
        Route("/_mock/seed", seed, methods=["GET", "POST"]),
        Route("/_mock/clock", clock, methods=["GET", "POST"]),
        Route("/_mock/tokens", tokens, methods=["POST"]),
        Route("/_mock/requests", request_log, methods=["GET", "DELETE"]),
        Route("/_mock/limits", limits, methods=["GET", "POST"]),
        Route("/_mock/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_mock/faults/{fault_id:int}", fault, methods=["DELETE"]),
    ]
