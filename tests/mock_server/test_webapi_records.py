"""Create, retrieve, update, upsert, delete and single-property operations over the Web API."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.conftest import API

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def create(client: TestClient, entity_set: str, body: dict[str, object]) -> str:
    response = client.post(f"{API}/{entity_set}", json=body)
    assert response.status_code == 204, response.text
    match = re.search(rf"{entity_set}\(({GUID})\)$", response.headers["OData-EntityId"])
    assert match, response.headers["OData-EntityId"]
    return match[1]


def test_create_answers_204_with_an_absolute_entity_id(client: TestClient) -> None:
    response = client.post(f"{API}/accounts", json={"name": "Contoso"})
    assert response.status_code == 204
    assert re.fullmatch(rf"https://testserver{API}/accounts\({GUID}\)", response.headers["OData-EntityId"])


def test_create_with_representation_answers_201_with_selected_columns(client: TestClient) -> None:
    response = client.post(
        f"{API}/accounts?$select=name,revenue",
        json={"name": "Fabrikam", "revenue": 1500.5},
        headers={"Prefer": "return=representation"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Fabrikam" and body["revenue"] == 1500.5
    assert set(body) == {"@odata.context", "@odata.etag", "name", "revenue", "accountid"}
    assert body["@odata.context"].endswith("$metadata#accounts(name,revenue)/$entity")
    assert re.fullmatch(r'W/"\d+"', body["@odata.etag"])
    assert response.headers["Preference-Applied"] == "return=representation"


def test_retrieve_by_id_and_by_alternate_key(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Keyed", "accountnumber": "AK-1"})
    by_id = client.get(f"{API}/accounts({account_id})?$select=name")
    by_key = client.get(f"{API}/accounts(accountnumber='AK-1')?$select=name")
    assert by_id.status_code == by_key.status_code == 200
    assert by_id.json()["name"] == by_key.json()["name"] == "Keyed"
    assert by_key.json()["accountid"] == account_id


def test_missing_record_is_404_with_dataverse_code(client: TestClient) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    response = client.get(f"{API}/accounts({missing})")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "0x80040217", "message": f"Entity 'account' With Id = {missing} Does Not Exist"}
    }


def test_update_changes_columns_and_the_etag(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Before"})
    before = client.get(f"{API}/accounts({account_id})").json()
    response = client.patch(f"{API}/accounts({account_id})", json={"name": "After", "numberofemployees": 12})
    assert response.status_code == 204
    after = client.get(f"{API}/accounts({account_id})").json()
    assert (after["name"], after["numberofemployees"]) == ("After", 12)
    assert after["@odata.etag"] != before["@odata.etag"]


def test_if_match_with_a_stale_etag_is_412(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Versioned"})
    tag = client.get(f"{API}/accounts({account_id})").json()["@odata.etag"]
    assert (
        client.patch(
            f"{API}/accounts({account_id})", json={"name": "v2"}, headers={"If-Match": tag}
        ).status_code
        == 204
    )
    stale = client.patch(f"{API}/accounts({account_id})", json={"name": "v3"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "0x80060882"
    assert client.get(f"{API}/accounts({account_id})/name").json()["value"] == "v2"


def test_upsert_creates_then_updates(client: TestClient) -> None:
    new_id = "7d577253-3ef0-4a0a-bb7f-8335c2596e70"
    assert client.patch(f"{API}/accounts({new_id})", json={"name": "Upserted"}).status_code == 204
    assert client.patch(f"{API}/accounts({new_id})", json={"name": "Again"}).status_code == 204
    assert client.get(f"{API}/accounts({new_id})/name").json()["value"] == "Again"
    by_key = client.patch(f"{API}/accounts(accountnumber='UP-9')", json={"name": "By key"})
    assert by_key.status_code == 204
    assert client.get(f"{API}/accounts(accountnumber='UP-9')/name").json()["value"] == "By key"


def test_if_match_star_forbids_create_and_if_none_match_star_forbids_update(client: TestClient) -> None:
    new_id = "8d577253-3ef0-4a0a-bb7f-8335c2596e71"
    assert (
        client.patch(f"{API}/accounts({new_id})", json={"name": "x"}, headers={"If-Match": "*"}).status_code
        == 404
    )
    assert client.get(f"{API}/accounts({new_id})").status_code == 404
    assert (
        client.patch(
            f"{API}/accounts({new_id})", json={"name": "x"}, headers={"If-None-Match": "*"}
        ).status_code
        == 204
    )
    conflict = client.patch(f"{API}/accounts({new_id})", json={"name": "y"}, headers={"If-None-Match": "*"})
    assert conflict.status_code == 412


def test_conditional_get_answers_304_unless_annotations_or_expand(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Cached"})
    tag = client.get(f"{API}/accounts({account_id})").json()["@odata.etag"]
    assert client.get(f"{API}/accounts({account_id})", headers={"If-None-Match": tag}).status_code == 304
    assert client.get(f"{API}/accounts({account_id})", headers={"If-None-Match": "null"}).status_code == 200
    annotated = client.get(
        f"{API}/accounts({account_id})",
        headers={"If-None-Match": tag, "Prefer": 'odata.include-annotations="*"'},
    )
    assert annotated.status_code == 200


def test_delete_then_retrieve_is_404(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Doomed"})
    assert client.delete(f"{API}/accounts({account_id})").status_code == 204
    assert client.get(f"{API}/accounts({account_id})").status_code == 404
    assert client.delete(f"{API}/accounts({account_id})").status_code == 404


def test_single_property_get_put_delete(client: TestClient) -> None:
    account_id = create(client, "accounts", {"name": "Props", "telephone1": "555-0100"})
    assert client.get(f"{API}/accounts({account_id})/telephone1").json()["value"] == "555-0100"
    assert client.get(f"{API}/accounts({account_id})/telephone1/$value").text == "555-0100"
    assert (
        client.put(f"{API}/accounts({account_id})/telephone1", json={"value": "555-0199"}).status_code == 204
    )
    assert client.get(f"{API}/accounts({account_id})/telephone1").json()["value"] == "555-0199"
    assert client.delete(f"{API}/accounts({account_id})/telephone1").status_code == 204
    assert client.get(f"{API}/accounts({account_id})/telephone1").status_code == 204


def test_defaults_and_derived_columns_on_create(client: TestClient) -> None:
    contact_id = create(client, "contacts", {"firstname": "Ada", "lastname": "Lovelace"})
    body = client.get(f"{API}/contacts({contact_id})").json()
    assert body["fullname"] == "Ada Lovelace"
    assert (body["statecode"], body["statuscode"]) == (0, 1)
    who = client.get(f"{API}/WhoAmI").json()
    assert body["_ownerid_value"] == body["_createdby_value"] == who["UserId"]
    assert body["_owningbusinessunit_value"] == who["BusinessUnitId"]
    assert body["createdon"] == "2026-01-01T00:00:00Z"


def test_a_note_knows_the_size_of_its_file(client: TestClient) -> None:
    note_id = create(
        client, "annotations", {"notetext": "x", "documentbody": "iVBORw0KGgo=", "filename": "a.png"}
    )
    body = client.get(f"{API}/annotations({note_id})").json()
    assert (body["filesize"], body["isdocument"]) == (8, True)  # 12 base64 characters, one of them padding
    assert client.patch(f"{API}/annotations({note_id})", json={"documentbody": None}).status_code == 204
    body = client.get(f"{API}/annotations({note_id})").json()
    assert (body["filesize"], body["isdocument"]) == (0, False)


def test_state_change_fills_default_status_and_bad_pairs_fail(client: TestClient) -> None:
    task_id = create(client, "tasks", {"subject": "Call back"})
    assert client.patch(f"{API}/tasks({task_id})", json={"statecode": 1}).status_code == 204
    assert client.get(f"{API}/tasks({task_id})/statuscode").json()["value"] == 5
    bad = client.patch(f"{API}/tasks({task_id})", json={"statecode": 0, "statuscode": 5})
    assert bad.status_code == 400


def test_activities_appear_in_activitypointers(client: TestClient) -> None:
    task_id = create(client, "tasks", {"subject": "Pointer"})
    pointer = client.get(f"{API}/activitypointers({task_id})").json()
    assert (pointer["subject"], pointer["activitytypecode"]) == ("Pointer", "task")
    assert client.post(f"{API}/activitypointers", json={"subject": "x"}).status_code == 405
    assert client.delete(f"{API}/activitypointers({task_id})").status_code == 204
    assert client.get(f"{API}/tasks({task_id})").status_code == 404


def test_invalid_values_are_400_and_write_nothing(client: TestClient) -> None:
    count_before = client.get(f"{API}/accounts/$count").text
    for body in (
        {"name": 5},
        {"name": "x" * 161},
        {"industrycode": 999},
        {"numberofemployees": "many"},
        {"nosuchcolumn": 1},
        {"creditonhold": "yes"},
        {"_primarycontactid_value": "x"},
    ):
        response = client.post(f"{API}/accounts", json=body)
        assert response.status_code == 400, (body, response.text)
        assert set(response.json()["error"]) == {"code", "message"}
    assert client.get(f"{API}/accounts/$count").text == count_before


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        f"{API}/accounts", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("The request body is not valid JSON")
