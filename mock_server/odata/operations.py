"""Functions and actions beyond CRUD, looked up by name.

An ``Operation`` is unbound (``POST <base>/GrantAccess``, ``GET <base>/RetrieveActivePath(...)``)
or bound to an entity (``POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead``). Each area of the
mock declares its operations in its package's ``OPERATIONS``; ``endpoints.py`` dispatches to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from starlette.responses import Response

from mock_server.errors import BadRequest
from mock_server.odata.context import Call
from mock_server.odata.url import Segment, parse_key_value
from mock_server.schema import Entity


@dataclass(frozen=True)
class Invocation:
    """How an operation was called: its segment (a function's parameters are in the segment's
    ``name=value`` pairs) and, for a bound operation, the record it was called on."""

    segment: Segment
    entity: Entity | None = None
    record_id: str | None = None

    def parameter(self, call: Call, name: str) -> Any:
        """A function parameter, with ``@p1`` aliases resolved from the query string."""
        for key, value in self.segment.alternate_key:
            if key == name:
                if isinstance(value, str) and value.startswith("@"):
                    if value not in call.options.aliases:
                        raise BadRequest(f"The parameter alias {value} has no value in the query string.")
                    return parse_key_value(call.options.aliases[value])
                return value
        raise BadRequest(f"The function '{self.segment.name}' needs the parameter '{name}'.")


Handler = Callable[[Call, Invocation], Response]


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler
    bound_to: str | None = None  # the entity a bound operation applies to; None when unbound
    is_function: bool = False  # functions answer GET; actions answer POST

    @property
    def method(self) -> str:
        return "GET" if self.is_function else "POST"


@cache
def registry() -> dict[tuple[str, str | None], Operation]:
    """Every area's operations by (name, bound entity)."""
    # Imported here: the areas import ``Operation`` from this module.
    from mock_server import logic, offline, security

    return {
        (op.name, op.bound_to): op for op in (*security.OPERATIONS, *offline.OPERATIONS, *logic.OPERATIONS)
    }
