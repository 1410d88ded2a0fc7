"""Faults injected on request, so tests can see how a client copes with a slow or failing server.

A test registers a fault through ``POST /_mock/faults``: a regular expression that must match
the whole request path, an optional method, a kind, and how many matching requests get it.
Faults never touch ``/_mock/`` paths. The first registered fault that matches a request is
used, and is gone once its count runs out.

    latency    wait (without blocking other requests), then serve normally
    status     answer 429, 500 or 503 with a Dataverse error body instead of serving
    drop       close the connection without sending a single response byte; the request is
               not served (the request log, which saw no response, shows status 500)
    truncate   serve normally, but close the connection half-way through the body, so the
               client has the status line and the full Content-Length and too few bytes

Two middlewares share the work. ``FaultInjection`` sits inside the request log and the service
protection limits: it picks the fault, applies latency and status faults, and tags the request
in its ASGI scope (which the request log records). ``ConnectionFaults`` wraps the whole app, even
Starlette's error middleware, because only there is the server's own ``send`` at hand: with
uvicorn, that bound method's request cycle holds the socket, which is closed directly. An app
that merely raised before responding would get a 500 from the server instead of a dropped
connection. Without such a socket (in-process test clients) drop and truncate raise
``InjectedConnectionFault`` to the client.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import BadRequest, DataverseError, InternalError, RecordNotFound
from mock_server.protection import RequestLimitExceeded, ServiceProtection

FAULT_SCOPE_KEY = "mock_server.fault"
ADMIN_PREFIX = "/_mock/"
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
STATUSES = (429, 500, 503)
MAX_MS = 600_000
MAX_COUNT = 2**31 - 1
MAX_RETRY_AFTER = 86_400


class FaultKind(StrEnum):
    LATENCY = "latency"
    STATUS = "status"
    DROP = "drop"
    TRUNCATE = "truncate"


class ServiceUnavailable(DataverseError):
    status = 503

    def __init__(self) -> None:
        super().__init__("The service is temporarily unavailable. Try again later.")


class FaultNotFound(RecordNotFound):
    def __init__(self, fault_id: int) -> None:
        DataverseError.__init__(
            self, f"There is no fault {fault_id}: it was used up, deleted or never registered."
        )


class InjectedConnectionFault(Exception):
    """A drop or truncate fault where there is no socket to close (an in-process client)."""


@dataclass
class Fault:
    id: int
    path: re.Pattern[str]
    method: str | None
    kind: FaultKind
    remaining: int | None  # None: every matching request, until deleted
    latency_ms: int = 0
    status: int = 0
    retry_after: int | None = None

    @property
    def label(self) -> str:
        """How the request log names the fault."""
        if self.kind is FaultKind.LATENCY:
            return f"latency:{self.latency_ms}ms"
        if self.kind is FaultKind.STATUS:
            return f"status:{self.status}"
        return self.kind.value

    def as_json(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "id": self.id,
            "path": self.path.pattern,
            "method": self.method,
            "kind": self.kind.value,
            "remaining": self.remaining,
        }
        if self.kind is FaultKind.LATENCY:
            described["latency_ms"] = self.latency_ms
        if self.kind is FaultKind.STATUS:
            described["status"] = self.status
            described["retry_after"] = self.retry_after
        return described


# Every field a fault takes, and the one kind it is limited to (None: any kind).
FIELDS: dict[str, FaultKind | None] = {
    "path": None,
    "method": None,
    "kind": None,
    "count": None,
    "always": None,
    "latency_ms": FaultKind.LATENCY,
    "status": FaultKind.STATUS,
    "retry_after": FaultKind.STATUS,
}


def _whole(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be a whole number from {lo} to {hi}.")
    return value


def parse_fault(spec: dict[str, Any], fault_id: int) -> Fault:
    """A fault from its admin JSON; BadRequest says what is wrong with it."""
    kinds = [kind.value for kind in FaultKind]
    if spec.get("kind") not in kinds:
        raise BadRequest(f"'kind' must be one of {', '.join(kinds)}.")
    kind = FaultKind(spec["kind"])
    for name in spec:
        if name not in FIELDS:
            raise BadRequest(f"Unknown field '{name}'; a fault takes {', '.join(FIELDS)}.")
        only_for = FIELDS[name]
        if only_for is not None and kind is not only_for:
            raise BadRequest(f"'{name}' applies only to faults of kind {only_for.value}.")
    pattern = spec.get("path")
    if not isinstance(pattern, str):
        raise BadRequest("'path' must be a regular expression matching whole request paths.")
    try:
        path = re.compile(pattern)
    except re.error as error:
        raise BadRequest(f"'path' is not a valid regular expression: {error}.") from None
    method = spec.get("method")
    if method is not None and (not isinstance(method, str) or method.upper() not in METHODS):
        raise BadRequest(f"'method' must be one of {', '.join(METHODS)}, or absent for any method.")
    always = spec.get("always", False)
    if not isinstance(always, bool) or (always and "count" in spec):
        raise BadRequest("'always' must be true or false, and cannot be sent with 'count'.")
    remaining = None if always else _whole(spec.get("count", 1), "count", 1, MAX_COUNT)
    fault = Fault(fault_id, path, method.upper() if method else None, kind, remaining)
    if kind is FaultKind.LATENCY:
        if "latency_ms" not in spec:
            raise BadRequest("A latency fault needs 'latency_ms'.")
        fault.latency_ms = _whole(spec["latency_ms"], "latency_ms", 0, MAX_MS)
    elif kind is FaultKind.STATUS:
        if spec.get("status") not in STATUSES:
            raise BadRequest(f"A status fault needs 'status', one of {', '.join(map(str, STATUSES))}.")
        fault.status = spec["status"]
        if "retry_after" in spec:
            fault.retry_after = _whole(spec["retry_after"], "retry_after", 0, MAX_RETRY_AFTER)
    return fault


class FaultRegistry:
    """The faults registered and not yet used up, in the order they were registered."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.last_id = 0

    def add(self, spec: dict[str, Any]) -> Fault:
        fault = parse_fault(spec, self.last_id + 1)
        self.last_id = fault.id
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults = []

    def remove(self, fault_id: int) -> None:
        kept = [f for f in self.faults if f.id != fault_id]
        if len(kept) == len(self.faults):
            raise FaultNotFound(fault_id)
        self.faults = kept

    def take(self, method: str, path: str) -> Fault | None:
        """The fault this request gets, counted as used once."""
        for fault in self.faults:
            if (fault.method is None or fault.method == method) and fault.path.fullmatch(path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                return fault
        return None


def _error_response(fault: Fault, protection: ServiceProtection) -> JSONResponse:
    retry_after = fault.retry_after
    error: DataverseError
    if fault.status == 429:
        retry_after = 1 if retry_after is None else retry_after  # Dataverse always sends one
        error = RequestLimitExceeded(protection.limits, retry_after)
    elif fault.status == 503:
        error = ServiceUnavailable()
    else:
        error = InternalError()
    headers = {"OData-Version": "4.0"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(error.body(), fault.status, headers=headers)


class FaultInjection:
    """ASGI middleware: gives a matching request its fault, or passes it on untouched."""

    def __init__(self, app: ASGIApp, faults: FaultRegistry, protection: ServiceProtection) -> None:
        self.app = app
        self.registry = faults
        self.protection = protection

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.registry.faults or scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        fault = self.registry.take(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        scope[FAULT_SCOPE_KEY] = fault.label
        if fault.kind is FaultKind.LATENCY:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.kind is FaultKind.STATUS:
            await _error_response(fault, self.protection)(scope, receive, send)
        elif fault.kind is not FaultKind.DROP:  # a drop sends nothing; ConnectionFaults closes
            await self.app(scope, receive, send)


def _server_transport(send: Send) -> asyncio.Transport | None:
    """The connection under uvicorn's ``send``: a bound method of the request cycle, which keeps
    the transport it writes to. None for any other server or an in-process client."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport if isinstance(transport, asyncio.Transport) else None


async def _until_disconnected(receive: Receive) -> None:
    """Let the server see the closed connection before the app returns, so it neither answers
    on its own nor logs a response that never started or completed."""
    while (await receive())["type"] != "http.disconnect":
        pass


class ConnectionFaults:
    """ASGI middleware around the whole app: carries out drop and truncate at the socket."""

    def __init__(self, app: ASGIApp, faults: FaultRegistry) -> None:
        self.app = app
        self.registry = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.registry.faults or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        transport = _server_transport(send)
        cut = False

        async def send_or_cut(message: Message) -> None:
            nonlocal cut
            if cut:
                return
            if message["type"] == "http.response.body" and scope.get(FAULT_SCOPE_KEY) == FaultKind.TRUNCATE:
                body = message.get("body", b"")
                await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
                cut = True
                if transport is not None:
                    transport.close()  # unlike abort(), close() still sends what was written
                return
            await send(message)

        await self.app(scope, receive, send_or_cut)
        dropped = scope.get(FAULT_SCOPE_KEY) == FaultKind.DROP  # FaultInjection sent nothing at all
        if not (dropped or cut):
            return
        if transport is None:
            raise InjectedConnectionFault(f"{'drop' if dropped else 'truncate'}: the connection was closed")
        transport.close()
        await _until_disconnected(receive)
