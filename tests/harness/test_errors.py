"""Client errors carry their identifying facts and turn into clean "client error" results."""

from __future__ import annotations

import pytest

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

LIFECYCLE_ERRORS: list[ClientError] = [
    ClientStartFailed("no such command"),
    VersionMismatch(expected=1, actual=2),
    ProtocolError("bad reply", ("at $.id: missing",)),
    ClientTimedOut("sync", 2.5),
    ClientCrashed("exited", returncode=3, stderr_tail="boom"),
]


@pytest.mark.parametrize("error", LIFECYCLE_ERRORS, ids=lambda error: type(error).__name__)
def test_every_lifecycle_error_becomes_a_client_error_result(error: ClientError) -> None:
    result = error.as_result()
    assert result["outcome"] == "client_error"
    assert result["kind"] == error.kind != ClientError.kind
    assert result["message"] == str(error)


def test_messages_say_what_happened_and_what_to_do() -> None:
    assert "speaks protocol version 2, the harness speaks 1; upgrade" in str(VersionMismatch(1, 2))
    assert "within 2.5s" in str(ClientTimedOut("sync", 2.5))
    assert str(ProtocolError("bad reply", ("at $.id: missing",))) == "bad reply\n  - at $.id: missing"
    assert "boom" in str(ClientCrashed("exited", 3, "boom"))


def test_reprs_show_the_identifying_fields() -> None:
    assert repr(VersionMismatch(1, 2)) == "VersionMismatch(expected=1, actual=2)"
    assert repr(ClientTimedOut("sync", 2.5)) == "ClientTimedOut(cmd='sync', timeout=2.5)"
    assert repr(ClientCrashed("exited", 3)) == "ClientCrashed('exited', returncode=3)"
    assert repr(ClientStartFailed("x")) == "ClientStartFailed('x')"


def test_a_typed_command_error_is_not_a_client_failure() -> None:
    error = ClientCommandError("create", ErrorCode.NOT_AVAILABLE_OFFLINE, "not in the profile")
    assert not isinstance(error, ClientError)
    assert str(error) == "create: not_available_offline: not in the profile"
