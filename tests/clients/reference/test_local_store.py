"""The device's SQLite store: records, the ordered queue, the id map and sync state."""

from __future__ import annotations

import pytest

from clients.reference.local_store import LocalStore


def test_records_are_kept_per_entity_and_rekeyed_after_upload() -> None:
    store = LocalStore()
    store.put("account", "offline-1", {"accountid": "offline-1", "name": "A"})
    assert store.get("contact", "offline-1") is None
    store.rekey("account", "offline-1", "server-1", "accountid")
    assert store.get("account", "offline-1") is None
    assert store.records("account") == [{"accountid": "server-1", "name": "A"}]
    assert store.ids("account") == {"server-1"} and store.ids("contact") == frozenset()
    assert store.remove("account", "server-1") and not store.remove("account", "server-1")
    with pytest.raises(ValueError):
        store.records("account; DROP TABLE upload_queue")


def test_the_queue_keeps_its_order_and_the_id_map_resolves() -> None:
    store = LocalStore()
    store.enqueue("account", "create", "a", {"values": {"name": "A"}})
    store.enqueue("account", "update", "a", {"values": {"name": "B"}})
    store.enqueue("contact", "delete", "c", {})
    queue = store.queue()
    assert [(c.operation, c.record_id) for c in queue] == [("create", "a"), ("update", "a"), ("delete", "c")]
    store.dequeue([queue[0].seq])
    assert [c.seq for c in store.queue()] == [queue[1].seq, queue[2].seq]
    store.map_id("a", "server-a")
    assert (store.server_id("a"), store.server_id("other")) == ("server-a", "other")


def test_delta_links_and_metadata() -> None:
    store = LocalStore()
    assert store.delta_link("account") is None
    store.set_delta_link("account", "accounts?$deltatoken=1")
    assert store.delta_link("account") == "accounts?$deltatoken=1"
    store.set_delta_link("account", None)
    assert store.delta_link("account") is None
    store.save_metadata({"account": {"entity_set": "accounts"}})
    assert store.metadata() == {"account": {"entity_set": "accounts"}}
