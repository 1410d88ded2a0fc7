"""Dataverse query functions against a real SQLite database, with the mock clock at a fixed instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from mock_server.errors import QuerySyntaxError, UnknownProperty
from mock_server.store.database import Database
from tests.mock_server.odata.filter.seed import NOW, Run, gid, runner, seed

# Contacts whose birthdate is a moment around the clock (Thursday 2026-01-15 12:00 UTC).
_NOW = NOW.replace(tzinfo=None)
MOMENTS = {
    "now": _NOW,
    "hour_ago": _NOW - timedelta(hours=1),
    "today_start": datetime(2026, 1, 15),
    "yesterday": datetime(2026, 1, 14, 10),
    "tomorrow": datetime(2026, 1, 16, 10),
    "6_days_ago": datetime(2026, 1, 9, 10),
    "8_days_ago": datetime(2026, 1, 7, 10),
    "in_6_days": datetime(2026, 1, 21, 10),
    "in_8_days": datetime(2026, 1, 23, 10),
    "last_month": datetime(2025, 12, 20),
    "next_month": datetime(2026, 2, 10),
    "last_year": datetime(2025, 6, 1),
    "next_year": datetime(2027, 3, 1),
    "long_ago": datetime(2020, 1, 1),
}
JANUARY = {"now", "hour_ago", "today_start", "yesterday", "tomorrow", "6_days_ago", "8_days_ago"} | {
    "in_6_days",
    "in_8_days",
}
TODAY = {"now", "hour_ago", "today_start"}


@pytest.fixture(scope="module")
def dated() -> Iterator[Run]:
    db = Database()
    rows = [{"contactid": gid(name), "lastname": name, "birthdate": at} for name, at in MOMENTS.items()]
    seed(db, {"contact": [*rows, {"contactid": gid("undated"), "lastname": "undated"}]})
    yield runner(db, {gid(name): name for name in (*MOMENTS, "undated")})
    db.close()


def call(name: str, arguments: str = "", prop: str = "birthdate") -> str:
    return f"Microsoft.Dynamics.CRM.{name}(PropertyName='{prop}'{arguments})"


@pytest.mark.parametrize(
    ("function", "arguments", "expected"),
    [
        ("Today", "", TODAY),
        ("Yesterday", "", {"yesterday"}),
        ("Tomorrow", "", {"tomorrow"}),
        ("Last7Days", "", TODAY | {"yesterday", "6_days_ago"}),
        ("Next7Days", "", {"now", "tomorrow", "in_6_days"}),
        ("LastXHours", ",PropertyValue=2", {"now", "hour_ago"}),
        ("NextXHours", ",PropertyValue=24", {"now", "tomorrow"}),
        ("LastXDays", ",PropertyValue=1", TODAY | {"yesterday"}),
        ("LastXDays", ",PropertyValue='1'", TODAY | {"yesterday"}),
        ("NextXDays", ",PropertyValue=1", {"now", "tomorrow"}),
        ("LastXWeeks", ",PropertyValue=1", TODAY | {"yesterday", "6_days_ago"}),
        ("NextXWeeks", ",PropertyValue=1", {"now", "tomorrow", "in_6_days"}),
        ("LastXMonths", ",PropertyValue=1", TODAY | {"yesterday", "6_days_ago", "8_days_ago", "last_month"}),
        ("NextXMonths", ",PropertyValue=1", {"now", "tomorrow", "in_6_days", "in_8_days", "next_month"}),
        (
            "LastXYears",
            ",PropertyValue=1",
            JANUARY - {"tomorrow", "in_6_days", "in_8_days"} | {"last_month", "last_year"},
        ),
        ("NextXYears", ",PropertyValue=1", {"now", "tomorrow", "in_6_days", "in_8_days", "next_month"}),
        (
            "OlderThanXMinutes",
            ",PropertyValue=30",
            {
                "hour_ago",
                "today_start",
                "yesterday",
                "6_days_ago",
                "8_days_ago",
                "last_month",
                "last_year",
                "long_ago",
            },
        ),
        (
            "OlderThanXHours",
            ",PropertyValue=30",
            {"6_days_ago", "8_days_ago", "last_month", "last_year", "long_ago"},
        ),
        ("OlderThanXDays", ",PropertyValue=7", {"8_days_ago", "last_month", "last_year", "long_ago"}),
        ("OlderThanXWeeks", ",PropertyValue=1", {"8_days_ago", "last_month", "last_year", "long_ago"}),
        ("OlderThanXMonths", ",PropertyValue=1", {"last_year", "long_ago"}),
        ("OlderThanXYears", ",PropertyValue=1", {"long_ago"}),
        ("On", ",PropertyValue=2026-01-14", {"yesterday"}),
        ("On", ",PropertyValue='2026-01-14'", {"yesterday"}),
        (
            "OnOrAfter",
            ",PropertyValue=2026-01-16T23:00:00Z",
            {"tomorrow", "in_6_days", "in_8_days", "next_month", "next_year"},
        ),
        (
            "OnOrBefore",
            ",PropertyValue=2026-01-09",
            {"6_days_ago", "8_days_ago", "last_month", "last_year", "long_ago"},
        ),
        ("ThisWeek", "", TODAY | {"yesterday", "tomorrow"}),
        ("LastWeek", "", {"6_days_ago", "8_days_ago"}),
        ("NextWeek", "", {"in_6_days", "in_8_days"}),
        ("ThisMonth", "", JANUARY),
        ("LastMonth", "", {"last_month"}),
        ("NextMonth", "", {"next_month"}),
        ("ThisYear", "", JANUARY | {"next_month"}),
        ("LastYear", "", {"last_month", "last_year"}),
        ("NextYear", "", {"next_year"}),
        ("Between", ',PropertyValues=["2026-01-01","2026-01-10"]', {"6_days_ago", "8_days_ago"}),
        (
            "NotBetween",
            ",PropertyValues=[2026-01-01,2026-12-31]",
            {"last_month", "last_year", "long_ago", "next_year"},
        ),
    ],
)
def test_date_functions(dated: Run, function: str, arguments: str, expected: set[str]) -> None:
    assert dated("contact", call(function, arguments)) == expected


def test_date_functions_follow_the_mock_clock(dated: Run) -> None:
    assert dated("contact", call("Today"), now=NOW - timedelta(days=1)) == {"yesterday"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (call("Between", ",PropertyValues=[5,100]", "numberofemployees"), {"A1"}),
        (call("Between", ',PropertyValues=["5","2000"]', "revenue"), {"A1", "A4"}),
        (call("NotBetween", ",PropertyValues=[5,100]", "numberofemployees"), {"A2", "A3"}),
        (call("In", ",PropertyValues=['CONTOSO','fabrikam']", "name"), {"A1", "A2"}),
        (call("In", ",PropertyValue='Contoso'", "name"), {"A1"}),
        (call("In", ',PropertyValues=[1,"0"]', "statecode"), {"A1", "A2", "A3", "A4"}),
        (call("NotIn", ",PropertyValues=['contoso']", "name"), {"A2", "A3", "A4"}),
        (call("In", f",PropertyValues=['{gid('U1').upper()}','{{{gid('U2')}}}']", "ownerid"), {"A1", "A3"}),
        (call("In", ",PropertyValues=[true]", "creditonhold"), {"A1"}),
        (call("NotIn", ",PropertyValues=['false']", "creditonhold"), {"A1"}),
        (call("EqualUserId", "", "ownerid"), {"A1"}),
        (call("EqualUserId", "", "_ownerid_value"), {"A1"}),
        (call("NotEqualUserId", "", "ownerid"), {"A2", "A3", "A4"}),
        (call("EqualBusinessId", "", "owningbusinessunit"), {"A1"}),
        (call("NotEqualBusinessId", "", "owningbusinessunit"), {"A2"}),
        (call("EqualUserTeams", "", "ownerid"), {"A2"}),
        (call("EqualUserOrUserTeams", "", "ownerid"), {"A1", "A2"}),
        (call("EqualUserOrUserHierarchy", "", "ownerid"), {"A1", "A3"}),
        (call("EqualUserOrUserHierarchyAndTeams", "", "ownerid"), {"A1", "A2", "A3"}),
        (call("Under", f",PropertyValue='{gid('A1')}'", "accountid"), {"A2", "A3"}),
        (call("UnderOrEqual", f",PropertyValue={gid('A2')}", "accountid"), {"A2", "A3"}),
        (call("Above", f",PropertyValue={gid('A3')}", "accountid"), {"A1", "A2"}),
        (call("AboveOrEqual", f",PropertyValue={gid('A2')}", "accountid"), {"A1", "A2"}),
        (call("NotUnder", f",PropertyValue={gid('A1')}", "accountid"), {"A1", "A4"}),
        (call("Under", f",PropertyValue={gid('A4')}", "accountid"), set()),
        (call("Under", f",PropertyValue={gid('A1')}", "parentaccountid"), {"A3"}),
        (call("Under", f",PropertyValue={gid('BU1')}", "owningbusinessunit"), {"A2"}),
        ("Account_Tasks/any(t: " + call("In", ",PropertyValues=['visit']", "t/subject") + ")", {"A2"}),
        ("not " + call("In", ",PropertyValues=['contoso']", "name") + " and statecode eq 0", {"A2"}),
    ],
)
def test_value_id_and_hierarchy_functions(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


def test_user_functions_read_the_caller_from_the_scope(run: Run) -> None:
    assert run("account", call("EqualUserId", "", "ownerid"), user_id=gid("U4")) == {"A4"}
    assert run("account", call("EqualUserTeams", "", "ownerid"), team_ids=()) == set()


def test_business_unit_hierarchy(run: Run) -> None:
    assert run("businessunit", call("Under", f",PropertyValue={gid('BU1')}", "businessunitid")) == {"BU2"}


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (
            call("Nope"),
            QuerySyntaxError,
            "An unknown function with name 'Microsoft.Dynamics.CRM.Nope' was found.",
        ),
        (
            call("ContainValues", ",PropertyValues=[1]", "industrycode"),
            QuerySyntaxError,
            "'Microsoft.Dynamics.CRM.ContainValues' is not supported",
        ),
        (call("LastXFiscalYears", ",PropertyValue=1", "createdon"), QuerySyntaxError, "is not supported"),
        (call("Today", "", "nope"), UnknownProperty, "Could not find a property named 'nope'"),
        (call("Today", "", "t/createdon"), QuerySyntaxError, "The range variable 't' is not defined"),
        (
            call("Today", "", "name"),
            QuerySyntaxError,
            "Microsoft.Dynamics.CRM.Today: the property 'name' is Edm.String, but the function applies to "
            "Edm.DateTimeOffset.",
        ),
        (
            call("Today", ",PropertyValue=1", "createdon"),
            QuerySyntaxError,
            "expected no PropertyValue, found 1",
        ),
        (call("LastXDays", "", "createdon"), QuerySyntaxError, "expected one PropertyValue, found 0"),
        (
            call("LastXDays", ",PropertyValue='x'", "createdon"),
            QuerySyntaxError,
            "PropertyValue must be a whole number of 0 or more, found 'x'",
        ),
        (call("LastXDays", ",PropertyValue=-1", "createdon"), QuerySyntaxError, "whole number of 0 or more"),
        (call("LastXDays", ",PropertyValue=1.5", "createdon"), QuerySyntaxError, "whole number of 0 or more"),
        (
            call("LastXDays", ",PropertyValue=true", "createdon"),
            QuerySyntaxError,
            "whole number of 0 or more",
        ),
        (call("LastXDays", ",PropertyValue=99999999999", "createdon"), QuerySyntaxError, "out of range"),
        (call("LastXYears", ",PropertyValue=9999", "createdon"), QuerySyntaxError, "out of range"),
        (
            call("OlderThanXMinutes", ",PropertyValue='9999999999999999999'", "createdon"),
            QuerySyntaxError,
            "out of range",
        ),
        (
            call("On", ",PropertyValue='soon'", "createdon"),
            QuerySyntaxError,
            "the value 'soon' is not a valid Edm.DateTimeOffset for 'createdon'",
        ),
        (
            call("On", ",PropertyValue='9999-12-31T23:00:00-05:00'", "createdon"),
            QuerySyntaxError,
            "out of range",
        ),
        (
            call("Between", ",PropertyValues=[1]", "revenue"),
            QuerySyntaxError,
            "expected 2 PropertyValues, found 1",
        ),
        (
            call("Between", ",PropertyValues=['a','b']", "revenue"),
            QuerySyntaxError,
            "not a valid Edm.Decimal",
        ),
        (
            call("Between", ",PropertyValues=['1e999','1']", "revenue"),
            QuerySyntaxError,
            "not a valid Edm.Decimal",
        ),
        (
            call("In", ",PropertyValues=[]", "name"),
            QuerySyntaxError,
            "expected at least one PropertyValue, found 0",
        ),
        (call("In", ",PropertyValues=[1]", "name"), QuerySyntaxError, "not a valid Edm.String for 'name'"),
        (call("In", ",PropertyValues=['x']", "ownerid"), QuerySyntaxError, "not a valid Edm.Guid"),
        (call("In", ",PropertyValues=[1.5]", "statecode"), QuerySyntaxError, "not a valid Edm.Int32"),
        (call("In", ",PropertyValues=[99999999999999999999]", "statecode"), QuerySyntaxError, "not a valid"),
        (call("In", ",PropertyValues=['yes']", "creditonhold"), QuerySyntaxError, "not a valid Edm.Boolean"),
        (call("In", ",PropertyValues=[null]", "name"), QuerySyntaxError, "not a valid Edm.String"),
        (call("EqualUserId", "", "name"), QuerySyntaxError, "applies to Edm.Guid"),
        (call("EqualUserId", ",PropertyValue=1", "ownerid"), QuerySyntaxError, "expected no PropertyValue"),
        (
            call("Under", f",PropertyValue={gid('A1')}", "primarycontactid"),
            QuerySyntaxError,
            "the table 'contact' has no hierarchical relationship",
        ),
        (
            call("Under", f",PropertyValue={gid('A1')}", "ownerid"),
            QuerySyntaxError,
            "PropertyName must be the primary key or a lookup to a table with a hierarchy",
        ),
    ],
)
def test_bad_query_functions_are_400s(
    run: Run, text: str, error: type[QuerySyntaxError], message: str
) -> None:
    with pytest.raises(error) as raised:
        run("account", text)
    assert message in raised.value.message
    assert raised.value.status == 400
