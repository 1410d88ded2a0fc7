"""Closed leads, opportunities and cases are read-only until reactivated; activities are marked
complete with a PATCH of their state and status (MO-ENT-033, MO-CUST-001)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.logic.helpers import create, error, get, patch


def _lead(client: TestClient) -> str:
    return create(client, "leads", {"subject": "Interested", "lastname": "Lee", "companyname": "Lee Ltd"})


@pytest.mark.parametrize(
    ("entity_set", "body", "closed", "code"),
    [
        ("leads", {"subject": "S", "lastname": "L"}, {"statecode": 1, "statuscode": 3}, "0x80040203"),
        ("leads", {"subject": "S", "lastname": "L"}, {"statecode": 2, "statuscode": 6}, "0x80040203"),
        ("opportunities", {"name": "Deal"}, {"statecode": 1, "statuscode": 3}, "0x80040515"),
        ("opportunities", {"name": "Deal"}, {"statecode": 2, "statuscode": 5}, "0x80040515"),
    ],
)
def test_closed_records_refuse_updates_until_reactivated(
    client: TestClient, entity_set: str, body: dict[str, object], closed: dict[str, int], code: str
) -> None:
    row_id = create(client, entity_set, body)
    assert patch(client, entity_set, row_id, closed).status_code == 204
    message = error(patch(client, entity_set, row_id, {"description": "late edit"}), 400, code)
    assert "Reactivate" in message
    # reopening together with another change is refused too
    error(patch(client, entity_set, row_id, {"statecode": 0, "description": "x"}), 400, code)
    # moving between closed states is not a reactivation
    other = {"statecode": 2} if closed["statecode"] == 1 else {"statecode": 1}
    error(patch(client, entity_set, row_id, other), 400, code)
    assert patch(client, entity_set, row_id, {"statecode": 0}).status_code == 204
    assert get(client, entity_set, row_id, "statecode,statuscode")["statecode"] == 0
    assert patch(client, entity_set, row_id, {"description": "after reopening"}).status_code == 204


def test_a_resolved_or_canceled_case_is_read_only(client: TestClient) -> None:
    account = create(client, "accounts", {"name": "Case Co"})
    case = create(
        client, "incidents", {"title": "Broken", "customerid_account@odata.bind": f"/accounts({account})"}
    )
    assert patch(client, "incidents", case, {"statecode": 2, "statuscode": 6}).status_code == 204
    error(patch(client, "incidents", case, {"title": "Renamed"}), 400, "0x800404cf")
    assert patch(client, "incidents", case, {"statecode": 0, "statuscode": 1}).status_code == 204
    assert patch(client, "incidents", case, {"title": "Renamed"}).status_code == 204


def test_an_unchanged_update_the_flow_columns_and_the_owner_pass_on_a_closed_lead(client: TestClient) -> None:
    lead = _lead(client)
    assert patch(client, "leads", lead, {"statecode": 1, "statuscode": 3}).status_code == 204
    assert patch(client, "leads", lead, {"subject": "Interested"}).status_code == 204
    assert patch(client, "leads", lead, {"traversedpath": "a,b"}).status_code == 204
    me = client.get(f"{API}/WhoAmI").json()["UserId"]
    assert patch(client, "leads", lead, {"ownerid@odata.bind": f"/systemusers({me})"}).status_code == 204


def test_disqualify_is_a_patch_of_state_and_status(client: TestClient) -> None:
    lead = _lead(client)
    assert patch(client, "leads", lead, {"statecode": 2, "statuscode": 5}).status_code == 204
    row = get(client, "leads", lead, "statecode,statuscode")
    assert (row["statecode"], row["statuscode"]) == (2, 5)
    bare = _lead(client)
    assert patch(client, "leads", bare, {"statecode": 2}).status_code == 204
    assert get(client, "leads", bare, "statuscode")["statuscode"] == 4  # the state's default reason
    error(patch(client, "leads", _lead(client), {"statecode": 2, "statuscode": 3}), 400, "0x80040203")


@pytest.mark.parametrize(
    ("entity_set", "body", "complete"),
    [
        ("tasks", {"subject": "Call back"}, {"statecode": 1, "statuscode": 5}),
        ("phonecalls", {"subject": "Ring"}, {"statecode": 1, "statuscode": 2}),
        ("phonecalls", {"subject": "Ring"}, {"statecode": 1, "statuscode": 4}),
        ("appointments", {"subject": "Meet"}, {"statecode": 1, "statuscode": 3}),
        ("new_inspections", {"new_name": "Boiler"}, {"statecode": 1, "statuscode": 2}),
    ],
)
def test_mark_complete_is_a_patch_of_state_and_status(
    client: TestClient, entity_set: str, body: dict[str, object], complete: dict[str, int]
) -> None:
    row_id = create(client, entity_set, body)
    assert patch(client, entity_set, row_id, complete).status_code == 204
    row = get(client, entity_set, row_id, "statecode,statuscode")
    assert (row["statecode"], row["statuscode"]) == (complete["statecode"], complete["statuscode"])


def test_mark_complete_with_a_status_of_another_state_is_refused(client: TestClient) -> None:
    task = create(client, "tasks", {"subject": "Wrong"})
    error(patch(client, "tasks", task, {"statecode": 1, "statuscode": 6}), 400, "0x80040203")
