"""Business rules as data, and the server's half of them.

A business rule is a ``workflow`` row with ``category`` 2, ``primaryentity`` the table it is
for, ``statecode`` 1 (Activated) to be in force, ``processorder`` its place among the table's
rules, and its definition as JSON in ``clientdata``::

    {
      "version": 1,
      "scope": "entity" | "allforms" | "form",
      "formid": null | "<systemform id, when scope is form>",
      "condition": <condition, see conditions.py>,      optional: without it the rule always applies
      "actions": [<action>, ...],                       when the condition holds
      "elseActions": [<action>, ...]                    optional: when it does not
    }

Actions (``attribute`` is a column of ``primaryentity``; ``value`` is written as the Web API
writes the column):

    {"type": "setValue", "attribute": a, "value": v}
    {"type": "setDefaultValue", "attribute": a, "value": v}    only when a new record leaves it empty
    {"type": "clearValue", "attribute": a}
    {"type": "setRequired", "attribute": a, "required": true | false}
    {"type": "showError", "attribute": a, "message": "..."}    blocks the save
    {"type": "setLocked", "attribute": a, "locked": true | false}
    {"type": "setVisible", "attribute": a, "visible": true | false}

Clients download the rules with ``GET workflows?$filter=category eq 2 and primaryentity eq
'<table>'`` and evaluate every scope on their forms. The server applies only rules of scope
``entity`` (as Dataverse does), on create and update, in ``processorder`` order, each rule
seeing the values the previous ones set: setValue, setDefaultValue (create only) and clearValue
change the row written; showError refuses the write with 400 ``0x80040265`` and the rule's
message. setRequired, setLocked and setVisible are form behaviour and do nothing on the server.

Writing a rule checks its definition: JSON that does not follow this shape, or a ``formid`` that
is not a ``systemform`` of the rule's table, is 400 ``0x0``; a
setValue or showError without a condition is NoConditionRuleCreationNotAllowedForSetValueShowError
(``0x80060013``), as Dataverse refuses it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from mock_server.errors import BadRequest
from mock_server.logic import conditions
from mock_server.schema import Entity, schema
from mock_server.store.records import Row, Writer
from mock_server.store.tables import tables

BUSINESS_RULE = 2
ACTIVATED = 1
SCOPES = ("entity", "allforms", "form")
# action type -> the member besides "type" and "attribute" it needs
ACTIONS: dict[str, str | None] = {
    "setValue": "value",
    "setDefaultValue": "value",
    "clearValue": None,
    "setRequired": "required",
    "showError": "message",
    "setLocked": "locked",
    "setVisible": "visible",
}
NEED_A_CONDITION = ("setValue", "showError")


class BusinessRuleError(BadRequest):
    """A business rule's "show error message" action refused a save."""

    code = "0x80040265"


class NoConditionRuleCreationNotAllowedForSetValueShowError(BadRequest):
    code = "0x80060013"


def parse_definition(entity: Entity, text: str | None) -> dict[str, Any]:
    """A rule's definition, checked against ``entity``; raises BadRequest when malformed."""
    try:
        definition = json.loads(text or "")
    except ValueError:
        raise BadRequest("A business rule's clientdata must be its JSON definition.") from None
    if not isinstance(definition, dict):
        raise BadRequest("A business rule's definition must be a JSON object.")
    if definition.get("scope") not in SCOPES:
        raise BadRequest(f"A business rule's scope must be one of {list(SCOPES)}.")
    if definition["scope"] == "form" and not definition.get("formid"):
        raise BadRequest("A business rule of scope 'form' needs the 'formid' of its form.")
    condition = definition.get("condition")
    if condition is not None:
        conditions.validate(entity, condition)
    for key in ("actions", "elseActions"):
        actions = definition.get(key, [])
        if not isinstance(actions, list):
            raise BadRequest(f"'{key}' must be a list of actions.")
        for action in actions:
            _validate_action(entity, action)
            if condition is None and action["type"] in NEED_A_CONDITION:
                raise NoConditionRuleCreationNotAllowedForSetValueShowError(
                    f"A business rule with a '{action['type']}' action needs a condition."
                )
    if not definition.get("actions"):
        raise BadRequest("A business rule needs at least one action.")
    return definition


def _validate_action(entity: Entity, action: Any) -> None:
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        raise BadRequest(f"Unknown business rule action {action!r}; types are {list(ACTIONS)}.")
    attribute = action.get("attribute")
    if not isinstance(attribute, str) or entity.attribute(attribute) is None:
        raise BadRequest(
            f"The action '{action['type']}' names '{attribute}', not a column of '{entity.logical_name}'."
        )
    member = ACTIONS[action["type"]]
    if member is not None and member not in action:
        raise BadRequest(f"The action '{action['type']}' needs '{member}'.")
    if action["type"] in ("setValue", "setDefaultValue"):
        conditions.stored_value(entity, attribute, action["value"])


def check_rule_definitions(
    writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row
) -> None:
    """WriteCheck: a business rule written through the Web API must be well formed."""
    if entity.logical_name != "workflow" or operation == "delete" or new.get("category") != BUSINESS_RULE:
        return
    target = schema().entity(str(new.get("primaryentity")))
    if target is None:
        raise BadRequest(
            f"A business rule's primaryentity must be a table, not {new.get('primaryentity')!r}."
        )
    definition = parse_definition(target, new.get("clientdata"))
    if definition["scope"] == "form":
        forms = tables()["systemform"]
        form = writer.conn.execute(
            select(forms.c.objecttypecode).where(forms.c.formid == str(definition["formid"]).lower())
        ).first()
        if form is None or form[0] != target.logical_name:
            raise BadRequest(
                f"The rule's formid {definition['formid']} is not a form of '{target.logical_name}'."
            )


def _entity_rules(writer: Writer, entity: Entity) -> list[dict[str, Any]]:
    workflows = tables()["workflow"]
    rows = writer.conn.execute(
        select(workflows.c.clientdata)
        .where(
            workflows.c.category == BUSINESS_RULE,
            workflows.c.primaryentity == entity.logical_name,
            workflows.c.statecode == ACTIVATED,
        )
        .order_by(workflows.c.processorder, workflows.c.name)
    ).all()
    rules = []
    for (text,) in rows:
        try:
            definition = parse_definition(entity, text)
        except BadRequest:
            continue  # a broken rule does not block every write to its table
        if definition["scope"] == "entity":
            rules.append(definition)
    return rules


def apply_business_rules(
    writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row
) -> None:
    """WriteCheck: apply the entity-scope business rules of ``entity`` to the row being written."""
    if operation == "delete" or entity.logical_name in ("workflow", "processstage"):
        return
    for rule in _entity_rules(writer, entity):
        condition = rule.get("condition")
        applies = condition is None or conditions.holds(entity, condition, new)
        for action in rule["actions"] if applies else rule.get("elseActions", []):
            kind, column = action["type"], action["attribute"]
            defaulted = kind == "setDefaultValue" and operation == "create" and new.get(column) is None
            if kind == "setValue" or defaulted:
                new[column] = conditions.stored_value(entity, column, action["value"])
            elif kind == "clearValue":
                new[column] = None
            elif kind == "showError":
                raise BusinessRuleError(str(action["message"]))
