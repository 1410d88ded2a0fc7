"""First contact: configure, then the first sync downloads, for every offline entity, exactly the rows
the profile's rules select (the server's own download plan is the yardstick)."""

from __future__ import annotations

import pytest

from clients.reference import OFFLINE_COMMANDS, ReferenceClient
from tests.clients.conftest import Device, Organization


def test_first_sync_downloads_the_offline_entities(organization: Organization) -> None:
    device = Device()
    assert device.call("configure", **organization.configuration) == {}
    result = device.call("sync")
    details = device.sync_details()
    assert set(details.downloaded) == {*OFFLINE_COMMANDS, "annotation"}  # and the notes of those rows
    assert result == {"uploaded": 0, "downloaded": sum(details.downloaded.values()), "errors": []}
    for entity in OFFLINE_COMMANDS:  # exactly the rows the server's plan gives the user
        primary = organization.dataverse.primary_id(entity)
        local = {str(r[primary]) for r in device.call("local_records", entity=entity)["records"]}
        assert local == organization.plan(entity), entity
        assert details.downloaded[entity] == len(local)
    assert sum(details.downloaded.values()) > 0
    contact = device.first("contact")
    assert "@" not in "".join(contact)  # annotations stay on the wire
    device.call("shutdown")


def test_the_ca_can_come_from_the_environment(
    loopback_organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", loopback_organization.connection["ca_file"])
    client = ReferenceClient()
    configure = {
        "cmd": "configure",
        "id": 1,
        "server_url": loopback_organization.server_url,
        "token": loopback_organization.token,
    }
    assert client.handle(configure) == {"id": 1, "result": {}}
    assert "result" in client.handle({"cmd": "sync", "id": 2})
    client.close()


def _profile(organization: Organization, name: str, items: list[dict[str, object]]) -> str:
    created = organization.admin.post(
        "mobileofflineprofiles", json={"name": name}, headers={"Prefer": "return=representation"}
    )
    created.raise_for_status()
    profile_id = str(created.json()["mobileofflineprofileid"])
    for item in items:
        bind = {"regardingobjectid@odata.bind": f"/mobileofflineprofiles({profile_id})"}
        organization.admin.post("mobileofflineprofileitems", json={**item, **bind}).raise_for_status()
    organization.assign_profile(profile_id)
    return profile_id


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([{"name": "a", "selectedentitytypecode": "account"}], id="org-data-filter-only"),
        pytest.param(
            [
                {
                    "name": "a",
                    "selectedentitytypecode": "account",
                    "recorddistributioncriteria": 2,
                    "recordsownedbymybusinessunit": True,
                },
                {
                    "name": "l",
                    "selectedentitytypecode": "lead",
                    "recorddistributioncriteria": 3,
                    "recordsownedbyme": True,
                    "profileitementityfilter": '<fetch><entity name="lead"><filter>'
                    '<condition attribute="statecode" operator="eq" value="0" /></filter></entity></fetch>',
                },
            ],
            id="business-unit-and-custom",
        ),
    ],
)
def test_other_rules_download_what_the_server_plans(
    organization: Organization, items: list[dict[str, object]]
) -> None:
    """Rules the seeded profile does not use: the org data filter alone (also after the clock has
    moved on), my business unit's records, a custom filter with my records."""
    _profile(organization, "Rules", items)
    device = Device()
    device.call("configure", **organization.configuration)
    entities = [str(item["selectedentitytypecode"]) for item in items]
    for _ in range(2):
        device.call("sync")
        for entity in entities:
            primary = organization.dataverse.primary_id(entity)
            local = {str(r[primary]) for r in device.call("local_records", entity=entity)["records"]}
            assert local == organization.plan(entity), entity
        organization.admin.post(
            f"{organization.origin}/_mock/clock", json={"advance": {"days": 40}}
        ).raise_for_status()
    device.call("shutdown")
