"""The in-process transport: loading ``module:attribute``, JSON discipline, crashes as typed errors."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.adapters import InProcessConnection, connect, start_client
from harness.adapters.inprocess import load_target
from harness.errors import ClientCrashed, ClientStartFailed, ProtocolError
from harness.protocol.messages import Configure, Create, Retrieve
from tests.harness import fakes


@pytest.fixture
def fake_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The well-behaved fake, importable under a name unique to this test."""
    name = "fake_client_" + "".join(c if c.isalnum() else "_" for c in tmp_path.name)
    fakes.write_client(tmp_path, name, fakes.WELL_BEHAVED)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


class Scripted:
    """An in-process client answering with whatever a test puts in ``reply``."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.seen: list[dict[str, Any]] = []
        self.closed = 0

    def handle(self, message: dict[str, Any]) -> Any:
        self.seen.append(message)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply

    def close(self) -> None:
        self.closed += 1


def test_a_class_is_instantiated_and_speaks_the_protocol(fake_module: str) -> None:
    with start_client(f"inprocess:{fake_module}:FakeClient") as session:
        assert session.implementation.name == "fake"
        session.send(Configure(server_url="http://127.0.0.1:9/", token="t"))
        created = session.send(Create(entity="contact", values={"lastname": "Ng"}))
        assert session.send(Retrieve(entity="contact", record_id=created.record_id)).record == {
            "lastname": "Ng"
        }


def test_the_client_gets_its_own_copy_of_the_request() -> None:
    client = Scripted({"id": 1, "result": {}})
    connection = InProcessConnection(client)
    request: dict[str, Any] = {"cmd": "configure", "id": 1, "server_url": "http://h/", "token": "t"}
    connection.request(request)
    assert client.seen == [request] and client.seen[0] is not request


def test_a_reply_that_is_not_json_is_a_protocol_error() -> None:
    connection = InProcessConnection(Scripted({"id": 1, "result": {"record": {"when": object()}}}))
    with pytest.raises(ProtocolError, match="not JSON-serializable"):
        connection.request({"cmd": "retrieve", "id": 1, "entity": "account", "record_id": "r"})


def test_a_reply_that_is_not_an_object_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="must be a JSON object"):
        InProcessConnection(Scripted(["id", 1])).request({"cmd": "sync", "id": 1})


def test_a_reply_breaking_the_schema_is_a_protocol_error() -> None:
    connection = InProcessConnection(Scripted({"id": 1, "result": {"uploaded": "3"}}))
    with pytest.raises(ProtocolError, match=r"\$\.result"):
        connection.request({"cmd": "sync", "id": 1})


def test_an_exception_in_handle_is_a_crash_and_ends_the_connection() -> None:
    client = Scripted(RuntimeError("disk full"))
    connection = InProcessConnection(client)
    with pytest.raises(ClientCrashed, match="raised RuntimeError while handling 'sync': disk full") as caught:
        connection.request({"cmd": "sync", "id": 1})
    assert "disk full" in caught.value.stderr_tail
    with pytest.raises(ClientCrashed, match="no longer usable"):
        connection.request({"cmd": "sync", "id": 2})


def test_close_calls_the_clients_close_once() -> None:
    client = Scripted({"id": 1, "result": {}})
    connection = InProcessConnection(client)
    connection.close()
    connection.close()
    assert client.closed == 1
    with pytest.raises(ClientCrashed, match="closed"):
        connection.request({"cmd": "sync", "id": 1})


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("no_colon", "must be written 'module:attribute'"),
        ("no_such_module_xyz:Client", "could not import 'no_such_module_xyz'"),
        ("json:NoSuchThing", "has no attribute 'NoSuchThing'"),
        ("json:JSONDecodeError", "could not create the client"),
        ("json:__name__", "has no handle"),
    ],
)
def test_bad_references_fail_to_start(reference: str, message: str) -> None:
    with pytest.raises(ClientStartFailed, match=message):
        load_target(reference)


def test_connect_parses_the_spec(fake_module: str) -> None:
    connection = connect(f"inprocess:{fake_module}:FakeClient")
    assert isinstance(connection, InProcessConnection)
    assert repr(connection) == f"InProcessConnection('{fake_module}:FakeClient')"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nothing", "must be 'kind:target'"),
        ("process:  ", "must be 'kind:target'"),
        ("docker:x", "unknown client kind"),
    ],
)
def test_bad_specs_fail_to_start(spec: str, message: str) -> None:
    with pytest.raises(ClientStartFailed, match=message):
        connect(spec)


def test_an_alias_names_a_full_spec(fake_module: str) -> None:
    aliases = {"fake": f"inprocess:{fake_module}:FakeClient"}
    with start_client("fake", aliases=aliases) as session:
        assert session.spec == "fake"
        assert session.client_name == "fake 1.0 (python)"
        assert repr(session) == "ClientSession('fake 1.0 (python)', spec='fake')"
    with pytest.raises(ClientStartFailed, match="must be 'kind:target'"):
        connect("reference", aliases=aliases)


def test_a_client_crashing_in_the_handshake_failed_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def handle(self, message: dict[str, Any]) -> dict[str, Any]:
            raise KeyError("config")

    module = types.ModuleType("broken_fake_client")
    module.Broken = Broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "broken_fake_client", module)
    with pytest.raises(ClientStartFailed, match="raised KeyError while handling 'handshake'"):
        start_client("inprocess:broken_fake_client:Broken")
