"""Dataverse's service protection limits, so clients can be tested against 429s they will meet.

Dataverse limits each user, over a 300-second sliding window, to a number of requests and to a
combined execution time, and limits how many of the user's requests may run at once; past a
limit it answers 429 with ``Retry-After`` and one of three codes. The mock does the same, off
by default and switched per run through ``/_mock/limits``. The window slides on the mock clock,
so a test moves ``POST /_mock/clock`` instead of sleeping. Execution time is each request's real
duration unless ``execution_ms_per_request`` fixes it, which makes that limit deterministic.

    ServiceProtectionMiddleware   counts /api/data/ requests per user, answers 429s, adds the
                                  x-ms-ratelimit-* headers
    ServiceProtection             the limits in force and each user's window of recent requests
    ProtectionLimits              the configuration, validated from admin JSON
    ServiceProtectionLimitExceeded (429)
    ├── RequestLimitExceeded (0x80072322)
    ├── ExecutionTimeLimitExceeded (0x80072321)
    └── ConcurrencyLimitExceeded (0x80072326)
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.auth import authenticate
from mock_server.clock import Clock
from mock_server.errors import BadRequest, DataverseError, Unauthorized
from mock_server.seed import ADMIN_USER_ID

WEB_API_PREFIX = "/api/data/"
MAX_LIMIT = 2**31 - 1
BURST_REMAINING = b"x-ms-ratelimit-burst-remaining-xrm-requests"
TIME_REMAINING = b"x-ms-ratelimit-time-remaining-xrm-requests"


@dataclass(frozen=True)
class ProtectionLimits:
    """Dataverse's documented defaults; ``execution_ms_per_request`` None means measured time."""

    enabled: bool = False
    requests: int = 6000
    window_seconds: int = 300
    execution_ms: int = 1_200_000
    concurrent: int = 52
    execution_ms_per_request: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> ProtectionLimits:
        """These limits with the fields an admin request sent; BadRequest for anything invalid."""
        names = list(asdict(self))
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise BadRequest(f"Unknown limit(s) {', '.join(unknown)}; send any of {', '.join(names)}.")
        for name, value in changes.items():
            if name == "enabled":
                if not isinstance(value, bool):
                    raise BadRequest("'enabled' must be true or false.")
                continue
            lowest = 1
            if name == "execution_ms_per_request":
                if value is None:
                    continue
                lowest = 0
            if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= MAX_LIMIT:
                raise BadRequest(f"'{name}' must be a whole number from {lowest} to {MAX_LIMIT}.")
        return replace(self, **changes)


