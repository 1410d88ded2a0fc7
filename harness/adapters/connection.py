"""The one shape every transport has, and the checks every transport makes on the wire.

A ``Connection`` sends one request object and returns the client's reply object; the in-process,
stdio and container adapters all implement it, so the rest of the harness never knows how
a client is reached. Transports check only what routing needs on the way out (an object with
``cmd`` and ``id``: full request validation is ``Command.to_request``'s job, which lets the smoke
check send deliberately malformed requests) and everything on the way back: the reply must be a
JSON object, echo the request's id and match the command's response schema.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from harness.errors import ClientCrashed, ClientError, ProtocolError
from harness.protocol.registry import (
    command_names,
    envelope_validator,
    error_response_validator,
    response_validator,
    validate,
)

__all__ = ["Connection", "SupportsHandle", "check_request", "check_response", "encode_request", "json_copy"]

JSONObject = dict[str, Any]


class Connection(Protocol):
    """A live link to a client under test."""

    def request(self, message: JSONObject) -> JSONObject:
        """Send one request and return the client's schema-valid reply (result or typed error)."""
        ...

    def close(self) -> None:
        """Release the client: stop the process, drop the object. Safe to call twice."""
        ...


class SupportsHandle(Protocol):
    """What an in-process client is: an object answering one message at a time."""

    def handle(self, message: JSONObject) -> JSONObject: ...


def check_request(message: object) -> str:
    """The request's ``cmd``, after checking it has what every request has (``cmd``, ``id``)."""
    validate(envelope_validator(), message, "the request")
    assert isinstance(message, dict)
    cmd: str = message["cmd"]
    return cmd


def encode_request(message: JSONObject, failure: ClientError | None) -> tuple[str, str]:
    """The request's ``cmd`` and its JSON text, for a transport that sends text; a connection that
    failed earlier (``failure``) can no longer be trusted with a request."""
    if failure is not None:
        raise ClientCrashed(f"the client is no longer usable after an earlier failure: {failure}")
    cmd = check_request(message)
    try:
        return cmd, json.dumps(message, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"the {cmd!r} request is not JSON-serializable: {exc}") from exc


def json_copy(value: object, what: str) -> JSONObject:
    """A deep copy through JSON text, so nothing but JSON crosses the boundary."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"{what} is not JSON-serializable: {exc}") from exc
    copied = json.loads(text)
    if not isinstance(copied, dict):
        raise ProtocolError(f"{what} must be a JSON object, got {type(copied).__name__}: {text[:200]}")
    return copied


def check_response(request: JSONObject, response: object) -> JSONObject:
    """The reply, after checking it is an object matching ``request``'s schema and echoing its id.

    A reply to a command this protocol version does not know can only be a typed error
    (``unsupported_command`` is the expected one).
    """
    cmd = request["cmd"]
    if not isinstance(response, dict):
        raise ProtocolError(f"the reply to {cmd!r} must be a JSON object, got {type(response).__name__}")
    checker = response_validator(cmd) if cmd in command_names() else error_response_validator()
    validate(checker, response, f"the reply to {cmd!r}")
    if response["id"] != request["id"] or type(response["id"]) is not type(request["id"]):
        raise ProtocolError(
            f"the reply to {cmd!r} echoes id {response['id']!r}, the request had {request['id']!r}"
        )
    return response
