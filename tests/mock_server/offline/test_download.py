"""The rows a profile item downloads (``download_plan``, ``RetrieveMobileOfflineRecordIds``),
checked against the seeded data computed independently through the Web API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.offline import download_plan
from mock_server.store.query import Caller
from tests.conftest import ADMIN_HEADERS, API
from tests.mock_server.offline.profiles import field_sales_id, new_item, new_profile

FUNCTION = "Microsoft.Dynamics.CRM.RetrieveMobileOfflineRecordIds"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def big() -> Iterator[TestClient]:
    """A larger seed, so every set a rule picks is non-trivial."""
    app = create_app(Settings(scale=60))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as test_client:
        yield test_client


def _rows(client: TestClient, url: str) -> list[dict[str, Any]]:
    body = client.get(f"{API}/{url}", headers={"Prefer": "odata.maxpagesize=5000"}).json()
    assert "@odata.nextLink" not in body
    rows: list[dict[str, Any]] = body["value"]
    return rows


def _ids(client: TestClient, profile_id: str, user_id: str, entity: str) -> list[str]:
    url = f"{API}/mobileofflineprofiles({profile_id})/{FUNCTION}(UserId={user_id},EntityName='{entity}')"
    response = client.get(url)
    assert response.status_code == 200, response.text
    (found,) = response.json()["Entities"]
    assert found["EntityName"] == entity
    return list(found["RecordIds"])


def _teams(client: TestClient, user_id: str) -> set[str]:
    rows = _rows(client, f"systemusers({user_id})/teammembership_association?$select=teamid")
    return {r["teamid"] for r in rows}


def _seller(client: TestClient) -> dict[str, Any]:
    """The assigned salesperson who owns the most accounts."""
    users = _rows(
        client, "systemusers?$filter=_mobileofflineprofileid_value ne null&$select=_businessunitid_value"
    )
    accounts = _rows(client, "accounts?$select=_owninguser_value")
    owned = {
        u["systemuserid"]: sum(a["_owninguser_value"] == u["systemuserid"] for a in accounts) for u in users
    }
    user_id = max(sorted(owned), key=lambda u: owned[u])
    return next(u for u in users if u["systemuserid"] == user_id)


def test_other_data_filter_is_the_union_of_my_and_my_teams_records(big: TestClient) -> None:
    """MO-RULE-004: Field Sales' accounts are mine or my teams'."""
    seller = _seller(big)
    user_id, teams = seller["systemuserid"], _teams(big, seller["systemuserid"])
    accounts = _rows(big, "accounts?$select=_owninguser_value,_owningteam_value")
    expected = sorted(
        a["accountid"]
        for a in accounts
        if a["_owninguser_value"] == user_id or a["_owningteam_value"] in teams
    )
    assert expected and len(expected) < len(accounts)
    assert _ids(big, field_sales_id(big), user_id, "account") == expected


def test_business_unit_filter_selects_the_users_unit(big: TestClient) -> None:
    seller = _seller(big)
    profile = new_profile(big)
    new_item(big, profile, "lead", recorddistributioncriteria=2, recordsownedbymybusinessunit=True)
    new_item(big, profile, "team", recorddistributioncriteria=2, recordsownedbymybusinessunit=True)
    leads = _rows(big, "leads?$select=_owningbusinessunit_value")
    unit = seller["_businessunitid_value"]
    expected = sorted(lead["leadid"] for lead in leads if lead["_owningbusinessunit_value"] == unit)
    assert _ids(big, profile, seller["systemuserid"], "lead") == expected
    teams = sorted(
        t["teamid"]
        for t in _rows(big, "teams?$select=_businessunitid_value")
        if t["_businessunitid_value"] == unit
    )
    assert _ids(big, profile, seller["systemuserid"], "team") == teams


def test_related_only_follows_the_associations(big: TestClient) -> None:
    """MO-RULE-003: contacts of my accounts (1:M) and the contacts my cases name (M:1)."""
    seller = _seller(big)
    profile_id, user_id = field_sales_id(big), seller["systemuserid"]
    accounts = set(_ids(big, profile_id, user_id, "account"))
    incidents = set(_ids(big, profile_id, user_id, "incident"))
    contacts = _rows(big, "contacts?$select=_parentcustomerid_value")
    cases = _rows(big, "incidents?$select=_customerid_value")
    contact_ids = {c["contactid"] for c in contacts}
    expected = {c["contactid"] for c in contacts if c["_parentcustomerid_value"] in accounts} | {
        i["_customerid_value"]
        for i in cases
        if i["incidentid"] in incidents and i["_customerid_value"] in contact_ids
    }
    assert expected and len(expected) < len(contacts)
    assert _ids(big, profile_id, user_id, "contact") == sorted(expected)
    opportunities = set(_ids(big, profile_id, user_id, "opportunity"))
    lines = _rows(big, "opportunityproducts?$select=_opportunityid_value")
    expected_lines = sorted(
        r["opportunityproductid"] for r in lines if r["_opportunityid_value"] in opportunities
    )
    assert _ids(big, profile_id, user_id, "opportunityproduct") == expected_lines


def test_all_records_and_custom_filter(big: TestClient) -> None:
    """MO-RULE-002 and MO-RULE-005: every product; my open appointments."""
    seller = _seller(big)
    profile_id, user_id = field_sales_id(big), seller["systemuserid"]
    products = sorted(p["productid"] for p in _rows(big, "products?$select=name"))
    assert _ids(big, profile_id, user_id, "product") == products
    appointments = _rows(big, "appointments?$select=_owninguser_value,statecode")
    expected = sorted(
        a["activityid"] for a in appointments if a["_owninguser_value"] == user_id and a["statecode"] == 0
    )
    assert expected
    assert _ids(big, profile_id, user_id, "appointment") == expected


def test_org_data_filter_alone_downloads_the_last_ten_days(big: TestClient) -> None:
    """MO-ORG-001 and MO-RULE-001: no rule downloads what the org data filter selects, on the mock
    clock; without the org data filter either, nothing."""
    seller = _seller(big)
    profile = new_profile(big)
    item = new_item(big, profile, "lead")
    leads = _rows(big, "leads?$select=modifiedon")
    since = NOW - timedelta(days=10)
    recent = sorted(
        lead["leadid"]
        for lead in leads
        if datetime.fromisoformat(lead["modifiedon"].replace("Z", "+00:00")) >= since
    )
    assert recent and len(recent) < len(leads)
    assert _ids(big, profile, seller["systemuserid"], "lead") == recent
    big.post("/_mock/clock", json={"advance": {"days": 30}})
    assert _ids(big, profile, seller["systemuserid"], "lead") == []
    big.patch(f"{API}/mobileofflineprofileitems({item})", json={"dayssincerecordlastmodified": 60})
    assert len(_ids(big, profile, seller["systemuserid"], "lead")) > len(recent)
    big.patch(f"{API}/mobileofflineprofileitems({item})", json={"dayssincerecordlastmodified": None})
    assert _ids(big, profile, seller["systemuserid"], "lead") == []


def test_download_plan_is_a_python_function(client: TestClient) -> None:
    """The harness calls ``download_plan`` directly; it agrees with the Web API function."""
    profile_id = field_sales_id(client)
    items = _rows(client, "mobileofflineprofileitems?$filter=selectedentitytypecode eq 'position'")
    state = client.app.state.mock  # type: ignore[attr-defined]
    user = client.get(f"{API}/WhoAmI").json()
    caller = Caller(user["UserId"], user["BusinessUnitId"], (), NOW)
    with state.db.reading() as conn:
        plan = download_plan(conn, items[0]["mobileofflineprofileitemid"], caller)
        assert plan.entity.logical_name == "position"
        ids = plan.row_ids(conn)
    assert ids == _ids(client, profile_id, user["UserId"], "position") and ids


def test_record_ids_default_to_the_caller_and_every_entity(client: TestClient) -> None:
    profile_id = field_sales_id(client)
    response = client.get(f"{API}/mobileofflineprofiles({profile_id})/{FUNCTION}()")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["UserId"] == client.get(f"{API}/WhoAmI").json()["UserId"]
    assert len(body["Entities"]) == 21
    unknown = client.get(f"{API}/mobileofflineprofiles({profile_id})/{FUNCTION}(EntityName='savedquery')")
    assert unknown.status_code == 400


def _at(client: TestClient, moment: datetime) -> None:
    response = client.post("/_mock/clock", json={"now": moment.isoformat()})
    assert response.status_code == 200, response.text


def test_org_data_filter_counts_whole_days_from_midnight(client: TestClient) -> None:
    """MO-ORG-001: "modified in the last 10 days" is Modified On - Last X Days: from midnight ten
    days ago to now, on the mock clock, and nothing older."""
    profile = new_profile(client)
    new_item(client, profile, "lead", dayssincerecordlastmodified=10)
    _at(client, NOW + timedelta(hours=6))
    created = client.post(f"{API}/leads", json={"subject": "Edge", "lastname": "Edge"})
    edge = created.headers["OData-EntityId"].rsplit("(", 1)[1].rstrip(")")
    admin = client.get(f"{API}/WhoAmI").json()["UserId"]
    _at(client, NOW + timedelta(days=10, hours=18))  # midnight ten days ago: NOW, before the edit
    assert edge in _ids(client, profile, admin, "lead")
    _at(client, NOW + timedelta(days=11))  # midnight ten days ago is now after it
    assert edge not in _ids(client, profile, admin, "lead")


def test_a_rule_downloads_its_set_whatever_the_org_data_filter(client: TestClient) -> None:
    """MO-RULE-002 with MO-ORG-001: the org data filter stands in only for a missing rule; "All
    records" downloads old rows too."""
    profile = new_profile(client)
    new_item(client, profile, "lead", recorddistributioncriteria=1, dayssincerecordlastmodified=10)
    admin = client.get(f"{API}/WhoAmI").json()["UserId"]
    everything = sorted(r["leadid"] for r in _rows(client, "leads?$select=leadid"))
    _at(client, NOW + timedelta(days=365))
    assert everything and _ids(client, profile, admin, "lead") == everything
