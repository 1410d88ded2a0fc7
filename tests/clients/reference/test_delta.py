"""Downloads after the first sync are deltas: server changes and deletions reach the device
(MO-SYNC-004), an expired delta token starts the entity afresh, and a failed sync keeps the
queue."""

from __future__ import annotations

from typing import Any

from tests.clients.conftest import Device, Organization


def _ids(rows: list[dict[str, Any]], key: str) -> set[str]:
    return {str(r[key]) for r in rows}


def test_server_changes_and_deletions_reach_the_device_at_the_next_sync(
    device: Device, organization: Organization
) -> None:
    accounts = device.call("local_records", entity="account")["records"]
    contacts = device.call("local_records", entity="contact")["records"]
    changed, deleted = accounts[0]["accountid"], contacts[0]["contactid"]
    organization.admin.patch(
        f"accounts({changed})", json={"name": "Changed on the server"}
    ).raise_for_status()
    organization.admin.delete(f"contacts({deleted})").raise_for_status()
    mine = {"ownerid@odata.bind": f"/systemusers({organization.user_id})"}
    organization.admin.post("accounts", json={"name": "New on the server", **mine}).raise_for_status()
    organization.admin.post("accounts", json={"name": "Someone else's"}).raise_for_status()

    device.call("sync")
    details = device.sync_details()

    assert details.downloaded["account"] == 2  # the change and the new row, not every account
    assert details.removed["contact"] >= 1
    assert device.call("retrieve", entity="account", record_id=changed)["record"]["name"] == (
        "Changed on the server"
    )
    assert device.refuse("retrieve", entity="contact", record_id=deleted) == "not_found"
    assert device.call("query", entity="account", filter={"name": "New on the server"})["records"]
    assert not device.call("query", entity="account", filter={"name": "Someone else's"})["records"]
    local_contacts = device.call("local_records", entity="contact")["records"]
    assert _ids(local_contacts, "contactid") == organization.plan("contact")


def test_an_unchanged_server_downloads_nothing(device: Device) -> None:
    assert device.call("sync") == {"uploaded": 0, "downloaded": 0, "errors": []}
    assert set(device.sync_details().removed.values()) == {0}


def test_an_expired_delta_token_starts_the_entity_afresh(device: Device, organization: Organization) -> None:
    organization.admin.post(
        f"{organization.origin}/_mock/clock", json={"advance": {"days": 8}}
    ).raise_for_status()
    device.call("sync")
    assert device.sync_details().downloaded["account"] == len(organization.plan("account"))


def test_a_sync_that_cannot_reach_the_server_fails_and_keeps_the_queue(organization: Organization) -> None:
    device = Device()
    device.call("configure", **organization.configuration)
    device.call("sync")
    device.call("create", entity="account", values={"name": "Queued"})
    engine = device.client.engine
    assert engine is not None
    # The connection drops, then the service is unavailable.
    for fault in ({"kind": "drop"}, {"kind": "status", "status": 503}):
        fault |= {"path": r".*/\$batch", "method": "POST"}
        organization.admin.post(f"{organization.origin}/_mock/faults", json=fault).raise_for_status()
        assert device.refuse("sync") == "sync_failed"
        assert [c.operation for c in engine.store.queue()] == ["create"]
    assert device.call("sync")["uploaded"] == 1
    assert len(organization.get("accounts?$filter=name eq 'Queued'")["value"]) == 1
    device.call("shutdown")
