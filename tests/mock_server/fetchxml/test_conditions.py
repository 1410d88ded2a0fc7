"""Every operator family, run against rows of the seeded database (FX accounts and contacts)."""

from __future__ import annotations

import pytest

from tests.mock_server.fetchxml.conftest import Mock, fetch

ALL = ["FX Alpha", "FX Beta", "FX Delta_1", "FX Gamma"]


def accounts(mock: Mock, *conditions: str, filter_type: str = "and") -> list[str]:
    """Names of the FX accounts matching the conditions, in name order."""
    inner = "".join(conditions)
    xml = fetch(
        "account",
        "<filter><condition attribute='name' operator='begins-with' value='FX'/>"
        f"<filter type='{filter_type}'>{inner}</filter></filter><order attribute='name'/>",
    )
    return mock.names(xml)


def cond(attribute: str, operator: str, value: str | None = None, *values: str) -> str:
    text = f" value='{value}'" if value is not None else ""
    return (
        f"<condition attribute='{attribute}' operator='{operator}'{text}>"
        + "".join(f"<value>{v}</value>" for v in values)
        + "</condition>"
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("numberofemployees", "eq", "20"), ["FX Beta"]),
        (cond("numberofemployees", "ne", "20"), ["FX Alpha", "FX Delta_1", "FX Gamma"]),
        (cond("numberofemployees", "neq", "20"), ["FX Alpha", "FX Delta_1", "FX Gamma"]),
        (cond("numberofemployees", "gt", "20"), ["FX Delta_1", "FX Gamma"]),
        (cond("numberofemployees", "ge", "20"), ["FX Beta", "FX Delta_1", "FX Gamma"]),
        (cond("numberofemployees", "lt", "20"), ["FX Alpha"]),
        (cond("numberofemployees", "le", "20"), ["FX Alpha", "FX Beta"]),
        (cond("revenue", "gt", "500.25"), ["FX Beta"]),
        (cond("address1_city", "eq", "OSLO"), ["FX Alpha", "FX Delta_1"]),
        (cond("address1_city", "ne", "Oslo"), ["FX Beta"]),  # null cities are not "not Oslo"
        (cond("creditonhold", "eq", "1"), ["FX Alpha"]),
        (cond("creditonhold", "eq", "false"), ["FX Beta"]),
        (cond("industrycode", "eq", "1"), ["FX Gamma"]),
        (cond("address1_city", "null"), ["FX Gamma"]),
        (cond("address1_city", "not-null"), ["FX Alpha", "FX Beta", "FX Delta_1"]),
        (cond("primarycontactid", "not-null"), ["FX Alpha"]),
    ],
)
def test_comparisons_and_nulls(mock: Mock, condition: str, expected: list[str]) -> None:
    assert accounts(mock, condition) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("name", "like", "FX _eta"), ["FX Beta"]),
        (cond("name", "like", "fx alph"), []),  # without a wildcard, like matches the whole value
        (cond("name", "like", "FX ALPHA"), ["FX Alpha"]),
        (cond("name", "like", "%ta_1"), ["FX Delta_1"]),
        (cond("name", "like", "FX%a"), ["FX Alpha", "FX Beta", "FX Gamma"]),
        (cond("name", "like", "F%l%a"), ["FX Alpha"]),
        (cond("name", "like", "%m%"), ["FX Gamma"]),
        (cond("name", "not-like", "%a"), ["FX Delta_1"]),
        (cond("name", "begins-with", "fx b"), ["FX Beta"]),
        (cond("name", "not-begin-with", "FX B"), ["FX Alpha", "FX Delta_1", "FX Gamma"]),
        (cond("name", "ends-with", "MA"), ["FX Gamma"]),
        (cond("name", "not-end-with", "a"), ["FX Delta_1"]),
    ],
)
def test_string_operators(mock: Mock, condition: str, expected: list[str]) -> None:
    assert accounts(mock, condition) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("numberofemployees", "in", None, "10", "30"), ["FX Alpha", "FX Gamma"]),
        (cond("name", "in", None, "fx beta", "nobody"), ["FX Beta"]),
        (cond("numberofemployees", "not-in", None, "10", "30"), ["FX Beta", "FX Delta_1"]),
        (cond("numberofemployees", "between", None, "15", "30"), ["FX Beta", "FX Gamma"]),
        (cond("numberofemployees", "not-between", None, "15", "30"), ["FX Alpha", "FX Delta_1"]),
    ],
)
def test_sets_and_ranges(mock: Mock, condition: str, expected: list[str]) -> None:
    assert accounts(mock, condition) == expected


