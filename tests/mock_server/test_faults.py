"""Fault injection: latency, status, drop and truncate faults, their counts and filters, the
/_mock/faults admin API, and the request log; drop and truncate against a real server."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN
from mock_server.faults import InjectedConnectionFault
from tests.conftest import ADMIN_HEADERS, API, LiveServer, start_server, stop_server

ACCOUNTS = f"{API}/accounts.*"


def inject(client: TestClient | httpx.Client, **spec: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json=spec)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def logged_faults(client: TestClient | httpx.Client, last: int) -> list[tuple[str, str, int, str | None]]:
    entries = client.get(f"/_mock/requests?limit={last}").json()["requests"]
    return [(e["method"], e["path"], e["status"], e["fault"]) for e in entries]


def test_a_fault_is_registered_listed_and_deleted(client: TestClient) -> None:
    first = inject(client, path=ACCOUNTS, kind="status", status=503, count=2)
    assert first == {
        "id": 1,
        "path": ACCOUNTS,
        "method": None,
        "kind": "status",
        "remaining": 2,
        "status": 503,
        "retry_after": None,
    }
    second = inject(client, path=f"{API}/contacts", method="post", kind="latency", latency_ms=10, always=True)
    assert (second["id"], second["method"], second["remaining"]) == (2, "POST", None)
    assert [f["id"] for f in client.get("/_mock/faults").json()["faults"]] == [1, 2]
    assert client.delete("/_mock/faults/1").status_code == 204
    assert [f["id"] for f in client.get("/_mock/faults").json()["faults"]] == [2]
    gone = client.delete("/_mock/faults/1")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "0x80040217"
    assert client.delete("/_mock/faults").status_code == 204
    assert client.get("/_mock/faults").json() == {"faults": []}


def test_a_status_fault_serves_its_count_then_normal_service(client: TestClient) -> None:
    inject(client, path=ACCOUNTS, kind="status", status=503, count=2)
    first = client.get(f"{API}/accounts?$top=1")
    assert first.status_code == 503
    assert set(first.json()["error"]) == {"code", "message"}
    assert client.get("/_mock/faults").json()["faults"][0]["remaining"] == 1
    assert client.get(f"{API}/accounts?$top=1").status_code == 503
    assert client.get("/_mock/faults").json()["faults"] == []
    assert client.get(f"{API}/accounts?$top=1").status_code == 200


def test_status_faults_answer_like_dataverse(client: TestClient) -> None:
    inject(client, path=ACCOUNTS, kind="status", status=429, retry_after=7)
    inject(client, path=ACCOUNTS, kind="status", status=429)
    inject(client, path=ACCOUNTS, kind="status", status=500)
    throttled = client.get(f"{API}/accounts")
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "7")
    assert throttled.json()["error"]["code"] == "0x80072322"
    assert client.get(f"{API}/accounts").headers["Retry-After"] == "1"
    failed = client.get(f"{API}/accounts")
    assert failed.status_code == 500
    assert failed.json()["error"]["code"] == "0x80040216"
    assert "Retry-After" not in failed.headers


def test_an_always_fault_stays_until_deleted(client: TestClient) -> None:
    fault = inject(client, path=ACCOUNTS, kind="status", status=500, always=True)
    assert all(client.get(f"{API}/accounts").status_code == 500 for _ in range(5))
    client.delete(f"/_mock/faults/{fault['id']}")
    assert client.get(f"{API}/accounts").status_code == 200


def test_faults_match_the_method_and_the_whole_path(client: TestClient) -> None:
    inject(client, path=f"{API}/accounts", method="POST", kind="status", status=503)
    assert client.get(f"{API}/accounts?$top=1").status_code == 200
    assert client.get(f"{API}/accounts/$count").status_code == 200  # the path must match in full
    assert client.post(f"{API}/accounts", json={"name": "Faulty"}).status_code == 503
    assert client.post(f"{API}/accounts", json={"name": "Fine"}).status_code == 204


def test_admin_paths_never_get_faults(client: TestClient) -> None:
    inject(client, path=".*", kind="status", status=500, always=True)
    assert client.get("/_mock/clock").status_code == 200
    assert client.get("/_mock/faults").status_code == 200
    assert client.get(f"{API}/WhoAmI").status_code == 500


def test_a_latency_fault_delays_the_request_then_serves_it(client: TestClient) -> None:
    inject(client, path=ACCOUNTS, kind="latency", latency_ms=300)
    started = time.perf_counter()
    response = client.get(f"{API}/accounts?$top=1")
    assert time.perf_counter() - started >= 0.3
    assert response.status_code == 200
    assert len(response.json()["value"]) == 1


def test_latency_does_not_hold_up_other_requests() -> None:
    app = create_app(Settings(scale=0))
    finished: list[str] = []

    async def get(client: httpx.AsyncClient, path: str) -> None:
        assert (await client.get(f"{API}/{path}")).status_code == 200
        finished.append(path)

    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver", headers=ADMIN_HEADERS
        ) as client:
            await client.post(
                "/_mock/faults", json={"path": f"{API}/accounts", "kind": "latency", "latency_ms": 300}
            )
            await asyncio.gather(get(client, "accounts"), get(client, "WhoAmI"))

    asyncio.run(scenario())
    assert finished == ["WhoAmI", "accounts"]


def test_the_request_log_names_each_fault(client: TestClient) -> None:
    inject(client, path=ACCOUNTS, kind="latency", latency_ms=1)
    inject(client, path=ACCOUNTS, kind="status", status=503)
    client.get(f"{API}/accounts")
    client.get(f"{API}/accounts")
    client.get(f"{API}/accounts")
    assert logged_faults(client, 3) == [
        ("GET", f"{API}/accounts", 200, "latency:1ms"),
        ("GET", f"{API}/accounts", 503, "status:503"),
        ("GET", f"{API}/accounts", 200, None),
    ]


def test_in_process_drop_and_truncate_raise_in_the_client(client: TestClient) -> None:
    inject(client, path=ACCOUNTS, kind="drop")
    inject(client, path=ACCOUNTS, kind="truncate")
    with pytest.raises(InjectedConnectionFault, match="drop"):
        client.get(f"{API}/accounts")
    with pytest.raises(InjectedConnectionFault, match="truncate"):
        client.get(f"{API}/accounts")
    assert client.get(f"{API}/accounts").status_code == 200


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({"path": ACCOUNTS, "kind": "explode"}, "'kind'"),
        ({"path": ACCOUNTS}, "'kind'"),
        ({"path": "accounts(", "kind": "drop"}, "regular expression"),
        ({"kind": "drop"}, "'path'"),
        ({"path": ACCOUNTS, "kind": "status"}, "'status'"),
        ({"path": ACCOUNTS, "kind": "status", "status": 404}, "'status'"),
        ({"path": ACCOUNTS, "kind": "latency"}, "'latency_ms'"),
        ({"path": ACCOUNTS, "kind": "latency", "latency_ms": -1}, "'latency_ms'"),
        ({"path": ACCOUNTS, "kind": "drop", "count": 0}, "'count'"),
        ({"path": ACCOUNTS, "kind": "drop", "count": -2}, "'count'"),
        ({"path": ACCOUNTS, "kind": "drop", "count": 2, "always": True}, "'always'"),
        ({"path": ACCOUNTS, "kind": "drop", "method": "FETCH"}, "'method'"),
        ({"path": ACCOUNTS, "kind": "drop", "latency_ms": 5}, "'latency_ms'"),
        ({"path": ACCOUNTS, "kind": "status", "status": 429, "retry_after": -1}, "'retry_after'"),
        ({"path": ACCOUNTS, "kind": "drop", "probability": 0.5}, "'probability'"),
    ],
)
def test_invalid_fault_specs_are_400(client: TestClient, spec: dict[str, Any], complaint: str) -> None:
    response = client.post("/_mock/faults", json=spec)
    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]
    assert client.get("/_mock/faults").json() == {"faults": []}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("faults"), "--scale", "2")
    yield live
    stop_server(live)


def admin_client(server: LiveServer) -> httpx.Client:
    """An admin's client of the server's origin, for both /_mock/ and /api/data/ paths."""
    context = ssl.create_default_context(cafile=str(server.ca_file))
    return httpx.Client(base_url=server.origin, verify=context, headers=ADMIN_HEADERS, timeout=10)


def raw_get(server: LiveServer, path: str) -> bytes:
    """Every byte the server sends for one GET, read over TLS until it closes the connection."""
    host, port = server.origin.removeprefix("https://").split(":")
    context = ssl.create_default_context(cafile=str(server.ca_file))
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {DEFAULT_ADMIN_TOKEN}\r\n"
        "Connection: close\r\n\r\n"
    )
    received = b""
    with (
        socket.create_connection((host, int(port)), timeout=10) as plain,
        context.wrap_socket(plain, server_hostname=host) as tls,
    ):
        tls.sendall(request.encode())
        while chunk := tls.recv(65536):
            received += chunk
    return received


def test_a_dropped_connection_carries_no_response_at_all(server: LiveServer) -> None:
    with admin_client(server) as http:
        inject(http, path=f"{API}/accounts", kind="drop", count=2)
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            http.get(f"{API}/accounts")
        assert raw_get(server, f"{API}/accounts") == b""
        assert http.get(f"{API}/accounts").status_code == 200
        assert logged_faults(http, 3)[:2] == [("GET", f"{API}/accounts", 500, "drop")] * 2


def test_a_truncated_response_has_its_full_length_and_half_its_body(server: LiveServer) -> None:
    with admin_client(server) as http:
        inject(http, path=f"{API}/accounts", kind="truncate", count=2)
        with http.stream("GET", f"{API}/accounts") as response:
            assert response.status_code == 200
            assert int(response.headers["Content-Length"]) > 0
            with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message body"):
                response.read()
        head, _, body = raw_get(server, f"{API}/accounts").partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in header_lines)
        assert status_line == "HTTP/1.1 200 OK"
        assert len(body) == int(headers["content-length"]) // 2
        assert http.get(f"{API}/accounts").status_code == 200
        assert logged_faults(http, 3)[:2] == [("GET", f"{API}/accounts", 200, "truncate")] * 2


def test_drop_and_truncate_leave_no_errors_in_the_server_log(tmp_path: Path) -> None:
    live = start_server(tmp_path, "--scale", "0")
    try:
        with admin_client(live) as http:
            inject(http, path=f"{API}/WhoAmI", kind="drop")
            inject(http, path=f"{API}/WhoAmI", kind="truncate")
            for _ in range(2):
                with pytest.raises(httpx.RemoteProtocolError):
                    http.get(f"{API}/WhoAmI")
            assert http.get(f"{API}/WhoAmI").status_code == 200
    finally:
        live.process.terminate()  # uvicorn finishes its running requests before it exits
        live.process.wait(timeout=10)
        errors = live.process.stderr.read() if live.process.stderr else ""
        stop_server(live)
    assert "ASGI" not in errors
    assert "Traceback" not in errors
