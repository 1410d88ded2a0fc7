"""Authentication, WhoAmI, the *Multiple actions, versions, metadata routes and the admin API."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server.seed import ADMIN_USER_ID, ORGANIZATION_ID
from tests.conftest import API


def test_requests_without_a_valid_token_are_401(client: TestClient) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = client.get(f"{API}/accounts", headers=headers)
        assert response.status_code == 401
        assert set(response.json()["error"]) == {"code", "message"}


def test_who_am_i_with_and_without_parentheses(client: TestClient) -> None:
    for path in ("WhoAmI", "WhoAmI()"):
        body = client.get(f"{API}/{path}").json()
        assert body["UserId"] == ADMIN_USER_ID
        assert body["OrganizationId"] == ORGANIZATION_ID
        assert body["@odata.context"].endswith("$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse")


def test_versions_9_0_and_9_1_are_accepted_and_others_are_not(client: TestClient) -> None:
    assert client.get("/api/data/v9.0/WhoAmI").status_code == 200
    assert client.get("/api/data/v9.1/accounts?$top=1").status_code == 200
    assert client.get("/api/data/v8.2/accounts").status_code == 404


def test_user_tokens_act_as_that_user(client: TestClient) -> None:
    user = client.get(
        f"{API}/systemusers?$filter=systemuserid ne {ADMIN_USER_ID}&$top=1&$select=fullname"
    ).json()
    user_id = user["value"][0]["systemuserid"]
    token = client.post("/_mock/tokens", json={"systemuserid": user_id}).json()["token"]
    who = client.get(f"{API}/WhoAmI", headers={"Authorization": f"Bearer {token}"}).json()
    assert who["UserId"] == user_id
    forbidden = client.post("/_mock/reset", headers={"Authorization": f"Bearer {token}"})
    assert forbidden.status_code == 403
    assert (
        client.post(
            "/_mock/tokens", json={"systemuserid": "00000000-0000-0000-0000-000000000000"}
        ).status_code
        == 404
    )


def test_create_update_upsert_multiple(client: TestClient) -> None:
    created = client.post(
        f"{API}/accounts/Microsoft.Dynamics.CRM.CreateMultiple",
        json={
            "Targets": [
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "name": "Bulk 1"},
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "name": "Bulk 2"},
            ]
        },
    )
    assert created.status_code == 200, created.text
    ids = created.json()["Ids"]
    assert len(ids) == 2
    updated = client.post(
        f"{API}/accounts/Microsoft.Dynamics.CRM.UpdateMultiple",
        json={
            "Targets": [
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": ids[0], "name": "Bulk 1b"},
            ]
        },
    )
    assert updated.status_code == 204
    assert client.get(f"{API}/accounts({ids[0]})/name").json()["value"] == "Bulk 1b"
    upserted = client.post(
        f"{API}/accounts/Microsoft.Dynamics.CRM.UpsertMultiple",
        json={
            "Targets": [
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": ids[1], "name": "Bulk 2b"},
                {
                    "@odata.type": "Microsoft.Dynamics.CRM.account",
                    "accountnumber": "BULK-3",
                    "name": "Bulk 3",
                },
            ]
        },
    )
    assert upserted.status_code == 200
    assert [r["RecordCreated"] for r in upserted.json()["Results"]] == [False, True]


def test_a_failing_multiple_writes_nothing(client: TestClient) -> None:
    before = client.get(f"{API}/accounts/$count").text
    failed = client.post(
        f"{API}/accounts/Microsoft.Dynamics.CRM.CreateMultiple",
        json={
            "Targets": [
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "name": "Fine"},
                {"@odata.type": "Microsoft.Dynamics.CRM.account", "name": 42},
            ]
        },
    )
    assert failed.status_code == 400
    assert client.get(f"{API}/accounts/$count").text == before


def test_service_document_and_metadata(client: TestClient) -> None:
    service = client.get(f"{API}/").json()
    assert {"name": "accounts", "kind": "EntitySet", "url": "accounts"} in service["value"]
    metadata = client.get(f"{API}/$metadata")
    assert metadata.status_code == 200
    assert '<EntityType Name="account"' in metadata.text
    definitions = client.get(
        f"{API}/EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute"
        "&$filter=LogicalName eq 'account'"
    ).json()
    assert definitions["value"][0]["EntitySetName"] == "accounts"


def test_admin_seed_reset_clock_and_request_log(client: TestClient) -> None:
    assert client.get("/_mock/seed").json() == {"seed": 1, "scale": 5}
    first = client.get(f"{API}/accounts?$select=name&$orderby=name").json()["value"]
    client.post(f"{API}/accounts", json={"name": "Temporary"})
    reset = client.post("/_mock/reset").json()
    assert reset["rows"]["account"] == len(first)
    assert client.get(f"{API}/accounts?$select=name&$orderby=name").json()["value"] == first
    reseeded = client.post("/_mock/seed", json={"seed": 2, "scale": 3}).json()
    assert (reseeded["seed"], reseeded["rows"]["account"]) == (2, 3)
    assert client.post("/_mock/seed", json={"seed": "two"}).status_code == 400
    assert client.post("/_mock/clock", json={"now": "2026-03-01T10:00:00Z"}).json() == {
        "now": "2026-03-01T10:00:00Z"
    }
    assert client.post("/_mock/clock", json={"advance": {"hours": 2}}).json() == {
        "now": "2026-03-01T12:00:00Z"
    }
    assert client.post("/_mock/clock", json={"advance": "soon"}).status_code == 400
    client.delete("/_mock/requests")
    client.get(f"{API}/accounts?$top=1")
    logged = client.get("/_mock/requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [("GET", f"{API}/accounts", 200)]


def test_reset_brings_back_a_fresh_start(client: TestClient) -> None:
    """Data, clock, faults and the request log all return to how a fresh mock starts; the
    second reset restores the copy the first one kept and gives the same answers."""
    fresh_clock = client.get("/_mock/clock").json()
    first = client.post("/_mock/reset").json()
    accounts = client.get(f"{API}/accounts?$select=name,modifiedon&$orderby=name").json()["value"]
    client.post(f"{API}/accounts", json={"name": "Temporary"})
    client.delete(f"{API}/accounts({accounts[0]['accountid']})")
    client.post("/_mock/clock", json={"advance": {"days": 3}})
    client.post("/_mock/faults", json={"kind": "status", "status": 503, "count": 5})
    again = client.post("/_mock/reset").json()
    assert again == first
    assert client.get("/_mock/clock").json() == fresh_clock
    assert client.get("/_mock/faults").json() == {"faults": []}
    logged = [r["path"] for r in client.get("/_mock/requests").json()["requests"]]
    assert logged == ["/_mock/reset", "/_mock/clock", "/_mock/faults"]  # nothing from before
    assert client.get(f"{API}/accounts?$select=name,modifiedon&$orderby=name").json()["value"] == accounts
