"""The Dataverse a client under test syncs with, as the harness reaches it.

Three ways, one ``Dataverse`` object:

- ``embedded_inprocess()``: a mock app in this process. The client is given a URL on a reserved
  name (``dataverse.test``) and respx hands every httpx call to that host to the app, so no
  socket is opened; only a client running in this process can use it.
- ``embedded_loopback()``: ``mock-dataverse serve`` as a child process on 127.0.0.1, for clients
  in other processes (and containers on the host's network); ``host=`` names another local
  address, such as a bridge network's gateway, for containers that cannot reach the host's
  loopback.
- ``remote(url)``: a mock already running (``--dataverse-url``).

The harness itself (reset, tokens, the Web API calls scenarios arrange and check with) talks to
the mock through ``admin``, an httpx client whose base URL is the Web API root.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import respx
from starlette.types import ASGIApp

from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN
from mock_server.faults import InjectedConnectionFault
from mock_server.seed.security import READ_ONLY

__all__ = [
    "DEFAULT_SCALE",
    "LOOPBACK",
    "Dataverse",
    "DataverseCallFailed",
    "embedded_inprocess",
    "embedded_loopback",
    "remote",
]

API_PATH = "/api/data/v9.2/"
EMBEDDED_ORIGIN = "https://dataverse.test"  # a reserved name: never resolved, only intercepted
DEFAULT_SCALE = 1  # a small organization: scenarios arrange the rows they need
LOOPBACK = "127.0.0.1"


class DataverseCallFailed(AssertionError):
    """An arrange or check call to the Dataverse failed: the scenario cannot go on."""


@dataclass
class Dataverse:
    """One organization: the URL a client is given, and the admin's way in."""

    server_url: str  # the Web API base, e.g. https://127.0.0.1:8443/api/data/v9.2/
    admin: httpx.Client  # the administrator's client; base URL = the Web API root
    ca_file: str | None = None  # the CA a client must trust for ``server_url``, if private
    router: respx.MockRouter | None = None  # set when calls are intercepted in this process
    admin_token: str = DEFAULT_ADMIN_TOKEN
    _users: dict[str, str] = field(default_factory=dict)
    _entities: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (set, primary id)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.server_url)
        return f"{parts.scheme}://{parts.netloc}"

    @contextlib.contextmanager
    def serving_clients(self) -> Iterator[None]:
        """While inside, a client in this process reaches the organization (a no-op on a network)."""
        if self.router is None:
            yield
        else:
            with self.router:
                yield

    def reset(self) -> None:
        """Back to the freshly seeded organization (fast: the mock restores a kept copy)."""
        self.call("POST", f"{self.origin}/_mock/reset")
        self._users.clear()

    def token_for(self, user_id: str) -> str:
        """A bearer token that acts as ``user_id``."""
        if user_id not in self._users:
            body = self.call("POST", f"{self.origin}/_mock/tokens", json={"systemuserid": user_id})
            self._users[user_id] = str(body["token"])
        return self._users[user_id]

    def reader_token(self) -> str:
        """A token acting as a seeded user who holds the Read Only role: what a container client is
        given before a scenario signs it in, never the administrator's (the admin API refuses
        it). Empty when no user holds that role."""
        roles = self.get(
            f"roles?$select=roleid&$filter=name eq '{READ_ONLY}'"
            "&$expand=systemuserroles_association($select=systemuserid)"
        )["value"]
        readers = sorted(
            user["systemuserid"] for role in roles for user in role["systemuserroles_association"]
        )
        return self.token_for(readers[0]) if readers else ""

    def entity_set(self, logical_name: str) -> str:
        """The entity set of a table, e.g. ``accounts`` for ``account``."""
        return self._entity(logical_name)[0]

    def primary_id(self, logical_name: str) -> str:
        return self._entity(logical_name)[1]

    def _entity(self, logical_name: str) -> tuple[str, str]:
        if not self._entities:  # metadata does not change with the data: read it once
            rows = self.get("EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute")["value"]
            self._entities.update(
                {r["LogicalName"]: (r["EntitySetName"], r["PrimaryIdAttribute"]) for r in rows}
            )
        return self._entities[logical_name]

    def offline_user(self, profile: str, role: str | None = None) -> dict[str, Any]:
        """The first enabled user (by full name) whose offline profile is ``profile``, given the
        security role ``role`` too when one is named. Answers its ``systemuserid``,
        ``fullname`` and ``_businessunitid_value``."""
        found = self.get(f"mobileofflineprofiles?$filter=name eq '{profile}'&$select=name")["value"]
        if not found:
            raise DataverseCallFailed(f"the organization has no offline profile named {profile!r}")
        users = self.get(
            f"systemusers?$filter=_mobileofflineprofileid_value eq {found[0]['mobileofflineprofileid']}"
            " and isdisabled eq false&$orderby=fullname&$top=1&$select=fullname,_businessunitid_value"
        )["value"]
        if not users:
            raise DataverseCallFailed(f"no enabled user has the offline profile {profile!r}")
        user: dict[str, Any] = users[0]
        if role is not None:
            roles = self.get(f"roles?$filter=name eq '{role}'&$select=name")["value"]
            if not roles:
                raise DataverseCallFailed(f"the organization has no security role named {role!r}")
            self.call(
                "POST",
                f"systemusers({user['systemuserid']})/systemuserroles_association/$ref",
                json={"@odata.id": f"{self.server_url}roles({roles[0]['roleid']})"},
            )
        return user

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        """One Web API or admin call; its JSON body (None when empty). Failures raise with the body."""
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.admin.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise DataverseCallFailed(
                f"{method} {path} answered {response.status_code}: {response.text[:500]}"
            )
        return response.json() if response.content else None

    def get(self, path: str, **kwargs: Any) -> Any:
        headers = {"Prefer": 'odata.include-annotations="*"', **kwargs.pop("headers", {})}
        return self.call("GET", path, headers=headers, **kwargs)

    def close(self) -> None:
        self.admin.close()


