"""The seeded Field Sales profile: published, valid, covering the offline entities, assigned to the
salespeople, readable through the Web API, the same on every run."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.offline.profile import OFFLINE_ENTITIES
from mock_server.seed.offline import SALES_TITLES
from tests.conftest import ADMIN_HEADERS, API
from tests.mock_server.offline.profiles import field_sales_id, validate


def test_field_sales_is_published_and_valid(client: TestClient) -> None:
    profile_id = field_sales_id(client)
    profile = client.get(f"{API}/mobileofflineprofiles({profile_id})").json()
    assert (profile["componentstate"], profile["isvalidated"]) == (0, True)
    assert profile["publishedon"] is not None
    report = validate(client, profile_id)
    assert report == {
        "@odata.context": f"https://testserver{API}/$metadata#Microsoft.Dynamics.CRM."
        "ValidateMobileOfflineProfileResponse",
        "IsValid": True,
        "Errors": [],
        "Warnings": [],
    }


def test_field_sales_covers_every_offline_entity(client: TestClient) -> None:
    profile_id = field_sales_id(client)
    url = (
        f"{API}/mobileofflineprofiles({profile_id})?$expand=MobileOfflineProfile_MobileOfflineProfileItem"
        "($select=selectedentitytypecode,recorddistributioncriteria,dayssincerecordlastmodified)"
    )
    items = client.get(url).json()["MobileOfflineProfile_MobileOfflineProfileItem"]
    assert {i["selectedentitytypecode"] for i in items} == OFFLINE_ENTITIES
    assert {i["dayssincerecordlastmodified"] for i in items} == {10}
    by_entity = {i["selectedentitytypecode"]: i["recorddistributioncriteria"] for i in items}
    assert by_entity["contact"] == 0 and by_entity["product"] == 1 and by_entity["account"] == 2
    assert by_entity["appointment"] == 3
    associations = client.get(
        f"{API}/mobileofflineprofileitemassociations?$select=selectedrelationshipsschema"
    ).json()["value"]
    assert {a["selectedrelationshipsschema"] for a in associations} == {
        "contact_customer_accounts",
        "product_opportunities",
        "incident_customer_contacts",
        "email_activity_mime_attachment",
        "competitor_addresses",
    }


def test_salespeople_are_assigned_to_field_sales(client: TestClient) -> None:
    profile_id = field_sales_id(client)
    users = client.get(f"{API}/systemusers?$select=title,_mobileofflineprofileid_value").json()["value"]
    assigned = [u for u in users if u["_mobileofflineprofileid_value"] == profile_id]
    assert assigned and all(u["title"] in SALES_TITLES for u in assigned)
    assert all(u["_mobileofflineprofileid_value"] is None for u in users if u["title"] not in SALES_TITLES)
    expanded = client.get(
        f"{API}/systemusers({assigned[0]['systemuserid']})?$expand=mobileofflineprofileid($select=name)"
    ).json()
    assert expanded["mobileofflineprofileid"]["name"] == "Field Sales"


def test_a_user_moves_to_another_profile_by_update(client: TestClient) -> None:
    """A user belongs to one profile: assigning another replaces it."""
    other = client.post(f"{API}/mobileofflineprofiles", json={"name": "Service"})
    other_id = other.headers["OData-EntityId"].rsplit("(", 1)[1].rstrip(")")
    users = client.get(f"{API}/systemusers?$filter=_mobileofflineprofileid_value ne null&$top=1").json()
    user_id = users["value"][0]["systemuserid"]
    body = {"mobileofflineprofileid@odata.bind": f"/mobileofflineprofiles({other_id})"}
    assert client.patch(f"{API}/systemusers({user_id})", json=body).status_code == 204
    assert client.get(f"{API}/systemusers({user_id})").json()["_mobileofflineprofileid_value"] == other_id


def test_seeded_profile_is_deterministic() -> None:
    def snapshot() -> list[tuple[object, ...]]:
        app = create_app(Settings(scale=5))
        with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as c:
            rows = c.get(f"{API}/mobileofflineprofileitems?$orderby=name").json()["value"]
            return [(r["mobileofflineprofileitemid"], r["name"], r["versionnumber"]) for r in rows]

    assert snapshot() == snapshot()
