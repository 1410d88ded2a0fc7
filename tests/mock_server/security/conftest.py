"""A small organisation built through the Web API as the admin, and clients acting as its users.

Business units: root -> A -> A1, and root -> B. Each test makes the users, roles and rows it
needs, so what a user sees follows from the test alone, not from the seeded mix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.seed import ROOT_BUSINESS_UNIT_ID
from tests.conftest import ADMIN_HEADERS, API

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass
class User:
    id: str
    headers: dict[str, str]


class Org:
    """Admin helpers to build principals, roles and rows."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.a = self.unit("A", ROOT_BUSINESS_UNIT_ID)
        self.a1 = self.unit("A1", self.a)
        self.b = self.unit("B", ROOT_BUSINESS_UNIT_ID)
        self._privileges: dict[str, str] = {}
        self._n = 0

    def create(self, entity_set: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> str:
        response = self.client.post(f"{API}/{entity_set}", json=body, headers=headers or {})
        assert response.status_code == 204, response.text
        match = re.search(rf"\(({GUID})\)$", response.headers["OData-EntityId"])
        assert match
        return match[1]

    def link(self, entity_set: str, row_id: str, navigation: str, target: str) -> None:
        response = self.client.post(
            f"{API}/{entity_set}({row_id})/{navigation}/$ref", json={"@odata.id": f"{API}/{target}"}
        )
        assert response.status_code == 204, response.text

    def unit(self, name: str, parent: str) -> str:
        return self.create(
            "businessunits", {"name": name, "parentbusinessunitid@odata.bind": f"/businessunits({parent})"}
        )

    def privilege(self, name: str) -> str:
        if name not in self._privileges:
            found = self.client.get(f"{API}/privileges?$filter=name eq '{name}'&$select=name").json()["value"]
            self._privileges[name] = found[0]["privilegeid"]
        return self._privileges[name]

    def role_id(self, name: str) -> str:
        found = self.client.get(f"{API}/roles?$filter=name eq '{name}'&$select=name").json()["value"]
        return str(found[0]["roleid"])

    def role(self, grants: dict[str, int]) -> str:
        """A role granting each privilege (``prvReadAccount``) at a depth mask."""
        self._n += 1
        role_id = self.create(
            "roles",
            {
                "name": f"Test role {self._n}",
                "businessunitid@odata.bind": f"/businessunits({ROOT_BUSINESS_UNIT_ID})",
            },
        )
        for name, mask in grants.items():
            self.create(
                "roleprivilegescollection",
                {
                    "roleid@odata.bind": f"/roles({role_id})",
                    "privilegeid@odata.bind": f"/privileges({self.privilege(name)})",
                    "privilegedepthmask": mask,
                },
            )
        return role_id

    def user(self, unit: str, *roles: str, manager: str | None = None) -> User:
        self._n += 1
        body: dict[str, Any] = {
            "firstname": "Test",
            "lastname": f"User {self._n}",
            "domainname": f"test{self._n}@contoso.example",
            "businessunitid@odata.bind": f"/businessunits({unit})",
        }
        if manager is not None:
            body["parentsystemuserid@odata.bind"] = f"/systemusers({manager})"
        user_id = self.create("systemusers", body)
        for role in roles:
            self.link("systemusers", user_id, "systemuserroles_association", f"roles({role})")
        token = self.client.post("/_mock/tokens", json={"systemuserid": user_id}).json()["token"]
        return User(user_id, {"Authorization": f"Bearer {token}"})

    def team(self, unit: str, *members: str, roles: tuple[str, ...] = ()) -> str:
        self._n += 1
        team_id = self.create(
            "teams",
            {
                "name": f"Team {self._n}",
                "teamtype": 0,
                "businessunitid@odata.bind": f"/businessunits({unit})",
            },
        )
        for member in members:
            self.link("teams", team_id, "teammembership_association", f"systemusers({member})")
        for role in roles:
            self.link("teams", team_id, "teamroles_association", f"roles({role})")
        return team_id

    def account(self, name: str, owner: str, owner_set: str = "systemusers", **extra: Any) -> str:
        return self.create(
            "accounts", {"name": name, "ownerid@odata.bind": f"/{owner_set}({owner})", **extra}
        )


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The admin's client of a mock seeded with no accounts, so tests see only their own rows."""
    app = create_app(Settings(scale=0))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as test_client:
        yield test_client


@pytest.fixture
def org(client: TestClient) -> Org:
    return Org(client)


def names(client: TestClient, url: str, headers: dict[str, str]) -> set[str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return {row["name"] for row in response.json()["value"]}
