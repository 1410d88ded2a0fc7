"""The v1 schema files: well-formed, self-documenting, and right about valid and invalid messages."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from harness.errors import ErrorCode
from harness.protocol import registry

BASE = "https://offline-conformance.invalid/protocol/v1/"
ID = "00000000-0000-0000-0000-000000000001"
PICTURE = {"filename": "photo.jpg", "mimetype": "image/jpeg", "body": "/9j/4AAQSkZJRg=="}

# cmd -> (valid requests, invalid requests), each without "cmd" and "id" (added below).
REQUESTS: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
    "handshake": ([{"protocol_version": 1}], [{}, {"protocol_version": "1"}, {"protocol_version": 0}]),
    "configure": (
        [
            {"server_url": "https://127.0.0.1:8443/api/data/v9.2/", "token": "t"},
            {"server_url": "http://localhost/api/data/v9.2/", "token": "t", "user_id": ID},
        ],
        [{"token": "t"}, {"server_url": "ftp://x", "token": "t"}, {"server_url": "http://x", "token": ""}],
    ),
    "sync": ([{}], [{"full": True}]),
    "go_offline": ([{}], [{"now": 1}]),
    "go_online": ([{}], [{"now": 1}]),
    "create": (
        [{"entity": "account", "values": {"name": "A", "revenue": 1.5, "parentaccountid": None}}],
        [{"entity": "account"}, {"entity": "Account", "values": {}}, {"entity": "account", "values": []}],
    ),
    "retrieve": (
        [
            {"entity": "contact", "record_id": ID},
            {"entity": "contact", "record_id": ID, "columns": ["fullname"]},
        ],
        [
            {"entity": "contact"},
            {"entity": "contact", "record_id": ID, "columns": []},
            {"entity": "contact", "record_id": ID, "columns": ["a", "a"]},
        ],
    ),
    "update": (
        [{"entity": "account", "record_id": ID, "values": {"name": "B"}}],
        [{"entity": "account", "record_id": ID}, {"entity": "account", "record_id": "", "values": {}}],
    ),
    "delete": ([{"entity": "task", "record_id": ID}], [{"entity": "task"}, {"record_id": ID}]),
    "query": (
        [
            {"entity": "lead"},
            {"entity": "lead", "filter": {"statecode": 0, "subject": "x", "ok": True, "gone": None}},
            {"entity": "lead", "columns": ["subject"]},
        ],
        [
            {},
            {"entity": "lead", "filter": {"statecode": [0, 1]}},
            {"entity": "lead", "filter": "statecode eq 0"},
        ],
    ),
    "qualify": (
        [{"record_id": ID}, {"record_id": ID, "create_account": True, "create_opportunity": False}],
        [{}, {"record_id": ID, "create_contact": "yes"}, {"record_id": ID, "entity": "lead"}],
    ),
    "disqualify": (
        [{"record_id": ID, "status": 4}],
        [{"record_id": ID}, {"record_id": ID, "status": "Lost"}],
    ),
    "convert_to_case": (
        [{"entity": "appointment", "record_id": ID}],
        [{"entity": "appointment"}, {"entity": "appointment", "record_id": ID, "title": "x"}],
    ),
    "available_commands": (
        [
            {"entity": "account", "context": "grid"},
            {"entity": "account", "record_id": ID, "context": "form"},
            {"entity": "contact", "context": "subgrid"},
            {"entity": "contact", "context": "subgrid", "relationship": "contactleads_association"},
        ],
        [
            {"entity": "account"},
            {"entity": "account", "context": "ribbon"},
            {"entity": "contact", "context": "subgrid", "relationship": "contact leads"},
        ],
    ),
    "local_records": ([{"entity": "account"}], [{}, {"entity": 5}]),
    "views": ([{"entity": "account"}], [{}, {"entity": "account", "kind": "public"}]),
    "run_view": (
        [{"entity": "account", "view_id": ID}, {"entity": "contact", "view_id": ID, "record_id": ID}],
        [{"entity": "account"}, {"view_id": ID}],
    ),
    "search": (
        [
            {"entities": ["account"], "text": "Con*"},
            {"entities": ["account", "contact"], "text": "a", "mode": "relevance", "fields": ["name"]},
        ],
        [
            {"entities": [], "text": "a"},
            {"entities": ["account"], "text": ""},
            {"entities": ["account"], "text": "a", "mode": "fuzzy"},
        ],
    ),
    "lookup_candidates": (
        [
            {"entity": "contact", "column": "parentcustomerid"},
            {"entity": "contact", "column": "parentcustomerid", "text": "Con"},
        ],
        [{"entity": "contact"}, {"entity": "contact", "column": ""}],
    ),
    "elapse": ([{"minutes": 5}, {"minutes": 1440}], [{}, {"minutes": 0}, {"minutes": "5"}]),
    "start_sync": ([{}], [{"wait": True}]),
    "sync_status": ([{}], [{"entity": "account"}]),
    "wait_for_sync": ([{}], [{"timeout": 5}]),
    "bpf_state": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"entity": "new_inspection"}, {"entity": "new_inspection", "record_id": ID, "stage_id": ID}],
    ),
    "bpf_next_stage": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"record_id": ID}, {"entity": "new_inspection", "record_id": ""}],
    ),
    "bpf_previous_stage": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"entity": "new_inspection"}, {"entity": "new_inspection", "record_id": ID, "steps": 2}],
    ),
    "bpf_set_active_stage": (
        [{"entity": "new_inspection", "record_id": ID, "stage_id": ID}],
        [
            {"entity": "new_inspection", "record_id": ID},
            {"entity": "new_inspection", "record_id": ID, "stage_id": ""},
        ],
    ),
    "form_state": (
        [
            {"entity": "new_inspection"},
            {"entity": "new_inspection", "record_id": ID, "values": {"new_score": 40, "new_notes": None}},
        ],
        [{}, {"entity": "new_inspection", "values": []}, {"entity": "new_inspection", "record_id": ""}],
    ),
    "mark_complete": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"entity": "new_inspection"}, {"entity": "new_inspection", "record_id": ID, "status": 2}],
    ),
    "refresh": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"record_id": ID}, {"entity": "new_inspection", "record_id": ID, "columns": ["new_name"]}],
    ),
    "convert_to_opportunity": (
        [{"entity": "new_inspection", "record_id": ID}],
        [{"entity": "new_inspection"}, {"entity": "new_inspection", "record_id": ID, "name": "x"}],
    ),
    "timeline": (
        [{"entity": "account", "record_id": ID}],
        [{"entity": "account"}, {"entity": "account", "record_id": ID, "columns": ["subject"]}],
    ),
    "add_note": (
        [
            {"entity": "account", "record_id": ID, "text": "Pump seal leaking"},
            {"entity": "incident", "record_id": ID, "text": "Photo of the pump", "attachment": PICTURE},
        ],
        [
            {"entity": "account", "record_id": ID},
            {"entity": "account", "record_id": ID, "text": ""},
            {
                "entity": "account",
                "record_id": ID,
                "text": "x",
                "attachment": {**PICTURE, "body": "not base64!"},
            },
            {"entity": "account", "record_id": ID, "text": "x", "attachment": {"filename": "a.jpg"}},
        ],
    ),
    "add_attachment": (
        [{"note_id": ID, "attachment": PICTURE}],
        [
            {"note_id": ID},
            {"note_id": ID, "attachment": {**PICTURE, "mimetype": "jpeg"}},
            {"note_id": ID, "attachment": {**PICTURE, "size": 3}},
        ],
    ),
    "remove_attachment": ([{"note_id": ID}], [{}, {"note_id": ID, "filename": "photo.jpg"}]),
    "add_existing": (
        [
            {
                "entity": "account",
                "record_id": ID,
                "relationship": "contact_customer_accounts",
                "related_id": ID,
            }
        ],
        [
            {"entity": "account", "record_id": ID, "relationship": "contact_customer_accounts"},
            {"entity": "account", "record_id": ID, "relationship": "", "related_id": ID},
            {"entity": "account", "record_id": ID, "relationship": "x", "related_id": ID, "values": {}},
        ],
    ),
    "shutdown": ([{}], [{"force": True}]),
}

EMPTY_OK: tuple[list[Any], list[Any]] = ([{}], [{"extra": 1}, []])
STAGE = {"id": ID, "name": "Inspect", "entity": "new_inspection"}
PROCESS = {
    "id": ID,
    "name": "Inspection Process",
    "instance_id": ID,
    "stages": [STAGE],
    "active_stage_id": ID,
    "traversed_path": [ID],
}
RECORD_ERROR = {
    "entity": "account",
    "record_id": ID,
    "operation": "update",
    "code": "privilege_denied",
    "message": "no write privilege",
}

# cmd -> (valid results, invalid results)
RESULTS: dict[str, tuple[list[Any], list[Any]]] = {
    "handshake": (
        [{"protocol_version": 1, "implementation": {"name": "ref", "version": "0.1", "language": "python"}}],
        [{"protocol_version": 1}, {"protocol_version": 1, "implementation": {"name": "ref"}}],
    ),
    "configure": EMPTY_OK,
    "sync": (
        [
            {"uploaded": 0, "downloaded": 3, "errors": []},
            {"uploaded": 1, "downloaded": 0, "errors": [RECORD_ERROR]},
        ],
        [
            {"uploaded": 0, "downloaded": 3},
            {"uploaded": -1, "downloaded": 0, "errors": []},
            {"uploaded": 0, "downloaded": 0, "errors": [{**RECORD_ERROR, "code": "oops"}]},
            {"uploaded": 0, "downloaded": 0, "errors": [{**RECORD_ERROR, "operation": "merge"}]},
        ],
    ),
    "go_offline": EMPTY_OK,
    "go_online": EMPTY_OK,
    "create": ([{"record_id": ID}], [{}, {"record_id": 5}]),
    "retrieve": ([{"record": {"name": "A"}}], [{}, {"record": [1]}]),
    "update": EMPTY_OK,
    "delete": EMPTY_OK,
    "query": ([{"records": []}, {"records": [{"name": "A"}]}], [{}, {"records": {"name": "A"}}]),
    "qualify": (
        [{"account_id": ID, "contact_id": None, "opportunity_id": None}],
        [{"account_id": ID}, {"account_id": 1, "contact_id": None, "opportunity_id": None}],
    ),
    "disqualify": EMPTY_OK,
    "convert_to_case": ([{"record_id": ID}], [{"case_id": ID}]),
    "available_commands": (
        [{"commands": []}, {"commands": ["create", "read", "qualify", "bpf_set_active_stage"]}],
        [{"commands": ["fly"]}, {"commands": ["read", "read"]}, {}],
    ),
    "local_records": ([{"records": [{"accountid": ID}]}], [{"records": None}]),
    "views": (
        [{"views": [{"id": ID, "name": "Active Accounts", "kind": "public"}]}, {"views": []}],
        [{"views": [{"id": ID, "name": "Mine", "kind": "personal"}]}, {}],
    ),
    "run_view": ([{"records": [{"accountid": ID, "primarycontact.fullname": "Ada"}]}], [{}]),
    "search": ([{"records": []}], [{"records": {}}]),
    "lookup_candidates": (
        [{"candidates": [{"entity": "account", "id": ID, "name": None}]}],
        [{"candidates": [{"entity": "account", "id": ID}]}, {}],
    ),
    "elapse": ([{"synced": []}, {"synced": ["account", "task"]}], [{}, {"synced": ["account", "account"]}]),
    "start_sync": EMPTY_OK,
    "sync_status": ([{"running": True}, {"running": False}], [{}, {"running": "no"}]),
    "wait_for_sync": (
        [{"uploaded": 1, "downloaded": 2, "errors": []}],
        [{"uploaded": -1, "downloaded": 0, "errors": []}, {}],
    ),
    "bpf_state": (
        [{"process": PROCESS}, {"process": None}],
        [{}, {"process": {**PROCESS, "stages": []}}, {"process": {**PROCESS, "traversed_path": "x"}}],
    ),
    "bpf_next_stage": ([{"process": PROCESS}], [{"process": None}, {}]),
    "bpf_previous_stage": ([{"process": PROCESS}], [{"process": {**PROCESS, "active_stage_id": None}}]),
    "bpf_set_active_stage": ([{"process": PROCESS}], [{"process": {**PROCESS, "stages": [{"id": ID}]}}]),
    "form_state": (
        [
            {"values": {}, "required": [], "locked": [], "hidden": [], "errors": []},
            {
                "values": {"new_score": 40, "new_result": 100000001},
                "required": ["new_notes"],
                "locked": ["new_result"],
                "hidden": ["new_score"],
                "errors": [{"column": "new_notes", "message": "Describe what failed."}],
            },
        ],
        [
            {"values": {}, "required": [], "locked": [], "hidden": []},
            {"values": {}, "required": ["a", "a"], "locked": [], "hidden": [], "errors": []},
            {"values": {}, "required": [], "locked": [], "hidden": [], "errors": [{"message": "x"}]},
        ],
    ),
    "mark_complete": EMPTY_OK,
    "refresh": ([{"record": {"new_name": "A"}}], [{}, {"record": "A"}]),
    "convert_to_opportunity": ([{"record_id": ID}], [{}, {"opportunity_id": ID}]),
    "timeline": (
        [
            {"notes": []},
            {
                "notes": [
                    {"id": ID, "text": "Seal leaking", "attachment": None},
                    {
                        "id": ID,
                        "text": None,
                        "attachment": {"filename": "a.jpg", "mimetype": "image/jpeg", "size": 9},
                    },
                ]
            },
        ],
        [
            {},
            {"notes": [{"id": ID, "text": "x"}]},
            {
                "notes": [
                    {"id": ID, "text": "x", "attachment": {"filename": "a.jpg", "mimetype": "image/jpeg"}}
                ]
            },
        ],
    ),
    "add_note": ([{"note_id": ID}], [{}, {"note_id": ""}]),
    "add_attachment": EMPTY_OK,
    "remove_attachment": EMPTY_OK,
    "add_existing": EMPTY_OK,
    "shutdown": EMPTY_OK,
}


def _cases(table: dict[str, tuple[list[Any], list[Any]]], index: int) -> list[Any]:
    return [
        pytest.param(cmd, example, id=f"{cmd}-{n}")
        for cmd, pair in table.items()
        for n, example in enumerate(pair[index])
    ]


def test_examples_cover_every_command() -> None:
    assert set(REQUESTS) == set(RESULTS) == set(registry.command_names())


@pytest.mark.parametrize(("cmd", "params"), _cases(REQUESTS, 0))
def test_valid_request(cmd: str, params: dict[str, Any]) -> None:
    request = {"cmd": cmd, "id": 7, **params}
    assert registry.problems(registry.request_validator(cmd), request) == ()
    assert registry.problems(registry.any_request_validator(), request) == ()


@pytest.mark.parametrize(("cmd", "params"), _cases(REQUESTS, 1))
def test_invalid_request(cmd: str, params: dict[str, Any]) -> None:
    request = {"cmd": cmd, "id": "r-1", **params}
    assert registry.problems(registry.request_validator(cmd), request)
    assert registry.problems(registry.any_request_validator(), request)


@pytest.mark.parametrize("request_id", [None, 1.5, True, [1]])
def test_request_id_is_an_integer_or_a_string(request_id: object) -> None:
    assert registry.problems(registry.request_validator("sync"), {"cmd": "sync", "id": request_id})


def test_cmd_must_match_the_file() -> None:
    assert registry.problems(registry.request_validator("sync"), {"cmd": "go_online", "id": 1})


@pytest.mark.parametrize(("cmd", "result"), _cases(RESULTS, 0))
def test_valid_result(cmd: str, result: Any) -> None:
    assert registry.problems(registry.response_validator(cmd), {"id": 7, "result": result}) == ()


@pytest.mark.parametrize(("cmd", "result"), _cases(RESULTS, 1))
def test_invalid_result(cmd: str, result: Any) -> None:
    assert registry.problems(registry.response_validator(cmd), {"id": 7, "result": result})


@pytest.mark.parametrize("cmd", registry.command_names())
@pytest.mark.parametrize("code", [code.value for code in ErrorCode])
def test_every_command_may_answer_every_error_code(cmd: str, code: str) -> None:
    reply = {"id": "x", "error": {"code": code, "message": "why, and what to do"}}
    assert registry.problems(registry.response_validator(cmd), reply) == ()


@pytest.mark.parametrize(
    "reply",
    [
        {"id": 1, "error": {"code": "teapot", "message": "x"}},
        {"id": 1, "error": {"code": "not_found"}},
        {"id": 1, "error": {"code": "not_found", "message": "x"}, "result": {}},
        {"id": 1},
        {"result": {}},
        {"id": 1, "result": {}, "extra": True},
    ],
)
def test_invalid_replies(reply: dict[str, Any]) -> None:
    assert registry.problems(registry.response_validator("go_online"), reply)


def test_error_codes_match_the_python_enum() -> None:
    assert registry.error_codes() == tuple(code.value for code in ErrorCode)


def test_root_lists_every_command_file_and_pins_the_version() -> None:
    schemas = registry.load_schemas()
    root = schemas[BASE + "protocol.json"]
    assert root["properties"]["version"]["const"] == registry.PROTOCOL_VERSION == 1
    listed = {BASE + entry["$ref"] for entry in root["$defs"]["command"]["oneOf"]}
    assert listed == {uri for uri in schemas if "/commands/" in uri}


@pytest.mark.parametrize("uri", sorted(registry.load_schemas()))
def test_every_file_is_a_valid_2020_12_schema(uri: str) -> None:
    schema = registry.load_schemas()[uri]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _properties(node: object, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}.properties.{name}", sub))
        for key, value in node.items():
            found += _properties(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _properties(value, f"{path}[{n}]")
    return found


@pytest.mark.parametrize("uri", sorted(registry.load_schemas()))
def test_every_property_has_a_description(uri: str) -> None:
    undocumented = [
        path for path, sub in _properties(registry.load_schemas()[uri]) if not sub.get("description")
    ]
    assert undocumented == []


def test_command_files_have_their_shape() -> None:
    for cmd in registry.command_names():
        schema = registry.load_schemas()[registry.schema_id(cmd)]
        assert schema["$id"] == f"{BASE}commands/{cmd}.json"
        assert schema["properties"]["cmd"]["const"] == cmd
        assert {"cmd", "id"} <= set(schema["required"])
        assert schema["$defs"]["response"]["$anchor"] == "response"


def test_schemas_and_validators_are_loaded_once() -> None:
    assert registry.load_schemas() is registry.load_schemas()
    assert registry.request_validator("create") is registry.request_validator("create")


def test_refs_resolve_locally_never_over_the_network() -> None:
    # Every $ref of every file resolves from the packaged registry; a lookup miss would raise.
    for uri in registry.load_schemas():
        registry.validator(uri).is_valid({})
    registry.any_request_validator().is_valid({"cmd": "create", "id": 1, "entity": "account", "values": {}})


def test_the_test_hooks_are_the_commands_marked_in_the_schema() -> None:
    assert registry.test_hooks() == {"elapse"}
