"""The message classes mirror the schema (so the two cannot drift) and type both directions."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import pytest

from harness.errors import ClientCommandError, ErrorCode, ProtocolError
from harness.protocol import messages, registry
from harness.protocol.messages import (
    COMMANDS,
    AvailableCommands,
    Command,
    CommandsOffered,
    Configure,
    Create,
    Created,
    Done,
    Handshake,
    Implementation,
    Qualify,
    QualifyResult,
    Query,
    Records,
    Retrieve,
    Sync,
    SyncResult,
)
from tests.harness.test_schemas import REQUESTS, RESULTS


def _request_properties(cmd: str) -> tuple[set[str], set[str]]:
    schema = registry.load_schemas()[registry.schema_id(cmd)]
    properties = set(schema["properties"]) - {"cmd", "id"}
    return properties, set(schema["required"]) - {"cmd", "id"}


def test_one_class_per_command_in_schema_order() -> None:
    assert tuple(COMMANDS) == registry.command_names()
    assert all(cls.cmd == cmd for cmd, cls in COMMANDS.items())


@pytest.mark.parametrize(("cmd", "cls"), COMMANDS.items())
def test_class_mirrors_its_schema(cmd: str, cls: type[Command[Any]]) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen
    assert cls.schema_id == registry.schema_id(cmd)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    properties, required = _request_properties(cmd)
    assert set(fields) == properties
    without_default = {
        name
        for name, field in fields.items()
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    }
    assert without_default == required - {"protocol_version"}  # the handshake defaults to ours


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_schema_example_round_trips_through_its_class(cmd: str) -> None:
    cls = COMMANDS[cmd]
    for params in REQUESTS[cmd][0]:
        command = cls(**params)
        assert command.to_request(3) == {"cmd": cmd, "id": 3, **params}
    for result in RESULTS[cmd][0]:
        typed = command.from_response({"id": 3, "result": result}, 3)
        hints = typing.get_type_hints(type(command).build_result)
        assert isinstance(typed, hints["return"])


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_class_rejects_the_invalid_results(cmd: str) -> None:
    command = COMMANDS[cmd](**REQUESTS[cmd][0][0])
    for result in RESULTS[cmd][1]:
        with pytest.raises(ProtocolError):
            command.from_response({"id": 3, "result": result})


def test_to_request_validates_before_sending() -> None:
    with pytest.raises(ProtocolError, match=r"\$\.entity"):
        Create(entity="Not A Table", values={}).to_request(1)
    with pytest.raises(ProtocolError, match="context"):
        AvailableCommands(entity="account", context="ribbon").to_request(1)


def test_optional_fields_left_at_none_are_omitted() -> None:
    assert Retrieve(entity="account", record_id="x").to_request("a") == {
        "cmd": "retrieve",
        "id": "a",
        "entity": "account",
        "record_id": "x",
    }
    assert Configure(server_url="http://h/", token="t", user_id="u").to_request(1)["user_id"] == "u"


def test_typed_results() -> None:
    implementation = {"name": "ref", "version": "0.1", "language": "python"}
    reply: dict[str, Any] = {"id": 1, "result": {"protocol_version": 1, "implementation": implementation}}
    assert Handshake().from_response(reply).implementation == Implementation("ref", "0.1", "python")
    assert Create(entity="account", values={}).from_response(
        {"id": 1, "result": {"record_id": "r"}}
    ) == Created("r")
    assert Query(entity="account").from_response({"id": 1, "result": {"records": [{"a": 1}]}}) == Records(
        ({"a": 1},)
    )
    offered = AvailableCommands(entity="lead", context="form").from_response(
        {"id": 1, "result": {"commands": ["qualify", "read"]}}
    )
    assert offered == CommandsOffered(frozenset({"qualify", "read"}))
    ids = {"account_id": "a", "contact_id": None, "opportunity_id": None}
    assert Qualify(record_id="l").from_response({"id": 1, "result": ids}) == QualifyResult("a", None, None)
    assert messages.GoOffline().from_response({"id": 1, "result": {}}) == Done()


def test_sync_errors_are_typed() -> None:
    error = {
        "entity": "account",
        "record_id": "r",
        "operation": "delete",
        "code": "privilege_denied",
        "message": "no delete privilege",
    }
    result = Sync().from_response({"id": 1, "result": {"uploaded": 0, "downloaded": 2, "errors": [error]}})
    assert isinstance(result, SyncResult)
    assert result.errors[0].code is ErrorCode.PRIVILEGE_DENIED
    assert (result.downloaded, result.errors[0].operation) == (2, "delete")


def test_a_typed_error_reply_raises_client_command_error() -> None:
    reply = {"id": 4, "error": {"code": "read_only_offline", "message": "emails are read-only offline"}}
    with pytest.raises(ClientCommandError) as caught:
        Create(entity="email", values={}).from_response(reply, 4)
    assert (caught.value.cmd, caught.value.code) == ("create", ErrorCode.READ_ONLY_OFFLINE)
    assert "read_only_offline" in repr(caught.value)


@pytest.mark.parametrize(
    "reply",
    ["not an object", None, [], {"id": 1, "result": {"record_id": 5}}, {"id": 1, "error": {"code": "nope"}}],
)
def test_any_violation_is_one_protocol_error(reply: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        Create(entity="account", values={}).from_response(reply)
    assert caught.value.kind == "protocol_error"


def test_a_reply_echoing_another_id_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="echoes id 5"):
        Sync().from_response({"id": 5, "result": {"uploaded": 0, "downloaded": 0, "errors": []}}, 4)
