"""Fixtures for the reference client's tests: a mock organization reached two ways.

``organization`` is parametrized: ``inprocess`` is the harness's embedded mock, where respx
hands the client's httpx calls to the mock's ASGI app (no socket), and ``loopback`` points the
client at a real ``mock-dataverse serve`` over TLS (one process per module, reset before each
test). Both start from seed 1, scale 5, with the administrator given the seeded "Field Sales"
offline profile, so every test runs on both paths and must see the same results.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from clients.reference import ReferenceClient
from clients.reference.sync import SyncResult
from harness.dataverse import embedded_inprocess
from mock_server.seed import ADMIN_USER_ID
from mock_server.seed.offline import PROFILE_NAME
from tests.conftest import ADMIN_HEADERS, LiveServer, start_server, stop_server

TOKEN = ADMIN_HEADERS["Authorization"].removeprefix("Bearer ")


@dataclass
class Organization:
    """A mock organization: how the client is configured to reach it, and the admin's view."""

    name: str
    server_url: str
    connection: dict[str, Any]  # extra 'configure' fields: the CA file of a TLS server
    admin: httpx.Client | TestClient  # the admin's Web API client (base URL = the Web API root)
    origin: str

    def reset(self) -> None:
        self.admin.post(f"{self.origin}/_mock/reset").raise_for_status()

    def give_the_administrator_a_profile(self, profile: str = PROFILE_NAME) -> None:
        """Assign the seeded offline profile to the administrator the tests sign in as."""
        found = self.get(f"mobileofflineprofiles?$filter=name eq '{profile}'&$select=name")["value"]
        self.assign_profile(found[0]["mobileofflineprofileid"])

    def assign_profile(self, profile_id: str) -> None:
        bind = {"mobileofflineprofileid@odata.bind": f"/mobileofflineprofiles({profile_id})"}
        self.admin.patch(f"systemusers({ADMIN_USER_ID})", json=bind).raise_for_status()

    def get(self, path: str) -> Any:
        response = self.admin.get(path, headers={"Prefer": 'odata.include-annotations="*"'})
        response.raise_for_status()
        return response.json()

    def status(self, path: str) -> int:
        return self.admin.get(path).status_code


@dataclass
class Device:
    """A reference client driven through ``handle``, with assertions on the replies."""

    client: ReferenceClient = field(default_factory=ReferenceClient)
    counter: int = 0

    def send(self, cmd: str, **fields: Any) -> dict[str, Any]:
        self.counter += 1
        reply = self.client.handle({"id": self.counter, "cmd": cmd, **fields})
        assert reply["id"] == self.counter
        return reply

    def call(self, cmd: str, **fields: Any) -> dict[str, Any]:
        reply = self.send(cmd, **fields)
        assert "error" not in reply, reply
        result: dict[str, Any] = reply["result"]
        return result

    def first(self, entity: str, **conditions: Any) -> dict[str, Any]:
        """The first local record of ``entity`` matching ``conditions``."""
        rows: list[dict[str, Any]] = self.call("query", entity=entity, filter=conditions)["records"]
        assert rows, f"no {entity} matching {conditions} on the device"
        return rows[0]

    def sync_details(self) -> SyncResult:
        """The per-entity counts of the last sync (the protocol reply carries only totals)."""
        assert self.client.last_sync is not None
        return self.client.last_sync

    def refuse(self, cmd: str, **fields: Any) -> str:
        reply = self.send(cmd, **fields)
        assert "result" not in reply, reply
        code: str = reply["error"]["code"]
        return code


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("reference-client"), "--scale", "5")
    yield server
    stop_server(server)


@pytest.fixture
def inprocess_organization() -> Iterator[Organization]:
    with embedded_inprocess(scale=5) as dataverse, dataverse.serving_clients():
        organization = Organization("inprocess", dataverse.server_url, {}, dataverse.admin, dataverse.origin)
        organization.give_the_administrator_a_profile()
        yield organization


@pytest.fixture
def loopback_organization(live: LiveServer) -> Iterator[Organization]:
    verify = ssl.create_default_context(cafile=str(live.ca_file))
    with httpx.Client(base_url=live.base_url, verify=verify, headers=ADMIN_HEADERS, timeout=30) as admin:
        organization = Organization(
            "loopback", live.base_url, {"ca_file": str(live.ca_file)}, admin, live.origin
        )
        organization.reset()
        organization.give_the_administrator_a_profile()
        yield organization


@pytest.fixture(params=["inprocess", "loopback"])
def organization(request: pytest.FixtureRequest) -> Organization:
    chosen: Organization = request.getfixturevalue(f"{request.param}_organization")
    return chosen


@pytest.fixture
def device(organization: Organization) -> Iterator[Device]:
    """A configured device that has done its first sync."""
    device = Device()
    device.call("configure", server_url=organization.server_url, token=TOKEN, **organization.connection)
    device.call("sync")
    yield device
    device.call("shutdown")
