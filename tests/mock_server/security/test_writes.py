"""Writes need the privilege and its depth: create, update, delete, assign, append; a refused
write writes nothing, in a request or in a $batch change set; role changes apply at once."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.test_batch import change_set, part

from .conftest import Org, names

BASIC, LOCAL, DEEP, GLOBAL = 1, 2, 4, 8
SALES = {
    "prvReadAccount": LOCAL,
    "prvWriteAccount": BASIC,
    "prvDeleteAccount": BASIC,
    "prvAppendAccount": BASIC,
}


def test_create_without_privilege_is_refused_with_dataverse_message(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    response = client.post(f"{API}/accounts", json={"name": "Nope"}, headers=user.headers)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "0x80040220"
    assert (
        f"is missing prvCreateAccount privilege (Id={org.privilege('prvCreateAccount')}) on OTC=1 "
        "for entity 'account'." in error["message"]
    )
    assert error["message"].startswith(
        f"Principal user (Id={user.id}, type=8, roleCount=1, privilegeCount=1,"
    )
    assert names(client, f"{API}/accounts", {}) == set()


def test_create_update_delete_within_depth(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({**SALES, "prvCreateAccount": BASIC}))
    own = org.create("accounts", {"name": "Own"}, user.headers)
    assert (
        client.patch(f"{API}/accounts({own})", json={"name": "Own 2"}, headers=user.headers).status_code
        == 204
    )
    peer = org.user(org.a)
    theirs = org.account("Theirs", peer.id)
    # Read reaches the peer's row (Business Unit depth), Write does not (User depth).
    assert client.get(f"{API}/accounts({theirs})", headers=user.headers).status_code == 200
    refused = client.patch(f"{API}/accounts({theirs})", json={"name": "Hijacked"}, headers=user.headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "0x80040220"
    assert "AccessRights: WriteAccess" in refused.json()["error"]["message"]
    assert client.delete(f"{API}/accounts({theirs})", headers=user.headers).status_code == 403
    assert client.get(f"{API}/accounts({theirs})?$select=name").json()["name"] == "Theirs"
    assert client.delete(f"{API}/accounts({own})", headers=user.headers).status_code == 204


def test_creating_a_row_for_someone_else_needs_the_depth(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({**SALES, "prvCreateAccount": BASIC}))
    peer = org.user(org.a)
    response = client.post(
        f"{API}/accounts",
        json={"name": "For peer", "ownerid@odata.bind": f"/systemusers({peer.id})"},
        headers=user.headers,
    )
    assert response.status_code == 403
    assert names(client, f"{API}/accounts", {}) == set()


def test_assign_needs_the_assign_privilege(client: TestClient, org: Org) -> None:
    peer = org.user(org.a)
    without = org.user(org.a, org.role({**SALES, "prvCreateAccount": BASIC}))
    own = org.create("accounts", {"name": "Mine"}, without.headers)
    assign = {"ownerid@odata.bind": f"/systemusers({peer.id})"}
    response = client.patch(f"{API}/accounts({own})", json=assign, headers=without.headers)
    assert response.status_code == 403
    assert "is missing prvAssignAccount privilege" in response.json()["error"]["message"]
    org.link(
        "systemusers",
        without.id,
        "systemuserroles_association",
        f"roles({org.role({'prvAssignAccount': BASIC})})",
    )
    assert client.patch(f"{API}/accounts({own})", json=assign, headers=without.headers).status_code == 204
    assert client.get(f"{API}/accounts({own})?$select=_ownerid_value").json()["_ownerid_value"] == peer.id


def test_setting_a_lookup_needs_append_and_append_to(client: TestClient, org: Org) -> None:
    grants = {
        "prvReadContact": BASIC,
        "prvCreateContact": BASIC,
        "prvWriteContact": BASIC,
        "prvReadAccount": GLOBAL,
    }
    user = org.user(org.a, org.role(grants))
    account = org.account("Parent", user.id)
    body = {"lastname": "Linked", "parentcustomerid_account@odata.bind": f"/accounts({account})"}
    response = client.post(f"{API}/contacts", json=body, headers=user.headers)
    assert response.status_code == 403
    assert "is missing prvAppendContact privilege" in response.json()["error"]["message"]
    org.link(
        "systemusers",
        user.id,
        "systemuserroles_association",
        f"roles({org.role({'prvAppendContact': BASIC})})",
    )
    response = client.post(f"{API}/contacts", json=body, headers=user.headers)
    assert "is missing prvAppendToAccount privilege" in response.json()["error"]["message"]
    org.link(
        "systemusers",
        user.id,
        "systemuserroles_association",
        f"roles({org.role({'prvAppendToAccount': BASIC})})",
    )
    assert client.post(f"{API}/contacts", json=body, headers=user.headers).status_code == 204


def test_a_refused_operation_rolls_back_its_change_set(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({**SALES, "prvCreateAccount": BASIC}))
    chunks = [
        change_set(
            "changeset_S",
            [
                part("POST", "accounts", {"name": "Batch ok"}, "1"),
                part("POST", "contacts", {"lastname": "Batch refused"}, "2"),
            ],
        )
    ]
    body = "".join(f"--batch_S\r\n{c}" for c in chunks) + "--batch_S--\r\n"
    response = client.post(
        f"{API}/$batch",
        content=body.encode(),
        headers={**user.headers, "Content-Type": "multipart/mixed; boundary=batch_S"},
    )
    assert response.status_code == 200
    assert "HTTP/1.1 403 Forbidden" in response.text and "prvCreateContact" in response.text
    assert names(client, f"{API}/accounts", {}) == set()


def test_role_changes_apply_to_the_next_request(client: TestClient, org: Org) -> None:
    user = org.user(org.a)
    assert client.get(f"{API}/accounts", headers=user.headers).status_code == 403
    role = org.role({"prvReadAccount": GLOBAL})
    org.link("systemusers", user.id, "systemuserroles_association", f"roles({role})")
    assert client.get(f"{API}/accounts", headers=user.headers).status_code == 200
    response = client.delete(f"{API}/systemusers({user.id})/systemuserroles_association({role})/$ref")
    assert response.status_code == 204
    assert client.get(f"{API}/accounts", headers=user.headers).status_code == 403
    # A change to a role's privileges applies too.
    org.link("systemusers", user.id, "systemuserroles_association", f"roles({role})")
    grants = client.get(f"{API}/roleprivilegescollection?$filter=_roleid_value eq {role}").json()["value"]
    client.delete(f"{API}/roleprivilegescollection({grants[0]['roleprivilegeid']})")
    assert client.get(f"{API}/accounts", headers=user.headers).status_code == 403


def test_team_roles_count_for_members(client: TestClient, org: Org) -> None:
    user = org.user(org.b)
    peer = org.user(org.a)
    org.account("In A", peer.id)
    assert client.get(f"{API}/accounts", headers=user.headers).status_code == 403
    org.team(org.a, user.id, roles=(org.role({"prvReadAccount": LOCAL}),))
    # The team's role works at the user's own business unit (B), not the team's.
    assert names(client, f"{API}/accounts", user.headers) == set()
    org.account("In B", org.user(org.b).id)
    assert names(client, f"{API}/accounts", user.headers) == {"In B"}


def test_users_cannot_grant_themselves_roles(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadRole": GLOBAL, "prvReadAccount": BASIC}))
    admin_role = org.role_id("System Administrator")
    response = client.post(
        f"{API}/systemusers({user.id})/systemuserroles_association/$ref",
        json={"@odata.id": f"{API}/roles({admin_role})"},
        headers=user.headers,
    )
    assert response.status_code == 403 and "prvAssignRole" in response.json()["error"]["message"]
    held = client.get(f"{API}/systemusers({user.id})/systemuserroles_association?$select=name").json()
    assert "System Administrator" not in {r["name"] for r in held["value"]}
    assert client.get(f"{API}/contacts", headers=user.headers).status_code == 403
