"""Change tracking: delta links, deleted entries, refusals, expiry, and a long sync against it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.test_webapi_records import create

TRACK = {"Prefer": "odata.track-changes"}


def relative(link: str) -> str:
    return link.split("https://testserver", 1)[1]


def read_all(client: TestClient, url: str, headers: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
    """Follow next links to the end; the rows and the delta link."""
    rows: list[dict[str, Any]] = []
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["value"]
        if "@odata.nextLink" in body:
            url = relative(body["@odata.nextLink"])
            continue
        return rows, relative(body["@odata.deltaLink"])


def test_initial_query_then_delta_with_changes_and_deletions(client: TestClient) -> None:
    for name in ("Rival A", "Rival B"):
        create(client, "competitors", {"name": name})
    response = client.get(f"{API}/competitors?$select=name", headers=TRACK)
    assert response.headers["Preference-Applied"] == "odata.track-changes"
    body = response.json()
    assert "$deltatoken=" in body["@odata.deltaLink"]
    first = {r["competitorid"] for r in body["value"]}
    delta_link = relative(body["@odata.deltaLink"])

    assert len(first) >= 2
    added = create(client, "competitors", {"name": "New rival"})
    changed, doomed = sorted(first)[0], sorted(first)[-1]
    client.patch(f"{API}/competitors({changed})", json={"name": "Renamed rival"})
    client.delete(f"{API}/competitors({doomed})")

    delta = client.get(delta_link).json()
    assert delta["@odata.context"].endswith("$metadata#competitors(name)/$delta")
    updated = {r["competitorid"]: r["name"] for r in delta["value"] if "competitorid" in r}
    assert updated == {added: "New rival", changed: "Renamed rival"}
    deleted = [r for r in delta["value"] if r.get("reason") == "deleted"]
    assert deleted == [
        {
            "@odata.context": f"https://testserver{API}/$metadata#competitors/$deletedEntity",
            "id": doomed,
            "reason": "deleted",
        }
    ]
    assert client.get(relative(delta["@odata.deltaLink"])).json()["value"] == []


def test_created_then_deleted_between_syncs_comes_back_as_deleted(client: TestClient) -> None:
    delta_link = read_all(client, f"{API}/competitors?$select=name", TRACK)[1]
    short_lived = create(client, "competitors", {"name": "Blink"})
    client.delete(f"{API}/competitors({short_lived})")
    value = client.get(delta_link).json()["value"]
    assert value == [
        {
            "@odata.context": f"https://testserver{API}/$metadata#competitors/$deletedEntity",
            "id": short_lived,
            "reason": "deleted",
        }
    ]
    assert client.get(f"{API}/competitors/$count?{delta_link.split('?', 1)[1]}").text == "1"


def test_paged_initial_query_and_delta(client: TestClient) -> None:
    headers = {"Prefer": "odata.track-changes,odata.maxpagesize=2"}
    rows, delta_link = read_all(client, f"{API}/accounts?$select=name", headers)
    everything = client.get(f"{API}/accounts?$select=name").json()["value"]
    assert sorted(r["accountid"] for r in rows) == sorted(r["accountid"] for r in everything)
    for i in range(5):
        create(client, "accounts", {"name": f"Paged {i}"})
    changed, _ = read_all(client, delta_link, {"Prefer": "odata.maxpagesize=2"})
    assert [r["name"] for r in changed] == [f"Paged {i}" for i in range(5)]


@pytest.mark.parametrize(
    "option", ["$filter=name ne null", "$orderby=name", "$top=5", "$expand=primarycontactid"]
)
def test_options_refused_with_change_tracking(client: TestClient, option: str) -> None:
    response = client.get(f"{API}/accounts?$select=name&{option}", headers=TRACK)
    assert response.status_code == 400
    name = option.split("=", 1)[0]
    assert response.json()["error"]["message"] == (
        f'The "{name}" query parameter isn\'t supported when Change Tracking is enabled.'
    )


def test_malformed_and_expired_tokens(client: TestClient) -> None:
    assert client.get(f"{API}/accounts?$deltatoken=nonsense").status_code == 400
    delta_link = read_all(client, f"{API}/accounts?$select=name", TRACK)[1]
    client.post("/_mock/clock", json={"advance": {"days": 6}})
    assert client.get(delta_link).status_code == 200
    client.post("/_mock/clock", json={"advance": {"days": 2}})
    expired = client.get(delta_link)
    assert expired.status_code == 400
    assert expired.json()["error"]["code"] == "0x80044352"


def test_token_lifetime_follows_the_organization_setting(client: TestClient) -> None:
    organization = client.get(f"{API}/organizations?$select=expirechangetrackingindays").json()["value"][0]
    client.patch(
        f"{API}/organizations({organization['organizationid']})", json={"expirechangetrackingindays": 2}
    )
    delta_link = read_all(client, f"{API}/accounts?$select=name", TRACK)[1]
    client.post("/_mock/clock", json={"advance": {"days": 3}})
    assert client.get(delta_link).status_code == 400


def test_fifty_rounds_of_random_changes_rebuild_the_table_from_deltas(client: TestClient) -> None:
    rng = random.Random(7)
    url = f"{API}/contacts?$select=lastname,telephone1"
    rows, delta_link = read_all(client, url, TRACK)
    mirror = {r["contactid"]: (r["lastname"], r["telephone1"]) for r in rows}
    for round_number in range(50):
        ids = sorted(mirror)
        for _ in range(rng.randint(1, 6)):
            action = rng.choice(["create", "update", "delete"])
            if action == "create" or not ids:
                created = create(
                    client, "contacts", {"lastname": f"R{round_number}", "telephone1": str(rng.random())}
                )
                ids.append(created)
            elif action == "update":
                client.patch(f"{API}/contacts({rng.choice(ids)})", json={"telephone1": str(rng.random())})
            else:
                victim = ids.pop(rng.randrange(len(ids)))
                assert client.delete(f"{API}/contacts({victim})").status_code == 204
        changes, delta_link = read_all(client, delta_link, {"Prefer": "odata.maxpagesize=3"})
        for change in changes:
            if change.get("reason") == "deleted":
                mirror.pop(change["id"], None)
            else:
                mirror[change["contactid"]] = (change["lastname"], change["telephone1"])
        full = client.get(url).json()["value"]
        assert mirror == {r["contactid"]: (r["lastname"], r["telephone1"]) for r in full}, round_number
