"""Helpers that build mobile offline profiles through the Web API."""

from __future__ import annotations

import re
from typing import Any

from httpx import Response
from starlette.testclient import TestClient

from tests.conftest import API

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ACTION = "Microsoft.Dynamics.CRM"


def created_id(response: Response) -> str:
    assert response.status_code == 204, response.text
    match = re.search(rf"\(({GUID})\)$", response.headers["OData-EntityId"])
    assert match
    return match[1]


def new_profile(client: TestClient, name: str = "Test Profile") -> str:
    return created_id(client.post(f"{API}/mobileofflineprofiles", json={"name": name}))


def post_item(client: TestClient, profile_id: str, entity: str, **columns: Any) -> Response:
    body = {
        "name": columns.pop("name", entity),
        "regardingobjectid@odata.bind": f"/mobileofflineprofiles({profile_id})",
        "selectedentitytypecode": entity,
        **columns,
    }
    return client.post(f"{API}/mobileofflineprofileitems", json=body)


def new_item(client: TestClient, profile_id: str, entity: str, **columns: Any) -> str:
    return created_id(post_item(client, profile_id, entity, **columns))


def post_association(client: TestClient, item_id: str, relationship: str) -> Response:
    body = {
        "name": relationship,
        "mobileofflineprofileitemid@odata.bind": f"/mobileofflineprofileitems({item_id})",
        "selectedrelationshipsschema": relationship,
    }
    return client.post(f"{API}/mobileofflineprofileitemassociations", json=body)


def new_association(client: TestClient, item_id: str, relationship: str) -> str:
    return created_id(post_association(client, item_id, relationship))


def refused(response: Response, code: str) -> str:
    """The message of a 400 carrying ``code``."""
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return str(error["message"])


def validate(client: TestClient, profile_id: str) -> dict[str, Any]:
    response = client.post(f"{API}/mobileofflineprofiles({profile_id})/{ACTION}.ValidateMobileOfflineProfile")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def publish(client: TestClient, profile_id: str) -> Response:
    return client.post(f"{API}/mobileofflineprofiles({profile_id})/{ACTION}.PublishMobileOfflineProfile")


def field_sales_id(client: TestClient) -> str:
    response = client.get(f"{API}/mobileofflineprofiles?$filter=name eq 'Field Sales'")
    (profile,) = response.json()["value"]
    return str(profile["mobileofflineprofileid"])
