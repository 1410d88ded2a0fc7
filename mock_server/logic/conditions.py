"""Conditions on a record's column values, shared by business rules and flow branches.

A condition is JSON::

    {"attribute": "new_score", "operator": "lt", "value": 50}
    {"all": [<condition>, ...]}        every one holds (an empty list holds)
    {"any": [<condition>, ...]}        at least one holds

Operators: ``eq``, ``ne``, ``gt``, ``ge``, ``lt``, ``le`` (with ``value``, written as the Web
API writes the column: numbers, choice values, ``true``/``false``, ISO dates, GUIDs for lookups)
and ``null``, ``notnull`` (without). A comparison with an empty column holds only for ``ne``
and ``null``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from mock_server.errors import BadRequest
from mock_server.odata.payload import convert
from mock_server.schema import Entity

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
UNARY = {"null", "notnull"}


class InvalidCondition(BadRequest):
    """A condition or action that does not fit the entity it is written for."""


def validate(entity: Entity, condition: Any) -> None:
    """Raise ``InvalidCondition`` unless ``condition`` is well formed for ``entity``."""
    if not isinstance(condition, dict):
        raise InvalidCondition(f"A condition must be a JSON object, not {condition!r}.")
    for group in ("all", "any"):
        if group in condition:
            parts = condition[group]
            if not isinstance(parts, list):
                raise InvalidCondition(f"'{group}' must hold a list of conditions.")
            for part in parts:
                validate(entity, part)
            return
    attribute = entity.attribute(str(condition.get("attribute")))
    if attribute is None:
        raise InvalidCondition(
            f"The condition names '{condition.get('attribute')}', not a column of '{entity.logical_name}'."
        )
    op = condition.get("operator")
    if op in UNARY:
        return
    if op not in COMPARISONS:
        raise InvalidCondition(
            f"Unknown condition operator {op!r}; use one of {sorted({*COMPARISONS, *UNARY})}."
        )
    if "value" not in condition:
        raise InvalidCondition(f"The condition on '{attribute.logical_name}' with '{op}' needs a 'value'.")
    stored_value(entity, attribute.logical_name, condition["value"])


def stored_value(entity: Entity, column: str, value: Any) -> Any:
    """A JSON value as the column stores it (lookup GUIDs lower-cased)."""
    attribute = entity.attribute(column)
    if attribute is None:
        raise InvalidCondition(f"'{column}' is not a column of '{entity.logical_name}'.")
    if attribute.is_lookup:
        return None if value is None else str(value).lower()
    return convert(entity, attribute, value)


def holds(entity: Entity, condition: Mapping[str, Any], row: Mapping[str, Any] | None) -> bool:
    """Whether ``condition`` holds for ``row`` (no row: every column is empty)."""
    if "all" in condition:
        return all(holds(entity, c, row) for c in condition["all"])
    if "any" in condition:
        return any(holds(entity, c, row) for c in condition["any"])
    actual = None if row is None else row.get(condition["attribute"])
    op = condition["operator"]
    if op == "null":
        return actual is None
    if op == "notnull":
        return actual is not None
    expected = stored_value(entity, condition["attribute"], condition["value"])
    if actual is None or expected is None:
        return op == "ne" and (actual is None) != (expected is None)
    try:
        return COMPARISONS[op](actual, expected)
    except TypeError:
        return False
