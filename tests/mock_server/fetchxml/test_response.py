"""run_fetchxml / fetchxml_response: the body, the headers, and paging to the last page."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import unquote

from mock_server.errors import BadRequest
from mock_server.fetchxml.document import MAX_CHARS
from tests.mock_server.fetchxml.conftest import BASE, Mock, fetch

COOKIE = "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"
MORE = "@Microsoft.Dynamics.CRM.morerecords"
ORDERED = "<order attribute='name'/>"


def test_rows_omit_nulls_and_render_lookups_as_values(mock: Mock) -> None:
    xml = fetch(
        "account",
        "<filter><condition attribute='name' operator='eq' value='FX Gamma'/></filter>",
        "<attribute name='name'/><attribute name='address1_city'/><attribute name='parentaccountid'/>"
        "<attribute name='revenue'/><attribute name='createdon'/>",
    )
    body = mock.run(xml)
    assert (
        body["@odata.context"]
        == f"{BASE}$metadata#accounts(name,address1_city,_parentaccountid_value,revenue,createdon,accountid)"
    )
    (gamma,) = body["value"]
    assert set(gamma) == {"@odata.etag", "name", "_parentaccountid_value", "createdon", "accountid"}
    assert gamma["_parentaccountid_value"] == mock.ids["FX Delta_1"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", gamma["createdon"])
    assert COOKIE not in body and MORE not in body


def test_no_attributes_means_every_non_null_column(mock: Mock) -> None:
    xml = (
        "<fetch><entity name='account'><filter>"
        "<condition attribute='name' operator='eq' value='FX Beta'/></filter></entity></fetch>"
    )
    (beta,) = mock.run(xml)["value"]
    assert beta["revenue"] == 2000.0 and beta["creditonhold"] is False and beta["_ownerid_value"]
    assert None not in beta.values() and "description" not in beta


def test_annotations_follow_the_prefer_header(mock: Mock) -> None:
    xml = fetch(
        "account",
        "<filter><condition attribute='name' operator='eq' value='FX Alpha'/></filter>",
        "<attribute name='name'/><attribute name='revenue'/><attribute name='primarycontactid'/>",
    )
    (alpha,) = mock.run(xml, prefer='odata.include-annotations="OData.Community.Display.V1.FormattedValue"')[
        "value"
    ]
    assert alpha["revenue@OData.Community.Display.V1.FormattedValue"] == "$100.50"
    assert alpha["_primarycontactid_value@OData.Community.Display.V1.FormattedValue"] == "Ann FX"
    assert "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname" not in alpha


def test_the_response_is_odata_json(mock: Mock) -> None:
    response = mock.respond(fetch("account", ORDERED, count="2"), prefer='odata.include-annotations="*"')
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; odata.metadata=minimal"
    assert response.headers["odata-version"] == "4.0"
    assert response.headers["preference-applied"] == 'odata.include-annotations="*"'
    body = json.loads(bytes(response.body))
    assert len(body["value"]) == 2 and body[MORE] is True


def next_fetch(xml: str, annotation: str) -> str:
    """What dynamics-web-api sends next: the page after the cookie's, with the cookie escaped in."""
    info = re.search(r'pagingcookie="(<cookie page="(\d+)".+</cookie>)', unquote(unquote(annotation)))
    assert info is not None
    cookie = escape(info[1], quote=True)
    return re.sub(r"^<fetch", f'<fetch page="{int(info[2]) + 1}" paging-cookie="{cookie}"', xml)


def test_paging_until_the_cookie_disappears(mock: Mock) -> None:
    everything = [row["accountid"] for row in mock.run(fetch("account", ORDERED))["value"]]
    assert len(everything) == 9  # 5 seeded, 4 FX
    xml = fetch("account", ORDERED, count="4")
    pages: list[list[str]] = []
    request = xml
    while True:
        body = mock.run(request)
        pages.append([row["accountid"] for row in body["value"]])
        if COOKIE not in body:
            assert MORE not in body
            break
        assert body[MORE] is True
        assert body[COOKIE].startswith(f'<cookie pagenumber="{len(pages) + 1}" pagingcookie="')
        request = next_fetch(xml, body[COOKIE])
    assert [len(page) for page in pages] == [4, 4, 1]
    assert [i for page in pages for i in page] == everything


def test_pages_by_number_without_a_cookie(mock: Mock) -> None:
    everything = [row["accountid"] for row in mock.run(fetch("account", ORDERED))["value"]]
    second = mock.run(fetch("account", ORDERED, count="3", page="2"))
    assert [row["accountid"] for row in second["value"]] == everything[3:6] and second[MORE] is True
    assert mock.run(fetch("account", ORDERED, count="3", page="9"))["value"] == []
    last = mock.run(fetch("account", ORDERED, count="3", page="3", paging_cookie="not a cookie at all"))
    assert [row["accountid"] for row in last["value"]] == everything[6:] and COOKIE not in last


def test_paging_is_stable_when_links_repeat_rows(mock: Mock) -> None:
    link = (
        "<link-entity name='contact' from='parentcustomerid' to='accountid' alias='c'>"
        "<attribute name='firstname'/></link-entity>"
    )
    all_rows = mock.run(fetch("account", link + ORDERED))["value"]
    paged = [
        mock.run(fetch("account", link + ORDERED, count="1", page=str(n)))["value"]
        for n in range(1, len(all_rows) + 1)
    ]
    assert [page[0]["c.firstname"] for page in paged] == [row["c.firstname"] for row in all_rows]


def test_top_returns_that_many_rows_and_no_paging(mock: Mock) -> None:
    body = mock.run(fetch("account", ORDERED, top="2"))
    assert len(body["value"]) == 2 and COOKIE not in body and MORE not in body


def test_counts(mock: Mock) -> None:
    xml = fetch(
        "account",
        "<filter><condition attribute='name' operator='begins-with' value='FX'/></filter>",
        count="1",
    )
    plain = mock.run(xml, query="$count=true")
    assert plain["@odata.count"] == 4 and len(plain["value"]) == 1
    total = fetch("account", "", count="1", returntotalrecordcount="true")
    annotated = mock.run(total, prefer='odata.include-annotations="*"')
    assert annotated["@Microsoft.Dynamics.CRM.totalrecordcount"] == 9
    assert annotated["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"] is False
    assert "@Microsoft.Dynamics.CRM.totalrecordcount" not in mock.run(total)


def test_bad_requests_are_dataverse_errors(mock: Mock) -> None:
    errors: list[Any] = []
    for xml, query in (
        (fetch("account", ""), "$count=maybe"),
        ("<fetch", ""),
        ("<fetch>" + "x" * MAX_CHARS + "</fetch>", ""),
    ):
        try:
            mock.run(xml, query=query)
        except BadRequest as error:
            errors.append(error.status)
    assert errors == [400, 400, 400]
