"""The seeded security: a privilege per table and verb, the standard roles, every user holding
some, and each standard role seeing a different set of seeded rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.schema import schema
from mock_server.security.privileges import VERBS
from mock_server.seed import ADMIN_USER_ID
from tests.conftest import ADMIN_HEADERS, API


@pytest.fixture(scope="module")
def seeded() -> Iterator[TestClient]:
    app = create_app(Settings(scale=200))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as client:
        yield client


def _get(client: TestClient, url: str, headers: dict[str, str] | None = None) -> list[dict[str, object]]:
    response = client.get(f"{API}/{url}", headers=headers or {})
    assert response.status_code == 200, response.text
    return list(response.json()["value"])


def test_a_privilege_per_table_and_verb(seeded: TestClient) -> None:
    privileges = _get(seeded, "privileges?$select=name,accessright")
    assert len(privileges) == len(schema().entities) * len(VERBS)
    by_name = {p["name"]: p["accessright"] for p in privileges}
    assert by_name["prvReadAccount"] == 1 and by_name["prvAppendToContact"] == 16
    assert by_name["prvAssignLead"] == 524288


def test_standard_roles_and_holders(seeded: TestClient) -> None:
    roles = {r["name"]: r["roleid"] for r in _get(seeded, "roles?$select=name")}
    assert set(roles) == {"System Administrator", "Salesperson", "Sales Manager", "Read Only"}
    admin_roles = _get(seeded, f"systemusers({ADMIN_USER_ID})/systemuserroles_association?$select=name")
    assert [r["name"] for r in admin_roles] == ["System Administrator"]
    users = _get(
        seeded,
        "systemusers?$filter=isdisabled eq false&$select=fullname"
        "&$expand=systemuserroles_association($select=name)",
    )
    assert all(u["systemuserroles_association"] for u in users)
    held = {r["name"] for u in users for r in u["systemuserroles_association"]}  # type: ignore[attr-defined]
    assert held == set(roles)
    teams = _get(seeded, "teams?$select=name&$expand=teamroles_association($select=name)")
    assert any(t["teamroles_association"] for t in teams)
    grants = _get(seeded, f"roles({roles['Salesperson']})/roleprivileges_role?$select=privilegedepthmask")
    assert {g["privilegedepthmask"] for g in grants} == {1, 8}


def _holder(client: TestClient, role: str) -> dict[str, str]:
    """A token of a seeded user holding ``role`` (and, through teams, no other role)."""
    users = _get(
        client,
        "systemusers?$filter=isdisabled eq false&$select=fullname"
        "&$expand=systemuserroles_association($select=name),teammembership_association($select=name)",
    )
    role_teams = {
        t["teamid"]
        for t in _get(client, "teams?$select=name&$expand=teamroles_association($select=name)")
        if t["teamroles_association"]
    }
    for user in users:
        held = [r["name"] for r in user["systemuserroles_association"]]  # type: ignore[attr-defined]
        teams = {t["teamid"] for t in user["teammembership_association"]}  # type: ignore[attr-defined]
        if held == [role] and not teams & role_teams:
            token = client.post("/_mock/tokens", json={"systemuserid": user["systemuserid"]}).json()["token"]
            return {"Authorization": f"Bearer {token}"}
    raise AssertionError(f"no seeded user holds only {role}")


def test_each_standard_role_sees_a_different_set_of_rows(seeded: TestClient) -> None:
    def ids(headers: dict[str, str]) -> set[object]:
        return {a["accountid"] for a in _get(seeded, "accounts?$select=name", headers)}

    everything = ids({})
    salesperson = ids(_holder(seeded, "Salesperson"))
    manager = ids(_holder(seeded, "Sales Manager"))
    read_only_headers = _holder(seeded, "Read Only")
    assert salesperson < everything and manager < everything
    assert salesperson != manager
    assert ids(read_only_headers) == everything
    # Read Only reads everything and writes nothing.
    refused = seeded.post(f"{API}/accounts", json={"name": "x"}, headers=read_only_headers)
    assert refused.status_code == 403
    # Salesperson and manager still read the reference data at Organization depth.
    for headers in (_holder(seeded, "Salesperson"), _holder(seeded, "Sales Manager")):
        assert len(_get(seeded, "transactioncurrencies?$select=currencyname", headers)) == len(
            _get(seeded, "transactioncurrencies?$select=currencyname")
        )


def test_salespeople_cannot_change_settings_or_security(seeded: TestClient) -> None:
    from mock_server.seed import ORGANIZATION_ID

    headers = _holder(seeded, "Salesperson")
    settings = {"ishierarchicalsecuritymodelenabled": True}
    assert (
        seeded.patch(f"{API}/organizations({ORGANIZATION_ID})", json=settings, headers=headers).status_code
        == 403
    )
    profile = seeded.post(f"{API}/fieldsecurityprofiles", json={"name": "Mine"}, headers=headers)
    assert profile.status_code == 403
    role = seeded.post(f"{API}/roles", json={"name": "Mine"}, headers=headers)
    assert role.status_code == 403
