"""What can go wrong between the harness and a client under test, named for the event.

A client is driven through one lifecycle, and each step raises only its own errors::

    start       connect(spec) starts the transport: imports the object (in-process),
                spawns the child process (stdio) or starts the container (HTTP)
                  -> ClientStartFailed   bad spec, import error, command not found, a child
                                         that dies before answering the handshake, no engine,
                                         no such image, a container that never listens
    handshake   the first message: both sides state their protocol version
                  -> VersionMismatch     the client speaks another protocol version
                  -> ProtocolError       the reply is not a valid handshake reply
                  -> ClientTimedOut      no reply in time
    commands    every later request / response pair
                  -> ProtocolError       a reply that is not JSON, not an object, echoes the wrong
                                         id, or breaks the command's schema
                  -> ClientTimedOut      no reply in time (the child is then killed)
                  -> ClientCrashed       the child or container exited, or the in-process
                                         object raised
                  -> ClientCommandError  not a failure of the client: it answered with a typed
                                         protocol error (``not_available_offline``, ...), which a
                                         scenario may well expect
    stop        ``shutdown``, then the transport is closed; the child is always reaped, and
                errors while stopping are swallowed (the verdict is already known)

The hierarchy::

    Exception
     ├── ClientError              the client failed; the scenario's outcome is "client error"
     │    ├── ClientStartFailed
     │    ├── VersionMismatch
     │    ├── ProtocolError
     │    ├── ClientTimedOut
     │    └── ClientCrashed
     └── ClientCommandError       the client answered with a typed error (carries its code)

Every ``ClientError`` turns into a clean result through ``as_result()``; none is allowed to
escape as a harness crash.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

__all__ = [
    "ClientCommandError",
    "ClientCrashed",
    "ClientError",
    "ClientStartFailed",
    "ClientTimedOut",
    "ErrorCode",
    "ProtocolError",
    "VersionMismatch",
]


class ErrorCode(StrEnum):
    """The protocol's error codes; mirrors ``protocol/schema/v1/errors.json`` (a test pins it)."""

    NOT_AVAILABLE_OFFLINE = "not_available_offline"
    COMMAND_NOT_OFFERED = "command_not_offered"
    READ_ONLY_OFFLINE = "read_only_offline"
    BUSINESS_RULE_ERROR = "business_rule_error"
    PRIVILEGE_DENIED = "privilege_denied"
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    NOT_CONFIGURED = "not_configured"
    OFFLINE = "offline"
    SYNC_FAILED = "sync_failed"
    UNSUPPORTED_COMMAND = "unsupported_command"
    INTERNAL = "internal"


class ClientError(Exception):
    """The client under test failed; a scenario reports "client error", never a harness crash."""

    kind: ClassVar[str] = "client_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_result(self) -> dict[str, str]:
        """The clean result a report records for this failure."""
        return {"outcome": "client_error", "kind": self.kind, "message": self.message}

    def with_log(self, log: str) -> Self:
        """This error with the client's last log lines added to its message, which is what a
        report keeps: a client in a container has no stderr of its own for the harness to quote."""
        if log.strip():
            self.message += f"\n  client log (last lines):\n{log.rstrip()}"
            self.args = (self.message,)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ClientStartFailed(ClientError):
    """The client could not be started: bad ``--client`` spec, import error, missing executable."""

    kind = "start_failed"


class VersionMismatch(ClientError):
    """The handshake showed that the client speaks another protocol version."""

    kind = "version_mismatch"

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the client speaks protocol version {actual}, the harness speaks {expected}; "
            f"upgrade whichever side is older"
        )
        self.expected = expected
        self.actual = actual

    def __repr__(self) -> str:
        return f"VersionMismatch(expected={self.expected}, actual={self.actual})"


class ProtocolError(ClientError):
    """A message broke the protocol: not JSON, wrong id, or not valid against the schema."""

    kind = "protocol_error"

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        detail = "".join(f"\n  - {problem}" for problem in problems)
        super().__init__(message + detail)
        self.problems = problems


class ClientTimedOut(ClientError):
    """The client did not answer a request within the timeout."""

    kind = "timed_out"

    def __init__(self, cmd: str, timeout: float) -> None:
        super().__init__(
            f"the client did not answer {cmd!r} within {timeout:g}s; it was stopped "
            f"(raise --client-timeout if it is merely slow)"
        )
        self.cmd = cmd
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"ClientTimedOut(cmd={self.cmd!r}, timeout={self.timeout!r})"


class ClientCrashed(ClientError):
    """The client died mid-conversation: the process exited or the object raised."""

    kind = "crashed"

    def __init__(self, message: str, returncode: int | None = None, stderr_tail: str = "") -> None:
        tail = f"\n  stderr (last lines):\n{stderr_tail}" if stderr_tail else ""
        super().__init__(message + tail)
        self.returncode = returncode
        self.stderr_tail = stderr_tail

    def __repr__(self) -> str:
        return f"ClientCrashed({self.message!r}, returncode={self.returncode!r})"


class ClientCommandError(Exception):
    """The client answered a command with a typed protocol error; scenarios may expect these."""

    def __init__(self, cmd: str, code: ErrorCode, message: str) -> None:
        super().__init__(f"{cmd}: {code.value}: {message}")
        self.cmd = cmd
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ClientCommandError(cmd={self.cmd!r}, code={self.code.value!r}, message={self.message!r})"
