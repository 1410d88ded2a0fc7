"""The in-process transport: a Python client object called directly, with the wire's discipline.

A Python client exposes an object with ``handle(message: dict) -> dict``. Calling it directly is
fast and debuggable, but it would let a client and the harness share mutable objects or return
things JSON cannot carry. So both directions go through a JSON round trip (each side gets its own
copy, and anything but JSON is a ``ProtocolError``) and the reply is validated exactly as the
stdio transport validates it. An exception escaping ``handle`` is the in-process form of a crash:
``ClientCrashed``, after which the connection refuses further requests.

``--client inprocess:<module>:<attribute>`` names the object; when the attribute is a class or a
factory without ``handle`` it is called with no arguments to make one. There is no per-request
timeout in-process: a Python thread cannot be stopped, so a hang is the process transport's to
detect.
"""

from __future__ import annotations

import contextlib
import importlib
import traceback
from typing import Any

from harness.adapters.connection import SupportsHandle, check_request, check_response, json_copy
from harness.errors import ClientCrashed, ClientStartFailed

__all__ = ["InProcessConnection", "load_target"]

JSONObject = dict[str, Any]


def load_target(reference: str) -> SupportsHandle:
    """Import ``module:attribute`` (the attribute may be dotted) and return an object with ``handle``."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ClientStartFailed(
            f"in-process client {reference!r} must be written 'module:attribute', "
            f"e.g. 'inprocess:clients.reference.driver:Driver'"
        )
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:
        raise ClientStartFailed(f"could not import {module_name!r}: {type(exc).__name__}: {exc}") from exc
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ClientStartFailed(f"{module_name!r} has no attribute {attribute!r}") from None
    if isinstance(target, type) or (not callable(getattr(target, "handle", None)) and callable(target)):
        try:
            target = target()
        except Exception as exc:
            raise ClientStartFailed(
                f"could not create the client {reference!r}: {type(exc).__name__}: {exc}"
            ) from exc
    if not callable(getattr(target, "handle", None)):
        raise ClientStartFailed(f"{reference!r} has no handle(message) method")
    loaded: SupportsHandle = target
    return loaded


class InProcessConnection:
    """A ``Connection`` to a Python object answering ``handle(message)``."""

    def __init__(self, target: SupportsHandle, name: str = "") -> None:
        self._target = target
        self.name = name or type(target).__qualname__
        self._failure: ClientCrashed | None = None

    @classmethod
    def from_reference(cls, reference: str) -> InProcessConnection:
        """Load ``module:attribute`` and wrap it."""
        return cls(load_target(reference), name=reference)

    def __repr__(self) -> str:
        return f"InProcessConnection({self.name!r})"

    def __enter__(self) -> InProcessConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(self, message: JSONObject) -> JSONObject:
        if self._failure is not None:
            raise ClientCrashed(f"the client is no longer usable after an earlier failure: {self._failure}")
        cmd = check_request(message)
        sent = json_copy(message, f"the {cmd!r} request")
        try:
            reply = self._target.handle(sent)
        except Exception as exc:
            where = "".join(traceback.format_exception(exc, limit=-3)).rstrip()
            self._failure = ClientCrashed(
                f"the client raised {type(exc).__name__} while handling {cmd!r}: {exc}", stderr_tail=where
            )
            raise self._failure from exc
        return check_response(message, json_copy(reply, f"the reply to {cmd!r}"))

    def close(self) -> None:
        """Drop the object; a ``close()`` method on it, if any, is called once."""
        if self._failure is None:
            self._failure = ClientCrashed("the connection is closed")
            closer = getattr(self._target, "close", None)
            if callable(closer):
                with contextlib.suppress(Exception):  # stopping must not fail a finished run
                    closer()
