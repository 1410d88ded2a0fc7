"""The stdio transport against real child processes: every misbehaviour is a typed error.

The fake clients (``fakes.py``) are small Python scripts run as children; each test proves the
harness raises the right ``ClientError`` subclass, never crashes, and leaves no child running.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.adapters import ClientSession, ProcessConnection, start_client
from harness.errors import (
    ClientCommandError,
    ClientCrashed,
    ClientError,
    ClientStartFailed,
    ClientTimedOut,
    ErrorCode,
    ProtocolError,
    VersionMismatch,
)
from harness.protocol.messages import Configure, Create, LocalRecords, Retrieve, Sync
from tests.harness import fakes


def _start(tmp_path: Path, source: str, timeout: float = 10.0) -> ProcessConnection:
    script = fakes.write_client(tmp_path, "client", source)
    return ProcessConnection([sys.executable, str(script)], timeout=timeout)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[ClientSession]:
    script = fakes.write_client(tmp_path, "good", fakes.WELL_BEHAVED)
    with start_client(fakes.process_spec(script)) as started:
        yield started


def test_well_behaved_client_round_trips(session: ClientSession) -> None:
    assert session.client_name == "fake 1.0 (python)"
    session.send(Configure(server_url="http://127.0.0.1:9/", token="t"))
    created = session.send(Create(entity="account", values={"name": "A"}))
    assert session.send(Retrieve(entity="account", record_id=created.record_id)).record == {"name": "A"}
    assert session.send(LocalRecords(entity="account")).records == ({"name": "A"},)
    assert session.send(Sync()).uploaded == 1


def test_typed_error_replies_leave_the_connection_usable(session: ClientSession) -> None:
    with pytest.raises(ClientCommandError) as caught:
        session.send(Sync())
    assert caught.value.code is ErrorCode.NOT_CONFIGURED
    session.send(Configure(server_url="http://127.0.0.1:9/", token="t"))
    assert session.send(Sync()).errors == ()


def test_close_sends_shutdown_and_reaps_the_child(tmp_path: Path) -> None:
    script = fakes.write_client(tmp_path, "good", fakes.WELL_BEHAVED)
    session = start_client(fakes.process_spec(script))
    connection = session.connection
    assert isinstance(connection, ProcessConnection) and connection.running
    session.close()
    session.close()  # twice is fine
    assert not connection.running


def test_garbage_line_is_a_protocol_error_and_the_child_is_stopped(tmp_path: Path) -> None:
    connection = _start(tmp_path, fakes.GARBAGE)
    with pytest.raises(ProtocolError, match="not JSON: 'hello, I am not JSON'"):
        connection.request({"cmd": "sync", "id": 1})
    assert not connection.running
    with pytest.raises(ClientCrashed, match="no longer usable"):
        connection.request({"cmd": "sync", "id": 2})


def test_hang_is_a_timeout_and_the_child_is_killed(tmp_path: Path) -> None:
    connection = _start(tmp_path, fakes.HANGS, timeout=0.5)
    with pytest.raises(ClientTimedOut) as caught:
        connection.request({"cmd": "sync", "id": 1})
    assert (caught.value.cmd, caught.value.timeout) == ("sync", 0.5)
    assert not connection.running


def test_exit_mid_conversation_is_a_crash_with_exit_code_and_stderr(tmp_path: Path) -> None:
    script = fakes.write_client(tmp_path, "exits", fakes.EXITS_MID_CONVERSATION)
    session = start_client(fakes.process_spec(script))
    with pytest.raises(ClientCrashed) as caught:
        session.send(Sync())
    assert caught.value.returncode == 3
    assert "boom: out of cheese" in caught.value.stderr_tail
    assert caught.value.as_result()["kind"] == "crashed"
    session.close()  # shutting down a dead client is quiet


def test_exit_before_the_handshake_is_a_failed_start(tmp_path: Path) -> None:
    script = fakes.write_client(tmp_path, "dies", fakes.EXITS_AT_ONCE)
    with pytest.raises(ClientStartFailed, match="before answering the handshake") as caught:
        start_client(fakes.process_spec(script))
    assert "cannot start: no config" in caught.value.message


def test_missing_executable_is_a_failed_start(tmp_path: Path) -> None:
    with pytest.raises(ClientStartFailed, match="could not start"):
        start_client(f"process:{tmp_path}/no-such-client --flag")


def test_wrong_protocol_version_is_a_version_mismatch(tmp_path: Path) -> None:
    script = fakes.write_client(tmp_path, "future", fakes.WRONG_VERSION)
    with pytest.raises(VersionMismatch) as caught:
        start_client(fakes.process_spec(script))
    assert (caught.value.expected, caught.value.actual) == (1, 2)


def test_schema_violation_is_a_protocol_error_but_keeps_the_stream(tmp_path: Path) -> None:
    connection = _start(tmp_path, fakes.BREAKS_SCHEMA)
    for request_id in (1, 2):
        with pytest.raises(ProtocolError, match="'record_id' is a required property"):
            connection.request({"cmd": "create", "id": request_id, "entity": "account", "values": {}})
    assert connection.running
    connection.close()
    assert not connection.running


def test_wrong_id_echo_is_a_protocol_error(tmp_path: Path) -> None:
    script = fakes.write_client(tmp_path, "wrong_id", fakes.WRONG_ID)
    with pytest.raises(ProtocolError, match="echoes id 'not-0'"):
        start_client(fakes.process_spec(script))


def test_requests_without_cmd_and_id_are_refused_before_sending(tmp_path: Path) -> None:
    with _start(tmp_path, fakes.WELL_BEHAVED) as connection:
        with pytest.raises(ProtocolError, match="'id' is a required property"):
            connection.request({"cmd": "sync"})
        assert connection.request({"cmd": "sync", "id": 1})["error"]["code"] == "not_configured"


@pytest.mark.parametrize(
    "source",
    [fakes.GARBAGE, fakes.HANGS, fakes.EXITS_MID_CONVERSATION, fakes.BREAKS_SCHEMA],
    ids=["garbage", "hangs", "exits", "breaks-schema"],
)
def test_every_misbehaviour_is_a_client_error_never_a_harness_crash(tmp_path: Path, source: str) -> None:
    script = fakes.write_client(tmp_path, "bad", source)
    outcomes = []
    try:
        with start_client(fakes.process_spec(script), timeout=0.5) as session:
            session.send(Sync())
    except ClientError as exc:
        outcomes.append(exc.as_result())
    assert len(outcomes) == 1 and outcomes[0]["outcome"] == "client_error"
