"""QualifyLead creates the records asked for from the lead, closes the lead as qualified and
answers references to what it created, all or nothing (MO-ENT-033)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mock_server.seed import BASE_CURRENCY_ID
from tests.conftest import API
from tests.mock_server.logic.helpers import create, error, get
from tests.mock_server.test_batch import batch, change_set, part

ALL = {"CreateAccount": True, "CreateContact": True, "CreateOpportunity": True, "Status": 3}


def _lead(client: TestClient) -> str:
    return create(
        client,
        "leads",
        {
            "subject": "Fleet renewal",
            "firstname": "Dana",
            "lastname": "Scully",
            "companyname": "FBI Motors",
            "emailaddress1": "dana@example.com",
            "telephone1": "555-0100",
            "estimatedamount": 25000,
        },
    )


def qualify(client: TestClient, lead: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/leads({lead})/Microsoft.Dynamics.CRM.QualifyLead", json=body)


def test_qualify_creates_account_contact_and_opportunity(client: TestClient) -> None:
    lead = _lead(client)
    response = qualify(client, lead, ALL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["@odata.context"].endswith("$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)")
    types = [v["@odata.type"] for v in body["value"]]
    assert types == [
        "#Microsoft.Dynamics.CRM.account",
        "#Microsoft.Dynamics.CRM.contact",
        "#Microsoft.Dynamics.CRM.opportunity",
    ]
    account, contact, opportunity = (
        v[t.rsplit(".", 1)[1] + "id"] for v, t in zip(body["value"], types, strict=True)
    )
    acc = get(client, "accounts", account, "name,emailaddress1,_originatingleadid_value")
    assert (acc["name"], acc["emailaddress1"], acc["_originatingleadid_value"]) == (
        "FBI Motors",
        "dana@example.com",
        lead,
    )
    con = get(client, "contacts", contact, "fullname,_parentcustomerid_value,_originatingleadid_value")
    assert (con["fullname"], con["_parentcustomerid_value"], con["_originatingleadid_value"]) == (
        "Dana Scully",
        account,
        lead,
    )
    opp = get(
        client, "opportunities", opportunity, "name,estimatedvalue,_customerid_value,_originatingleadid_value"
    )
    assert (
        opp["name"],
        opp["estimatedvalue"],
        opp["_customerid_value"],
        opp["_originatingleadid_value"],
    ) == (
        "Fleet renewal",
        25000,
        account,
        lead,
    )
    row = get(client, "leads", lead)
    assert (row["statecode"], row["statuscode"]) == (1, 3)
    assert row["_parentaccountid_value"] == account
    assert row["_parentcontactid_value"] == contact
    assert row["_qualifyingopportunityid_value"] == opportunity


def test_qualify_with_nothing_to_create_only_closes_the_lead(client: TestClient) -> None:
    lead = _lead(client)
    response = qualify(
        client, lead, {**ALL, "CreateAccount": False, "CreateContact": False, "CreateOpportunity": False}
    )
    assert response.status_code == 200
    assert response.json()["value"] == []
    assert get(client, "leads", lead, "statecode")["statecode"] == 1


def test_qualify_uses_the_customer_and_currency_given(client: TestClient) -> None:
    customer = create(client, "contacts", {"lastname": "Existing"})
    lead = _lead(client)
    response = qualify(
        client,
        lead,
        {
            "CreateAccount": False,
            "CreateContact": False,
            "CreateOpportunity": True,
            "Status": 3,
            "OpportunityCustomerId": {"contactid": customer, "@odata.type": "Microsoft.Dynamics.CRM.contact"},
            "OpportunityCurrencyId": {
                "transactioncurrencyid": BASE_CURRENCY_ID,
                "@odata.type": "Microsoft.Dynamics.CRM.transactioncurrency",
            },
        },
    )
    assert response.status_code == 200, response.text
    (created,) = response.json()["value"]
    opp = get(
        client, "opportunities", created["opportunityid"], "_customerid_value,_transactioncurrencyid_value"
    )
    assert opp["_customerid_value"] == customer
    assert opp["_transactioncurrencyid_value"] == BASE_CURRENCY_ID


def test_an_already_qualified_lead_cannot_be_qualified_again(client: TestClient) -> None:
    lead = _lead(client)
    assert qualify(client, lead, ALL).status_code == 200
    accounts_before = client.get(f"{API}/accounts/$count").text
    message = error(qualify(client, lead, ALL), 400, "0x80040203")
    assert "already closed" in message
    assert client.get(f"{API}/accounts/$count").text == accounts_before


def test_a_disqualified_lead_cannot_be_qualified(client: TestClient) -> None:
    lead = _lead(client)
    assert client.patch(f"{API}/leads({lead})", json={"statecode": 2, "statuscode": 4}).status_code == 204
    error(qualify(client, lead, ALL), 400, "0x80040203")


def test_qualify_is_all_or_nothing(client: TestClient) -> None:
    lead = _lead(client)
    missing = "00000000-0000-0000-0000-0000000000aa"
    before = client.get(f"{API}/accounts/$count").text
    response = qualify(
        client,
        lead,
        {**ALL, "OpportunityCurrencyId": {"transactioncurrencyid": missing}},
    )
    error(response, 404, "0x80040217")
    assert client.get(f"{API}/accounts/$count").text == before
    assert get(client, "leads", lead, "statecode")["statecode"] == 0


def test_bad_parameters_are_refused(client: TestClient) -> None:
    lead = _lead(client)
    error(qualify(client, lead, {"CreateAccount": True, "Status": 3}), 400, "0x0")
    error(qualify(client, lead, {**ALL, "Status": 4}), 400, "0x80040203")
    assert client.get(f"{API}/leads({lead})/Microsoft.Dynamics.CRM.QualifyLead").status_code == 404
    assert (
        client.post(f"{API}/accounts({lead})/Microsoft.Dynamics.CRM.QualifyLead", json=ALL).status_code == 404
    )


def test_qualify_in_a_change_set_rolls_back_with_it(client: TestClient) -> None:
    lead = _lead(client)
    before = client.get(f"{API}/accounts/$count").text
    status, _, text = batch(
        client,
        [
            change_set(
                "changeset_q",
                [
                    part("POST", f"{API}/leads({lead})/Microsoft.Dynamics.CRM.QualifyLead", ALL, "1"),
                    part("PATCH", f"{API}/leads({lead})", {"description": "closed now"}, "2"),
                ],
            )
        ],
    )
    assert status == 200
    assert "0x80040203" in text  # the second request meets the qualified (read-only) lead
    assert client.get(f"{API}/accounts/$count").text == before
    assert get(client, "leads", lead, "statecode")["statecode"] == 0