class ServiceProtectionLimitExceeded(DataverseError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RequestLimitExceeded(ServiceProtectionLimitExceeded):
    code = "0x80072322"

    def __init__(self, limits: ProtectionLimits, retry_after: int) -> None:
        super().__init__(
            f"Number of requests exceeded the limit of {limits.requests} over time window of "
            f"{limits.window_seconds} seconds.",
            retry_after,
        )


class ExecutionTimeLimitExceeded(ServiceProtectionLimitExceeded):
    code = "0x80072321"

    def __init__(self, limits: ProtectionLimits, retry_after: int) -> None:
        super().__init__(
            f"Combined execution time of incoming requests exceeded limit of {limits.execution_ms:,} "
            f"milliseconds over time window of {limits.window_seconds} seconds. Decrease number of "
            "concurrent requests or reduce the duration of requests and try again later.",
            retry_after,
        )


class ConcurrencyLimitExceeded(ServiceProtectionLimitExceeded):
    code = "0x80072326"

    def __init__(self, limits: ProtectionLimits) -> None:
        # Concurrency frees up as soon as a running request ends, so one second is enough.
        super().__init__(f"Number of concurrent requests exceeded the limit of {limits.concurrent}.", 1)


class Call:
    """One admitted request in a user's window; its cost is known once it has finished."""

    __slots__ = ("at", "cost_ms", "in_window")

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.cost_ms = 0.0
        self.in_window = True


@dataclass
class Usage:
    """One user's requests in the current window, their combined cost, and those still running."""

    calls: deque[Call] = field(default_factory=deque)
    cost_ms: float = 0.0
    running: int = 0


class ServiceProtection:
    """The limits in force and every user's usage, measured against the mock clock."""

    def __init__(self, limits: ProtectionLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.users: dict[str, Usage] = {}

    def configure(self, limits: ProtectionLimits) -> None:
        """New limits, and every user's usage forgotten: the windows start afresh, and requests
        running now no longer count as running."""
        self.limits = limits
        self.users = {}

    def usage_of(self, user_id: str) -> Usage:
        usage = self.users.get(user_id)
        if usage is None:
            usage = self.users[user_id] = Usage()
        return usage

    def admit(self, usage: Usage) -> Call:
        """Count one more request in ``usage``, or raise the limit it would exceed."""
        limits, now = self.limits, self.clock.now()
        window = timedelta(seconds=limits.window_seconds)
        calls = usage.calls
        while calls and calls[0].at <= now - window:
            gone = calls.popleft()
            gone.in_window = False
            usage.cost_ms = usage.cost_ms - gone.cost_ms if calls else 0.0
        if usage.running >= limits.concurrent:
            raise ConcurrencyLimitExceeded(limits)
        if len(calls) >= limits.requests:
            # The window must shed this many of its oldest calls before one more fits.
            leaving = calls[len(calls) - limits.requests]
            raise RequestLimitExceeded(limits, _seconds_until(leaving.at + window, now))
        if usage.cost_ms > limits.execution_ms:
            raise ExecutionTimeLimitExceeded(limits, _seconds_until(self._back_under(usage) + window, now))
        call = Call(now)
        calls.append(call)
        usage.running += 1
        return call

    def _back_under(self, usage: Usage) -> datetime:
        """When the call whose leaving brings the combined cost back within the limit was made."""
        excess = usage.cost_ms - self.limits.execution_ms
        for call in usage.calls:
            excess -= call.cost_ms
            if excess <= 0:
                return call.at
        return usage.calls[-1].at

    def finish(self, usage: Usage, call: Call, elapsed_ms: float) -> None:
        fixed = self.limits.execution_ms_per_request
        call.cost_ms = elapsed_ms if fixed is None else fixed
        if call.in_window:
            usage.cost_ms += call.cost_ms
        usage.running -= 1

    def remaining_headers(self, usage: Usage) -> list[tuple[bytes, bytes]]:
        """What Dataverse reports on every response: requests left, and execution time left in
        seconds, written as Dataverse writes it (``1,199.46``)."""
        limits = self.limits
        requests_left = max(0, limits.requests - len(usage.calls))
        seconds_left = max(0.0, limits.execution_ms - usage.cost_ms) / 1000
        return [
            (BURST_REMAINING, str(requests_left).encode()),
            (TIME_REMAINING, f"{seconds_left:,.2f}".encode()),
        ]


def _seconds_until(instant: datetime, now: datetime) -> int:
    return max(1, math.ceil((instant - now).total_seconds()))


class ServiceProtectionMiddleware:
    """ASGI middleware: applies the limits to authenticated Web API requests.

    Requests without a valid token pass uncounted (they are answered 401 further in), and so do
    ``/_mock/`` paths. A ``$batch`` is one HTTP request and so counts once."""

    def __init__(self, app: ASGIApp, protection: ServiceProtection, admin_token: str) -> None:
        self.app = app
        self.protection = protection
        self.admin_token = admin_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        protection = self.protection
        if not protection.limits.enabled or not scope.get("path", "").startswith(WEB_API_PREFIX):
            await self.app(scope, receive, send)
            return
        authorization = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        try:
            user_id, _ = authenticate(authorization.decode("latin-1"), self.admin_token, ADMIN_USER_ID)
        except Unauthorized:
            await self.app(scope, receive, send)
            return
        usage = protection.usage_of(user_id)
        try:
            call = protection.admit(usage)
        except ServiceProtectionLimitExceeded as exceeded:
            headers = {"Retry-After": str(exceeded.retry_after), "OData-Version": "4.0"}
            response = JSONResponse(exceeded.body(), exceeded.status, headers=headers)
            response.raw_headers += protection.remaining_headers(usage)
            await response(scope, receive, send)
            return

        async def send_with_remaining(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *protection.remaining_headers(usage)]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_remaining)
        finally:
            protection.finish(usage, call, (time.perf_counter() - started) * 1000)
