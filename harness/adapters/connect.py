"""From a ``--client`` spec to a client that has shaken hands: connect, handshake, session.

``connect(spec)`` picks the transport by the spec's kind (bowtie's connectables):

- ``inprocess:<module>:<attribute>``: a Python object with ``handle(message)``
- ``process:<command line>``: a child process speaking JSON lines over stdio
- ``container:<image>``: a container started from a local image, spoken to over HTTP
  (``ContainerSettings`` say on which network, and where the mock is)

An alias (``reference``, which the plugin adds) maps a short name to a full spec through the
``aliases`` argument. ``start_client(spec)`` then sends the handshake,
checks the version, and returns a ``ClientSession`` that sends typed commands with fresh ids. A
report names the client by what it said in the handshake, not by the transport that reached it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, TypeVar

from harness.adapters.container import ContainerConnection, ContainerSettings
from harness.adapters.inprocess import InProcessConnection
from harness.adapters.process import DEFAULT_TIMEOUT, ProcessConnection
from harness.errors import (
    ClientCommandError,
    ClientCrashed,
    ClientError,
    ClientStartFailed,
    ProtocolError,
    VersionMismatch,
)
from harness.protocol.messages import Handshake, HandshakeResult, Implementation, Shutdown
from harness.protocol.registry import PROTOCOL_VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from harness.adapters.connection import Connection
    from harness.protocol.messages import Command

__all__ = ["KINDS", "ClientSession", "connect", "handshake", "resolve", "start_client"]

ResultT = TypeVar("ResultT")

KINDS = ("inprocess", "process", "container")


def resolve(spec: str, aliases: Mapping[str, str] | None = None) -> str:
    """The full spec behind an alias (``reference`` -> ``inprocess:...``); other specs unchanged."""
    return (aliases or {}).get(spec, spec)


def connect(
    spec: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    aliases: Mapping[str, str] | None = None,
    container: ContainerSettings | None = None,
) -> Connection:
    """Start the transport ``spec`` (or the alias ``spec``) names; no message is sent yet.
    ``container`` applies to a ``container:`` spec only."""
    spec = resolve(spec, aliases)
    kind, sep, target = spec.partition(":")
    if not sep or not target.strip():
        raise ClientStartFailed(
            f"client spec {spec!r} must be 'kind:target' with kind one of {', '.join(KINDS)}, "
            f"e.g. 'process:python my_client.py'"
        )
    if kind == "inprocess":
        return InProcessConnection.from_reference(target)
    if kind == "process":
        return ProcessConnection(target, timeout=timeout)
    if kind == "container":
        return ContainerConnection(target.strip(), timeout=timeout, settings=container)
    raise ClientStartFailed(f"unknown client kind {kind!r} in {spec!r}; known kinds: {', '.join(KINDS)}")


def handshake(connection: Connection, request_id: int = 0) -> HandshakeResult:
    """Exchange versions and names; ``VersionMismatch`` when the client speaks another version."""
    command = Handshake(protocol_version=PROTOCOL_VERSION)
    try:
        result = command.from_response(connection.request(command.to_request(request_id)), request_id)
    except ClientCommandError as exc:
        raise ProtocolError(
            f"the client refused the handshake ({exc.code.value}: {exc.message}); it must answer "
            f"with the protocol version it speaks"
        ) from exc
    if result.protocol_version != PROTOCOL_VERSION:
        raise VersionMismatch(expected=PROTOCOL_VERSION, actual=result.protocol_version)
    return result


def start_client(
    spec: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    aliases: Mapping[str, str] | None = None,
    container: ContainerSettings | None = None,
) -> ClientSession:
    """Connect, shake hands and return a session; the transport is closed on any failure."""
    connection = connect(spec, timeout=timeout, aliases=aliases, container=container)
    try:
        result = handshake(connection)
    except ClientCrashed as exc:
        connection.close()
        # A client that dies before its first answer never started, whatever killed it.
        raise ClientStartFailed(f"the client stopped before answering the handshake: {exc.message}") from exc
    except BaseException:
        connection.close()
        raise
    return ClientSession(connection, result.implementation, spec)


class ClientSession:
    """A client after a successful handshake: typed commands in, typed results out."""

    def __init__(self, connection: Connection, implementation: Implementation, spec: str) -> None:
        self.connection = connection
        self.implementation = implementation
        self.spec = spec
        self._ids = itertools.count(1)
        self._closed = False

    @property
    def client_name(self) -> str:
        """How reports name the client: its own name, version and language."""
        impl = self.implementation
        return f"{impl.name} {impl.version} ({impl.language})"

    def __repr__(self) -> str:
        return f"ClientSession({self.client_name!r}, spec={self.spec!r})"

    def send(self, command: Command[ResultT]) -> ResultT:
        """Send one command; ``ClientCommandError`` for a typed error, ``ClientError`` on failure."""
        request_id = next(self._ids)
        reply = self.connection.request(command.to_request(request_id))
        return command.from_response(reply, request_id)

    def close(self) -> None:
        """Send ``shutdown`` (best effort) and close the transport; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self.send(Shutdown())
        except (ClientError, ClientCommandError):
            pass  # the verdict is already known; a client failing to stop changes nothing
        finally:
            self.connection.close()

    def __enter__(self) -> ClientSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
