"""Secured columns a caller may not read cannot be revealed by a query ($filter, FetchXML
conditions, $orderby compare them as null), and field sharing (principalobjectattributeaccess)
opens one column of one row to a user or team, for reading and for updating."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from mock_server.schema.model import metadata_id
from tests.conftest import API

from .conftest import Org, User

GLOBAL = 8
GRANTS = {"prvReadContact": GLOBAL, "prvWriteContact": GLOBAL, "prvReadAccount": GLOBAL}
MOBILE = metadata_id("contact", "mobilephone")


def _contacts(org: Org) -> dict[str, str]:
    return {
        name: org.create("contacts", {"lastname": name, "mobilephone": phone})
        for name, phone in (("Ann", "111"), ("Bob", "222"), ("Cid", "333"))
    }


def _names(client: TestClient, query: str, user: User) -> list[str]:
    response = client.get(f"{API}/contacts?$select=lastname,mobilephone&{query}", headers=user.headers)
    assert response.status_code == 200, response.text
    return [r["lastname"] for r in response.json()["value"]]


def _fetch(client: TestClient, fetch: str, user: User) -> list[dict[str, Any]]:
    response = client.get(f"{API}/contacts?fetchXml={quote(fetch)}", headers=user.headers)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["value"]
    return rows


def _share(client: TestClient, contact: str, user: User, *, read: bool, update: bool) -> str:
    body = {
        "attributeid": MOBILE,
        "objectid_contact@odata.bind": f"/contacts({contact})",
        "principalid_systemuser@odata.bind": f"/systemusers({user.id})",
        "readaccess": read,
        "updateaccess": update,
    }
    response = client.post(f"{API}/principalobjectattributeaccessset", json=body)
    assert response.status_code == 204, response.text
    return response.headers["OData-EntityId"].rsplit("(", 1)[1].rstrip(")")


def test_a_filter_on_an_unreadable_secured_column_matches_as_null(client: TestClient, org: Org) -> None:
    _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    assert _names(client, "$filter=mobilephone eq '222'", user) == []
    assert _names(client, "$filter=startswith(mobilephone,'1')", user) == []
    assert _names(client, "$filter=mobilephone eq null&$orderby=lastname", user) == ["Ann", "Bob", "Cid"]
    assert (
        _names(
            client,
            "$filter=Microsoft.Dynamics.CRM.In(PropertyName='mobilephone',PropertyValues=['111','333'])",
            user,
        )
        == []
    )
    # The administrator filters on the real values.
    admin = client.get(f"{API}/contacts?$select=lastname&$filter=mobilephone eq '222'").json()["value"]
    assert [r["lastname"] for r in admin] == ["Bob"]


def test_sorting_on_an_unreadable_secured_column_reveals_nothing(client: TestClient, org: Org) -> None:
    org.create("contacts", {"lastname": "Zed", "mobilephone": "000"})
    org.create("contacts", {"lastname": "Amy", "mobilephone": "999"})
    user = org.user(org.a, org.role(GRANTS))
    ascending = _names(client, "$orderby=mobilephone asc", user)
    descending = _names(client, "$orderby=mobilephone desc", user)
    assert ascending == descending  # every value sorts as null: the order is the tiebreak's
    admin = [r["lastname"] for r in client.get(f"{API}/contacts?$orderby=mobilephone desc").json()["value"]]
    assert admin == ["Amy", "Zed"]


def test_fetchxml_conditions_and_linked_conditions_match_as_null(client: TestClient, org: Org) -> None:
    account = org.create("accounts", {"name": "Parent", "fax": "555"})
    org.create(
        "contacts", {"lastname": "Child", "parentcustomerid_account@odata.bind": f"/accounts({account})"}
    )
    _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    own = (
        "<fetch><entity name='contact'><attribute name='lastname'/>"
        "<filter><condition attribute='mobilephone' operator='eq' value='111'/></filter></entity></fetch>"
    )
    assert _fetch(client, own, user) == []
    linked = (
        "<fetch><entity name='contact'><attribute name='lastname'/>"
        "<link-entity name='account' from='accountid' to='parentcustomerid' alias='a'>"
        "<attribute name='fax'/><filter><condition attribute='fax' operator='eq' value='555'/></filter>"
        "</link-entity></entity></fetch>"
    )
    assert _fetch(client, linked, user) == []
    admin = client.get(f"{API}/contacts?fetchXml={quote(linked)}").json()["value"]
    assert [(r["lastname"], r["a.fax"]) for r in admin] == [("Child", "555")]


def test_a_field_share_opens_one_column_of_one_row(client: TestClient, org: Org) -> None:
    contacts = _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    _share(client, contacts["Bob"], user, read=True, update=False)
    rows = client.get(f"{API}/contacts?$select=lastname,mobilephone&$orderby=lastname", headers=user.headers)
    assert [(r["lastname"], r["mobilephone"]) for r in rows.json()["value"]] == [
        ("Ann", None),
        ("Bob", "222"),
        ("Cid", None),
    ]
    single = client.get(f"{API}/contacts({contacts['Bob']})?$select=mobilephone", headers=user.headers).json()
    assert single["mobilephone"] == "222"
    assert _names(client, "$filter=mobilephone eq '222'", user) == ["Bob"]
    assert _names(client, "$filter=mobilephone eq '111'", user) == []
    fetch = (
        "<fetch><entity name='contact'><attribute name='lastname'/><attribute name='mobilephone'/>"
        "<order attribute='lastname'/></entity></fetch>"
    )
    assert [r.get("mobilephone") for r in _fetch(client, fetch, user)] == [None, "222", None]
    account = org.create("accounts", {"name": "Holder"})
    for name in ("Ann", "Bob"):
        parent = {"parentcustomerid_account@odata.bind": f"/accounts({account})"}
        assert client.patch(f"{API}/contacts({contacts[name]})", json=parent).status_code == 204
    expand = client.get(
        f"{API}/accounts({account})?$expand=contact_customer_accounts($select=lastname,mobilephone;$orderby=lastname)",
        headers=user.headers,
    ).json()["contact_customer_accounts"]
    assert [(r["lastname"], r["mobilephone"]) for r in expand] == [("Ann", None), ("Bob", "222")]
    # A read share does not allow updates; an update share does, on that row only.
    refused = client.patch(
        f"{API}/contacts({contacts['Bob']})", json={"mobilephone": "2"}, headers=user.headers
    )
    assert refused.status_code == 403


def test_an_update_share_allows_writing_that_row_only(client: TestClient, org: Org) -> None:
    contacts = _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    share = _share(client, contacts["Ann"], user, read=False, update=True)
    assert (
        client.patch(
            f"{API}/contacts({contacts['Ann']})", json={"mobilephone": "1"}, headers=user.headers
        ).status_code
        == 204
    )
    other = client.patch(
        f"{API}/contacts({contacts['Cid']})", json={"mobilephone": "3"}, headers=user.headers
    )
    assert other.status_code == 403
    assert client.get(f"{API}/contacts({contacts['Ann']})?$select=mobilephone").json()["mobilephone"] == "1"
    # Changing the share to read and then deleting it applies at once.
    assert (
        client.patch(
            f"{API}/principalobjectattributeaccessset({share})", json={"readaccess": True}
        ).status_code
        == 204
    )
    row = client.get(f"{API}/contacts({contacts['Ann']})?$select=mobilephone", headers=user.headers).json()
    assert row["mobilephone"] == "1"
    assert client.delete(f"{API}/principalobjectattributeaccessset({share})").status_code == 204
    row = client.get(f"{API}/contacts({contacts['Ann']})?$select=mobilephone", headers=user.headers).json()
    assert row["mobilephone"] is None


def test_a_field_share_with_a_team_counts_for_its_members(client: TestClient, org: Org) -> None:
    contacts = _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    team = org.team(org.a, user.id)
    body = {
        "attributeid": MOBILE,
        "objectid_contact@odata.bind": f"/contacts({contacts['Cid']})",
        "principalid_team@odata.bind": f"/teams({team})",
        "readaccess": True,
    }
    assert client.post(f"{API}/principalobjectattributeaccessset", json=body).status_code == 204
    assert _names(client, "$filter=mobilephone ne null", user) == ["Cid"]


def test_field_share_errors(client: TestClient, org: Org) -> None:
    contacts = _contacts(org)
    user = org.user(org.a, org.role(GRANTS))
    _share(client, contacts["Ann"], user, read=True, update=False)
    body = {
        "attributeid": MOBILE,
        "objectid_contact@odata.bind": f"/contacts({contacts['Ann']})",
        "principalid_systemuser@odata.bind": f"/systemusers({user.id})",
        "readaccess": True,
    }
    again = client.post(f"{API}/principalobjectattributeaccessset", json=body)
    assert again.status_code == 400 and again.json()["error"]["code"] == "0x8004f50b"
    plain = {**body, "attributeid": metadata_id("contact", "telephone1")}
    refused = client.post(f"{API}/principalobjectattributeaccessset", json=plain)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "0x80040203"
    assert "is not a secured attribute of entity 'contact'" in refused.json()["error"]["message"]
    # Sharing needs Share access to the row: a user without it is refused.
    by_user = client.post(
        f"{API}/principalobjectattributeaccessset", json={**body, "attributeid": MOBILE}, headers=user.headers
    )
    assert by_user.status_code == 403 and by_user.json()["error"]["code"] == "0x80040220"
