"""How the sync engine cuts the queue into change sets and chooses the qualification request."""

from __future__ import annotations

from typing import Any

import httpx

from clients.reference.local_store import LocalStore, QueuedChange
from clients.reference.sync import QUALIFY_PARAMETERS, SyncEngine, group_changes
from clients.reference.webapi import EntityInfo, WebApi


def _change(seq: int, operation: str, record_id: str, **values: Any) -> QueuedChange:
    return QueuedChange(seq, "contact", operation, record_id, {"values": values})


def test_writes_linked_through_an_offline_record_share_a_change_set() -> None:
    queue = [
        _change(1, "create", "a"),
        _change(2, "update", "server-1", name="x"),
        _change(3, "create", "b", parentcustomerid={"entity": "account", "id": "a"}),
        _change(4, "create", "c"),
        _change(5, "update", "a", name="y"),
        _change(6, "update", "c", parentcustomerid={"entity": "contact", "id": "b"}),
        _change(7, "delete", "server-2"),
    ]
    groups = [[c.seq for c in group] for group in group_changes(queue)]
    assert groups == [[1, 3, 4, 5, 6], [2], [7]]


def _engine(handler: Any) -> tuple[SyncEngine, LocalStore]:
    store = LocalStore()
    leads = EntityInfo("lead", "leads", "leadid", "fullname")
    store.save_metadata({"lead": leads.as_json()})
    api = WebApi("https://org.example/api/data/v9.2/", "t", transport=httpx.MockTransport(handler))
    return SyncEngine(store, api), store


def _error(code: str) -> httpx.Response:
    return httpx.Response(404, json={"error": {"code": code, "message": "not found"}})


def test_the_qualify_lead_action_is_used_when_the_server_has_it() -> None:
    engine, store = _engine(lambda request: _error("0x80040217"))  # 'no such lead': the action exists
    assert engine.has_qualify_action()
    store.enqueue("lead", "qualify", "lead-1", {"values": {"statecode": 1, "statuscode": 3}})
    [[request]] = engine.change_sets(group_changes(store.queue()), engine.metadata(), qualify_action=True)
    assert (request.method, request.url) == ("POST", "leads(lead-1)/Microsoft.Dynamics.CRM.QualifyLead")
    assert request.body == QUALIFY_PARAMETERS


def test_without_the_action_qualification_sets_the_state() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return _error("0x8006088a")  # 'no such segment': the server has no QualifyLead

    engine, store = _engine(handler)
    assert not engine.has_qualify_action()
    assert seen == [
        "/api/data/v9.2/leads(00000000-0000-0000-0000-000000000000)/Microsoft.Dynamics.CRM.QualifyLead"
    ]
    store.enqueue("lead", "qualify", "lead-1", {"values": {"statecode": 1, "statuscode": 3}})
    [[request]] = engine.change_sets(group_changes(store.queue()), engine.metadata(), qualify_action=False)
    assert (request.method, request.url, request.body) == (
        "PATCH",
        "leads(lead-1)",
        {"statecode": 1, "statuscode": 3},
    )
