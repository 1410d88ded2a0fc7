"""``create_app(settings)``: the mock Dataverse as one Starlette application.

The route list below is the whole URL table. The app owns its database, clock and settings
(on ``app.state.mock``); nothing lives in module globals, so several mocks can run in one
process.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server import admin, logic, offline, security
from mock_server.auth import DEFAULT_ADMIN_TOKEN, authenticate
from mock_server.clock import DEFAULT_START, Clock, parse_instant
from mock_server.errors import (
    DataverseError,
    InternalError,
    MethodNotAllowed,
    PayloadTooLarge,
    ResourceNotFound,
    Unauthorized,
)
from mock_server.faults import FAULT_SCOPE_KEY, ConnectionFaults, FaultInjection, FaultRegistry
from mock_server.odata.pipeline import execute
from mock_server.protection import ProtectionLimits, ServiceProtection, ServiceProtectionMiddleware
from mock_server.seed import ADMIN_USER_ID, seed_database
from mock_server.store.database import MEMORY, Database
from mock_server.store.query import Caller
from mock_server.store.records import Writer
from mock_server.store.tables import tables

log = logging.getLogger("mock_server")
WRITE_CHECKS = (*security.WRITE_CHECKS, *logic.WRITE_CHECKS, *offline.WRITE_CHECKS)
LINK_CHECKS = security.LINK_CHECKS
MAX_BODY = 32 * 1024 * 1024


class LoggedRequest(NamedTuple):
    """One entry of the request log; kept raw, rendered only when the log is read."""

    method: str
    path: str
    query: bytes
    status: int
    at: datetime
    fault: str | None = None  # the injected fault, as faults.py labels it

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "status": self.status,
            "at": self.at.isoformat(),
            "fault": self.fault,
        }


@dataclass(frozen=True)
class Settings:
    db: str = MEMORY
    seed: int = 1
    scale: int = 20
    admin_token: str = DEFAULT_ADMIN_TOKEN
    clock_start: datetime = DEFAULT_START
    request_log_size: int = 1000
    protection: ProtectionLimits = field(default_factory=ProtectionLimits)  # off by default


@dataclass
class MockState:
    """One mock's database, clock and settings, and its log of recent requests."""

    settings: Settings
    db: Database
    clock: Clock
    seed: int
    scale: int
    requests: deque[LoggedRequest] = field(default_factory=deque)
    protection: ServiceProtection = field(init=False)
    faults: FaultRegistry = field(default_factory=FaultRegistry)
    # A user's business unit, teams and security access, read once and kept until a write
    # touches any of them (IDENTITY_SOURCES).
    identities: dict[str, tuple[str, tuple[str, ...], security.Access]] = field(default_factory=dict)
    # The database as ``reset`` first seeded it: (seed, scale, copy, row counts).
    fresh: tuple[int, int, sqlite3.Connection, dict[str, int]] | None = None

    def __post_init__(self) -> None:
        self.protection = ServiceProtection(self.settings.protection, self.clock)

    def reseed(self, seed: int, scale: int) -> dict[str, int]:
        self.identities.clear()
        counts = seed_database(self.db, seed, scale, self.clock.now())
        self.seed, self.scale = seed, scale
        with self.db.transaction() as conn:
            self.db.set_state(conn, "clock", self.clock.now().isoformat())
        return counts

    def reset(self) -> dict[str, int]:
        """Back to a fresh start on the seed and scale in use: the clock at its start, no faults,
        an empty request log, fresh protection windows, and the seeded data. The first reset
        seeds and keeps a copy; later ones restore the copy, which is much faster."""
        self.clock.set(self.settings.clock_start)
        self.faults.clear()
        self.requests.clear()
        self.protection.configure(self.protection.limits)
        self.identities.clear()
        if self.fresh is not None and self.fresh[:2] == (self.seed, self.scale):
            self.db.restore(self.fresh[2])
            return dict(self.fresh[3])
        counts = self.reseed(self.seed, self.scale)
        if self.fresh is not None:
            self.fresh[2].close()
        self.fresh = (self.seed, self.scale, self.db.snapshot(), counts)
        return dict(counts)

    def save_clock(self) -> None:
        with self.db.transaction() as conn:
            self.db.set_state(conn, "clock", self.clock.now().isoformat())

    def caller(self, conn: Connection, authorization: str | None) -> Caller:
        user_id, _ = authenticate(authorization, self.settings.admin_token, ADMIN_USER_ID)
        identity = self.identities.get(user_id)
        if identity is None:
            identity = self.identities[user_id] = _identity(conn, user_id)
        return Caller(user_id, identity[0], identity[1], self.clock.now(), identity[2])

    def refresh_identities(self, writer: Writer) -> None:
        """After a write to what access derives from, reload the access of the users known so
        far, keeping what each could read before where it changed (for change tracking)."""
        if not writer.touched & IDENTITY_SOURCES:
            return
        before, self.identities = self.identities, {}
        pairs = []
        for user_id, (_, _, access) in before.items():
            try:
                identity = self.identities[user_id] = _identity(writer.conn, user_id)
            except Unauthorized:  # disabled or deleted: nothing to sync any more
                continue
            pairs.append((access, identity[2]))
        security.remember_access(writer, pairs)


