"""The shape of each request the client accepts, checked before anything else runs.

The driver protocol wants ``invalid_request`` for a request with a missing, mistyped or unknown
property, whatever state the client is in (even before ``configure``), so the check is a table
read ahead of dispatch rather than scattered through the handlers. Each command names its
required and optional properties with the JSON type each must have. ``configure`` also takes
the client's own option ``database`` (a SQLite file that keeps the device across restarts).
"""

from __future__ import annotations

from typing import Any

from clients.reference.catalog import InvalidRequest

Fields = dict[str, type]
ENTITY_ID: Fields = {"entity": str, "record_id": str}
QUALIFY_FLAGS: Fields = {"create_account": bool, "create_contact": bool, "create_opportunity": bool}

# cmd -> (required properties, optional properties); ``cmd`` and ``id`` are always allowed.
REQUESTS: dict[str, tuple[Fields, Fields]] = {
    "handshake": ({"protocol_version": int}, {}),
    "configure": (
        {"server_url": str, "token": str},
        {"user_id": str, "ca_file": str, "database": str},
    ),
    "sync": ({}, {}),
    "go_offline": ({}, {}),
    "go_online": ({}, {}),
    "shutdown": ({}, {}),
    "create": ({"entity": str, "values": dict}, {}),
    "retrieve": (ENTITY_ID, {"columns": list}),
    "update": ({**ENTITY_ID, "values": dict}, {}),
    "delete": (ENTITY_ID, {}),
    "query": ({"entity": str}, {"filter": dict, "columns": list}),
    "qualify": ({"record_id": str}, {"entity": str, **QUALIFY_FLAGS}),
    "disqualify": ({"record_id": str, "status": int}, {"entity": str}),
    "convert_to_case": (ENTITY_ID, {"values": dict}),
    "available_commands": ({"entity": str}, {"record_id": str, "context": str, "relationship": str}),
    "local_records": ({"entity": str}, {}),
    "views": ({"entity": str}, {}),
    "run_view": ({"entity": str, "view_id": str}, {"record_id": str}),
    "search": ({"entities": list, "text": str}, {"mode": str, "fields": list}),
    "lookup_candidates": ({"entity": str, "column": str}, {"text": str}),
    "elapse": ({"minutes": int}, {}),
    "start_sync": ({}, {}),
    "sync_status": ({}, {}),
    "wait_for_sync": ({}, {}),
    "bpf_state": (ENTITY_ID, {}),
    "bpf_next_stage": (ENTITY_ID, {}),
    "bpf_previous_stage": (ENTITY_ID, {}),
    "bpf_set_active_stage": ({**ENTITY_ID, "stage_id": str}, {}),
    "form_state": ({"entity": str}, {"record_id": str, "values": dict}),
    "mark_complete": (ENTITY_ID, {}),
    "refresh": (ENTITY_ID, {}),
    "convert_to_opportunity": (ENTITY_ID, {}),
    "timeline": (ENTITY_ID, {}),
    "add_note": ({**ENTITY_ID, "text": str}, {"attachment": dict}),
    "add_attachment": ({"note_id": str, "attachment": dict}, {}),
    "remove_attachment": ({"note_id": str}, {}),
    "add_existing": ({**ENTITY_ID, "relationship": str, "related_id": str}, {}),
}
ENVELOPE = frozenset({"cmd", "id"})
JSON_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object", list: "an array"}


def _has_type(value: Any, expected: type) -> bool:
    if expected is int and isinstance(value, bool):  # JSON true is not a number
        return False
    return isinstance(value, expected)


def check_request(message: dict[str, Any]) -> None:
    """Raise ``InvalidRequest`` unless ``message`` has the shape its ``cmd`` requires.

    Unknown commands pass: the driver answers them with ``unsupported_command``."""
    shape = REQUESTS.get(str(message.get("cmd")))
    if shape is None:
        return
    required, optional = shape
    cmd = message["cmd"]
    for name in message:
        if name not in ENVELOPE and name not in required and name not in optional:
            raise InvalidRequest(f"'{cmd}' has no property '{name}'.")
    for name in required:
        if name not in message:
            raise InvalidRequest(f"'{cmd}' needs '{name}'.")
    for name, value in message.items():
        expected = required.get(name) or optional.get(name)
        if expected is not None and not _has_type(value, expected):
            raise InvalidRequest(
                f"'{name}' of '{cmd}' must be {JSON_NAMES.get(expected, expected.__name__)}."
            )
