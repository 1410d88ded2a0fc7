"""Business rules are workflow rows (category 2) a client downloads; the server applies the
entity-scope ones on create and update (MO-BR-001, MO-BR-002)."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.logic.helpers import create, error, get, patch

FAIL = 100000001


def _rule(client: TestClient, entity: str, definition: dict[str, Any], **extra: Any) -> Any:
    body = {
        "name": "Test rule",
        "category": 2,
        "primaryentity": entity,
        "clientdata": json.dumps(definition),
        "statecode": 1,
        "statuscode": 2,
        "processorder": 100,
    }
    return client.post(f"{API}/workflows", json=body | extra)


def test_rules_are_downloadable_per_table(client: TestClient) -> None:
    response = client.get(
        f"{API}/workflows?$filter=category eq 2 and primaryentity eq 'new_inspection'"
        "&$select=name,clientdata,statecode,processorder"
    )
    assert response.status_code == 200
    rules = response.json()["value"]
    assert len(rules) >= 3
    definitions = [json.loads(r["clientdata"]) for r in rules]
    assert {d["scope"] for d in definitions} == {"entity", "allforms"}
    kinds = {a["type"] for d in definitions for a in d["actions"] + d.get("elseActions", [])}
    assert kinds >= {"setValue", "showError", "setDefaultValue", "setLocked", "setVisible"}
    for entity in ("account", "contact"):
        assert client.get(f"{API}/workflows?$filter=category eq 2 and primaryentity eq '{entity}'").json()[
            "value"
        ]


def test_set_value_rule_changes_the_saved_record(client: TestClient) -> None:
    inspection = create(
        client, "new_inspections", {"new_name": "Roof", "new_score": 30, "new_notes": "Leaks"}
    )
    assert get(client, "new_inspections", inspection, "new_result")["new_result"] == FAIL
    account = create(
        client,
        "accounts",
        {"name": "Pref", "accountcategorycode": 1, "telephone1": "1", "creditonhold": True},
    )
    assert get(client, "accounts", account, "creditonhold")["creditonhold"] is False


def test_show_error_blocks_create_and_update(client: TestClient) -> None:
    response = client.post(f"{API}/new_inspections", json={"new_name": "Roof", "new_result": FAIL})
    message = error(response, 400, "0x80040265")
    assert message == "Describe what failed in Notes before saving a failed inspection."
    assert client.get(f"{API}/new_inspections?$filter=new_name eq 'Roof'").json()["value"] == []
    inspection = create(client, "new_inspections", {"new_name": "Wall", "new_score": 90})
    error(patch(client, "new_inspections", inspection, {"new_score": 10}), 400, "0x80040265")
    assert get(client, "new_inspections", inspection, "new_score")["new_score"] == 90
    account = create(client, "accounts", {"name": "Plain"})
    error(patch(client, "accounts", account, {"accountcategorycode": 1}), 400, "0x80040265")


def test_clear_value_rule(client: TestClient) -> None:
    contact = create(client, "contacts", {"lastname": "Loner", "jobtitle": "Unassigned"})
    assert get(client, "contacts", contact, "jobtitle").get("jobtitle") is None


def test_form_scoped_rules_do_not_run_on_the_server(client: TestClient) -> None:
    # the seeded all-forms rule defaults new_score to 100 on the form only
    inspection = create(client, "new_inspections", {"new_name": "Form only"})
    assert get(client, "new_inspections", inspection, "new_score").get("new_score") is None


def test_a_new_rule_takes_effect_and_else_actions_and_defaults_apply(client: TestClient) -> None:
    definition = {
        "version": 1,
        "scope": "entity",
        "condition": {"attribute": "numberofemployees", "operator": "gt", "value": 1000},
        "actions": [{"type": "setValue", "attribute": "description", "value": "Enterprise"}],
        "elseActions": [{"type": "setDefaultValue", "attribute": "description", "value": "Small business"}],
    }
    assert _rule(client, "account", definition).status_code == 204
    big = create(client, "accounts", {"name": "Big", "numberofemployees": 5000})
    small = create(client, "accounts", {"name": "Small", "numberofemployees": 5})
    assert get(client, "accounts", big, "description")["description"] == "Enterprise"
    assert get(client, "accounts", small, "description")["description"] == "Small business"
    assert patch(client, "accounts", small, {"description": None}).status_code == 204
    assert get(client, "accounts", small, "description").get("description") is None  # default on create only


def test_a_draft_rule_does_not_apply(client: TestClient) -> None:
    definition = {
        "scope": "entity",
        "condition": {"attribute": "name", "operator": "eq", "value": "Blocked"},
        "actions": [{"type": "showError", "attribute": "name", "message": "No."}],
    }
    assert _rule(client, "account", definition, statecode=0, statuscode=1).status_code == 204
    create(client, "accounts", {"name": "Blocked"})


def test_rule_definitions_are_validated(client: TestClient) -> None:
    no_condition = {
        "scope": "entity",
        "actions": [{"type": "showError", "attribute": "name", "message": "x"}],
    }
    error(_rule(client, "account", no_condition), 400, "0x80060013")
    error(
        _rule(client, "account", {"scope": "entity", "actions": [{"type": "explode", "attribute": "name"}]}),
        400,
        "0x0",
    )
    bad_column = {
        "scope": "allforms",
        "condition": {"attribute": "nope", "operator": "null"},
        "actions": [{"type": "setVisible", "attribute": "name", "visible": False}],
    }
    error(_rule(client, "account", bad_column), 400, "0x0")
    error(
        _rule(client, "account", {"scope": "form", "actions": [{"type": "clearValue", "attribute": "name"}]}),
        400,
        "0x0",
    )
    response = client.post(
        f"{API}/workflows", json={"name": "Bad", "category": 2, "primaryentity": "account", "clientdata": "{"}
    )
    error(response, 400, "0x0")


def test_a_form_scoped_rule_names_a_form_of_its_table(client: TestClient) -> None:
    forms = client.get(f"{API}/systemforms?$select=formid,objecttypecode").json()["value"]
    account_form = next(f["formid"] for f in forms if f["objecttypecode"] == "account")
    contact_form = next(f["formid"] for f in forms if f["objecttypecode"] == "contact")
    definition = {
        "scope": "form",
        "formid": account_form,
        "condition": {"attribute": "name", "operator": "null"},
        "actions": [{"type": "setVisible", "attribute": "telephone1", "visible": False}],
    }
    assert _rule(client, "account", definition).status_code == 204
    error(_rule(client, "account", definition | {"formid": contact_form}), 400, "0x0")
