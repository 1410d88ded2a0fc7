"""Notes on the timeline offline: downloaded with the records (MO-NOTE-001), added with a picture
(MO-NOTE-002), files attached and removed (MO-NOTE-003), uploaded in order at the next sync; a
user who may not read notes still syncs."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from clients.reference import notes
from clients.reference.catalog import CommandNotOffered, InvalidRequest
from clients.reference.local_store import LocalStore
from clients.reference.sync import SyncEngine, SyncResult
from clients.reference.webapi import EntityInfo, WebApi
from tests.clients.conftest import Device, Organization

PICTURE = {
    "filename": "pump.jpg",
    "mimetype": "image/jpeg",
    "body": base64.b64encode(b"\xff\xd8jpeg").decode(),
}
GAUGE = {"filename": "gauge.png", "mimetype": "image/png", "body": base64.b64encode(b"\x89PNG").decode()}


def _server_notes(organization: Organization, record_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = organization.get(
        f"annotations?$select=notetext,filename,mimetype,documentbody,isdocument"
        f"&$filter=_objectid_value eq {record_id}"
    )["value"]
    return rows


def test_the_notes_of_the_records_on_the_device_are_downloaded(
    device: Device, organization: Organization
) -> None:
    account = device.first("account")["accountid"]
    server = _server_notes(organization, account)
    shown = device.call("timeline", entity="account", record_id=account)["notes"]
    assert sorted(n["id"] for n in shown) == sorted(n["annotationid"] for n in server)
    held = {n["annotationid"] for n in device.call("local_records", entity="annotation")["records"]}
    on_device = {str(a["accountid"]) for a in device.call("local_records", entity="account")["records"]}
    foreign = organization.get("annotations?$select=_objectid_value&$filter=objecttypecode eq 'account'")[
        "value"
    ]
    assert not {n["annotationid"] for n in foreign if n["_objectid_value"] not in on_device} & held


def test_a_note_with_a_picture_added_offline_is_uploaded(device: Device, organization: Organization) -> None:
    account = device.first("account")["accountid"]
    device.call("go_offline")
    note_id = device.call(
        "add_note", entity="account", record_id=account, text="Seal leaking", attachment=PICTURE
    )["note_id"]
    [shown] = [
        n for n in device.call("timeline", entity="account", record_id=account)["notes"] if n["id"] == note_id
    ]
    assert shown["attachment"] == {"filename": "pump.jpg", "mimetype": "image/jpeg", "size": 6}
    assert [n for n in _server_notes(organization, account) if n["notetext"] == "Seal leaking"] == []
    device.call("go_online")
    result = device.call("sync")
    assert (result["uploaded"], result["errors"]) == (1, [])
    [uploaded] = [n for n in _server_notes(organization, account) if n["notetext"] == "Seal leaking"]
    assert (uploaded["filename"], uploaded["mimetype"], uploaded["documentbody"]) == (
        "pump.jpg",
        "image/jpeg",
        PICTURE["body"],
    )
    ids = [n["id"] for n in device.call("timeline", entity="account", record_id=account)["notes"]]
    assert uploaded["annotationid"] in ids and note_id not in ids


def test_attachment_changes_on_a_note_created_offline_resolve_to_server_ids(
    device: Device, organization: Organization
) -> None:
    device.call("go_offline")
    account = device.call("create", entity="account", values={"name": "Noted Co"})["record_id"]
    note_id = device.call("add_note", entity="account", record_id=account, text="First visit")["note_id"]
    device.call("add_attachment", note_id=note_id, attachment=PICTURE)
    device.call("remove_attachment", note_id=note_id)
    device.call("add_attachment", note_id=note_id, attachment=GAUGE)
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    [server_account] = organization.get("accounts?$select=accountid&$filter=name eq 'Noted Co'")["value"]
    [note] = _server_notes(organization, server_account["accountid"])
    assert (note["notetext"], note["filename"], note["documentbody"]) == (
        "First visit",
        "gauge.png",
        GAUGE["body"],
    )


def test_removing_an_attachment_keeps_the_note(device: Device, organization: Organization) -> None:
    [held] = [
        n for n in device.call("local_records", entity="annotation")["records"] if n.get("documentbody")
    ][:1]
    device.call("go_offline")
    device.call("remove_attachment", note_id=held["annotationid"])
    assert device.refuse("remove_attachment", note_id=held["annotationid"]) == "not_found"
    device.call("go_online")
    device.call("sync")
    note = organization.get(f"annotations({held['annotationid']})")
    assert (note["notetext"], note["isdocument"], note["documentbody"]) == (held["notetext"], False, None)


def test_refusals(device: Device) -> None:
    product = device.first("product")["productid"]
    assert device.refuse("timeline", entity="product", record_id=product) == "command_not_offered"
    assert device.refuse("timeline", entity="account", record_id=product) == "not_found"
    assert device.refuse("timeline", entity="businessunit", record_id=product) == "not_available_offline"
    assert device.refuse("add_attachment", note_id=product, attachment=PICTURE) == "not_found"
    account = device.first("account")["accountid"]
    broken = {**PICTURE, "body": "not base64!"}
    assert device.refuse("add_note", entity="account", record_id=account, text="x", attachment=broken) == (
        "invalid_request"
    )


INFO = EntityInfo(
    "annotation", "annotations", "annotationid", "subject", {"objectid:account": "objectid_account"}
)


def test_only_tables_with_a_timeline_take_notes() -> None:
    assert notes.check_timeline({"annotation": INFO}, "account") is INFO
    with pytest.raises(CommandNotOffered):
        notes.check_timeline({"annotation": INFO}, "product")
    with pytest.raises(CommandNotOffered):
        notes.check_timeline({}, "account")


@pytest.mark.parametrize(
    "attachment",
    [None, {"filename": "a"}, {**PICTURE, "body": ""}, {**PICTURE, "body": "%%"}, {**PICTURE, "size": 1}],
)
def test_a_file_must_be_named_typed_and_base64(attachment: Any) -> None:
    with pytest.raises(InvalidRequest):
        notes.file_values(attachment)


def test_the_timeline_lists_the_notes_regarding_the_record() -> None:
    regarding = {"entity": "account", "id": "a1"}
    held = [
        {"annotationid": "n1", "notetext": "x", "objectid": regarding, **notes.file_values(PICTURE)},
        {"annotationid": "n2", "notetext": "y", "objectid": {"entity": "contact", "id": "c1"}},
        {"annotationid": "n3", "notetext": None, "objectid": regarding, **notes.NO_FILE},
    ]
    assert notes.timeline(held, "A1") == [
        {
            "id": "n1",
            "text": "x",
            "attachment": {"filename": "pump.jpg", "mimetype": "image/jpeg", "size": 6},
        },
        {"id": "n3", "text": None, "attachment": None},
    ]


def test_a_user_who_may_not_read_notes_keeps_only_the_notes_not_yet_uploaded() -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith("/annotations")
        return httpx.Response(403, json={"error": {"code": "0x80040220", "message": "missing prvReadNote"}})

    store = LocalStore()
    account = EntityInfo("account", "accounts", "accountid", "name")
    store.save_metadata({"annotation": INFO.as_json(), "account": account.as_json()})
    store.set_offline_entities(("account",))
    store.put("account", "a1", {"accountid": "a1", "name": "Contoso"})
    for note_id in ("downloaded", "added-offline"):
        store.put(
            "annotation", note_id, {"annotationid": note_id, "objectid": {"entity": "account", "id": "a1"}}
        )
    store.enqueue("annotation", "create", "added-offline", {"values": {"notetext": "Seen offline"}})
    api = WebApi("https://org.example/api/data/v9.2/", "t", transport=httpx.MockTransport(forbidden))
    notes.download(SyncEngine(store, api), SyncResult())
    assert [n["annotationid"] for n in store.records("annotation")] == ["added-offline"]