IDENTITY_SOURCES = {
    "systemuser",
    "team",
    "businessunit",
    "teammembership_association",
    *security.IDENTITY_SOURCES,
}


def _identity(conn: Connection, user_id: str) -> tuple[str, tuple[str, ...], security.Access]:
    """A user's business unit and teams (in one query), and what the user's roles grant."""
    users, membership = tables()["systemuser"], tables().intersects["teammembership_association"]
    stmt = (
        select(users.c.businessunitid, users.c.isdisabled, membership.c.teamid)
        .outerjoin(membership, membership.c.systemuserid == users.c.systemuserid)
        .where(users.c.systemuserid == user_id)
    )
    rows = conn.execute(stmt).all()
    if not rows or rows[0].isdisabled:
        raise Unauthorized(f"The user {user_id} does not exist or is disabled in this organization.")
    unit, teams = str(rows[0].businessunitid), tuple(sorted(r.teamid for r in rows if r.teamid))
    return unit, teams, security.load_access(conn, user_id, unit, teams)


def open_state(settings: Settings) -> MockState:
    """Open the database; seed it unless it already holds a seeded organization (a file)."""
    db = Database(settings.db)
    with db.transaction() as conn:
        seeded, saved_clock = db.get_state(conn, "seed"), db.get_state(conn, "clock")
        scale = db.get_state(conn, "scale")
    clock = Clock(parse_instant(saved_clock) if saved_clock else settings.clock_start)
    state = MockState(
        settings, db, clock, settings.seed, settings.scale, deque(maxlen=settings.request_log_size)
    )
    if seeded is None:
        state.reseed(settings.seed, settings.scale)
    else:
        state.seed, state.scale = int(seeded), int(scale or 0)
    return state


def _mock(request: Request) -> MockState:
    state: MockState = request.app.state.mock
    return state


class WebApi:
    """The Web API, routed as a plain ASGI app (a class, so Starlette does not wrap it as a
    request handler): the busiest route skips the per-endpoint wrapping, and errors still reach
    the app's handlers, which render Dataverse's shape."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await _answer(Request(scope, receive))
        await response(scope, receive, send)


async def _answer(request: Request) -> Response:
    state = _mock(request)
    body = b"" if request.method == "GET" else await request.body()
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY} bytes.")
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    query = request.scope.get("query_string", b"")
    origin = f"{request.scope.get('scheme', 'http')}://{request.headers.get('host') or 'localhost'}"
    url = origin + raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
    headers = dict(request.headers.items())
    if len(prefer := request.headers.getlist("prefer")) > 1:
        headers["prefer"] = ",".join(prefer)  # repeated Prefer headers count as one list
    unit_of_work = state.db.reading() if request.method == "GET" else state.db.transaction()
    with unit_of_work as conn:
        caller = state.caller(conn, headers.get("authorization"))
        writer = Writer(conn, state.db, state.seed, caller, checks=WRITE_CHECKS, link_checks=LINK_CHECKS)
        response = execute(writer, request.method, url, headers, body)
        state.refresh_identities(writer)
        return response


async def dataverse_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DataverseError)
    headers = {"OData-Version": "4.0"}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="mock-dataverse"'
    return JSONResponse(exc.body(), exc.status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (paths outside the URL table), in Dataverse's shape."""
    assert isinstance(exc, HTTPException)
    error: DataverseError
    if exc.status_code == 405:
        error = MethodNotAllowed(request.method, request.url.path)
    else:
        error = ResourceNotFound(request.url.path.strip("/").split("/")[0] or "/")
    return await dataverse_error(request, error)


class RequestLog:
    """ASGI middleware: records every request and its status in the mock's request log, and
    turns anything unexpected into a Dataverse-shaped 500 without a traceback."""

    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = False

        async def record(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, record)
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                error = InternalError()
                body = json.dumps(error.body()).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json"), (b"odata-version", b"4.0")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            if not scope["path"].startswith("/_mock/requests"):
                self.state.requests.append(
                    LoggedRequest(
                        scope["method"],
                        scope["path"],
                        scope.get("query_string", b""),
                        status,
                        self.state.clock.now(),
                        scope.get(FAULT_SCOPE_KEY),
                    )
                )


class MockApp(Starlette):
    """Starlette with connection faults wrapped around everything, even its error middleware:
    only there is the server's own ``send`` at hand to close a socket (see faults.py)."""

    def build_middleware_stack(self) -> ASGIApp:
        state: MockState = self.state.mock
        return ConnectionFaults(super().build_middleware_stack(), state.faults)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    routes = [
        Route("/api/data/{version}", WebApi(), methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        Route("/api/data/{version}/{path:path}", WebApi(), methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        *admin.routes(),
    ]
    app = MockApp(
        routes=routes,
        exception_handlers={DataverseError: dataverse_error, HTTPException: http_error},
    )
    app.state.mock = state = open_state(settings)
    # Innermost first: faults act within the limits (a slow request is a running request), and
    # the request log sees both the faults and the 429s.
    app.add_middleware(FaultInjection, faults=state.faults, protection=state.protection)
    app.add_middleware(
        ServiceProtectionMiddleware, protection=state.protection, admin_token=settings.admin_token
    )
    app.add_middleware(RequestLog, state=state)
    return app
