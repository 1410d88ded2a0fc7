"""The parser: each construct, its precedence, each syntax error, and the guards against hostile input."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.errors import BadRequest, DataverseError, QuerySyntaxError
from mock_server.odata.filter import (
    And,
    Arith,
    Arithmetic,
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
    TooManyConditionsInQuery,
    parse_filter,
)
from mock_server.odata.filter.parser import MAX_CONDITIONS, MAX_DEPTH


def p(*segments: str, variable: str | None = None) -> PropertyPath:
    return PropertyPath(segments, variable)


def eq(left: Node, right: Node) -> Compare:
    return Compare(Op.EQ, left, right)


NAME_X = eq(p("name"), Literal("x"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'O''Bryan'", "O'Bryan"),
        ("''", ""),
        ("42", 42),
        ("-3", -3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("- 3", -3),
        ("-(2.5)", -2.5),
        ("true", True),
        ("false", False),
        ("null", None),
        ("2024-01-31T10:00:00Z", datetime(2024, 1, 31, 10, tzinfo=UTC)),
        ("2024-01-31T10:00:00.25+02:00", datetime(2024, 1, 31, 8, 0, 0, 250000, tzinfo=UTC)),
        ("2024-01-31T10:00", datetime(2024, 1, 31, 10, tzinfo=UTC)),
        ("2024-01-31", datetime(2024, 1, 31, tzinfo=UTC)),
    ],
)
def test_literals(text: str, value: object) -> None:
    assert parse_filter(f"x eq {text}") == eq(p("x"), Literal(value))  # type: ignore[arg-type]


def test_guids_are_lowercased_and_marked() -> None:
    node = parse_filter("accountid eq 6F9619FF-8B86-D011-B42D-00C04FC964FF")
    assert node == eq(p("accountid"), Literal("6f9619ff-8b86-d011-b42d-00c04fc964ff", is_guid=True))


@pytest.mark.parametrize(("keyword", "op"), [(op.value, op) for op in Op])
def test_comparison_operators(keyword: str, op: Op) -> None:
    assert parse_filter(f"revenue {keyword} 5") == Compare(op, p("revenue"), Literal(5))


def test_or_binds_looser_than_and_and_not_looser_than_comparison() -> None:
    node = parse_filter("not a eq 1 or b eq 2 and c eq 3")
    assert node == Or(
        Not(eq(p("a"), Literal(1))),
        And(eq(p("b"), Literal(2)), eq(p("c"), Literal(3))),
    )


def test_parentheses_group() -> None:
    assert parse_filter("(a eq 1 or b eq 2) and c eq 3") == And(
        Or(eq(p("a"), Literal(1)), eq(p("b"), Literal(2))), eq(p("c"), Literal(3))
    )


def test_short_chains_are_left_associative_and_long_ones_balanced() -> None:
    a, b, c, d = (eq(p(n), Literal(1)) for n in "abcd")
    assert parse_filter("a eq 1 and b eq 1 and c eq 1") == And(And(a, b), c)
    assert parse_filter("a eq 1 or b eq 1 or c eq 1 or d eq 1") == Or(Or(a, b), Or(c, d))


def test_arithmetic_precedence_and_unary_minus() -> None:
    node = parse_filter("a add b mul -c sub 4 mod 3 gt 0")
    negated_c = Arithmetic(Arith.SUB, Literal(0), p("c"))
    left = Arithmetic(
        Arith.SUB,
        Arithmetic(Arith.ADD, p("a"), Arithmetic(Arith.MUL, p("b"), negated_c)),
        Arithmetic(Arith.MOD, Literal(4), Literal(3)),
    )
    assert node == Compare(Op.GT, left, Literal(0))
    assert parse_filter("a div 2 eq 1") == eq(Arithmetic(Arith.DIV, p("a"), Literal(2)), Literal(1))


def test_property_paths() -> None:
    assert parse_filter("_parentcustomerid_value eq null") == eq(p("_parentcustomerid_value"), Literal(None))
    assert parse_filter("parentcustomerid_account/primarycontactid/fullname eq 'x'") == eq(
        p("parentcustomerid_account", "primarycontactid", "fullname"), Literal("x")
    )


def test_column_to_column_comparison() -> None:
    assert parse_filter("firstname eq lastname") == eq(p("firstname"), p("lastname"))


def test_function_calls() -> None:
    assert parse_filter("contains(name,'x')") == Call("contains", (p("name"), Literal("x")))
    assert parse_filter("startswith( name , 'x' )") == Call("startswith", (p("name"), Literal("x")))
    assert parse_filter("year(createdon) eq 2024") == eq(Call("year", (p("createdon"),)), Literal(2024))
    assert parse_filter("tolower(trim(name)) eq 'x'") == eq(
        Call("tolower", (Call("trim", (p("name"),)),)), Literal("x")
    )


def test_lambdas() -> None:
    assert parse_filter("Account_Tasks/any(t: t/subject eq 'x')") == Lambda(
        "any", p("Account_Tasks"), "t", eq(p("subject", variable="t"), Literal("x"))
    )
    assert parse_filter("Account_Tasks/all(t:t/statecode eq 1)") == Lambda(
        "all", p("Account_Tasks"), "t", eq(p("statecode", variable="t"), Literal(1))
    )
    assert parse_filter("Account_Tasks/any()") == Lambda("any", p("Account_Tasks"), None, None)


def test_nested_lambdas_see_outer_variables_and_plain_paths_stay_on_the_root() -> None:
    node = parse_filter("a/any(x: x/b/any(y: y/c eq x/d and name eq 'n'))")
    inner = And(eq(p("c", variable="y"), p("d", variable="x")), eq(p("name"), Literal("n")))
    assert node == Lambda("any", p("a"), "x", Lambda("any", p("b", variable="x"), "y", inner))


def test_a_variable_is_only_in_scope_inside_its_lambda() -> None:
    node = parse_filter("a/any(x: x/b eq 1) and x/b eq 1")
    assert isinstance(node, And)
    assert node.right == eq(p("x", "b"), Literal(1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Microsoft.Dynamics.CRM.Today(PropertyName='createdon')", QueryFunction("Today", "createdon", ())),
        (
            "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=3)",
            QueryFunction("LastXDays", "createdon", (Literal(3),)),
        ),
        (
            "Microsoft.Dynamics.CRM.In(PropertyValues=['a','b'], PropertyName='name')",
            QueryFunction("In", "name", (Literal("a"), Literal("b"))),
        ),
        (
            'Microsoft.Dynamics.CRM.Between(PropertyName="revenue",PropertyValues=["5","2000"])',
            QueryFunction("Between", "revenue", (Literal("5"), Literal("2000"))),
        ),
        (
            'Microsoft.Dynamics.CRM.NotIn(PropertyName=\'name\',PropertyValues=["O\'Bryan","a \\"b\\""])',
            QueryFunction("NotIn", "name", (Literal("O'Bryan"), Literal('a "b"'))),
        ),
        ("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[])", QueryFunction("In", "name", ())),
        ("Microsoft.Dynamics.CRM.Whatever(PropertyName='x')", QueryFunction("Whatever", "x", ())),
    ],
)
def test_query_functions(text: str, expected: QueryFunction) -> None:
    assert parse_filter(text) == expected


def test_query_functions_combine_with_other_conditions() -> None:
    node = parse_filter("not Microsoft.Dynamics.CRM.Today(PropertyName='createdon') and name eq 'x'")
    assert node == And(Not(QueryFunction("Today", "createdon", ())), NAME_X)


def test_parameter_aliases() -> None:
    aliases = {"@p1": "'x'", "@p2": "'name'", "@p3": '["a","b"]', "@p4": "5"}
    assert parse_filter("name eq @p1", aliases) == NAME_X
    assert parse_filter("name eq @missing", aliases) == eq(p("name"), Literal(None))
    assert parse_filter(
        "Microsoft.Dynamics.CRM.In(PropertyName=@p2,PropertyValues=@p3)", aliases
    ) == QueryFunction("In", "name", (Literal("a"), Literal("b")))
    assert parse_filter(
        "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=@p4)", aliases
    ) == QueryFunction("LastXDays", "createdon", (Literal(5),))


def test_keywords_are_case_sensitive() -> None:
    with pytest.raises(QuerySyntaxError, match="found 'EQ'"):
        parse_filter("name EQ 'x'")
    assert parse_filter("True eq true") == eq(p("True"), Literal(True))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name eq",
            "Syntax error at position 7 in 'name eq': expected an expression, found the end of the input.",
        ),
        ("", "Syntax error at position 0 in '': expected an expression"),
        ("name eq 'x' 'y'", "position 12 in 'name eq 'x' 'y'': expected 'and', 'or', an operator or the end"),
        ("name eq 'x' and", "position 15"),
        ("(name eq 'x'", "expected ')', found the end of the input"),
        ("name eq 'x')", "position 11"),
        ("a eq b eq c", "position 7"),
        ("contains(name 'x')", "expected ',' or ')', found ''x''"),
        ("a/", "expected a property name after '/'"),
        ("a/all()", "expected a range variable"),
        ("a/any(x x/b eq 1)", "expected ':' after the range variable"),
        ("a/any(x: x/b eq 1", "expected ')'"),
        ("x/any(x: x/any(y: y eq 1))", "expected a collection-valued navigation property, found 'any'"),
        ("Foo.Bar(x)", "expected a function named Microsoft.Dynamics.CRM.<Name>, found 'Foo.Bar'"),
        ("Microsoft.Dynamics.CRM.Today", "expected '('"),
        ("Microsoft.Dynamics.CRM.Today()", "expected PropertyName='<property name>', found ')'"),
        ("Microsoft.Dynamics.CRM.Today(PropertyName=1)", "expected PropertyName='<property name>'"),
        (
            "Microsoft.Dynamics.CRM.Today(Name='x')",
            "expected one of PropertyName, PropertyValue or PropertyValues",
        ),
        ("Microsoft.Dynamics.CRM.Today(PropertyName='x',PropertyName='y')", "each at most once"),
        ("Microsoft.Dynamics.CRM.On(PropertyName='x',PropertyValue=1,PropertyValues=[2])", "not both"),
        ("Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=['a' 'b'])", "expected ',' or ']'"),
        ("Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues='a')", "expected '[' starting a list"),
        ("Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=[name])", "expected a literal value"),
        (
            "Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=@nothing)",
            "expected a value for @nothing",
        ),
        ('x eq "a"', "expected an expression, found '\"a\"'"),
        ("x eq 2024-13-01", "expected a valid literal, found '2024-13-01'"),
        ("x eq 2024-02-30T10:00:00Z", "expected a valid literal"),
        ("x eq 0001-01-01T00:00:00+01:00", "expected a valid literal"),
        (f"x eq {'9' * 5000}", "expected a valid literal"),
    ],
)
def test_syntax_errors_say_where_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse_filter(text)
    assert message in raised.value.message


def test_a_bad_alias_value_names_the_alias() -> None:
    with pytest.raises(QuerySyntaxError, match="Parameter alias @p1: Syntax error at position 0 in 'name'"):
        parse_filter("x eq @p1", {"@p1": "name"})
    with pytest.raises(
        QuerySyntaxError, match=r"Parameter alias @p1: .* expected a literal value, found '@p2'"
    ):
        parse_filter("x eq @p1", {"@p1": "@p2", "@p2": "1"})
    with pytest.raises(QuerySyntaxError, match="expected the end of the value"):
        parse_filter("x eq @p1", {"@p1": "1 add 1"})


def test_more_than_500_conditions_is_too_many() -> None:
    just_enough = " or ".join(["a eq 1"] * MAX_CONDITIONS)
    assert isinstance(parse_filter(just_enough), Or)
    with pytest.raises(TooManyConditionsInQuery) as raised:
        parse_filter(just_enough + " or a eq 1")
    assert isinstance(raised.value, BadRequest)
    assert raised.value.code == "0x8004430C"
    assert raised.value.status == 400


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    ok = "(" * MAX_DEPTH + "a eq 1" + ")" * MAX_DEPTH
    assert parse_filter(ok) == eq(p("a"), Literal(1))
    for text in (
        "(" * 100_000 + "a eq 1" + ")" * 100_000,
        "not " * 100_000 + "a",
        "-" * 100_000 + "a",
        "x eq " + "a add " * 100_000 + "1",
        "contains(" * 10_000,
        "a/any(x: " * 10_000,
    ):
        with pytest.raises(QuerySyntaxError, match="nested more than 32 levels deep"):
            parse_filter(text)


@given(st.text())
def test_random_text_parses_or_raises_a_dataverse_error(text: str) -> None:
    try:
        node = parse_filter(text)
    except DataverseError:
        return
    assert isinstance(
        node, Literal | PropertyPath | Compare | Arithmetic | And | Or | Not | Call | QueryFunction | Lambda
    )


_PIECES = [
    "name",
    "x",
    "x/",
    "a/b",
    "/",
    "(",
    ")",
    ",",
    ":",
    "=",
    "[",
    "]",
    "-",
    " eq ",
    " ne ",
    " gt ",
    " and ",
    " or ",
    "not ",
    " add ",
    " mul ",
    "'s'",
    "''",
    "1",
    "-2",
    "1.5",
    "1e999",
    "true",
    "null",
    "@p1",
    "@p2",
    "2024-01-31",
    "2024-01-31T10:00:00Z",
    "6f9619ff-8b86-d011-b42d-00c04fc964ff",
    "any(",
    "all(",
    "x:",
    "contains(",
    "Microsoft.Dynamics.CRM.In(",
    "PropertyName=",
    "PropertyValues=",
    "PropertyValue=",
    '"q"',
]


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_token_soup_parses_or_raises_a_dataverse_error(text: str) -> None:
    with contextlib.suppress(DataverseError):
        parse_filter(text, {"@p1": "'v'", "@p2": "[1,2]"})