def _admin_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


class InProcessTransport(httpx.BaseTransport):
    """An httpx transport that runs each request through an ASGI app on this thread's own event
    loop: no socket and no thread hop, so an in-process scenario pays only for the app's work."""

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()  # one request at a time (a client may sync in a thread)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            with self._lock:
                status, headers, body = self._loop.run_until_complete(self._call(request))
        except InjectedConnectionFault as fault:  # what a dropped connection looks like to httpx
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.") from fault
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def _call(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        sent = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        response = await self._asgi.handle_async_request(sent)
        return response.status_code, response.headers.raw, await response.aread()

    def close(self) -> None:
        self._loop.close()


@contextlib.contextmanager
def embedded_inprocess(scale: int = DEFAULT_SCALE, seed: int = 1) -> Iterator[Dataverse]:
    """A fresh mock in this process, reached through respx (see the module docstring)."""
    transport = InProcessTransport(create_app(Settings(scale=scale, seed=seed)))
    router = respx.MockRouter(assert_all_called=False)
    router.route(host=urlsplit(EMBEDDED_ORIGIN).hostname).mock(side_effect=transport.handle_request)
    router.route().pass_through()  # anything else (a loopback server, say) is left alone
    admin = httpx.Client(
        base_url=EMBEDDED_ORIGIN + API_PATH, headers=_admin_headers(DEFAULT_ADMIN_TOKEN), transport=transport
    )
    try:
        yield Dataverse(EMBEDDED_ORIGIN + API_PATH, admin, router=router)
    finally:
        admin.close()
        transport.close()


def launch(*options: str) -> tuple[subprocess.Popen[str], str]:
    """``mock-dataverse serve --port 0 <options>`` as a child process, once it accepts connections;
    returns the process and its Web API base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server.cli", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the socket listens
    if "serving " not in line:
        stop(process)
        raise RuntimeError(f"mock-dataverse did not start: {line.strip()!r}")
    return process, line.split("serving ", 1)[1].strip()


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a launched mock: terminate, then kill if it lingers; always reaped."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def embedded_loopback(scale: int = DEFAULT_SCALE, seed: int = 1, host: str = LOOPBACK) -> Iterator[Dataverse]:
    """``mock-dataverse serve`` on a free port of ``host`` (127.0.0.1 by default), plain HTTP,
    stopped on exit."""
    process, server_url = launch("--scale", str(scale), "--seed", str(seed), "--host", host)
    try:
        admin = httpx.Client(base_url=server_url, headers=_admin_headers(DEFAULT_ADMIN_TOKEN), timeout=60)
        dataverse = Dataverse(server_url, admin)
        try:
            yield dataverse
        finally:
            dataverse.close()
    finally:
        stop(process)


@contextlib.contextmanager
def remote(
    server_url: str, admin_token: str = DEFAULT_ADMIN_TOKEN, ca_file: str | None = None
) -> Iterator[Dataverse]:
    """A mock already running at ``server_url`` (its Web API base)."""
    if not server_url.endswith("/"):
        server_url += "/"
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
    admin = httpx.Client(base_url=server_url, headers=_admin_headers(admin_token), verify=verify, timeout=60)
    dataverse = Dataverse(server_url, admin, ca_file=ca_file, admin_token=admin_token)
    try:
        yield dataverse
    finally:
        dataverse.close()
