"""System and personal views: stored as rows, queryable, and runnable with savedQuery/userQuery."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server.schema import schema
from mock_server.seed.views import WITHOUT_VIEWS, view_id
from tests.conftest import API


def test_every_entity_has_system_views_with_a_quick_find(client: TestClient) -> None:
    views = client.get(
        f"{API}/savedqueries?$select=name,returnedtypecode,querytype,isquickfindquery,fetchxml"
    ).json()
    by_entity: dict[str, list[dict[str, object]]] = {}
    for view in views["value"]:
        by_entity.setdefault(str(view["returnedtypecode"]), []).append(view)
    for entity in schema().entities:
        if entity.logical_name in WITHOUT_VIEWS:
            continue
        kinds = {v["querytype"] for v in by_entity[entity.logical_name]}
        assert {0, 4, 64} <= kinds, entity.logical_name
        quick_find = [v for v in by_entity[entity.logical_name] if v["isquickfindquery"]]
        assert len(quick_find) == 1 and 'isquickfindfields="1"' in str(quick_find[0]["fetchxml"])


def test_a_system_view_runs_and_omits_nulls(client: TestClient) -> None:
    view = view_id("account", "Active Accounts")
    rows = client.get(f"{API}/accounts?savedQuery={view}").json()["value"]
    active = client.get(f"{API}/accounts/$count?$filter=statecode eq 0").text
    assert len(rows) == int(active) > 0
    assert all(value is not None for row in rows for value in row.values())
    assert [r["name"] for r in rows] == sorted((r["name"] for r in rows), key=str.lower)


def test_the_linked_view_returns_the_primary_contact(client: TestClient) -> None:
    contact = client.post(
        f"{API}/contacts?$select=fullname",
        json={"firstname": "Linked", "lastname": "Person"},
        headers={"Prefer": "return=representation"},
    ).json()
    client.post(
        f"{API}/accounts",
        json={"name": "AAA Linked", "primarycontactid@odata.bind": f"/contacts({contact['contactid']})"},
    )
    rows = client.get(f"{API}/accounts?savedQuery={view_id('account', 'Accounts: Primary Contact')}").json()[
        "value"
    ]
    linked = [r for r in rows if r["name"] == "AAA Linked"]
    assert linked and linked[0]["primarycontact.fullname"] == "Linked Person"


def test_personal_views_run_with_user_query(client: TestClient) -> None:
    views = client.get(f"{API}/userqueries?$select=name,returnedtypecode,_ownerid_value").json()["value"]
    assert {v["name"] for v in views} >= {"My Hot Prospects", "Contacts I Call Often"}
    hot = next(v for v in views if v["name"] == "My Hot Prospects")
    rows = client.get(f"{API}/accounts?userQuery={hot['userqueryid']}").json()["value"]
    expected = client.get(f"{API}/accounts/$count?$filter=accountcategorycode eq 1").text
    assert len(rows) == int(expected)


def test_quick_view_forms_exist(client: TestClient) -> None:
    forms = client.get(f"{API}/systemforms?$filter=type eq 6&$select=name,objecttypecode").json()["value"]
    assert {f["objecttypecode"] for f in forms} >= {"account", "contact"}


def test_views_must_match_the_entity_set_and_exist(client: TestClient) -> None:
    view = view_id("account", "Active Accounts")
    wrong = client.get(f"{API}/contacts?savedQuery={view}")
    assert wrong.status_code == 400 and "accounts" in wrong.json()["error"]["message"]
    missing = client.get(f"{API}/accounts?savedQuery=00000000-0000-0000-0000-000000000009")
    assert missing.status_code == 404
    assert client.get(f"{API}/accounts?savedQuery=nonsense").status_code == 400
    assert client.get(f"{API}/accounts?savedQuery={view}&$select=name").status_code == 400
