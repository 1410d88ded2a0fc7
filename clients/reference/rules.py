"""Business rules on the device: downloaded at sync, evaluated locally with no server call.

A business rule is a ``workflow`` row of category 2 whose ``clientdata`` holds its definition
(a condition, the actions when it holds, the ``elseActions`` when it does not). Each sync reads
the activated rules of the offline tables through the Web API; forms, creates and updates then
run them on the local store, online or offline, in the table's ``processorder``, each rule
seeing what the earlier ones set. Rules of scope ``entity`` and ``allforms`` apply to the
device's form; a ``form``-scoped rule belongs to one designed form the device does not show.

Actions: set field value, set default value (a new record's empty column), clear value, set
business required, show error message (the save is refused), lock/unlock, show/hide.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from clients.reference.webapi import WebApi

Record = dict[str, Any]
BUSINESS_RULE = 2
DEVICE_SCOPES = frozenset({"entity", "allforms"})
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


@dataclass(frozen=True)
class Rule:
    """One activated business rule of an offline table."""

    entity: str
    name: str
    order: int
    definition: dict[str, Any]


@dataclass
class FormState:
    """A form after the rules: the values it shows and how each column behaves."""

    values: Record
    required: set[str] = field(default_factory=set)
    locked: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "required": sorted(self.required),
            "locked": sorted(self.locked),
            "hidden": sorted(self.hidden),
            "errors": self.errors,
        }


def download_rules(api: WebApi, entities: Iterable[str]) -> list[Rule]:
    """The activated rules of ``entities`` that apply to the device's forms, in order."""
    wanted = set(entities)
    rows = api.readable_rows(
        "workflows?$select=name,primaryentity,processorder,clientdata"
        f"&$filter=category eq {BUSINESS_RULE} and statecode eq 1"
    )
    found = []
    for row in rows:
        definition = _definition(row.get("clientdata"))
        if row.get("primaryentity") in wanted and definition is not None:
            found.append(Rule(row["primaryentity"], row["name"], row.get("processorder") or 0, definition))
    return sorted(found, key=lambda rule: (rule.entity, rule.order, rule.name))


def _definition(text: Any) -> dict[str, Any] | None:
    """A rule's definition when the device can run it (well formed, scope on the device)."""
    try:
        definition = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(definition, dict) or definition.get("scope") not in DEVICE_SCOPES:
        return None
    if not isinstance(definition.get("actions"), list) or not isinstance(
        definition.get("elseActions", []), list
    ):
        return None
    return definition


def encode(rules: list[Rule]) -> list[dict[str, Any]]:
    return [asdict(rule) for rule in rules]


def decode(stored: list[dict[str, Any]]) -> list[Rule]:
    return [Rule(**rule) for rule in stored]


def evaluate(rules: Iterable[Rule], record: Mapping[str, Any], is_new: bool) -> FormState:
    """Run ``rules`` over ``record`` (the stored values with the edits over them)."""
    state = FormState(dict(record))
    for rule in rules:
        condition = rule.definition.get("condition")
        applies = condition is None or holds(condition, state.values)
        for action in rule.definition["actions"] if applies else rule.definition.get("elseActions", []):
            _apply(action, state, is_new)
    return state


def _apply(action: Mapping[str, Any], state: FormState, is_new: bool) -> None:
    kind, column = action.get("type"), str(action.get("attribute"))
    if kind == "setValue":
        state.values[column] = action.get("value")
    elif kind == "setDefaultValue":
        if is_new and state.values.get(column) is None:
            state.values[column] = action.get("value")
    elif kind == "clearValue":
        state.values[column] = None
    elif kind == "setRequired":
        _toggle(state.required, column, bool(action.get("required")))
    elif kind == "showError":
        state.errors.append({"column": column, "message": str(action.get("message"))})
    elif kind == "setLocked":
        _toggle(state.locked, column, bool(action.get("locked")))
    elif kind == "setVisible":
        _toggle(state.hidden, column, not action.get("visible"))


def _toggle(columns: set[str], column: str, on: bool) -> None:
    if on:
        columns.add(column)
    else:
        columns.discard(column)


def holds(condition: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether ``condition`` holds for ``values``: ``all`` / ``any`` groups, comparisons, and
    ``null`` / ``notnull``. A comparison with an empty column holds only for ``ne``."""
    if "all" in condition:
        return all(holds(part, values) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, values) for part in condition["any"])
    actual = _comparable(values.get(str(condition.get("attribute"))))
    op = condition.get("operator")
    if op == "null":
        return actual is None
    if op == "notnull":
        return actual is not None
    expected = _comparable(condition.get("value"))
    if actual is None or expected is None:
        return op == "ne" and (actual is None) != (expected is None)
    compare = COMPARISONS.get(str(op))
    try:
        return compare is not None and compare(actual, expected)
    except TypeError:
        return False


def _comparable(value: Any) -> Any:
    """A lookup compares by its id; ids and other text compare as the server stores GUIDs."""
    if isinstance(value, dict):
        value = value.get("id")
    return value.lower() if isinstance(value, str) and _is_guid(value) else value


def _is_guid(text: str) -> bool:
    parts = text.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(
        c in "0123456789abcdefABCDEF" for c in "".join(parts)
    )


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Record:
    """The columns ``after`` sets differently from ``before``."""
    return {column: value for column, value in after.items() if before.get(column) != value}
