"""Collection queries: $select, $filter, $orderby, $top, $count, $expand, paging, refusals."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.test_webapi_records import create


def names(client: TestClient, query: str, **headers: str) -> list[str]:
    response = client.get(f"{API}/accounts?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["value"]]


@pytest.fixture
def accounts(client: TestClient) -> TestClient:
    for name, employees, city in (("Alpha Q", 10, "Oslo"), ("Beta Q", 20, "Rome"), ("Gamma Q", 30, "Oslo")):
        create(client, "accounts", {"name": name, "numberofemployees": employees, "address1_city": city})
    return client


def test_filter_orderby_top_select(accounts: TestClient) -> None:
    query = (
        "$select=name&$filter=endswith(name,' Q') and numberofemployees ge 20&$orderby=numberofemployees desc"
    )
    assert names(accounts, query) == ["Gamma Q", "Beta Q"]
    assert names(accounts, query + "&$top=1") == ["Gamma Q"]
    assert names(accounts, "$filter=contains(name,'q') and address1_city eq 'OSLO'&$orderby=name") == [
        "Alpha Q",
        "Gamma Q",
    ]
    assert names(accounts, "$filter=startswith(name,'Beta') or name eq 'Alpha Q'&$orderby=name asc") == [
        "Alpha Q",
        "Beta Q",
    ]


def test_select_returns_only_selected_columns_and_the_key(accounts: TestClient) -> None:
    row = accounts.get(f"{API}/accounts?$select=name&$top=1").json()["value"][0]
    assert set(row) == {"@odata.etag", "name", "accountid"}


def test_count_and_dollar_count(accounts: TestClient) -> None:
    body = accounts.get(f"{API}/accounts?$filter=endswith(name,' Q')&$count=true").json()
    assert body["@odata.count"] == 3
    assert accounts.get(f"{API}/accounts/$count?$filter=endswith(name,' Q')").text == "3"


def test_query_functions_use_the_mock_clock(accounts: TestClient) -> None:
    recent = "$filter=" + quote("Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=1)")
    assert "Alpha Q" in names(accounts, recent)
    accounts.post("/_mock/clock", json={"advance": {"days": 5}})
    assert "Alpha Q" not in names(accounts, recent)
    older = "$filter=Microsoft.Dynamics.CRM.OlderThanXDays(PropertyName='createdon',PropertyValue=3)"
    assert "Alpha Q" in names(accounts, older)


def test_in_and_user_functions(accounts: TestClient) -> None:
    function = "Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['Alpha Q','Gamma Q'])"
    query = f"$filter={function}&$orderby=name"
    assert names(accounts, query) == ["Alpha Q", "Gamma Q"]
    mine = names(
        accounts, "$filter=Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid') and endswith(name,' Q')"
    )
    assert sorted(mine) == ["Alpha Q", "Beta Q", "Gamma Q"]


def test_paging_with_maxpagesize_and_next_link(client: TestClient) -> None:
    for i in range(7):
        create(client, "competitors", {"name": f"Rival {i}"})
    headers = {"Prefer": "odata.maxpagesize=3"}
    url = f"{API}/competitors?$select=name&$filter=startswith(name,'Rival')&$orderby=name"
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        body = response.json()
        seen += [r["name"] for r in body["value"]]
        url = body.get("@odata.nextLink", "")
        assert not url or url.startswith("https://testserver/api/data/v9.2/competitors?")
        pages += 1
    assert pages == 3
    assert seen == [f"Rival {i}" for i in range(7)]
    assert response.headers["Preference-Applied"] == "odata.maxpagesize=3"


def test_expand_single_and_collection_with_nested_options(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Expandable"})
    create(
        client,
        "contacts",
        {"lastname": "Zed", "parentcustomerid_account@odata.bind": f"/accounts({account_id})"},
    )
    contact_id = create(
        client,
        "contacts",
        {"lastname": "Amy", "parentcustomerid_account@odata.bind": f"/accounts({account_id})"},
    )
    client.put(
        f"{API}/accounts({account_id})/primarycontactid/$ref", json={"@odata.id": f"contacts({contact_id})"}
    )
    query = (
        "$select=name&$expand=primarycontactid($select=lastname),"
        "contact_customer_accounts($select=lastname;$orderby=lastname desc;$top=1)"
    )
    body = client.get(f"{API}/accounts({account_id})?{query}").json()
    assert body["primarycontactid"]["lastname"] == "Amy"
    assert [c["lastname"] for c in body["contact_customer_accounts"]] == ["Zed"]
    nested = (
        "$select=name&$expand=contact_customer_accounts($select=lastname;$filter=lastname eq 'Amy';"
        "$expand=parentcustomerid_account($select=name))"
    )
    children = client.get(f"{API}/accounts({account_id})?{nested}").json()["contact_customer_accounts"]
    pairs = [(c["lastname"], c["parentcustomerid_account"]["name"]) for c in children]
    assert pairs == [("Amy", "Expandable")]
    with_top = nested.replace(";$filter", ";$top=1;$filter")
    refused = client.get(f"{API}/accounts({account_id})?{with_top}")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "0x80060888"
    listed = client.get(
        f"{API}/contacts?$filter=contactid eq {contact_id}&$expand=parentcustomerid_account/$ref"
    )
    assert listed.json()["value"][0]["parentcustomerid_account"]["@odata.id"] == f"accounts({account_id})"


@pytest.mark.parametrize("option", ["$skip=1", "$search=x", "$format=json"])
def test_refused_options_are_400(client: TestClient, option: str) -> None:
    response = client.get(f"{API}/accounts?{option}")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("The query parameter $")


@pytest.mark.parametrize(
    "query",
    [
        "$filter=name eq",
        "$filter=nosuch eq 1",
        "$select=Name",
        "$top=-1",
        "$orderby=name sideways",
        "$expand=nosuchnav",
        "$count=maybe",
        "$filter=name eq 5",
        "$expand=contact_customer_accounts/$ref",
    ],
)
def test_bad_queries_are_400(client: TestClient, query: str) -> None:
    response = client.get(f"{API}/accounts?{query}")
    assert response.status_code == 400, response.text
    assert set(response.json()["error"]) == {"code", "message"}


def test_unknown_entity_set_and_methods(client: TestClient) -> None:
    unknown = client.get(f"{API}/Account")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == {
        "code": "0x8006088a",
        "message": "Resource not found for the segment 'Account'.",
    }
    assert client.delete(f"{API}/accounts").status_code == 405
    assert client.patch(f"{API}/accounts", json={}).status_code == 405
    assert client.post(f"{API}/WhoAmI").status_code == 404
