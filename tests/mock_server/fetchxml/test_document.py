"""Loading FetchXML text safely: malformed XML, DTDs, entities, size and depth are 400s."""

from __future__ import annotations

import pytest

from mock_server.fetchxml import MalformedFetchXml
from mock_server.fetchxml.document import MAX_CHARS, MAX_DEPTH, MAX_ELEMENTS, load


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "<fetch>",
        "<fetch></entity>",
        "not xml",
        "<fetch a='1' a='2'/>",
        "<fetch>\ud800</fetch>",
        '<?xml version="1.0"?><!DOCTYPE fetch [<!ENTITY x "boom">]><fetch>&x;</fetch>',
        '<!doctype fetch SYSTEM "http://example.com/evil.dtd"><fetch/>',
        "<fetch>&undefined;</fetch>",
    ],
)
def test_malformed_or_dangerous_documents_are_refused(text: str) -> None:
    with pytest.raises(MalformedFetchXml) as raised:
        load(text)
    assert raised.value.status == 400 and raised.value.code == "0x80040201"


def test_dtds_are_refused_with_a_reason() -> None:
    with pytest.raises(MalformedFetchXml, match="DTD"):
        load("<!DOCTYPE fetch><fetch/>")


def test_parse_errors_say_where() -> None:
    with pytest.raises(MalformedFetchXml, match="line 1, column"):
        load("<fetch><entity></fetch>")


def test_size_depth_and_element_count_are_bounded() -> None:
    with pytest.raises(MalformedFetchXml, match="characters long"):
        load("<fetch>" + " " * MAX_CHARS + "</fetch>")
    with pytest.raises(MalformedFetchXml, match="deeper"):
        load("<f>" * (MAX_DEPTH + 1) + "</f>" * (MAX_DEPTH + 1))
    with pytest.raises(MalformedFetchXml, match="elements"):
        load("<fetch>" + "<a/>" * MAX_ELEMENTS + "</fetch>")
    assert load("<f>" * MAX_DEPTH + "</f>" * MAX_DEPTH).tag == "f"


def test_comments_and_declarations_are_fine() -> None:
    root = load('<?xml version="1.0" encoding="utf-8"?>\n<!-- a view --><fetch><!-- x --></fetch>')
    assert root.tag == "fetch" and len(root) == 0
