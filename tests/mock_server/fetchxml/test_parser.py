"""parse_fetchxml: documents into plans. Each operator, nesting, links and paging attributes
(the refusals are in test_errors.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mock_server.fetchxml import (
    FetchQuery,
    FetchXmlError,
    parse_fetchxml,
)
from mock_server.fetchxml.conditions import OPERATORS
from mock_server.odata.filter import (
    And,
    Call,
    Compare,
    Lambda,
    Literal,
    Node,
    Not,
    Op,
    Or,
    PropertyPath,
    QueryFunction,
)
from mock_server.schema import schema
from tests.mock_server.fetchxml.conftest import fetch

ACCOUNT = schema().entity("account")
assert ACCOUNT is not None
GUID = "7d577253-3ef0-4a0a-bb7f-8335c2596e70"
NAME = PropertyPath(("name",))


def parse(xml: str) -> FetchQuery:
    assert ACCOUNT is not None
    return parse_fetchxml(xml, ACCOUNT)


def condition(attribute: str, operator: str, value: str | None = None, values: tuple[str, ...] = ()) -> str:
    value_attr = f" value='{value}'" if value is not None else ""
    inner = "".join(f"<value>{v}</value>" for v in values)
    return f"<condition attribute='{attribute}' operator='{operator}'{value_attr}>{inner}</condition>"


def node(text: str) -> Node | None:
    return parse(fetch("account", f"<filter>{text}</filter>")).plan.filter


def test_a_minimal_document_selects_every_column() -> None:
    query = parse("<fetch><entity name='account'/></fetch>")
    assert query.plan.entity is ACCOUNT and query.plan.select == () and query.plan.filter is None
    assert (query.page, query.page_size, query.top, query.plan.links) == (1, None, None, ())
    assert parse("<fetch><entity name='account'><all-attributes/></entity></fetch>").plan.select == ()


def test_attributes_orders_and_fetch_attributes() -> None:
    query = parse(
        "<fetch version='1.0' mapping='logical' count='50' page='3' distinct='true' no-lock='true' "
        "returntotalrecordcount='true' paging-cookie='&lt;cookie page=\"2\"&gt;&lt;/cookie&gt;'>"
        "<entity name='account'><attribute name='name'/><attribute name='primarycontactid'/>"
        "<attribute name='name'/><order attribute='revenue' descending='true'/><order attribute='name'/>"
        "</entity></fetch>"
    )
    plan = query.plan
    assert [a.logical_name for a in plan.select] == ["name", "primarycontactid"]
    assert [(o.attribute.logical_name, o.descending) for o in plan.order_by] == [
        ("revenue", True),
        ("name", False),
    ]
    assert (query.page_size, query.page, plan.distinct, query.total_count) == (50, 3, True, True)
    assert query.paging_cookie == '<cookie page="2"></cookie>' and query.cookie_page == 2
    assert parse(fetch("account", "", top="7")).top == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (condition("name", "eq", "A"), Compare(Op.EQ, NAME, Literal("A"))),
        (condition("name", "neq", "A"), Compare(Op.NE, NAME, Literal("A"))),
        (
            condition("numberofemployees", "ge", " 5 "),
            Compare(Op.GE, PropertyPath(("numberofemployees",)), Literal(5)),
        ),
        (condition("revenue", "lt", "2.5"), Compare(Op.LT, PropertyPath(("revenue",)), Literal(2.5))),
        (
            condition("creditonhold", "eq", "1"),
            Compare(Op.EQ, PropertyPath(("creditonhold",)), Literal(True)),
        ),
        (
            condition("creditonhold", "ne", "false"),
            Compare(Op.NE, PropertyPath(("creditonhold",)), Literal(False)),
        ),
        (
            condition("primarycontactid", "eq", "{" + GUID.upper() + "}"),
            Compare(Op.EQ, PropertyPath(("_primarycontactid_value",)), Literal(GUID, is_guid=True)),
        ),
        (
            condition("createdon", "gt", "2024-01-02"),
            Compare(Op.GT, PropertyPath(("createdon",)), Literal(datetime(2024, 1, 2, tzinfo=UTC))),
        ),
        (condition("name", "null"), Compare(Op.EQ, NAME, Literal(None))),
        (
            condition("primarycontactid", "not-null"),
            Compare(Op.NE, PropertyPath(("_primarycontactid_value",)), Literal(None)),
        ),
        (
            "<condition attribute='name' operator='eq' valueof='accountnumber'/>",
            Compare(Op.EQ, NAME, PropertyPath(("accountnumber",))),
        ),
        (condition("name", "begins-with", "Co"), Call("startswith", (NAME, Literal("Co")))),
        (condition("name", "not-end-with", "Co"), Not(Call("endswith", (NAME, Literal("Co"))))),
        (
            condition("name", "in", values=("A", "B")),
            QueryFunction("In", "name", (Literal("A"), Literal("B"))),
        ),
        (
            condition("numberofemployees", "not-between", values=("1", "9")),
            QueryFunction("NotBetween", "numberofemployees", (Literal(1), Literal(9))),
        ),
        (condition("createdon", "last-x-days", "3"), QueryFunction("LastXDays", "createdon", (Literal(3),))),
        (
            condition("createdon", "olderthan-x-minutes", "30"),
            QueryFunction("OlderThanXMinutes", "createdon", (Literal(30),)),
        ),
        (condition("createdon", "this-week"), QueryFunction("ThisWeek", "createdon", ())),
        (condition("createdon", "next-seven-days"), QueryFunction("Next7Days", "createdon", ())),
        (
            condition("createdon", "on-or-before", "2024-05-01"),
            QueryFunction("OnOrBefore", "createdon", (Literal(datetime(2024, 5, 1, tzinfo=UTC)),)),
        ),
        (
            condition("ownerid", "eq-useroruserhierarchyandteams"),
            QueryFunction("EqualUserOrUserHierarchyAndTeams", "ownerid", ()),
        ),
        (
            condition("owningbusinessunit", "ne-businessid"),
            QueryFunction("NotEqualBusinessId", "owningbusinessunit", ()),
        ),
        (
            condition("accountid", "eq-or-under", GUID),
            QueryFunction("UnderOrEqual", "accountid", (Literal(GUID, is_guid=True),)),
        ),
    ],
)
def test_conditions_become_the_shared_predicate_nodes(text: str, expected: object) -> None:
    assert node(text) == expected


def test_like_matches_the_whole_value() -> None:
    assert node(condition("name", "like", "Co%n")) == And(
        Call("startswith", (NAME, Literal("Co%n"))), Call("endswith", (NAME, Literal("Co%n")))
    )
    assert node(condition("name", "not-like", "C_")) == Not(
        And(Call("startswith", (NAME, Literal("C_"))), Compare(Op.EQ, Call("length", (NAME,)), Literal(2)))
    )


OPERAND = {
    "like": ("name", ("x%",)),
    "in": ("name", ("a", "b")),
    "between": ("numberofemployees", ("1", "2")),
    "on": ("createdon", ("2024-01-01",)),
    "under": ("accountid", (GUID,)),
}


@pytest.mark.parametrize("operator", sorted(OPERATORS))
def test_every_operator_parses_on_a_column_of_its_type(operator: str) -> None:
    types = OPERATORS[operator].types
    if operator in ("in", "not-in"):
        attribute, values = OPERAND["in"]
    elif "between" in operator:
        attribute, values = OPERAND["between"]
    elif operator.startswith(("on", "on-")):
        attribute, values = OPERAND["on"]
    elif "under" in operator or "above" in operator:
        attribute, values = OPERAND["under"]
    elif types is not None and any(t.value == "DateTime" for t in types):
        attribute, values = "createdon", ("2",) if "-x-" in operator else ()
    elif types is not None and any(t.value == "Owner" for t in types):
        attribute, values = "ownerid", ()
    elif "null" in operator:
        attribute, values = "name", ()
    else:
        attribute, values = "name", ("x%",)
    assert node(condition(attribute, operator, values=values)) is not None


def test_filters_nest_to_any_depth_and_skip_empty_ones() -> None:
    a, b, c = (condition("name", "eq", v) for v in "abc")
    parsed = node(f"<filter type='or'>{a}<filter>{b}{c}<filter type='or'/></filter></filter>")
    eq = [Compare(Op.EQ, NAME, Literal(v)) for v in "abc"]
    assert parsed == Or(eq[0], And(eq[1], eq[2]))
    deep = "".join("<filter type='or'>" for _ in range(30)) + a + "".join("</filter>" for _ in range(30))
    assert node(deep) == eq[0]
    assert parse(fetch("account", "<filter/>")).plan.filter is None


def test_link_entities_become_link_plans_with_default_aliases() -> None:
    plan = parse(
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' link-type='outer'>"
            "<attribute name='fullname'/><filter>"
            "<condition attribute='firstname' operator='eq' value='A'/></filter>"
            "<link-entity name='account' from='accountid' to='parentcustomerid' alias='employer'>"
            "<all-attributes/><order attribute='name' descending='1'/></link-entity></link-entity>"
            "<link-entity name='contact' from='parentcustomerid' to='accountid'/>"
            "<link-entity name='task' from='regardingobjectid' to='accountid'/>",
        )
    ).plan
    contact, children, tasks = plan.links
    assert (contact.alias, contact.outer, [a.logical_name for a in contact.select]) == (
        "contact",
        True,
        ["fullname"],
    )
    assert (
        contact.from_attribute.logical_name == "contactid"
        and contact.to_attribute.logical_name == "primarycontactid"
    )
    assert contact.filter == Compare(Op.EQ, PropertyPath(("firstname",)), Literal("A"))
    (employer,) = contact.links
    assert (
        employer.alias == "employer" and employer.select == employer.entity.attributes and employer.order_by
    )
    assert (children.alias, children.select, children.outer) == ("contact2", (), False)
    assert tasks.alias == "task1"


def test_from_and_to_may_be_left_out_when_one_relationship_fits() -> None:
    (link,) = parse(fetch("account", "<link-entity name='transactioncurrency'/>")).plan.links
    assert (link.from_attribute.logical_name, link.to_attribute.logical_name) == (
        "transactioncurrencyid",
        "transactioncurrencyid",
    )
    with pytest.raises(FetchXmlError, match="needs 'from' and 'to'"):
        parse(fetch("account", "<link-entity name='systemuser'/>"))


def test_entityname_reads_a_link_alias_and_filter_links_become_lambdas() -> None:
    plan = parse(
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' alias='pc'/>"
            "<filter type='or'><condition entityname='pc' attribute='parentcustomerid' operator='null'/>"
            "<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='not any'>"
            "<filter><condition attribute='firstname' operator='eq' value='Ann'/></filter></link-entity>"
            "<link-entity name='task' from='regardingobjectid' to='accountid' link-type='all'/></filter>",
        )
    ).plan
    nav = PropertyPath(("contact_customer_accounts",))
    first_name = Compare(Op.EQ, PropertyPath(("firstname",), "contact2"), Literal("Ann"))
    assert plan.filter == Or(
        Or(
            Compare(Op.EQ, PropertyPath(("_parentcustomerid_value",), "pc"), Literal(None)),
            Not(Lambda("any", nav, "contact2", first_name)),
        ),
        Literal(True),
    )


def test_an_exists_link_across_a_lookup_is_an_inner_join_without_columns() -> None:
    (link,) = parse(
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' link-type='exists'/>",
        )
    ).plan.links
    assert (link.alias, link.outer, link.select) == ("contact", False, ())


def test_intersect_tables_join_many_to_many_relationships() -> None:
    user = schema().entity("systemuser")
    assert user is not None
    plan = parse_fetchxml(
        "<fetch><entity name='systemuser'><link-entity name='teammembership' from='systemuserid' "
        "to='systemuserid' intersect='true'><link-entity name='team' from='teamid' to='teamid' alias='t'>"
        "<attribute name='name'/></link-entity></link-entity></entity></fetch>",
        user,
    ).plan
    (membership,) = plan.links
    assert membership.entity.logical_name == "teammembership" and membership.links[0].alias == "t"


def test_column_aliases_rename_output_keys() -> None:
    query = parse(
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' alias='c'>"
            "<attribute name='fullname' alias='contact_name'/></link-entity>",
            "<attribute name='name' alias='account_name'/>",
        )
    )
    assert query.names == {(None, "name"): "account_name", ("c", "fullname"): "contact_name"}
