"""``$batch`` change sets as the client writes and reads them, against the mock's parser."""

from __future__ import annotations

import pytest

from clients.reference.webapi import BatchRequest, WebApi, WebApiError
from tests.clients.conftest import TOKEN, Organization


@pytest.fixture
def api(inprocess_organization: Organization) -> WebApi:
    return WebApi(inprocess_organization.server_url, TOKEN)


def test_a_change_set_with_a_content_id_reference(api: WebApi, inprocess_organization: Organization) -> None:
    [answers] = api.batch(
        [
            [
                BatchRequest("POST", "accounts", "1", {"name": "Batch Co"}),
                BatchRequest(
                    "POST",
                    "contacts",
                    "2",
                    {"lastname": "Batch", "parentcustomerid_account@odata.bind": "$1"},
                ),
                BatchRequest("PATCH", "$1", "3", {"telephone1": "42"}),
            ]
        ]
    )
    assert [a.status for a in answers] == [204, 204, 204]
    assert [a.content_id for a in answers] == ["1", "2", "3"]
    account_id = answers[0].created_id
    contact = inprocess_organization.get(f"contacts({answers[1].created_id})")
    assert contact["_parentcustomerid_value"] == account_id
    assert inprocess_organization.get(f"accounts({account_id})")["telephone1"] == "42"


def test_a_failed_change_set_answers_with_its_failing_request_only(api: WebApi) -> None:
    ok, failed = api.batch(
        [
            [BatchRequest("POST", "accounts", "1", {"name": "Fine"})],
            [
                BatchRequest("POST", "accounts", "2", {"name": "Rolled back"}),
                BatchRequest("PATCH", "accounts(00000000-0000-0000-0000-000000000009)", "3", {"name": "x"}),
            ],
        ]
    )
    assert [a.status for a in ok] == [204]
    assert [(a.status, a.content_id) for a in failed] == [(404, "3")]
    code, message = failed[0].error()
    assert code.startswith("0x") and message


def test_errors_carry_the_dataverse_code(api: WebApi) -> None:
    with pytest.raises(WebApiError) as raised:
        api.get_json("nosuchset")
    assert raised.value.status == 404 and raised.value.code.startswith("0x")
    assert api.retrieve("accounts", "00000000-0000-0000-0000-000000000009") is None


def test_entity_definitions_name_the_navigation_properties_of_lookups(api: WebApi) -> None:
    definitions = api.entity_definitions(("contact", "appointment"))
    contact = definitions["contact"]
    assert (contact.entity_set, contact.primary_id) == ("contacts", "contactid")
    assert contact.navigation("parentcustomerid", "account") == "parentcustomerid_account"
    assert definitions["appointment"].navigation("regardingobjectid", "incident") is not None
    assert definitions["businessunit"].entity_set == "businessunits"  # a lookup target, for binding
    assert "userquery" not in definitions and "account" in definitions  # only what it needs
    assert api.entity_definitions(("nosuchentity",)) == {}
