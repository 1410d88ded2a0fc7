"""Notes on the timeline offline (REQUIREMENTS section 7): the notes of the records on the device,
downloaded at sync and kept in the local store, and the notes and files added or removed on the
device, queued as ordinary writes of ``annotation`` rows.

A note (``annotation``) regards one record through its ``objectid`` lookup and holds one file at
most: ``documentbody`` (base64), ``filename`` and ``mimetype``. Notes are not items of the offline
profile: the device keeps the notes of every record it holds whose table has a timeline (a target
of ``objectid``). Adding a note is a create, attaching or removing a file an update of the note,
so the upload sends them in order with the other writes, and a note on a record created offline
shares its change set (its ``objectid`` bind becomes a ``$<Content-ID>`` reference).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from clients.reference import records
from clients.reference.catalog import CommandNotOffered, InvalidRequest
from clients.reference.webapi import EntityInfo, WebApiError

if TYPE_CHECKING:
    from clients.reference.sync import SyncEngine, SyncResult

NOTE = "annotation"
NOTE_SET, NOTE_ID, NOTE_NAME = "annotations", "annotationid", "subject"
REGARDING = "objectid"
FORBIDDEN = 403
NO_FILE: records.Record = {"documentbody": None, "filename": None, "mimetype": None}


def check_timeline(metadata: dict[str, EntityInfo], entity: str) -> EntityInfo:
    """The note metadata, once ``entity``'s records have a timeline on this device."""
    info = metadata.get(NOTE)
    if info is None or entity not in info.lookup_targets(REGARDING):
        raise CommandNotOffered(f"Records of '{entity}' have no timeline notes.")
    return info


def file_values(attachment: Any) -> records.Record:
    """The note columns holding the file ``attachment`` ({filename, mimetype, body base64})."""
    if not isinstance(attachment, dict) or set(attachment) != {"filename", "mimetype", "body"}:
        raise InvalidRequest("'attachment' must be an object with 'filename', 'mimetype' and 'body'.")
    if not all(isinstance(value, str) and value for value in attachment.values()):
        raise InvalidRequest("The attachment's 'filename', 'mimetype' and 'body' must be non-empty strings.")
    try:
        base64.b64decode(attachment["body"], validate=True)
    except binascii.Error:
        raise InvalidRequest("The attachment's 'body' must be base64-encoded.") from None
    return {
        "documentbody": attachment["body"],
        "filename": attachment["filename"],
        "mimetype": attachment["mimetype"],
    }


def new_note(entity: str, record_id: str, text: str, attachment: Any) -> records.Record:
    """The columns of a note regarding ``record_id``, with the file, if any."""
    values: records.Record = {"notetext": text, REGARDING: records.lookup(entity, record_id)}
    if attachment is not None:
        values.update(file_values(attachment))
    return values


def timeline(notes: list[records.Record], record_id: str) -> list[dict[str, Any]]:
    """The notes regarding ``record_id``, as the protocol lists them."""
    regarding = [
        note
        for note in notes
        if records.is_lookup(note.get(REGARDING)) and str(note[REGARDING]["id"]).lower() == record_id.lower()
    ]
    return [listing(note) for note in regarding]


def listing(note: records.Record) -> dict[str, Any]:
    body = note.get("documentbody")
    attachment = None
    if body:
        attachment = {
            "filename": note.get("filename") or "attachment",
            "mimetype": note.get("mimetype") or "application/octet-stream",
            "size": len(base64.b64decode(body)),
        }
    return {"id": str(note["annotationid"]), "text": note.get("notetext"), "attachment": attachment}


# --- sync ----------------------------------------------------------------------------------------


def download_metadata(engine: SyncEngine) -> None:
    """The note table's definition: Dataverse's fixed ``annotation`` table, whose ``objectid``
    points at any table with notes (``HasNotes`` in the offline tables' own metadata), so the
    device asks the server for no metadata beyond the profile's tables."""
    metadata = engine.metadata()
    with_notes = [e for e in engine.catalog.entities if e in metadata and metadata[e].has_notes]
    navigations = {f"{REGARDING}:{entity}": f"{REGARDING}_{entity}" for entity in with_notes}
    info = EntityInfo(NOTE, NOTE_SET, NOTE_ID, NOTE_NAME, navigations)
    engine.store.save_metadata({NOTE: info.as_json()})


def download(engine: SyncEngine, result: SyncResult) -> None:
    """Bring the device's notes to those regarding the records it holds now. A user who may not
    read notes gets none (their sync goes on: notes are not part of the profile)."""
    metadata = engine.metadata()
    info = metadata.get(NOTE)
    if info is None:
        return
    offline = set(engine.catalog.entities)
    regarding = frozenset(
        str(record[metadata[entity].primary_id]).lower()
        for entity in info.lookup_targets(REGARDING)
        if entity in offline
        for record in engine.store.records(entity)
    )
    try:
        selected = engine.api.ids_in(info.entity_set, info.primary_id, REGARDING, regarding)
        engine.refresh(info, selected, result)
    except WebApiError as error:
        if error.status != FORBIDDEN:
            raise
        with engine.store.lock:
            for note_id in engine.leaving(NOTE, info, frozenset()):
                engine.store.remove(NOTE, note_id)
