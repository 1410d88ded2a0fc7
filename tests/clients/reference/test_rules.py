"""The device's business rule evaluator: conditions, every action, order, and what it downloads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clients.reference.rules import Rule, changes, decode, download_rules, encode, evaluate, holds

FAIL = 100000001


def rule(
    condition: dict[str, Any] | None, *actions: dict[str, Any], otherwise: list[Any] | None = None
) -> Rule:
    definition: dict[str, Any] = {"version": 1, "scope": "entity", "actions": list(actions)}
    if condition is not None:
        definition["condition"] = condition
    if otherwise is not None:
        definition["elseActions"] = otherwise
    return Rule("new_inspection", "a rule", 0, definition)


def lt(attribute: str, value: Any) -> dict[str, Any]:
    return {"attribute": attribute, "operator": "lt", "value": value}


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (lt("new_score", 50), {"new_score": 40}, True),
        (lt("new_score", 50), {"new_score": 50}, False),
        (lt("new_score", 50), {}, False),  # an empty column compares false ...
        ({"attribute": "new_score", "operator": "ne", "value": 5}, {}, True),  # ... except with ne
        ({"attribute": "new_notes", "operator": "null"}, {"new_notes": None}, True),
        ({"attribute": "new_notes", "operator": "notnull"}, {"new_notes": "x"}, True),
        ({"attribute": "new_score", "operator": "gt", "value": 5}, {"new_score": "text"}, False),
        ({"attribute": "new_score", "operator": "between", "value": 5}, {"new_score": 7}, False),
        (
            {"attribute": "new_accountid", "operator": "eq", "value": "0A1B2C3D-0000-4000-8000-00000000000A"},
            {"new_accountid": {"entity": "account", "id": "0a1b2c3d-0000-4000-8000-00000000000a"}},
            True,
        ),
        (
            {"all": [lt("new_score", 50), {"attribute": "new_notes", "operator": "null"}]},
            {"new_score": 1},
            True,
        ),
        (
            {"all": [lt("new_score", 50), {"attribute": "new_notes", "operator": "null"}]},
            {"new_score": 99},
            False,
        ),
        (
            {"any": [lt("new_score", 50), {"attribute": "new_notes", "operator": "null"}]},
            {"new_score": 99},
            True,
        ),
        ({"all": []}, {}, True),
    ],
)
def test_conditions(condition: dict[str, Any], values: dict[str, Any], expected: bool) -> None:
    assert holds(condition, values) is expected


def test_set_value_and_clear_value_follow_the_condition() -> None:
    rules = [
        rule(
            lt("new_score", 50),
            {"type": "setValue", "attribute": "new_result", "value": FAIL},
            otherwise=[{"type": "clearValue", "attribute": "new_result"}],
        )
    ]
    assert evaluate(rules, {"new_score": 40}, is_new=False).values["new_result"] == FAIL
    assert evaluate(rules, {"new_score": 80, "new_result": FAIL}, is_new=False).values["new_result"] is None


def test_a_default_value_fills_only_an_empty_column_of_a_new_record() -> None:
    rules = [rule(None, {"type": "setDefaultValue", "attribute": "new_score", "value": 100})]
    assert evaluate(rules, {}, is_new=True).values == {"new_score": 100}
    assert evaluate(rules, {"new_score": 7}, is_new=True).values == {"new_score": 7}
    assert evaluate(rules, {}, is_new=False).values == {}


def test_required_locked_and_hidden_are_set_and_unset() -> None:
    on = rule(
        None,
        {"type": "setRequired", "attribute": "new_notes", "required": True},
        {"type": "setLocked", "attribute": "new_result", "locked": True},
        {"type": "setVisible", "attribute": "new_score", "visible": False},
    )
    off = rule(
        lt("new_score", 50),
        {"type": "setRequired", "attribute": "new_notes", "required": False},
        {"type": "setLocked", "attribute": "new_result", "locked": False},
        {"type": "setVisible", "attribute": "new_score", "visible": True},
    )
    state = evaluate([on, off], {"new_score": 80}, is_new=False)
    assert (state.required, state.locked, state.hidden) == ({"new_notes"}, {"new_result"}, {"new_score"})
    state = evaluate([on, off], {"new_score": 10}, is_new=False)
    assert (state.required, state.locked, state.hidden) == (set(), set(), set())


def test_an_error_message_is_shown_on_its_column() -> None:
    rules = [rule(lt("new_score", 50), {"type": "showError", "attribute": "new_notes", "message": "Why?"})]
    assert evaluate(rules, {"new_score": 10}, is_new=True).errors == [
        {"column": "new_notes", "message": "Why?"}
    ]
    assert evaluate(rules, {"new_score": 90}, is_new=True).errors == []


def test_each_rule_sees_what_the_earlier_ones_set() -> None:
    fails = rule(lt("new_score", 50), {"type": "setValue", "attribute": "new_result", "value": FAIL})
    needs_notes = rule(
        {"attribute": "new_result", "operator": "eq", "value": FAIL},
        {"type": "showError", "attribute": "new_notes", "message": "Describe what failed."},
    )
    assert evaluate([fails, needs_notes], {"new_score": 10}, is_new=True).errors
    assert not evaluate([needs_notes, fails], {"new_score": 10}, is_new=True).errors


def test_the_form_state_lists_columns_sorted() -> None:
    state = evaluate(
        [rule(None, *({"type": "setLocked", "attribute": c, "locked": True} for c in ("b", "a")))], {}, True
    )
    assert state.as_json() == {"values": {}, "required": [], "locked": ["a", "b"], "hidden": [], "errors": []}


def test_changes_are_the_columns_set_differently() -> None:
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None, "d": 4}) == {"b": 3, "d": 4}


class FakeApi:
    """Answers the device's one query for business rules with ``rows``."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.urls: list[str] = []

    def readable_rows(self, url: str) -> list[dict[str, Any]]:
        self.urls.append(url)
        return self.rows


def row(entity: str, name: str, order: int, scope: str = "entity", **extra: Any) -> dict[str, Any]:
    definition = {"version": 1, "scope": scope, "actions": [{"type": "clearValue", "attribute": "x"}]}
    return {
        "primaryentity": entity,
        "name": name,
        "processorder": order,
        "clientdata": json.dumps(definition),
    } | extra


def test_download_keeps_the_offline_tables_rules_the_device_runs_in_order() -> None:
    api = FakeApi(
        [
            row("new_inspection", "second", 2),
            row("new_inspection", "first", 1, scope="allforms"),
            row("new_inspection", "one form", 0, scope="form"),
            row("email", "not offline", 0),
            row("new_inspection", "broken", 0, clientdata="{not json"),
            row("new_inspection", "no actions", 0, clientdata=json.dumps({"scope": "entity"})),
            row(
                "new_inspection",
                "bad else",
                0,
                clientdata=json.dumps({"scope": "entity", "actions": [], "elseActions": 1}),
            ),
        ]
    )
    rules = download_rules(api, ["new_inspection", "contact"])  # type: ignore[arg-type]
    assert [r.name for r in rules] == ["first", "second"]
    assert "category eq 2 and statecode eq 1" in api.urls[0]
    assert decode(encode(rules)) == rules
