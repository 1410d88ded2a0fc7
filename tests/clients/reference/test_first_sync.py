"""First contact: configure, then the first sync downloads every offline entity."""

from __future__ import annotations

import pytest

from clients.reference import OFFLINE_COMMANDS, ReferenceClient
from tests.clients.conftest import TOKEN, Device, Organization


def test_first_sync_downloads_the_offline_entities(organization: Organization) -> None:
    device = Device()
    assert (
        device.call("configure", server_url=organization.server_url, token=TOKEN, **organization.connection)
        == {}
    )
    result = device.call("sync")
    details = device.sync_details()
    assert set(details.downloaded) == set(OFFLINE_COMMANDS)
    assert result == {"uploaded": 0, "downloaded": sum(details.downloaded.values()), "errors": []}
    for entity, entity_set, key in [
        ("account", "accounts", "accountid"),
        ("contact", "contacts", "contactid"),
        ("lead", "leads", "leadid"),
        ("activitypointer", "activitypointers", "activityid"),
    ]:
        local = device.call("local_records", entity=entity)["records"]
        server = organization.get(f"{entity_set}?$select={key}")["value"]
        assert sorted(r[key] for r in local) == sorted(r[key] for r in server)
        assert details.downloaded[entity] == len(server)
    contact = device.first("contact")
    assert "@" not in "".join(contact)  # annotations stay on the wire
    device.call("shutdown")


def test_the_ca_can_come_from_the_environment(
    loopback_organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", loopback_organization.connection["ca_file"])
    client = ReferenceClient()
    configure = {"cmd": "configure", "id": 1, "server_url": loopback_organization.server_url, "token": TOKEN}
    assert client.handle(configure) == {"id": 1, "result": {}}
    assert "result" in client.handle({"cmd": "sync", "id": 2})
    client.close()
