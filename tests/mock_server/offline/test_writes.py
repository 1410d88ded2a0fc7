"""Profile rules hold on every write path: ``$batch`` change sets and ``CreateMultiple``."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.offline.profiles import new_profile
from tests.mock_server.test_batch import batch, change_set, part


def _count(client: TestClient, profile_id: str) -> int:
    url = f"{API}/mobileofflineprofileitems/$count?$filter=_regardingobjectid_value eq {profile_id}"
    return int(client.get(url).text)


def test_batch_change_set_is_refused_whole(client: TestClient) -> None:
    profile = new_profile(client)
    bind = f"/mobileofflineprofiles({profile})"
    good = {"name": "lead", "regardingobjectid@odata.bind": bind, "selectedentitytypecode": "lead"}
    bad = {**good, "name": "task", "selectedentitytypecode": "task", "recorddistributioncriteria": 2}
    status, _, text = batch(
        client,
        [
            change_set(
                "changeset_X",
                [
                    part("POST", "mobileofflineprofileitems", good, "1"),
                    part("POST", "mobileofflineprofileitems", bad, "2"),
                ],
            )
        ],
    )
    assert status == 200
    assert "0x80071138" in text
    assert _count(client, profile) == 0


def test_create_multiple_is_checked(client: TestClient) -> None:
    profile = new_profile(client)
    target = {
        "@odata.type": "Microsoft.Dynamics.CRM.mobileofflineprofileitem",
        "name": "product",
        "regardingobjectid@odata.bind": f"/mobileofflineprofiles({profile})",
        "selectedentitytypecode": "product",
        "recorddistributioncriteria": 1,
        "recordsownedbymybusinessunit": True,
    }
    response = client.post(
        f"{API}/mobileofflineprofileitems/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": [target]}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "0x800711F3"
    assert _count(client, profile) == 0


def test_deleting_a_profile_deletes_its_items_and_unassigns_users(client: TestClient) -> None:
    profile = new_profile(client)
    bind = {"regardingobjectid@odata.bind": f"/mobileofflineprofiles({profile})"}
    client.post(
        f"{API}/mobileofflineprofileitems", json={"name": "lead", "selectedentitytypecode": "lead", **bind}
    )
    user = client.get(f"{API}/WhoAmI").json()["UserId"]
    body = {"mobileofflineprofileid@odata.bind": f"/mobileofflineprofiles({profile})"}
    assert client.patch(f"{API}/systemusers({user})", json=body).status_code == 204
    assert client.delete(f"{API}/mobileofflineprofiles({profile})").status_code == 204
    assert _count(client, profile) == 0
    assert client.get(f"{API}/systemusers({user})").json()["_mobileofflineprofileid_value"] is None


def test_conflict_detection_setting_is_readable_and_writable(client: TestClient) -> None:
    (organization,) = client.get(f"{API}/organizations").json()["value"]
    assert organization["isconflictdetectionenabledformobileclient"] in (False, None)
    assert organization["mobileofflinedefaultfilterdays"] == 10
    url = f"{API}/organizations({organization['organizationid']})"
    assert client.patch(url, json={"isconflictdetectionenabledformobileclient": True}).status_code == 204
    assert client.get(url).json()["isconflictdetectionenabledformobileclient"] is True
