"""Shared fixtures: a fresh mock app per test, a client for it, and a real server on loopback."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from harness.dataverse import launch, stop
from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN

API = "/api/data/v9.2"
ADMIN_HEADERS = {"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The admin's client of a freshly seeded in-process mock (seed 1, 5 accounts)."""
    app = create_app(Settings(scale=5))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as test_client:
        yield test_client


@dataclass(frozen=True)
class LiveServer:
    base_url: str  # https://127.0.0.1:<port>/api/data/v9.2/
    origin: str  # https://127.0.0.1:<port>
    ca_file: Path
    process: subprocess.Popen[str]

    def http(self) -> httpx.Client:
        """An admin's httpx client of this server, trusting its CA."""
        return httpx.Client(
            base_url=self.base_url,
            verify=ssl.create_default_context(cafile=str(self.ca_file)),
            headers=ADMIN_HEADERS,
            timeout=10,
        )


def start_server(tmp: Path, *extra: str) -> LiveServer:
    """``mock-dataverse serve`` as a real process over TLS on a free loopback port."""
    process, base_url = launch("--tls-self-signed", "--tls-dir", str(tmp / "tls"), *extra)
    origin = base_url.split("/api/data", 1)[0]
    return LiveServer(base_url, origin, tmp / "tls" / "ca.pem", process)


def stop_server(server: LiveServer) -> None:
    stop(server.process)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("live"), "--scale", "10")
    yield server
    stop_server(server)
