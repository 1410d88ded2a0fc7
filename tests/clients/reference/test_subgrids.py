"""Subgrids offline: N:N relationships are read-only (MO-SUB-001/002), Add Existing on a 1:N
relationship sets the related record's lookup and reaches the server at the next sync."""

from __future__ import annotations

import pytest

from clients.reference.catalog import Catalog, InvalidRequest, NotAvailableOffline, ReadOnlyOffline
from clients.reference.subgrids import (
    MANY_TO_MANY,
    ONE_TO_MANY,
    Relationship,
    link_column,
    relationship,
    subgrid_commands,
)
from tests.clients.conftest import Device, Organization

CONTACTS = Relationship("contact_customer_accounts", ONE_TO_MANY, "account", "contact", "parentcustomerid")
LEADS = Relationship("contactleads_association", MANY_TO_MANY, "contact", "lead")
CATALOG = Catalog.for_profile(["account", "contact", "lead", "email", "activitymimeattachment"])
STORED = {"contact_customer_accounts": vars(CONTACTS)}


def test_a_one_to_many_subgrid_offers_add_existing_and_an_n_to_n_one_does_not() -> None:
    assert subgrid_commands(CATALOG, CONTACTS, "contact") == ["create", "read", "add_existing"]
    assert subgrid_commands(CATALOG, LEADS, "contact") == ["read"]
    assert subgrid_commands(CATALOG, LEADS, "lead") == ["read"]
    attachments = Relationship(
        "email_activity_mime_attachment", ONE_TO_MANY, "email", "activitymimeattachment", "objectid"
    )
    assert subgrid_commands(CATALOG, attachments, "activitymimeattachment") == ["read"]
    with pytest.raises(InvalidRequest):
        subgrid_commands(CATALOG, CONTACTS, "account")


def test_add_existing_sets_a_lookup_and_refuses_n_to_n() -> None:
    assert link_column(CATALOG, CONTACTS, "account") == ("contact", "parentcustomerid")
    with pytest.raises(ReadOnlyOffline):
        link_column(CATALOG, LEADS, "lead")
    with pytest.raises(InvalidRequest):
        link_column(CATALOG, CONTACTS, "contact")


def test_a_relationship_must_link_offline_tables_and_involve_the_table() -> None:
    assert relationship(STORED, "contact_customer_accounts", "account") == CONTACTS
    with pytest.raises(NotAvailableOffline):
        relationship(STORED, "teammembership_association", "team")
    with pytest.raises(InvalidRequest):
        relationship(STORED, "contact_customer_accounts", "lead")


def _linked_contacts(organization: Organization, lead_id: str) -> list[str]:
    rows = organization.get(f"leads({lead_id})/contactleads_association?$select=contactid")["value"]
    return sorted(str(r["contactid"]) for r in rows)


def test_add_existing_on_n_to_n_changes_nothing(device: Device, organization: Organization) -> None:
    lead = device.first("lead")["leadid"]
    contact = device.first("contact")["contactid"]
    before = _linked_contacts(organization, lead)
    device.call("go_offline")
    commands = device.call(
        "available_commands", entity="contact", context="subgrid", relationship="contactleads_association"
    )
    assert "add_existing" not in commands["commands"]
    refused = device.refuse(
        "add_existing",
        entity="lead",
        record_id=lead,
        relationship="contactleads_association",
        related_id=contact,
    )
    assert refused == "read_only_offline"
    device.call("go_online")
    assert device.call("sync")["uploaded"] == 0
    assert _linked_contacts(organization, lead) == before


def test_add_existing_on_one_to_many_reaches_the_server(device: Device, organization: Organization) -> None:
    contact = device.first("contact")["contactid"]
    device.call("go_offline")
    commands = device.call(
        "available_commands", entity="contact", context="subgrid", relationship="contact_customer_accounts"
    )
    assert "add_existing" in commands["commands"]
    account = device.call("create", entity="account", values={"name": "Subgrid Co"})["record_id"]
    device.call(
        "add_existing",
        entity="account",
        record_id=account,
        relationship="contact_customer_accounts",
        related_id=contact,
    )
    assert device.call("retrieve", entity="contact", record_id=contact)["record"]["parentcustomerid"] == {
        "entity": "account",
        "id": account,
    }
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    [server_account] = organization.get("accounts?$select=accountid&$filter=name eq 'Subgrid Co'")["value"]
    assert organization.get(f"contacts({contact})")["_parentcustomerid_value"] == server_account["accountid"]
    assert (
        device.refuse("available_commands", entity="contact", context="form", relationship="x")
        == "invalid_request"
    )
