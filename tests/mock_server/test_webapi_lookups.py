"""Lookups: ``_x_value`` properties, ``@odata.bind`` in every form, ``$ref`` links, annotations."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.test_webapi_records import create


@pytest.mark.parametrize(
    "form",
    [
        "/accounts({id})",
        "accounts({id})",
        "https://testserver/api/data/v9.2/accounts({id})",
        "https://elsewhere.example/api/data/v9.1/accounts({id})",
    ],
)
def test_bind_in_relative_and_absolute_forms(client: TestClient, form: str) -> None:
    account_id = create(client, "accounts", {"name": "Parent"})
    contact_id = create(
        client,
        "contacts",
        {"lastname": "Child", "parentcustomerid_account@odata.bind": form.format(id=account_id)},
    )
    body = client.get(f"{API}/contacts({contact_id})?$select=_parentcustomerid_value").json()
    assert body["_parentcustomerid_value"] == account_id


def test_bind_to_a_wrong_navigation_name_is_a_payload_error(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Parent"})
    response = client.post(
        f"{API}/contacts", json={"lastname": "x", "parentcustomerid@odata.bind": f"/accounts({account_id})"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "0x80048d19"


def test_bind_to_a_missing_record_is_404(client: TestClient) -> None:
    response = client.post(
        f"{API}/contacts",
        json={
            "lastname": "x",
            "parentcustomerid_account@odata.bind": "/accounts(00000000-0000-0000-0000-00000000abcd)",
        },
    )
    assert response.status_code == 404


def test_annotations_for_lookups_choices_and_money(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Annotated", "industrycode": 7, "revenue": 20000})
    contact_id = create(
        client,
        "contacts",
        {"lastname": "Doe", "parentcustomerid_account@odata.bind": f"/accounts({account_id})"},
    )
    for prefer in (
        'odata.include-annotations="*"',
        "odata.include-annotations=*",
        'return=representation,odata.include-annotations="*"',
    ):
        body = client.get(
            f"{API}/contacts({contact_id})?$select=_parentcustomerid_value", headers={"Prefer": prefer}
        ).json()
        value = "_parentcustomerid_value"
        assert body[f"{value}@OData.Community.Display.V1.FormattedValue"] == "Annotated"
        assert body[f"{value}@Microsoft.Dynamics.CRM.lookuplogicalname"] == "account"
        assert (
            body[f"{value}@Microsoft.Dynamics.CRM.associatednavigationproperty"] == "parentcustomerid_account"
        )
    account = client.get(
        f"{API}/accounts({account_id})?$select=industrycode,revenue",
        headers=[
            ("Prefer", "odata.include-annotations=OData.Community.Display.V1.FormattedValue"),
            ("Prefer", "odata.maxpagesize=10"),
        ],
    ).json()
    assert account["industrycode@OData.Community.Display.V1.FormattedValue"] == "Consulting"
    assert account["revenue@OData.Community.Display.V1.FormattedValue"] == "$20,000.00"
    assert "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname" not in account
    plain = client.get(f"{API}/accounts({account_id})?$select=industrycode").json()
    assert not any("@OData.Community" in k for k in plain)


def test_ref_links_one_to_many(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Hub"})
    contact_id = create(client, "contacts", {"lastname": "Spoke"})
    link = client.post(
        f"{API}/accounts({account_id})/contact_customer_accounts/$ref",
        json={"@odata.id": f"https://testserver{API}/contacts({contact_id})"},
    )
    assert link.status_code == 204
    related = client.get(f"{API}/accounts({account_id})/contact_customer_accounts?$select=lastname").json()[
        "value"
    ]
    assert [c["contactid"] for c in related] == [contact_id]
    unlink = client.delete(f"{API}/accounts({account_id})/contact_customer_accounts({contact_id})/$ref")
    assert unlink.status_code == 204
    assert client.get(f"{API}/contacts({contact_id})/_parentcustomerid_value").status_code == 204


def test_ref_sets_and_clears_a_single_valued_navigation(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Main"})
    contact_id = create(client, "contacts", {"lastname": "Primary"})
    put = client.put(
        f"{API}/accounts({account_id})/primarycontactid/$ref", json={"@odata.id": f"contacts({contact_id})"}
    )
    assert put.status_code == 204
    assert (
        client.get(f"{API}/accounts({account_id})/primarycontactid?$select=lastname").json()["lastname"]
        == "Primary"
    )
    assert client.delete(f"{API}/accounts({account_id})/primarycontactid/$ref").status_code == 204
    assert client.get(f"{API}/accounts({account_id})/_primarycontactid_value").status_code == 204


def test_ref_links_many_to_many(client: TestClient) -> None:
    inspection_id = create(client, "new_inspections", {"new_name": "Roof"})
    contact_id = create(client, "contacts", {"lastname": "Inspector"})
    url = f"{API}/new_inspections({inspection_id})/new_inspection_contact"
    assert client.post(f"{url}/$ref", json={"@odata.id": f"/contacts({contact_id})"}).status_code == 204
    assert [c["contactid"] for c in client.get(url).json()["value"]] == [contact_id]
    back = client.get(f"{API}/contacts({contact_id})/new_inspection_contact").json()["value"]
    assert [i["new_inspectionid"] for i in back] == [inspection_id]
    assert client.delete(f"{url}/$ref?$id={API}/contacts({contact_id})").status_code == 204
    assert client.get(url).json()["value"] == []


def test_collection_bind_and_deep_insert_on_create(client: TestClient) -> None:
    task_id = create(client, "tasks", {"subject": "Existing"})
    response = client.post(
        f"{API}/accounts?$select=name",
        headers={"Prefer": "return=representation"},
        json={
            "name": "Deep",
            "primarycontactid": {"lastname": "Nested"},
            "contact_customer_accounts": [{"lastname": "Child one"}, {"lastname": "Child two"}],
            "Account_Tasks@odata.bind": [f"/tasks({task_id})"],
        },
    )
    assert response.status_code == 201, response.text
    account_id = response.json()["accountid"]
    children = client.get(
        f"{API}/accounts({account_id})/contact_customer_accounts?$select=lastname&$orderby=lastname"
    )
    assert [c["lastname"] for c in children.json()["value"]] == ["Child one", "Child two"]
    primary = client.get(f"{API}/accounts({account_id})/primarycontactid?$select=lastname").json()
    assert primary["lastname"] == "Nested"
    assert client.get(f"{API}/tasks({task_id})/_regardingobjectid_value").json()["value"] == account_id


def test_owner_assignment_by_bind(client: TestClient) -> None:
    team = client.get(f"{API}/teams?$select=name,_businessunitid_value&$filter=teamtype eq 0&$top=1").json()[
        "value"
    ][0]
    account_id = create(
        client, "accounts", {"name": "Team owned", "ownerid@odata.bind": f"/teams({team['teamid']})"}
    )
    body = client.get(
        f"{API}/accounts({account_id})", headers={"Prefer": 'odata.include-annotations="*"'}
    ).json()
    assert body["_ownerid_value"] == body["_owningteam_value"] == team["teamid"]
    assert body["_owninguser_value"] is None
    assert body["_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] == "team"
    assert body["_owningbusinessunit_value"] == team["_businessunitid_value"]
