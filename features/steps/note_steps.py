"""Steps about notes on the timeline (MO-NOTE): notes arranged on the server, notes and files
added or removed on the device, and the notes the server holds after sync (as the admin).

A note is named by its text; its file by its name (``FILES`` holds the content of each). "A
picture taken on the device" is ``photo.jpg``.
"""

from __future__ import annotations

import base64
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.steps.entity_steps import arranged, lookup_id
from features.steps.write_steps import named, server_named
from harness.dataverse import Dataverse
from harness.device import Device
from harness.protocol.messages import AddAttachment, AddNote, Note, RemoveAttachment, Timeline

# A 1x1 JPEG as a camera would save it, and a small PNG: (MIME type, content).
FILES: dict[str, tuple[str, bytes]] = {
    "photo.jpg": (
        "image/jpeg",
        bytes.fromhex(
            "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912"
            "130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b0800"
            "01000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffda0008010100"
            "003f00d2cf20ffd9"
        ),
    ),
    "gauge.png": ("image/png", bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")),
}
PICTURE = "photo.jpg"


def attachment(filename: str) -> dict[str, str]:
    mimetype, content = FILES[filename]
    return {"filename": filename, "mimetype": mimetype, "body": base64.b64encode(content).decode()}


def note_ids(device: Device) -> dict[str, str]:
    """The notes of the scenario by text: text -> id (on the device, or on the server when the
    scenario put the note there)."""
    ids: dict[str, str] = device.memory.setdefault("notes", {})  # type: ignore[assignment]
    return ids


def timeline(device: Device, entity: str, record_id: str) -> dict[str, Note]:
    """The notes the device shows on the record's timeline, by text."""
    shown = device.run(Timeline(entity=entity, record_id=record_id)).notes
    return {str(note.text): note for note in shown}


def shown(device: Device) -> dict[str, Note]:
    result = device.memory.get("timeline")
    assert isinstance(result, dict), "the user has not opened a timeline"
    return result


def server_notes(organization: Dataverse, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = organization.get(
        "annotations?$select=notetext,filename,mimetype,documentbody,isdocument,_objectid_value"
        f"&$filter=notetext eq '{text}'"
    )["value"]
    return rows


def server_note(organization: Dataverse, text: str) -> dict[str, Any]:
    rows = server_notes(organization, text)
    assert len(rows) == 1, f"the server holds {len(rows)} notes {text!r}, expected 1"
    return rows[0]


# --- arrange ---------------------------------------------------------------------------------------


def note_on_server(device: Device, organization: Dataverse, text: str, filename: str | None) -> None:
    record = arranged(device)
    target = f"/{organization.entity_set(record.entity)}({record.record_id})"
    body: dict[str, Any] = {"notetext": text, f"objectid_{record.entity}@odata.bind": target}
    if filename is not None:
        file = attachment(filename)
        body.update(filename=file["filename"], mimetype=file["mimetype"], documentbody=file["body"])
    assert device.user_id is not None
    note = organization.call(
        "POST",
        "annotations",
        token=organization.token_for(device.user_id),
        json=body,
        headers={"Prefer": "return=representation"},
    )
    note_ids(device)[text] = str(note["annotationid"])


@given(parsers.parse('the server holds a note "{text}" with "{filename}" on that record'))
def server_holds_note_with_file(device: Device, organization: Dataverse, text: str, filename: str) -> None:
    note_on_server(device, organization, text, filename)


@given(parsers.parse('the server holds a note "{text}" without attachment on that record'))
def server_holds_note(device: Device, organization: Dataverse, text: str) -> None:
    note_on_server(device, organization, text, None)


# --- the device ------------------------------------------------------------------------------------


@when("the user opens the timeline of that record")
def user_opens_timeline(device: Device) -> None:
    record = arranged(device)
    device.memory["timeline"] = timeline(device, record.entity, record.record_id)


def add_note(device: Device, entity: str, record_id: str, text: str, filename: str | None) -> None:
    file = None if filename is None else attachment(filename)
    added = device.run(AddNote(entity=entity, record_id=record_id, text=text, attachment=file))
    note_ids(device)[text] = added.note_id


@when(
    parsers.parse('the user adds the note "{text}" with a picture taken on the device to that record offline')
)
def user_adds_note_with_picture(device: Device, text: str) -> None:
    record = arranged(device)
    add_note(device, record.entity, record.record_id, text, PICTURE)


@when(parsers.parse('the user adds the note "{text}" to that record offline'))
def user_adds_note(device: Device, text: str) -> None:
    record = arranged(device)
    add_note(device, record.entity, record.record_id, text, None)


@when(parsers.parse('the user adds the note "{text}" with a picture taken on the device to "{name}" offline'))
def user_adds_note_to_named(device: Device, text: str, name: str) -> None:
    entity, record_id = named(device)[name]
    add_note(device, entity, record_id, text, PICTURE)


@when(parsers.parse('the user attaches "{filename}" to the note "{text}" offline'))
def user_attaches(device: Device, filename: str, text: str) -> None:
    device.run(AddAttachment(note_id=note_ids(device)[text], attachment=attachment(filename)))


@when(parsers.parse('the user removes the attachment of the note "{text}" offline'))
def user_removes_attachment(device: Device, text: str) -> None:
    device.run(RemoveAttachment(note_id=note_ids(device)[text]))


@then(parsers.parse('the timeline shows the note "{text}" with "{filename}"'))
def timeline_shows_note_with_file(device: Device, text: str, filename: str) -> None:
    notes = shown(device)
    assert text in notes, f"the timeline shows {sorted(notes)}"
    mimetype, content = FILES[filename]
    file = notes[text].attachment
    assert file is not None, f"the note {text!r} shows no attachment"
    assert (file.filename, file.mimetype, file.size) == (filename, mimetype, len(content)), file


@then(parsers.parse('the timeline shows the note "{text}" without attachment'))
def timeline_shows_note_without_file(device: Device, text: str) -> None:
    notes = shown(device)
    assert text in notes, f"the timeline shows {sorted(notes)}"
    assert notes[text].attachment is None, notes[text]


@then(parsers.parse('the timeline does not show the note "{text}"'))
def timeline_does_not_show_note(device: Device, text: str) -> None:
    assert text not in shown(device), f"the timeline shows {text!r}"


@then(parsers.parse('the timeline shows the note "{text}" under its id on the server'))
def timeline_shows_server_id(device: Device, organization: Dataverse, text: str) -> None:
    record = arranged(device)
    note = timeline(device, record.entity, record.record_id).get(text)
    assert note is not None, f"the timeline does not show {text!r}"
    assert note.id.lower() == str(server_note(organization, text)["annotationid"]).lower()


# --- the server ------------------------------------------------------------------------------------


@then(parsers.parse('the server holds no note "{text}"'))
def server_holds_no_note(organization: Dataverse, text: str) -> None:
    assert server_notes(organization, text) == [], f"the server already holds the note {text!r}"


@then(parsers.parse('on the server the note "{text}" holds "{filename}"'))
def server_note_holds_file(organization: Dataverse, text: str, filename: str) -> None:
    note = server_note(organization, text)
    expected = attachment(filename)
    assert (note["filename"], note["mimetype"], note["documentbody"], note["isdocument"]) == (
        expected["filename"],
        expected["mimetype"],
        expected["body"],
        True,
    ), {k: note.get(k) for k in ("filename", "mimetype", "isdocument")}


@then(parsers.parse('on the server the note "{text}" has no attachment'))
def server_note_has_no_file(organization: Dataverse, text: str) -> None:
    note = server_note(organization, text)
    assert (note["filename"], note["documentbody"], note["isdocument"]) == (None, None, False), note


@then(parsers.parse('on the server the note "{text}" regards that record'))
def server_note_regards_record(device: Device, organization: Dataverse, text: str) -> None:
    assert lookup_id(server_note(organization, text)["_objectid_value"]) == arranged(device).record_id.lower()


@then(parsers.parse('on the server the note "{text}" regards the "{entity}" named "{name}"'))
def server_note_regards_named(organization: Dataverse, text: str, entity: str, name: str) -> None:
    [record] = server_named(organization, entity, name)
    regarding = lookup_id(server_note(organization, text)["_objectid_value"])
    assert regarding == str(record[organization.primary_id(entity)]).lower()
