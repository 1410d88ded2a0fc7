"""Reads honour role depth, team ownership and the Read privilege, in every query path."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API

from .conftest import Org, names

BASIC, LOCAL, DEEP, GLOBAL = 1, 2, 4, 8


def _rows(org: Org) -> dict[str, str]:
    """One account per situation: owned by the reader's peers in each unit."""
    peer_a = org.user(org.a)
    peer_a1 = org.user(org.a1)
    peer_b = org.user(org.b)
    return {
        "in A": org.account("in A", peer_a.id),
        "in A1": org.account("in A1", peer_a1.id),
        "in B": org.account("in B", peer_b.id),
    }


def _reader(org: Org, depth: int) -> tuple[str, dict[str, str]]:
    role = org.role({"prvReadAccount": depth, "prvReadContact": depth})
    reader = org.user(org.a, role)
    org.account("mine", reader.id)
    return reader.id, reader.headers


def test_user_depth_sees_own_and_team_rows(client: TestClient, org: Org) -> None:
    _rows(org)
    reader_id, headers = _reader(org, BASIC)
    team = org.team(org.b, reader_id)
    org.account("team's", team, "teams")
    assert names(client, f"{API}/accounts", headers) == {"mine", "team's"}


def test_business_unit_depth_sees_the_unit(client: TestClient, org: Org) -> None:
    _rows(org)
    _, headers = _reader(org, LOCAL)
    assert names(client, f"{API}/accounts", headers) == {"mine", "in A"}


def test_parent_child_depth_sees_the_subtree(client: TestClient, org: Org) -> None:
    _rows(org)
    _, headers = _reader(org, DEEP)
    assert names(client, f"{API}/accounts", headers) == {"mine", "in A", "in A1"}


def test_organization_depth_sees_everything(client: TestClient, org: Org) -> None:
    _rows(org)
    _, headers = _reader(org, GLOBAL)
    assert names(client, f"{API}/accounts", headers) == {"mine", "in A", "in A1", "in B"}


def test_no_read_privilege_is_403_with_dataverse_message(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadContact": GLOBAL}))
    response = client.get(f"{API}/accounts", headers=user.headers)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "0x80040220"
    privilege = org.privilege("prvReadAccount")
    assert error["message"].startswith(
        f"Principal user (Id={user.id}, type=8, roleCount=1, privilegeCount=1, accessMode=0), "
        f"is missing prvReadAccount privilege (Id={privilege}) on OTC=1 for entity 'account'."
    )
    assert client.get(f"{API}/accounts/$count", headers=user.headers).status_code == 403


def test_count_retrieve_and_expand_follow_the_same_rows(client: TestClient, org: Org) -> None:
    rows = _rows(org)
    reader_id, headers = _reader(org, LOCAL)
    assert client.get(f"{API}/accounts/$count", headers=headers).text == "2"
    counted = client.get(f"{API}/accounts?$count=true", headers=headers).json()
    assert counted["@odata.count"] == 2
    assert client.get(f"{API}/accounts({rows['in A']})", headers=headers).status_code == 200
    hidden = client.get(f"{API}/accounts({rows['in B']})", headers=headers)
    assert hidden.status_code == 403 and hidden.json()["error"]["code"] == "0x80040220"
    for path in ("name", "name/$value"):
        assert client.get(f"{API}/accounts({rows['in B']})/{path}", headers=headers).status_code == 403
    assert client.get(f"{API}/accounts({rows['in A']})/name/$value", headers=headers).status_code == 200
    missing = client.get(f"{API}/accounts(00000000-0000-0000-0000-000000000009)", headers=headers)
    assert missing.status_code == 404
    # A contact the reader may see, whose account the reader may not: the expansion is left out.
    contact = org.create(
        "contacts",
        {
            "lastname": "Visible",
            "ownerid@odata.bind": f"/systemusers({reader_id})",
            "parentcustomerid_account@odata.bind": f"/accounts({rows['in B']})",
        },
    )
    org.create(
        "contacts",
        {
            "lastname": "Child in A",
            "parentcustomerid_account@odata.bind": f"/accounts({rows['in A']})",
            "ownerid@odata.bind": f"/systemusers({reader_id})",
        },
    )
    expanded = client.get(
        f"{API}/contacts({contact})?$select=lastname&$expand=parentcustomerid_account($select=name)",
        headers=headers,
    ).json()
    assert expanded["parentcustomerid_account"] is None
    collection = client.get(
        f"{API}/accounts?$select=name&$expand=contact_customer_accounts($select=lastname)", headers=headers
    ).json()["value"]
    by_name = {a["name"]: [c["lastname"] for c in a["contact_customer_accounts"]] for a in collection}
    assert by_name == {"mine": [], "in A": ["Child in A"]}


def test_fetchxml_is_restricted(client: TestClient, org: Org) -> None:
    _rows(org)
    _, headers = _reader(org, DEEP)
    fetch = "<fetch><entity name='account'><attribute name='name'/></entity></fetch>"
    assert names(client, f"{API}/accounts?fetchXml={fetch}", headers) == {"mine", "in A", "in A1"}


def test_fetchxml_links_join_only_readable_rows(client: TestClient, org: Org) -> None:
    rows = _rows(org)
    reader_id, headers = _reader(org, LOCAL)
    for name, account in (("sees parent", rows["in A"]), ("hidden parent", rows["in B"])):
        org.create(
            "contacts",
            {
                "lastname": name,
                "ownerid@odata.bind": f"/systemusers({reader_id})",
                "parentcustomerid_account@odata.bind": f"/accounts({account})",
            },
        )
    link = (
        "<link-entity name='account' from='accountid' to='parentcustomerid' link-type='{kind}' alias='a'>"
        "<attribute name='name'/></link-entity>"
    )
    fetch = "<fetch><entity name='contact'><attribute name='lastname'/>{link}</entity></fetch>"
    outer = client.get(
        f"{API}/contacts?fetchXml={fetch.format(link=link.format(kind='outer'))}", headers=headers
    )
    by_name = {r["lastname"]: r.get("a.name") for r in outer.json()["value"]}
    assert by_name == {"sees parent": "in A", "hidden parent": None}
    inner = client.get(
        f"{API}/contacts?fetchXml={fetch.format(link=link.format(kind='inner'))}", headers=headers
    )
    assert [r["lastname"] for r in inner.json()["value"]] == ["sees parent"]


def test_admin_queries_carry_no_security_predicate(client: TestClient) -> None:
    from mock_server.seed import ADMIN_USER_ID

    state = client.app.state.mock  # type: ignore[attr-defined]
    with state.db.reading() as conn:
        caller = state.caller(conn, "Bearer mock-dataverse-admin-token")
    assert caller.user_id == ADMIN_USER_ID
    from mock_server.schema import schema

    assert all(caller.restriction(e) is None for e in schema().entities)


def test_saved_queries_are_restricted(client: TestClient, org: Org) -> None:
    _rows(org)
    _, headers = _reader(org, LOCAL)
    views = client.get(
        f"{API}/savedqueries?$filter=returnedtypecode eq 'account'&$select=name,fetchxml"
    ).json()["value"]
    assert views
    for view in views:
        url = f"{API}/accounts?savedQuery={view['savedqueryid']}"
        as_admin = client.get(url)
        if as_admin.status_code != 200:
            continue
        admin_names = {r.get("name") for r in as_admin.json()["value"]}
        visible = {r.get("name") for r in client.get(url, headers=headers).json()["value"]}
        assert visible <= admin_names & {"mine", "in A"}
        assert "in B" not in visible
