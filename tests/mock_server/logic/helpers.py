"""Small helpers the logic tests share: create a record and read one back."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def create(client: TestClient, entity_set: str, body: dict[str, Any]) -> str:
    response = client.post(f"{API}/{entity_set}", json=body)
    assert response.status_code == 204, response.text
    match = re.search(rf"\(({GUID})\)$", response.headers["OData-EntityId"])
    assert match, response.headers["OData-EntityId"]
    return match[1]


def get(client: TestClient, entity_set: str, row_id: str, select: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/{entity_set}({row_id})" + (f"?$select={select}" if select else ""))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def patch(client: TestClient, entity_set: str, row_id: str, body: dict[str, Any]) -> Any:
    return client.patch(f"{API}/{entity_set}({row_id})", json=body)


def error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text
    message: str = response.json()["error"]["message"]
    return message
