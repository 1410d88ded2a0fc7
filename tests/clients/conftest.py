"""Fixtures for the reference client's tests: a mock organization reached two ways.

``organization`` is parametrized: ``inprocess`` is the harness's embedded mock, where respx
hands the client's httpx calls to the mock's ASGI app (no socket), and ``loopback`` points the
client at a real ``mock-dataverse serve`` over TLS (one process per module, reset before each
test). Both start from seed 1, scale 5, with the device signed in as the first user of the
seeded "Field Sales" offline profile, so every test runs on both paths and must see the same
results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from clients.reference import ReferenceClient
from clients.reference.sync import SyncResult
from harness.dataverse import Dataverse, embedded_inprocess, remote
from mock_server.seed.offline import PROFILE_NAME
from tests.conftest import ADMIN_HEADERS, LiveServer, start_server, stop_server

TOKEN = ADMIN_HEADERS["Authorization"].removeprefix("Bearer ")


@dataclass
class Organization:
    """A mock organization: how the client reaches it, the field user the device signs in as
    (the first "Field Sales" user, given the System Administrator role), and the admin's view."""

    name: str
    dataverse: Dataverse
    connection: dict[str, Any]  # extra 'configure' fields: the CA file of a TLS server
    user_id: str = ""
    token: str = ""  # the field user's

    @property
    def server_url(self) -> str:
        return self.dataverse.server_url

    @property
    def origin(self) -> str:
        return self.dataverse.origin

    @property
    def admin(self) -> httpx.Client:
        return self.dataverse.admin

    def start(self) -> Organization:
        """Reset the organization and sign the field user in."""
        self.dataverse.reset()
        user = self.dataverse.offline_user(PROFILE_NAME, role="System Administrator")
        self.user_id = str(user["systemuserid"])
        self.token = self.dataverse.token_for(self.user_id)
        return self

    @property
    def configuration(self) -> dict[str, Any]:
        """The fields of the 'configure' that signs the device in as the field user."""
        return {"server_url": self.server_url, "token": self.token, **self.connection}

    def assign_profile(self, profile_id: str) -> None:
        bind = {"mobileofflineprofileid@odata.bind": f"/mobileofflineprofiles({profile_id})"}
        self.admin.patch(f"systemusers({self.user_id})", json=bind).raise_for_status()

    def plan(self, entity: str) -> set[str]:
        """The ids the server's download plan gives the field user for ``entity``."""
        profile = self.get(f"systemusers({self.user_id})?$select=_mobileofflineprofileid_value")
        answer = self.get(
            f"mobileofflineprofiles({profile['_mobileofflineprofileid_value']})/Microsoft.Dynamics.CRM."
            f"RetrieveMobileOfflineRecordIds(UserId={self.user_id},EntityName='{entity}')"
        )
        return {str(i).lower() for i in answer["Entities"][0]["RecordIds"]}

    def get(self, path: str) -> Any:
        return self.dataverse.get(path)

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
        yield Organization("inprocess", dataverse, {}).start()


@pytest.fixture
def loopback_organization(live: LiveServer) -> Iterator[Organization]:
    with remote(live.base_url, ca_file=str(live.ca_file)) as dataverse:
        yield Organization("loopback", dataverse, {"ca_file": str(live.ca_file)}).start()


@pytest.fixture(params=["inprocess", "loopback"])
def organization(request: pytest.FixtureRequest) -> Organization:
    chosen: Organization = request.getfixturevalue(f"{request.param}_organization")
    return chosen


@pytest.fixture
def device(organization: Organization) -> Iterator[Device]:
    """A configured device that has done its first sync."""
    device = Device()
    device.call("configure", **organization.configuration)
    device.call("sync")
    yield device
    device.call("shutdown")
