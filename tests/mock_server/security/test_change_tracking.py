"""Change tracking follows visibility: rows that become readable arrive in the next delta, rows
that stop being readable come back as removed."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API

from .conftest import Org

BASIC = 1
TRACK = {"Prefer": "odata.track-changes"}


def _delta(client: TestClient, url: str, headers: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
    response = client.get(url, headers={**headers, **TRACK})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["value"], body["@odata.deltaLink"].split("https://testserver", 1)[1]


def test_rows_leaving_and_entering_visibility(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    other = org.user(org.a)
    kept = org.account("Kept", user.id)
    moved = org.account("Moved", user.id)
    shared = org.account("Shared later", other.id)
    rows, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    assert {r["name"] for r in rows} == {"Kept", "Moved"}

    assign = {"ownerid@odata.bind": f"/systemusers({other.id})"}
    assert client.patch(f"{API}/accounts({moved})", json=assign).status_code == 204
    grant = {
        "Target": {"accountid": shared, "@odata.type": "Microsoft.Dynamics.CRM.account"},
        "PrincipalAccess": {
            "Principal": {"systemuserid": user.id, "@odata.type": "Microsoft.Dynamics.CRM.systemuser"},
            "AccessMask": "ReadAccess",
        },
    }
    assert client.post(f"{API}/GrantAccess", json=grant).status_code == 204
    rows, link = _delta(client, link, user.headers)
    removed = {r["id"] for r in rows if r.get("reason") == "deleted"}
    arrived = {r["accountid"] for r in rows if "reason" not in r}
    assert removed == {moved} and arrived == {shared}
    assert kept not in removed | arrived

    revoke = {
        "Target": grant["Target"],
        "Revokee": {"systemuserid": user.id, "@odata.type": "Microsoft.Dynamics.CRM.systemuser"},
    }
    assert client.post(f"{API}/RevokeAccess", json=revoke).status_code == 204
    rows, _ = _delta(client, link, user.headers)
    assert [(r.get("id"), r.get("reason")) for r in rows] == [(shared, "deleted")]
