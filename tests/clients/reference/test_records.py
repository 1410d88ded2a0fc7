"""Conversions between the device's record shape and the Web API's."""

from __future__ import annotations

import pytest

from clients.reference import records
from clients.reference.catalog import InvalidRequest
from clients.reference.webapi import EntityInfo

CONTACT = EntityInfo(
    "contact",
    "contacts",
    "contactid",
    "fullname",
    {
        "parentcustomerid:account": "parentcustomerid_account",
        "parentcustomerid:contact": "parentcustomerid_contact",
    },
)
METADATA = {"contact": CONTACT, "account": EntityInfo("account", "accounts", "accountid", "name")}


def test_a_server_row_becomes_a_flat_record_with_lookups() -> None:
    row = {
        "@odata.etag": 'W/"1"',
        "contactid": "c1",
        "lastname": "Byron",
        "_parentcustomerid_value": "A1",
        "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
        "_owninguser_value": None,
    }
    assert records.from_server(row) == {
        "contactid": "c1",
        "lastname": "Byron",
        "parentcustomerid": {"entity": "account", "id": "a1"},
        "owninguser": None,
    }


def test_secured_columns_are_left_out() -> None:
    row = {"contactid": "c1", "lastname": "Byron", "mobilephone": "+1 555 0100"}
    assert records.from_server(row, frozenset({"mobilephone"})) == {"contactid": "c1", "lastname": "Byron"}


def test_values_become_a_web_api_body_with_binds() -> None:
    values = {"contactid": "x", "lastname": "B", "parentcustomerid": {"entity": "account", "id": "offline"}}
    body = records.to_server(CONTACT, values, METADATA, lambda record_id: "$1")
    assert body == {"lastname": "B", "parentcustomerid_account@odata.bind": "$1"}
    body = records.to_server(CONTACT, values, METADATA, lambda record_id: "server-id")
    assert body["parentcustomerid_account@odata.bind"] == "/accounts(server-id)"


def test_values_are_checked() -> None:
    with pytest.raises(InvalidRequest):
        records.check_values(CONTACT, {"parentcustomerid": {"entity": "task", "id": "1"}})
    with pytest.raises(InvalidRequest):
        records.check_values(CONTACT, {"parentcustomerid": None})
    with pytest.raises(InvalidRequest):
        records.check_values(CONTACT, {"x@odata.bind": "/accounts(1)"})
    with pytest.raises(InvalidRequest):
        records.check_values(CONTACT, {"address": {"city": "Paris"}})


def test_bare_ids_resolve_to_the_table_that_holds_them() -> None:
    holds = {("contact", "c9")}
    resolved = records.resolve_lookups(
        CONTACT, {"parentcustomerid": "C9", "lastname": "c9"}, lambda e, i: (e, i) in holds
    )
    assert resolved == {"parentcustomerid": {"entity": "contact", "id": "c9"}, "lastname": "c9"}
    with pytest.raises(InvalidRequest):
        records.resolve_lookups(CONTACT, {"parentcustomerid": "nowhere"}, lambda e, i: False)


def test_filters_and_columns() -> None:
    record = {
        "contactid": "c1",
        "statecode": 0,
        "parentcustomerid": {"entity": "account", "id": "a1"},
        "x": "AbC",
    }
    assert records.matches(record, {"statecode": 0, "parentcustomerid": "A1", "x": "abc"})
    assert not records.matches(record, {"statecode": 1})
    assert records.matches(record, {"missing": None})
    assert records.project(record, "contactid", ["statecode"]) == {"contactid": "c1", "statecode": 0}
    with pytest.raises(InvalidRequest):
        records.project(record, "contactid", "statecode")
