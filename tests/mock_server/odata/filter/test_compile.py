"""The compiler, run against a real SQLite database: semantics of each node type and every 400."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from mock_server.errors import DataverseError, QuerySyntaxError, UnknownProperty
from mock_server.odata.filter import Lambda, Literal, PropertyPath, compile_filter, parse_filter
from mock_server.odata.filter.parser import MAX_DEPTH
from mock_server.store.database import Database
from tests.mock_server.odata.filter.seed import Run, gid, scope_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name eq 'Contoso'", {"A1"}),
        ("name eq 'CONTOSO'", {"A1"}),
        ("name ne 'contoso'", {"A2", "A3", "A4"}),
        ("telephone1 ne '555-0100'", set()),  # nulls never match ne
        ("revenue gt 100", {"A3"}),
        ("revenue ge 100", {"A1", "A3"}),
        ("revenue lt 100", {"A4"}),
        ("revenue le 7.25", {"A4"}),
        ("numberofemployees eq 3", {"A2"}),
        ("revenue eq 100", {"A1"}),
        ("industrycode eq 1", {"A1"}),
        ("statecode eq 1", {"A3", "A4"}),
    ],
)
def test_comparisons(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("revenue eq null", {"A2"}),
        ("revenue ne null", {"A1", "A3", "A4"}),
        ("null eq revenue", {"A2"}),
        ("_primarycontactid_value eq null", {"A2", "A3"}),
        ("_parentaccountid_value ne null", {"A2", "A3"}),
        ("revenue gt null", set()),
    ],
)
def test_null(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


def test_column_to_column_comparison_ignores_case(run: Run) -> None:
    assert run("contact", "firstname eq lastname") == {"C3"}
    assert run("account", "revenue gt numberofemployees") == {"A1", "A3"}


def test_guids_match_lookups_and_keys_whatever_their_case(run: Run) -> None:
    assert run("account", f"accountid eq {gid('A1').upper()}") == {"A1"}
    assert run("contact", f"_parentcustomerid_value eq {gid('A1')}") == {"C1"}
    assert run("account", f"_ownerid_value eq {gid('TEAM1')}") == {"A2"}
    assert run("contact", f"_parentcustomerid_value ne {gid('A1')}") == {"C2", "C3"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("createdon lt 2026-01-01T00:00:00Z", {"A3", "A4"}),
        ("createdon ge 2026-01-15T12:30:00+02:00", {"A1"}),
        ("createdon ge 2026-01-14", {"A1", "A2"}),
        ("createdon eq 2024-06-01T00:00:00Z", {"A4"}),
        ("createdon lt 2024-06-01T00:00:00.5Z", {"A4"}),
    ],
)
def test_datetimes_compare_in_utc(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


def test_booleans(run: Run) -> None:
    assert run("account", "creditonhold eq true") == {"A1"}
    assert run("account", "creditonhold eq false") == {"A2"}
    assert run("account", "creditonhold") == {"A1"}
    assert run("account", "not creditonhold") == {"A2"}
    assert run("account", "true") == {"A1", "A2", "A3", "A4"}
    assert run("account", "contains(name, 'on') eq true") == {"A1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contains(name, 'TOSO')", {"A1"}),
        ("startswith(name, 'fab')", {"A2"}),
        ("endswith(name, 'WORKS')", {"A3"}),
        ("startswith(name, 'o''b')", {"A4"}),
        ("contains(name, '100%')", {"A3"}),
        ("startswith(name, 'c_n')", {"A1"}),  # _ is one character
        ("contains(name, 'a%e')", {"A3"}),  # % is any run of characters
        ("contains(name, '[a]')", set()),  # character classes are not supported: no match
        ("contains(name, null)", set()),
        ("not contains(name, 'o')", {"A2"}),
        ("contains(primarycontactid/fullname, 'SMITH')", {"A1"}),
        ("startswith(name, telephone1)", set()),
        ("tolower(name) eq 'contoso'", {"A1"}),
        ("toupper(name) eq 'CONTOSO'", {"A1"}),
        ("trim(name) eq 'Contoso'", {"A1"}),
        ("length(name) eq 8", {"A2"}),
        ("year(createdon) eq 2025", {"A3"}),
        ("month(createdon) eq 6", {"A4"}),
        ("day(createdon) eq 14", {"A2"}),
        ("hour(createdon) eq 11", {"A1"}),
        ("minute(createdon) eq 0", {"A1", "A2", "A3", "A4"}),
        ("second(createdon) eq 0", {"A1", "A2", "A3", "A4"}),
    ],
)
def test_functions(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("revenue add 1 gt 100", {"A1", "A3"}),
        ("numberofemployees sub 3 eq 0", {"A2"}),
        ("numberofemployees mul 2 eq 20", {"A1"}),
        ("numberofemployees div 3 eq 1", {"A2"}),  # integer division
        ("revenue div 2 eq 3.625", {"A4"}),
        ("numberofemployees mod 4 eq 2", {"A1", "A3"}),
        ("-numberofemployees lt -100", {"A3"}),
        ("revenue add null eq null", {"A1", "A2", "A3", "A4"}),
    ],
)
def test_arithmetic(run: Run, text: str, expected: set[str]) -> None:
    assert run("account", text) == expected


def test_logical_operators(run: Run) -> None:
    assert run("account", "statecode eq 0 and revenue eq null") == {"A2"}
    assert run("account", "name eq 'contoso' or name eq 'fabrikam'") == {"A1", "A2"}
    assert run("account", "not (statecode eq 0 or revenue gt 5)") == set()
    assert run("account", "not (name eq 'contoso') and (statecode eq 1 or revenue eq null)") == {
        "A2",
        "A3",
        "A4",
    }


@pytest.mark.parametrize(
    ("entity", "text", "expected"),
    [
        ("account", "primarycontactid/fullname eq 'JOHN SMITH'", {"A1"}),
        ("account", "primarycontactid/fullname eq null", {"A2", "A3"}),
        ("account", "primarycontactid/fullname ne null", {"A1", "A4"}),
        ("account", "parentaccountid/parentaccountid/name eq 'contoso'", {"A3"}),
        ("account", "parentaccountid/primarycontactid/firstname eq 'john'", {"A2"}),
        ("account", "primarycontactid/firstname eq primarycontactid/firstname", {"A1", "A4"}),
        ("account", "primarycontactid/_parentcustomerid_value eq accountid", {"A1"}),
        ("contact", "parentcustomerid_account/primarycontactid/fullname eq 'john smith'", {"C1"}),
        ("contact", "parentcustomerid_contact/fullname eq 'John Smith'", {"C2"}),
        ("contact", "parentcustomerid_account/name eq 'fabrikam'", {"C3"}),
        ("task", "regardingobjectid_account_task/name eq 'contoso'", {"T1", "T2"}),
        ("task", "regardingobjectid_contact_task/fullname eq 'john smith'", {"T4"}),
    ],
)
def test_single_valued_navigation_paths(run: Run, entity: str, text: str, expected: set[str]) -> None:
    assert run(entity, text) == expected


@pytest.mark.parametrize(
    ("entity", "text", "expected"),
    [
        ("account", "Account_Tasks/any(t: t/statecode eq 1)", {"A1", "A2"}),
        ("account", "Account_Tasks/all(t: t/statecode eq 1)", {"A2", "A3", "A4"}),
        ("account", "Account_Tasks/any()", {"A1", "A2"}),
        ("account", "not Account_Tasks/any()", {"A3", "A4"}),
        ("account", "Account_Tasks/all(t: t/percentcomplete ge 10)", {"A1", "A3", "A4"}),  # null is not true
        ("account", "Account_Tasks/any(t: t/statecode eq statecode)", {"A1"}),  # plain paths read the root
        ("account", "contact_customer_accounts/any(c: c/fullname eq 'lee lee')", {"A2"}),
        ("account", "account_parent_account/any(a: a/name eq 'fabrikam')", {"A1"}),
        ("account", "account_parent_account/any(a: a/account_parent_account/any())", {"A1"}),
        (
            "account",
            "contact_customer_accounts/any(c: c/Contact_Tasks/any(t: t/subject eq 'follow up'))",
            {"A1"},
        ),
        (
            "account",
            "contact_customer_accounts/any(c: c/Contact_Tasks/any(t: t/statecode eq 0 "
            "and c/firstname eq 'JOHN'))",
            {"A1"},
        ),
        ("account", "Account_Tasks/any(t: t/regardingobjectid_account_task/name eq name)", {"A1", "A2"}),
        ("contact", "new_inspection_contact/any(i: i/new_score gt 50)", {"C1", "C3"}),
        ("contact", "new_inspection_contact/all(i: i/new_score gt 50)", {"C1", "C2"}),
        ("new_inspection", "new_inspection_contact/any(c: c/fullname eq 'john smith')", {"I1"}),
        ("new_inspection", "new_inspection_contact/any()", {"I1", "I2"}),
        (
            "new_inspection",
            "new_inspection_contact/any(c: c/new_inspection_contact/any(i: i/new_name eq 'roof'))",
            {"I1", "I2"},
        ),
    ],
)
def test_lambdas(run: Run, entity: str, text: str, expected: set[str]) -> None:
    assert run(entity, text) == expected


def test_parameter_aliases(run: Run) -> None:
    assert run("account", "name eq @p1 or revenue eq @p2", {"@p1": "'contoso'", "@p2": "7.25"}) == {
        "A1",
        "A4",
    }
    assert run("account", "revenue eq @unset") == {"A2"}


def test_values_travel_as_bound_parameters() -> None:
    db = Database()
    condition = compile_filter(
        parse_filter("name eq 'Robert''); DROP TABLE account;--'"), scope_for(db, "account")
    )
    compiled = condition.compile(dialect=sqlite.dialect())
    assert "DROP" not in str(compiled)
    assert "Robert'); DROP TABLE account;--" in compiled.params.values()
    db.close()


def test_deep_and_long_filters_compile_and_run(run: Run) -> None:
    deep = "name eq 'x'"
    for level in range(MAX_DEPTH):
        deep = f"({deep} {'and' if level % 2 else 'or'} revenue eq {level})"
    assert run("account", deep) == set()
    assert run("account", " or ".join(f"numberofemployees eq {n}" for n in range(500))) == {"A1", "A2", "A3"}


@pytest.mark.parametrize(
    ("entity", "text", "error", "message"),
    [
        (
            "account",
            "foo eq 1",
            UnknownProperty,
            "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.account'.",
        ),
        ("account", "Name eq 'x'", UnknownProperty, "named 'Name'"),
        ("account", "_name_value eq null", UnknownProperty, "named '_name_value'"),
        ("contact", "parentcustomerid eq null", UnknownProperty, "named 'parentcustomerid'"),
        (
            "account",
            "primarycontactid eq null",
            QuerySyntaxError,
            "The navigation property 'primarycontactid' cannot be used as a value; "
            "compare '_primarycontactid_value'",
        ),
        (
            "contact",
            "parentcustomerid_account eq null",
            QuerySyntaxError,
            "compare '_parentcustomerid_value'",
        ),
        (
            "account",
            "name eq 1",
            QuerySyntaxError,
            "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and "
            "'Edm.Int32' for operator kind 'Equal'.",
        ),
        (
            "account",
            "revenue gt 'a'",
            QuerySyntaxError,
            "'Edm.Decimal' and 'Edm.String' for operator kind 'GreaterThan'",
        ),
        ("account", "accountid eq 'x'", QuerySyntaxError, "'Edm.Guid' and 'Edm.String'"),
        ("account", "createdon lt 5", QuerySyntaxError, "'Edm.DateTimeOffset' and 'Edm.Int32'"),
        ("account", "creditonhold eq 1", QuerySyntaxError, "'Edm.Boolean' and 'Edm.Int32'"),
        ("account", "name add 1 eq 2", QuerySyntaxError, "for operator kind 'Add'"),
        ("account", "-name eq 1", QuerySyntaxError, "for operator kind 'Subtract'"),
        (
            "account",
            "name",
            QuerySyntaxError,
            "The $filter expression must be Edm.Boolean, found Edm.String.",
        ),
        ("account", "null", QuerySyntaxError, "must be Edm.Boolean, found null"),
        ("account", "foo(name)", QuerySyntaxError, "An unknown function with name 'foo' was found."),
        ("account", "Contains(name, 'x')", QuerySyntaxError, "unknown function with name 'Contains'"),
        (
            "account",
            "contains(name)",
            QuerySyntaxError,
            "No function signature for the function with name 'contains' matches the specified arguments. "
            "The function signatures considered are: contains(Edm.String, Edm.String).",
        ),
        ("account", "contains(revenue, 'x')", QuerySyntaxError, "contains(Edm.String, Edm.String)"),
        ("account", "year(name) eq 1", QuerySyntaxError, "year(Edm.DateTimeOffset)"),
        (
            "account",
            "primarycontactid/foo eq 1",
            UnknownProperty,
            "'foo' on type 'Microsoft.Dynamics.CRM.contact'",
        ),
        ("account", "name/foo eq 1", QuerySyntaxError, "'name' is not a navigation property"),
        ("account", "_primarycontactid_value/foo eq 1", QuerySyntaxError, "is not a navigation property"),
        ("account", "nope/name eq 1", UnknownProperty, "named 'nope'"),
        (
            "account",
            "Account_Tasks/subject eq 'x'",
            QuerySyntaxError,
            "The collection-valued navigation property 'Account_Tasks' can only be filtered with any()",
        ),
        ("account", "Account_Tasks eq null", QuerySyntaxError, "can only be filtered with any() or all()"),
        (
            "account",
            "ownerid/fullname eq 'x'",
            QuerySyntaxError,
            "several tables (systemuser, team); filter on '_ownerid_value'",
        ),
        (
            "account",
            "primarycontactid/Contact_Tasks/any(t: t/subject eq 'x')",
            QuerySyntaxError,
            "reaches one through a lookup, which Dataverse does not support",
        ),
        (
            "account",
            "primarycontactid/any(t: t/fullname eq 'x')",
            QuerySyntaxError,
            "'primarycontactid' is a single-valued navigation property",
        ),
        ("account", "Nope/any()", UnknownProperty, "named 'Nope'"),
        (
            "account",
            "Account_Tasks/any(t: t eq null)",
            QuerySyntaxError,
            "The range variable 't' cannot be used as a value",
        ),
        (
            "account",
            "Account_Tasks/any(t: t/name eq 'x')",
            UnknownProperty,
            "'name' on type 'Microsoft.Dynamics.CRM.task'",
        ),
        (
            "account",
            "numberofemployees eq 99999999999999999999",
            QuerySyntaxError,
            "out of range for Edm.Int64",
        ),
        ("account", "revenue eq 1e999", QuerySyntaxError, "out of range for Edm.Double"),
    ],
)
def test_bad_filters_raise_dataverse_errors(
    run: Run, entity: str, text: str, error: type[DataverseError], message: str
) -> None:
    with pytest.raises(error) as raised:
        run(entity, text)
    assert message in raised.value.message
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (
            Lambda("all", PropertyPath(("Account_Tasks",)), None, None),
            "Account_Tasks/all() needs a predicate",
        ),
        (
            Lambda("some", PropertyPath(("Account_Tasks",)), "t", Literal(True)),
            "Unknown lambda operator 'some'",
        ),
        (Lambda("any", PropertyPath((), "t"), None, None), "The range variable 't' is not defined"),
    ],
)
def test_trees_from_elsewhere_are_checked_too(node: Lambda, message: str) -> None:
    db = Database()
    with pytest.raises(QuerySyntaxError) as raised:
        compile_filter(node, scope_for(db, "account"))
    assert message in raised.value.message
    db.close()


_PIECES = [
    "name",
    "revenue",
    "numberofemployees",
    "createdon",
    "creditonhold",
    "accountid",
    "_primarycontactid_value",
    "primarycontactid/",
    "fullname",
    "Account_Tasks/",
    "t/",
    "subject",
    "statecode",
    "any(",
    "all(",
    "t:",
    "(",
    ")",
    ",",
    " eq ",
    " ne ",
    " gt ",
    " and ",
    " or ",
    "not ",
    " add ",
    " div ",
    " mod ",
    "-",
    "'s'",
    "1",
    "0",
    "2.5",
    "true",
    "null",
    "@p1",
    "2024-01-31",
    "2024-01-31T10:00:00Z",
    "6f9619ff-8b86-d011-b42d-00c04fc964ff",
    "contains(",
    "tolower(",
    "year(",
    "length(",
    "Microsoft.Dynamics.CRM.",
    "In(",
    "LastXDays(",
    "Under(",
    "Between(",
    "PropertyName='createdon'",
    "PropertyName='name'",
    "PropertyValue=3",
    "PropertyValues=['a','2']",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_token_soup_compiles_and_runs_or_raises_a_dataverse_error(run: Run, text: str) -> None:
    with contextlib.suppress(DataverseError):
        run("account", text, {"@p1": "5"})
