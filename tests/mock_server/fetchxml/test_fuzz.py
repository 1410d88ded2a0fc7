"""Random FetchXML from a grammar of its elements, with names and values that may or may not
exist: every document is answered with rows or a 4xx ``DataverseError``, never anything else."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.errors import DataverseError
from mock_server.fetchxml.conditions import OPERATORS
from tests.mock_server.fetchxml.conftest import Mock

GUID = "7d577253-3ef0-4a0a-bb7f-8335c2596e70"
# Names that exist on account, contact and task alike, so most conditions in links are valid too.
SHARED = ["createdon", "modifiedon", "ownerid", "statecode", "statuscode", "owningbusinessunit", "createdby"]
COLUMNS = [
    *SHARED * 3,
    *(
        "name",
        "accountid",
        "primarycontactid",
        "parentaccountid",
        "revenue",
        "numberofemployees",
        "creditonhold",
    ),
    *("industrycode", "address1_city", "fullname", "firstname", "parentcustomerid", "birthdate", "subject"),
]
BAD_COLUMNS = ["nosuch", "_parentcustomerid_value", ""]
VALUES = [
    *("", "1", "0", "-1", "10", "true", "x", "%a%", "a_", "2024-01-01", "2024-01-01T10:00:00+02:00", GUID),
    *("{" + GUID + "}", "1e400", "99999999999999999999", "<&>", "'\"", "1.5", "nan", " 3 ", "\u00e9\u6f22"),
]
ALIASES = ["a", "b", "c", "contact", "contact1"]
BAD_ALIASES = ["1bad", "x y", ""]
OPERATOR_NAMES = sorted(OPERATORS)
BAD_OPERATORS = ["bogus", "last-fiscal-year", "contain-values", ""]
# (name, from, to) of links that are valid below an account, and a few that are not.
LINKS = [
    ("contact", "contactid", "primarycontactid"),
    ("contact", "parentcustomerid", "accountid"),
    ("task", "regardingobjectid", "accountid"),
    ("account", "accountid", "parentaccountid"),
    ("systemuser", "systemuserid", "ownerid"),
    ("account", "parentaccountid", "accountid"),
]
BAD_LINKS = [
    ("nosuch", "a", "b"),
    ("contact", None, None),
    ("teammembership", "systemuserid", "ownerid"),
    ("", "", ""),
]
LINK_TYPES = ["inner", "outer", "any", "not any", "all", "not all", "exists", "in"]
BAD_LINK_TYPES = ["left", "matchfirstrowusingcrossapply", ""]


def element(tag: str, attrs: dict[str, str | None], children: list[str] | None = None) -> str:
    text = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if v is not None)
    inner = "".join(children or [])
    return f"<{tag}{text}>{inner}</{tag}>" if inner else f"<{tag}{text}/>"


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """A good value nine times in ten, a bad one otherwise."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(bad if n == 0 else good))


def sometimes(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.integers(0, 2).flatmap(lambda n: st.none() if n == 0 else strategy)


escaped = st.sampled_from(VALUES).map(lambda v: v.replace("&", "&amp;").replace("<", "&lt;"))
condition = st.builds(
    lambda attribute, operator, value, values, entityname, valueof: element(
        "condition",
        {
            "attribute": attribute,
            "operator": operator,
            "value": value,
            "entityname": entityname,
            "valueof": valueof,
        },
        [element("value", {}, [v]) if v else "<value/>" for v in values],
    ),
    mostly(COLUMNS, BAD_COLUMNS),
    mostly(OPERATOR_NAMES, BAD_OPERATORS),
    sometimes(st.sampled_from(VALUES)),
    st.lists(escaped, max_size=3),
    st.integers(0, 5).flatmap(lambda n: st.sampled_from(ALIASES + BAD_ALIASES) if n == 0 else st.none()),
    st.integers(0, 9).flatmap(lambda n: st.sampled_from(COLUMNS) if n == 0 else st.none()),
)
attribute = st.builds(
    lambda name, alias: element("attribute", {"name": name, "alias": alias}),
    mostly(COLUMNS, BAD_COLUMNS),
    st.integers(0, 5).flatmap(
        lambda n: st.sampled_from(["x1", "x2", "name", "1bad"]) if n == 0 else st.none()
    ),
)
order = st.builds(
    lambda name, descending: element("order", {"attribute": name, "descending": descending}),
    mostly(COLUMNS, BAD_COLUMNS),
    sometimes(mostly(["true", "false", "1"], ["yes"])),
)
filters: st.SearchStrategy[str] = st.deferred(
    lambda: st.builds(
        lambda kind, children: element("filter", {"type": kind}, children),
        sometimes(mostly(["and", "or"], ["xor"])),
        st.lists(condition | condition | filters | filter_links, max_size=4),
    )
)


def link_entities(kinds: list[str], children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda names, alias, kind, inner: element(
            "link-entity",
            {"name": names[0], "from": names[1], "to": names[2], "alias": alias, "link-type": kind},
            inner,
        ),
        st.integers(0, 9).flatmap(lambda n: st.sampled_from(BAD_LINKS if n == 0 else LINKS)),
        sometimes(mostly(ALIASES, BAD_ALIASES)),
        mostly(kinds, BAD_LINK_TYPES),
        st.lists(children, max_size=3),
    )


filter_links: st.SearchStrategy[str] = st.deferred(
    lambda: link_entities(["any", "not any", "all", "not all", "exists", "in"], filters | filter_links)
)
links: st.SearchStrategy[str] = st.deferred(
    lambda: link_entities(
        ["inner", "outer", "inner", "outer", "exists", "any"],
        attribute | order | filters | links | st.just("<all-attributes/>"),
    )
)
FETCH_ATTRIBUTES = [
    *(
        ("count", "2"),
        ("count", "3"),
        ("page", "1"),
        ("page", "2"),
        ("distinct", "true"),
        ("no-lock", "false"),
    ),
    *(("paging-cookie", "<cookie page='1'/>"), ("returntotalrecordcount", "true"), ("version", "1.0")),
]
BAD_FETCH_ATTRIBUTES = [("top", "2"), ("count", "5001"), ("aggregate", "true"), ("bogus", "1"), ("page", "x")]
documents = st.builds(
    lambda table, children, fetch_attrs: element(
        "fetch", dict(fetch_attrs), [element("entity", {"name": table}, children)]
    ),
    mostly(["account"], ["contact", "nosuch", ""]),
    st.lists(attribute | order | filters | filters | links | st.just("<all-attributes/>"), max_size=5),
    st.lists(
        st.integers(0, 9).flatmap(
            lambda n: st.sampled_from(BAD_FETCH_ATTRIBUTES if n == 0 else FETCH_ATTRIBUTES)
        ),
        max_size=3,
    ),
)


def answered(mock: Mock, xml: str) -> None:
    try:
        mock.run(xml, "account")
    except DataverseError as error:
        assert 400 <= error.status < 500, repr(error)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_grammar_documents_get_rows_or_a_4xx(mock: Mock, xml: str) -> None:
    answered(mock, xml)


@settings(max_examples=150, deadline=None)
@given(documents, st.data())
def test_damaged_documents_get_rows_or_a_4xx(mock: Mock, xml: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(xml)))
    noise = data.draw(st.text(alphabet="<>/='\"&;! ax-\x00", max_size=5))
    answered(mock, xml[:cut] + noise + xml[cut:])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_4xx(mock: Mock, text: str) -> None:
    answered(mock, text)
