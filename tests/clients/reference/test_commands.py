"""The offline command table at work: refusals (MO-ENT-002/012/018, MO-ENT-030), lead
qualification (MO-ENT-033), Convert Activity → Case (MO-ENT-032) and available commands."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clients.conftest import Device, Organization


def _server_state(organization: Organization) -> dict[str, Any]:
    return {
        "emails": organization.get("emails?$select=activityid,subject")["value"],
        "products": organization.get("products?$select=productid,name")["value"],
        "activities": organization.get("activitypointers?$select=activityid")["value"],
    }


def test_refused_commands_queue_nothing_and_leave_the_server_untouched(
    device: Device, organization: Organization
) -> None:
    before = _server_state(organization)
    product = device.first("product")
    device.call("go_offline")

    assert device.refuse("create", entity="email", values={"subject": "Hi"}) == "read_only_offline"
    assert (
        device.refuse("update", entity="product", record_id=product["productid"], values={"name": "X"})
        == "read_only_offline"
    )
    assert device.refuse("create", entity="activitypointer", values={"subject": "A"}) == "command_not_offered"
    assert device.refuse("delete", entity="systemuser", record_id=product["productid"]) == "read_only_offline"
    assert device.refuse("qualify", entity="lead", record_id="x") == "not_found"
    assert device.refuse("qualify", entity="contact", record_id="x") == "command_not_offered"
    assert device.refuse("disqualify", entity="account", record_id="x", status=5) == "command_not_offered"
    email = device.first("email")["activityid"]
    assert device.refuse("convert_to_case", entity="email", record_id=email) == "command_not_offered"
    assert device.refuse("delete", entity="email", record_id=email) == "read_only_offline"
    query = device.call(
        "query", entity="product", filter={"productid": product["productid"]}, columns=["name"]
    )
    assert query["records"] == [{"productid": product["productid"], "name": product["name"]}]

    assert device.call("retrieve", entity="product", record_id=product["productid"])["record"] == product
    device.call("go_online")
    result = device.call("sync")
    assert result["uploaded"] == 0 and result["errors"] == []
    assert _server_state(organization) == before


def test_an_entity_outside_the_offline_set_is_not_available_offline(device: Device) -> None:
    device.call("go_offline")
    cases: list[tuple[str, dict[str, Any]]] = [
        ("retrieve", {"record_id": "00000000-0000-0000-0000-000000000001"}),
        ("create", {"values": {"name": "BU"}}),
        ("query", {}),
        ("available_commands", {}),
    ]
    for command, fields in cases:
        assert device.refuse(command, entity="businessunit", **fields) == "not_available_offline"
    assert device.call("local_records", entity="businessunit")["records"] == []


def test_the_offline_profile_narrows_the_offline_set(organization: Organization) -> None:
    """The device's offline set is what the user's profile holds, read again at every sync."""
    field_sales = organization.get(f"systemusers({organization.user_id})")["_mobileofflineprofileid_value"]
    created = organization.admin.post(
        "mobileofflineprofiles", json={"name": "Accounts only"}, headers={"Prefer": "return=representation"}
    )
    profile_id = created.json()["mobileofflineprofileid"]
    item = {
        "name": "Accounts",
        "regardingobjectid@odata.bind": f"/mobileofflineprofiles({profile_id})",
        "selectedentitytypecode": "account",
        "recorddistributioncriteria": 1,
    }
    organization.admin.post("mobileofflineprofileitems", json=item).raise_for_status()
    organization.assign_profile(profile_id)
    device = Device()
    device.call("configure", **organization.configuration)
    device.call("sync")
    assert set(device.sync_details().downloaded) == {"account", "annotation"}  # the accounts' notes too
    assert device.refuse("query", entity="contact") == "not_available_offline"
    assert device.call("local_records", entity="contact")["records"] == []
    assert device.call("local_records", entity="account")["records"]

    organization.assign_profile(field_sales)  # contacts too
    device.call("sync")
    assert device.call("local_records", entity="contact")["records"]
    organization.assign_profile(profile_id)
    device.call("sync")
    assert device.refuse("query", entity="contact") == "not_available_offline"
    assert device.call("local_records", entity="contact")["records"] == []
    device.call("shutdown")


def test_qualify_and_disqualify_a_lead_offline(device: Device, organization: Organization) -> None:
    qualified = device.first("lead", statecode=0)["leadid"]
    device.call("go_offline")
    # The second lead is created offline: its disqualification refers to it by its offline id.
    disqualified = device.call(
        "create", entity="lead", values={"subject": "Pumps", "lastname": "Lead", "companyname": "Pumpco"}
    )["record_id"]

    flags = {"create_account": True, "create_contact": True, "create_opportunity": True}
    assert device.call("qualify", record_id=qualified, **flags) == {
        "account_id": None,
        "contact_id": None,
        "opportunity_id": None,
    }
    assert device.refuse("qualify", record_id=qualified, create_account="yes") == "invalid_request"
    assert device.refuse("disqualify", record_id=disqualified, status=3) == "invalid_request"
    device.call("disqualify", record_id=disqualified, status=5)
    local = device.call("retrieve", entity="lead", record_id=qualified, columns=["statecode", "statuscode"])
    assert local["record"] == {"leadid": qualified, "statecode": 1, "statuscode": 3}
    assert "qualify" not in device.call("available_commands", entity="lead", record_id=qualified)["commands"]
    assert device.refuse("qualify", record_id=qualified) == "invalid_request"

    device.call("go_online")
    assert device.call("sync")["errors"] == []
    server_qualified = organization.get(f"leads({qualified})")
    assert (server_qualified["statecode"], server_qualified["statuscode"]) == (1, 3)
    # The server's QualifyLead made an account, a contact and an opportunity; the same sync
    # brought them to the device.
    opportunity = server_qualified["_qualifyingopportunityid_value"]
    assert opportunity is not None
    assert device.call("retrieve", entity="opportunity", record_id=opportunity)["record"][
        "originatingleadid"
    ] == {
        "entity": "lead",
        "id": qualified,
    }
    local_lead = device.call("retrieve", entity="lead", record_id=qualified)["record"]
    assert local_lead["parentaccountid"]["entity"] == "account"
    server_disqualified = organization.get("leads?$filter=companyname eq 'Pumpco'")["value"]
    assert [(r["statecode"], r["statuscode"]) for r in server_disqualified] == [(2, 5)]


def test_convert_an_appointment_to_a_case_offline(device: Device, organization: Organization) -> None:
    account = device.first("account")
    device.call("go_offline")
    appointment_id = device.call(
        "create",
        entity="appointment",
        values={
            "subject": "Broken pump on site",
            "regardingobjectid": {"entity": "account", "id": account["accountid"]},
        },
    )["record_id"]
    converted = device.call("convert_to_case", entity="appointment", record_id=appointment_id)
    case = device.call("retrieve", entity="incident", record_id=converted["record_id"])["record"]
    assert case["title"] == "Broken pump on site"
    assert case["customerid"] == {"entity": "account", "id": account["accountid"]}

    device.call("go_online")
    assert device.call("sync")["errors"] == []
    cases = organization.get("incidents?$filter=title eq 'Broken pump on site'")["value"]
    assert len(cases) == 1
    assert cases[0]["_customerid_value"] == account["accountid"]
    appointments = organization.get("appointments?$filter=subject eq 'Broken pump on site'")["value"]
    assert appointments[0]["_regardingobjectid_value"] == cases[0]["incidentid"]
    local_appointment = device.call("retrieve", entity="appointment", record_id=appointment_id)["record"]
    assert local_appointment["regardingobjectid"] == {"entity": "incident", "id": cases[0]["incidentid"]}


def test_convert_a_downloaded_appointment_to_a_case(device: Device, organization: Organization) -> None:
    account = device.first("account")["accountid"]
    visit = {
        "subject": "Site visit",
        "ownerid@odata.bind": f"/systemusers({organization.user_id})",
        "regardingobjectid_account_appointment@odata.bind": f"/accounts({account})",
    }
    organization.admin.post("appointments", json=visit).raise_for_status()
    device.call("sync")
    appointment = device.first("appointment", statecode=0)
    device.call("go_offline")
    case_id = device.call(
        "convert_to_case",
        entity="appointment",
        record_id=appointment["activityid"],
        values={"title": "From the visit"},
    )["record_id"]
    assert device.refuse("convert_to_case", entity="appointment", record_id=case_id) == "not_found"
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    [case] = organization.get("incidents?$filter=title eq 'From the visit'")["value"]
    server_appointment = organization.get(f"appointments({appointment['activityid']})")
    assert server_appointment["_regardingobjectid_value"] == case["incidentid"]
    assert (
        device.call("retrieve", entity="incident", record_id=case_id)["record"]["incidentid"]
        == (case["incidentid"])
    )


@pytest.mark.parametrize(
    ("entity", "context", "expected"),
    [
        ("account", "grid", ["create", "read", "delete"]),
        ("email", "grid", ["read"]),
        ("activitypointer", "grid", ["read", "delete"]),
        ("lead", "form", ["read", "update", "delete", "qualify", "disqualify"]),
        ("appointment", "form", ["read", "update", "delete", "convert_to_case"]),
        ("product", "subgrid", ["read"]),
    ],
)
def test_available_commands_list_only_what_works_offline(
    device: Device, entity: str, context: str, expected: list[str]
) -> None:
    assert device.call("available_commands", entity=entity, context=context)["commands"] == expected


def test_commands_before_configure_and_before_the_first_sync(organization: Organization) -> None:
    device = Device()
    assert device.refuse("create", entity="account", values={}) == "not_configured"
    assert device.refuse("sync") == "not_configured"
    assert device.refuse("fly") == "unsupported_command"
    assert device.refuse("configure", server_url="", token=organization.token) == "invalid_request"
    device.call("configure", **organization.configuration)
    assert device.refuse("create", entity="account", values={}) == "not_configured"
    device.call("shutdown")