def test_lookups_and_hierarchy(mock: Mock) -> None:
    ids = mock.ids
    assert accounts(mock, cond("primarycontactid", "eq", ids["Ann"])) == ["FX Alpha"]
    assert accounts(mock, cond("parentaccountid", "eq", "{" + ids["FX Alpha"].upper() + "}")) == [
        "FX Delta_1"
    ]
    assert accounts(mock, cond("parentaccountid", "in", None, ids["FX Alpha"], ids["FX Delta_1"])) == [
        "FX Delta_1",
        "FX Gamma",
    ]
    assert accounts(mock, cond("accountid", "under", ids["FX Alpha"])) == ["FX Delta_1", "FX Gamma"]
    assert accounts(mock, cond("accountid", "eq-or-under", ids["FX Alpha"])) == [
        "FX Alpha",
        "FX Delta_1",
        "FX Gamma",
    ]
    assert accounts(mock, cond("accountid", "above", ids["FX Gamma"])) == ["FX Alpha", "FX Delta_1"]
    assert accounts(mock, cond("accountid", "eq-or-above", ids["FX Delta_1"])) == ["FX Alpha", "FX Delta_1"]
    assert accounts(mock, cond("accountid", "not-under", ids["FX Alpha"])) == ["FX Alpha", "FX Beta"]


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("eq-userid", ALL),
        ("ne-userid", []),
        ("eq-useroruserteams", ALL),
        ("eq-useroruserhierarchy", ALL),
        ("eq-useroruserhierarchyandteams", ALL),
        ("eq-userteams", []),
    ],
)
def test_the_caller_s_own_rows(mock: Mock, operator: str, expected: list[str]) -> None:
    assert accounts(mock, cond("ownerid", operator)) == expected


def test_the_caller_s_business_unit(mock: Mock) -> None:
    assert accounts(mock, cond("owningbusinessunit", "eq-businessid")) == ALL
    assert accounts(mock, cond("owningbusinessunit", "ne-businessid")) == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("createdon", "today"), ALL),
        (cond("createdon", "yesterday"), []),
        (cond("createdon", "tomorrow"), []),
        (cond("createdon", "this-week"), ALL),
        (cond("createdon", "this-month"), ALL),
        (cond("createdon", "this-year"), ALL),
        (cond("createdon", "last-week"), []),
        (cond("createdon", "last-month"), []),
        (cond("createdon", "last-year"), []),
        (cond("createdon", "next-year"), []),
        (cond("createdon", "last-seven-days"), ALL),
        (cond("createdon", "last-x-hours", "1"), ALL),
        (cond("createdon", "last-x-days", "1"), ALL),
        (cond("createdon", "last-x-weeks", "1"), ALL),
        (cond("createdon", "last-x-months", "1"), ALL),
        (cond("createdon", "last-x-years", "1"), ALL),
        (cond("createdon", "next-x-days", "1"), ALL),
        (cond("createdon", "olderthan-x-minutes", "1"), []),
        (cond("createdon", "olderthan-x-years", "1"), []),
    ],
)
def test_dates_relative_to_the_mock_clock(mock: Mock, condition: str, expected: list[str]) -> None:
    assert accounts(mock, condition) == expected


def test_moving_the_clock_moves_the_windows(mock: Mock) -> None:
    now = mock.client.get("/_mock/clock").json()["now"]
    try:
        assert mock.client.post("/_mock/clock", json={"advance": {"days": 3}}).status_code == 200
        assert accounts(mock, cond("createdon", "olderthan-x-days", "2")) == ALL
        assert accounts(mock, cond("createdon", "last-x-days", "2")) == []
        assert accounts(mock, cond("createdon", "last-x-days", "3")) == ALL
    finally:
        mock.client.post("/_mock/clock", json={"now": now})


def contacts(mock: Mock, condition: str) -> list[str]:
    xml = fetch(
        "contact",
        f"<filter><condition attribute='lastname' operator='eq' value='FX'/>{condition}</filter>"
        "<order attribute='firstname'/>",
        "<attribute name='firstname'/>",
    )
    return mock.names(xml, key="firstname")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("birthdate", "on", "1990-05-17"), ["Ann"]),
        (cond("birthdate", "on", "1985-01-02T23:00:00Z"), ["Cid"]),
        (cond("birthdate", "on-or-after", "1986-01-01"), ["Ann"]),
        (cond("birthdate", "on-or-before", "1985-01-02"), ["Cid"]),
        (cond("birthdate", "between", None, "1985-01-01", "1991-01-01"), ["Ann", "Cid"]),
        (cond("birthdate", "gt", "1985-01-02T10:30:00Z"), ["Ann"]),
        (cond("birthdate", "ge", "1985-01-02T11:30:00+01:00"), ["Ann", "Cid"]),
        (cond("parentcustomerid", "null"), ["Dee"]),
        ("<condition attribute='firstname' operator='ne' valueof='lastname'/>", ["Ann", "Bob", "Cid", "Dee"]),
        ("<condition attribute='firstname' operator='eq' valueof='lastname'/>", []),
    ],
)
def test_dates_and_column_comparisons_on_contacts(mock: Mock, condition: str, expected: list[str]) -> None:
    assert contacts(mock, condition) == expected


def test_and_or_nesting(mock: Mock) -> None:
    either = cond("numberofemployees", "eq", "10") + cond("address1_city", "eq", "Rome")
    assert accounts(mock, either, filter_type="or") == ["FX Alpha", "FX Beta"]
    nested = (
        "<filter type='or'><filter>"
        + cond("address1_city", "eq", "Oslo")
        + cond("numberofemployees", "gt", "10")
        + "</filter>"
        + cond("industrycode", "eq", "1")
        + "</filter>"
    )
    assert accounts(mock, nested) == ["FX Delta_1", "FX Gamma"]
