"""Change tracking follows visibility: rows that become readable arrive in the next delta, rows
that stop being readable come back as removed."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API

from .conftest import Org

BASIC, LOCAL = 1, 2
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


def _split(rows: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    removed = {r["id"] for r in rows if r.get("reason") == "deleted"}
    return removed, {r["accountid"] for r in rows if "reason" not in r}


def test_a_lost_role_removes_rows_and_a_new_one_brings_them(client: TestClient, org: Org) -> None:
    role = org.role({"prvReadAccount": LOCAL})
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}), role)
    peer = org.user(org.a)
    own = org.account("Own", user.id)
    peers = org.account("Peer's", peer.id)
    rows, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    assert {r["name"] for r in rows} == {"Own", "Peer's"}
    assert (
        client.delete(f"{API}/systemusers({user.id})/systemuserroles_association({role})/$ref").status_code
        == 204
    )
    rows, link = _delta(client, link, user.headers)
    assert _split(rows) == ({peers}, set())
    org.link("systemusers", user.id, "systemuserroles_association", f"roles({role})")
    rows, link = _delta(client, link, user.headers)
    assert _split(rows) == (set(), {peers})
    assert [r["name"] for r in rows] == ["Peer's"]  # a row that came into sight comes whole
    rows, _ = _delta(client, link, user.headers)
    assert rows == [] and own


def test_leaving_a_team_removes_the_team_rows_and_rejoining_brings_them(client: TestClient, org: Org) -> None:
    user = org.user(org.b, org.role({"prvReadAccount": BASIC}))
    team = org.team(org.b, user.id)
    team_row = org.account("Team's", team, owner_set="teams")
    rows, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    assert {r["name"] for r in rows} == {"Team's"}
    response = client.delete(f"{API}/teams({team})/teammembership_association({user.id})/$ref")
    assert response.status_code == 204
    rows, link = _delta(client, link, user.headers)
    assert _split(rows) == ({team_row}, set())
    org.link("teams", team, "teammembership_association", f"systemusers({user.id})")
    rows, _ = _delta(client, link, user.headers)
    assert _split(rows) == (set(), {team_row})


def test_an_owner_in_another_business_unit_removes_the_row(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": LOCAL}))
    here, there = org.user(org.a), org.user(org.b)
    moved = org.account("Moved", here.id)
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    assign = {"ownerid@odata.bind": f"/systemusers({there.id})"}
    assert client.patch(f"{API}/accounts({moved})", json=assign).status_code == 204
    rows, link = _delta(client, link, user.headers)
    assert _split(rows) == ({moved}, set())
    back = {"ownerid@odata.bind": f"/systemusers({here.id})"}
    assert client.patch(f"{API}/accounts({moved})", json=back).status_code == 204
    rows, _ = _delta(client, link, user.headers)
    assert _split(rows) == (set(), {moved})


def test_no_removal_for_rows_never_seen(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": LOCAL}))
    there, elsewhere = org.user(org.b), org.user(org.b)
    seen = org.account("Seen", user.id)
    unseen = org.account("Unseen", there.id)
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    # Changes, reassignments and deletions of rows the user never could read.
    assert client.patch(f"{API}/accounts({unseen})", json={"name": "Unseen 2"}).status_code == 204
    assign = {"ownerid@odata.bind": f"/systemusers({elsewhere.id})"}
    assert client.patch(f"{API}/accounts({unseen})", json=assign).status_code == 204
    created = org.account("Created and moved away", user.id)
    assert client.patch(f"{API}/accounts({created})", json=assign).status_code == 204
    assert client.delete(f"{API}/accounts({unseen})").status_code == 204
    # A change to a row the user still sees.
    assert client.patch(f"{API}/accounts({seen})", json={"name": "Seen 2"}).status_code == 204
    rows, _ = _delta(client, link, user.headers)
    assert _split(rows) == (set(), {seen})


def test_deleting_a_row_the_user_saw_removes_it(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    own = org.account("Own", user.id)
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    assert client.delete(f"{API}/accounts({own})").status_code == 204
    rows, _ = _delta(client, link, user.headers)
    assert _split(rows) == ({own}, set())


def test_a_visibility_delta_pages(client: TestClient, org: Org) -> None:
    role = org.role({"prvReadAccount": LOCAL})
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    peer = org.user(org.a)
    mine = {org.account(f"Mine {i}", user.id) for i in range(2)}
    theirs = {org.account(f"Theirs {i}", peer.id) for i in range(5)}
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    org.link("systemusers", user.id, "systemuserroles_association", f"roles({role})")
    changed = org.account("Created after", peer.id)
    seen: list[dict[str, Any]] = []
    url: str | None = link
    headers = {**user.headers, **TRACK, "Prefer": "odata.track-changes,odata.maxpagesize=2"}
    while url is not None:
        body = client.get(url, headers=headers).json()
        assert len(body["value"]) <= 2
        seen += body["value"]
        url = body.get("@odata.nextLink")
        url = url.split("https://testserver", 1)[1] if url else None
    arrived = [r["accountid"] for r in seen if "reason" not in r]
    # The rows the new role shows come first (they are older), then the row created since.
    assert set(arrived[:5]) == theirs and arrived[5:] == [changed]
    assert len(seen) == 6 and not mine & set(arrived)


def test_a_page_whose_entries_were_all_left_out_still_leads_to_the_rest(client: TestClient, org: Org) -> None:
    """Deletions the user never saw are left out of a page; the changes after them still come."""
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    elsewhere = org.user(org.b)
    unseen = [org.account(f"Unseen {i}", elsewhere.id) for i in range(3)]
    mine = [org.account(f"Mine {i}", user.id) for i in range(2)]
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    for row in unseen:
        assert client.delete(f"{API}/accounts({row})").status_code == 204
    for row in mine:
        assert client.patch(f"{API}/accounts({row})", json={"name": "Changed"}).status_code == 204
    seen: list[dict[str, Any]] = []
    url: str | None = link
    headers = {**user.headers, "Prefer": "odata.track-changes,odata.maxpagesize=2"}
    while url is not None:
        body = client.get(url, headers=headers).json()
        seen += body["value"]
        url = body.get("@odata.nextLink")
        url = url.split("https://testserver", 1)[1] if url else None
    assert [r.get("accountid") for r in seen] == mine


def test_a_delta_count_counts_what_the_user_would_get(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": BASIC}))
    elsewhere = org.user(org.b)
    own = org.account("Own", user.id)
    other = org.account("Other", elsewhere.id)
    _, link = _delta(client, f"{API}/accounts?$select=name", user.headers)
    token = link.split("$deltatoken=", 1)[1]
    for row in (own, other):
        assert client.patch(f"{API}/accounts({row})", json={"name": "Changed"}).status_code == 204
    counted = client.get(f"{API}/accounts/$count?$deltatoken={token}", headers=user.headers)
    assert counted.status_code == 200 and counted.text == "1"
    assert client.get(f"{API}/accounts/$count?$deltatoken={token}").text == "2"  # the administrator
