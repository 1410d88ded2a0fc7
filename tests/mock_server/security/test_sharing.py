"""GrantAccess, ModifyAccess and RevokeAccess: shared rows become readable or writable, for the
user shared with and for the members of a team shared with."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API

from .conftest import Org, names

BASIC, GLOBAL = 1, 8


def _body(account: str, principal: str, kind: str = "systemuser", mask: str | None = None) -> dict[str, Any]:
    target = {"accountid": account, "@odata.type": "Microsoft.Dynamics.CRM.account"}
    who = {f"{kind}id": principal, "@odata.type": f"Microsoft.Dynamics.CRM.{kind}"}
    if mask is None:
        return {"Target": target, "Revokee": who}
    return {"Target": target, "PrincipalAccess": {"Principal": who, "AccessMask": mask}}


def test_grant_modify_and_revoke(client: TestClient, org: Org) -> None:
    reader = org.user(org.a, org.role({"prvReadAccount": BASIC, "prvWriteAccount": BASIC}))
    account = org.account("Shared", org.user(org.b).id)
    assert names(client, f"{API}/accounts", reader.headers) == set()
    assert (
        client.post(f"{API}/GrantAccess", json=_body(account, reader.id, mask="ReadAccess")).status_code
        == 204
    )
    assert names(client, f"{API}/accounts", reader.headers) == {"Shared"}
    assert client.get(f"{API}/accounts({account})", headers=reader.headers).status_code == 200
    update = client.patch(f"{API}/accounts({account})", json={"name": "Shared 2"}, headers=reader.headers)
    assert update.status_code == 403
    share = client.get(f"{API}/principalobjectaccessset?$filter=objectid eq {account}").json()["value"]
    assert [(s["principalid"], s["accessrightsmask"], s["objecttypecode"]) for s in share] == [
        (reader.id, 1, "account")
    ]
    modify = _body(account, reader.id, mask="ReadAccess, WriteAccess")
    assert client.post(f"{API}/ModifyAccess", json=modify).status_code == 204
    update = client.patch(f"{API}/accounts({account})", json={"name": "Shared 2"}, headers=reader.headers)
    assert update.status_code == 204
    assert client.post(f"{API}/RevokeAccess", json=_body(account, reader.id)).status_code == 204
    assert names(client, f"{API}/accounts", reader.headers) == set()
    assert client.get(f"{API}/accounts({account})", headers=reader.headers).status_code == 403


def test_a_share_with_a_team_counts_for_its_members(client: TestClient, org: Org) -> None:
    member = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    outsider = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    team = org.team(org.b, member.id)
    account = org.account("Team shared", org.user(org.b).id)
    grant = _body(account, team, "team", "ReadAccess")
    assert client.post(f"{API}/GrantAccess", json=grant).status_code == 204
    assert names(client, f"{API}/accounts", member.headers) == {"Team shared"}
    assert names(client, f"{API}/accounts", outsider.headers) == set()


def test_sharing_needs_the_share_privilege_on_the_row(client: TestClient, org: Org) -> None:
    owner = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    other = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    account = org.account("Mine", owner.id)
    grant = _body(account, other.id, mask="ReadAccess")
    refused = client.post(f"{API}/GrantAccess", json=grant, headers=owner.headers)
    assert refused.status_code == 403 and "prvShareAccount" in refused.json()["error"]["message"]
    org.link(
        "systemusers",
        owner.id,
        "systemuserroles_association",
        f"roles({org.role({'prvShareAccount': BASIC})})",
    )
    assert client.post(f"{API}/GrantAccess", json=grant, headers=owner.headers).status_code == 204
    assert names(client, f"{API}/accounts", other.headers) == {"Mine"}


def test_bad_access_masks_are_400(client: TestClient, org: Org) -> None:
    account = org.account("Any", org.user(org.a).id)
    response = client.post(f"{API}/GrantAccess", json=_body(account, org.user(org.a).id, mask="ReadAcess"))
    assert response.status_code == 400
