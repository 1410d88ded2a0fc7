"""Service protection limits: the three 429s, Retry-After on the mock clock, the x-ms-ratelimit
headers, per-user counting, and the /_mock/limits admin API."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import httpx2
import pytest
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.protection import ProtectionLimits
from mock_server.seed import ADMIN_USER_ID
from tests.conftest import ADMIN_HEADERS, API

BURST = "x-ms-ratelimit-burst-remaining-xrm-requests"
TIME = "x-ms-ratelimit-time-remaining-xrm-requests"


def limit(client: TestClient, **limits: Any) -> dict[str, Any]:
    response = client.post("/_mock/limits", json={"enabled": True, **limits})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def advance(client: TestClient, seconds: int) -> None:
    assert client.post("/_mock/clock", json={"advance": {"seconds": seconds}}).status_code == 200


def other_user(client: TestClient) -> dict[str, str]:
    users = client.get(f"{API}/systemusers?$filter=systemuserid ne {ADMIN_USER_ID}&$select=fullname").json()
    token = client.post("/_mock/tokens", json={"systemuserid": users["value"][0]["systemuserid"]}).json()
    return {"Authorization": f"Bearer {token['token']}"}


def assert_throttled(response: httpx.Response | httpx2.Response, code: str, retry_after: int) -> str:
    assert response.status_code == 429, response.text
    assert response.headers["Retry-After"] == str(retry_after)
    error = response.json()["error"]
    assert error["code"] == code
    message: str = error["message"]
    return message


def test_limits_are_off_by_default_with_dataverse_defaults(client: TestClient) -> None:
    assert client.get("/_mock/limits").json() == {
        "enabled": False,
        "requests": 6000,
        "window_seconds": 300,
        "execution_ms": 1_200_000,
        "concurrent": 52,
        "execution_ms_per_request": None,
    }
    response = client.get(f"{API}/WhoAmI")
    assert response.status_code == 200
    assert BURST not in response.headers
    assert TIME not in response.headers


def test_settings_can_switch_protection_on_from_the_start() -> None:
    app = create_app(Settings(scale=0, protection=ProtectionLimits(enabled=True, requests=1)))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as client:
        assert client.get(f"{API}/WhoAmI").status_code == 200
        assert client.get(f"{API}/WhoAmI").status_code == 429


def test_more_requests_than_the_limit_get_429_until_the_window_slides(client: TestClient) -> None:
    limit(client, requests=3)
    remaining = [client.get(f"{API}/WhoAmI").headers[BURST] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    message = assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072322", 300)
    assert message == "Number of requests exceeded the limit of 3 over time window of 300 seconds."
    advance(client, 120)
    assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072322", 180)
    advance(client, 180)
    assert client.get(f"{API}/WhoAmI").status_code == 200


def test_retry_after_counts_down_to_when_the_oldest_request_leaves(client: TestClient) -> None:
    limit(client, requests=3, window_seconds=60)
    for _ in range(3):
        assert client.get(f"{API}/WhoAmI").status_code == 200
        advance(client, 10)
    # Requests at 0, 10 and 20 s; at 30 s the one from 0 s leaves the window in 30 s.
    assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072322", 30)
    advance(client, 29)
    assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072322", 1)
    advance(client, 1)
    assert client.get(f"{API}/WhoAmI").status_code == 200
    assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072322", 10)


def test_each_user_has_a_window_of_their_own(client: TestClient) -> None:
    user = other_user(client)
    limit(client, requests=1)
    assert client.get(f"{API}/WhoAmI").status_code == 200
    assert client.get(f"{API}/WhoAmI").status_code == 429
    assert client.get(f"{API}/WhoAmI", headers=user).status_code == 200
    assert client.get(f"{API}/WhoAmI", headers=user).status_code == 429


def test_unauthenticated_and_admin_requests_are_not_counted(client: TestClient) -> None:
    limit(client, requests=1)
    for _ in range(3):
        response = client.get(f"{API}/WhoAmI", headers={"Authorization": "Bearer wrong"})
        assert response.status_code == 401
        assert BURST not in response.headers
        assert client.get("/_mock/clock").status_code == 200
    assert client.get(f"{API}/WhoAmI").status_code == 200


def test_a_batch_counts_as_one_request(client: TestClient) -> None:
    limit(client, requests=2)
    parts = "".join(
        f"--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        f"GET {API}/WhoAmI HTTP/1.1\r\n\r\n"
        for _ in range(3)
    )
    response = client.post(
        f"{API}/$batch",
        content=f"{parts}--b--\r\n".encode(),
        headers={"Content-Type": "multipart/mixed; boundary=b"},
    )
    assert response.status_code == 200, response.text
    assert response.text.count("HTTP/1.1 200") == 3
    assert response.headers[BURST] == "1"
    assert client.get(f"{API}/WhoAmI").status_code == 200
    assert client.get(f"{API}/WhoAmI").status_code == 429


def test_combined_execution_time_over_the_limit_gets_429(client: TestClient) -> None:
    limit(client, execution_ms=1000, execution_ms_per_request=400)
    seconds_left = [client.get(f"{API}/WhoAmI").headers[TIME] for _ in range(3)]
    # Each response reports the time left before its own request is counted.
    assert seconds_left == ["1.00", "0.60", "0.20"]
    message = assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072321", 300)
    assert message.startswith(
        "Combined execution time of incoming requests exceeded limit of 1,000 milliseconds over time "
        "window of 300 seconds."
    )
    advance(client, 300)
    assert client.get(f"{API}/WhoAmI").status_code == 200


def test_execution_time_retry_after_waits_until_enough_time_has_left(client: TestClient) -> None:
    limit(client, execution_ms=1000, execution_ms_per_request=600, window_seconds=100)
    assert client.get(f"{API}/WhoAmI").status_code == 200
    advance(client, 40)
    assert client.get(f"{API}/WhoAmI").status_code == 200
    # 1200 ms used; the first request's 600 ms leave at 100 s, 60 s from now.
    assert_throttled(client.get(f"{API}/WhoAmI"), "0x80072321", 60)


def test_measured_execution_time_counts_when_no_cost_is_fixed(client: TestClient) -> None:
    limit(client)
    client.post("/_mock/faults", json={"path": f"{API}/WhoAmI", "kind": "latency", "latency_ms": 50})
    assert client.get(f"{API}/WhoAmI").headers[TIME] == "1,200.00"
    assert float(client.get(f"{API}/WhoAmI").headers[TIME].replace(",", "")) <= 1199.95


def test_concurrent_requests_over_the_limit_get_429_at_once() -> None:
    app = create_app(Settings(scale=0))

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="https://testserver", headers=ADMIN_HEADERS
        ) as client:
            await client.post("/_mock/limits", json={"enabled": True, "concurrent": 2})
            await client.post(
                "/_mock/faults",
                json={"path": f"{API}/WhoAmI", "kind": "latency", "latency_ms": 200, "count": 2},
            )
            overlapping = await asyncio.gather(*(client.get(f"{API}/WhoAmI") for _ in range(3)))
            return [*overlapping, await client.get(f"{API}/WhoAmI")]

    *overlapping, after = asyncio.run(scenario())
    assert sorted(r.status_code for r in overlapping) == [200, 200, 429]
    throttled = next(r for r in overlapping if r.status_code == 429)
    message = assert_throttled(throttled, "0x80072326", 1)
    assert message == "Number of concurrent requests exceeded the limit of 2."
    assert after.status_code == 200


def test_throttled_requests_are_in_the_request_log(client: TestClient) -> None:
    limit(client, requests=1)
    client.get(f"{API}/WhoAmI")
    client.get(f"{API}/WhoAmI")
    logged = client.get("/_mock/requests?limit=2").json()["requests"]
    assert [(r["path"], r["status"]) for r in logged] == [(f"{API}/WhoAmI", 200), (f"{API}/WhoAmI", 429)]


def test_changing_the_limits_starts_the_windows_afresh(client: TestClient) -> None:
    limit(client, requests=1)
    client.get(f"{API}/WhoAmI")
    assert client.get(f"{API}/WhoAmI").status_code == 429
    assert client.post("/_mock/limits", json={"requests": 2}).json()["enabled"] is True
    assert client.get(f"{API}/WhoAmI").headers[BURST] == "1"
    client.post("/_mock/limits", json={"enabled": False})
    assert client.get(f"{API}/WhoAmI").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"enabled": "yes"},
        {"requests": 0},
        {"requests": -5},
        {"requests": 1.5},
        {"requests": True},
        {"window_seconds": "300"},
        {"concurrent": 2**31},
        {"execution_ms_per_request": -1},
        {"burst": 10},
        [1, 2],
    ],
)
def test_invalid_limits_are_400_and_change_nothing(client: TestClient, body: Any) -> None:
    response = client.post("/_mock/limits", json=body)
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message"}
    assert client.get("/_mock/limits").json()["enabled"] is False


def test_the_limits_api_takes_the_admin_token_only(client: TestClient) -> None:
    user = other_user(client)
    assert client.get("/_mock/limits", headers=user).status_code == 403
    assert client.post("/_mock/limits", json={"enabled": True}, headers=user).status_code == 403
