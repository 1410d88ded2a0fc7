"""Paging cookies: the shape Dataverse and dynamics-web-api exchange, read back leniently."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote

import pytest

from mock_server.fetchxml.paging import Window, cookie_page, next_page_cookie, paging_annotations

FIRST, LAST = "119f48cd-8120-4674-8e13-cc4fcd3ca6b2", "d1805511-b801-46a9-bd9d-85c54fe6a32c"
# The npm dynamics-web-api client's reading of the annotation, after decoding it twice.
CLIENT_REGEX = re.compile(r'pagingcookie="(<cookie page="(\d+)".+</cookie>)')


def test_the_cookie_has_dataverse_s_shape() -> None:
    cookie = next_page_cookie(1, "accountid", FIRST, LAST)
    match = re.fullmatch(r'<cookie pagenumber="2" pagingcookie="([^"]+)" istracking="False" />', cookie)
    assert match is not None
    assert "%253c" in match[1] and not re.search(
        r"%([0-9][A-F]|[A-F][0-9A-F])", match[1]
    )  # lower-case, twice encoded
    inner = unquote(unquote(match[1]))
    assert (
        inner
        == f'<cookie page="1"><accountid last="{{{LAST.upper()}}}" first="{{{FIRST.upper()}}}" /></cookie>'
    )


def test_dynamics_web_api_reads_the_next_page_from_it() -> None:
    cookie = next_page_cookie(4, "contactid", FIRST, LAST)
    info = CLIENT_REGEX.search(unquote(unquote(cookie)))
    assert info is not None and int(info[2]) + 1 == 5
    assert cookie_page(info[1]) == 4


@pytest.mark.parametrize(
    ("cookie", "page"),
    [
        ('<cookie page="3"><accountid last="{A}" first="{B}" /></cookie>', 3),
        (next_page_cookie(6, "accountid", FIRST, LAST), 6),
        ("%3Ccookie%20page%3D%227%22%20%2F%3E", 7),
        ("", None),
        (None, None),
        ("garbage", None),
        ('<cookie page="x"/>', None),
        ("<cookie><!DOCTYPE x></cookie>", None),
        ('<cookie pagenumber="2" pagingcookie="%zz" />', None),
        (escape('<cookie page="1">'), None),
    ],
)
def test_cookies_sent_back_are_read_leniently(cookie: str | None, page: int | None) -> None:
    assert cookie_page(cookie) == page


def test_windows_page_by_offset() -> None:
    assert Window.of(1, None, None) == Window(5000, 0, paged=True)
    assert Window.of(3, 25, None) == Window(25, 50, paged=True) and Window.of(3, 25, None).limit == 26
    assert Window.of(1, None, 7) == Window(7, 0, paged=False) and Window.of(1, None, 7).limit == 7


def test_only_a_page_with_a_successor_carries_the_annotations() -> None:
    window = Window.of(2, 2, None)
    assert paging_annotations(window, 2, "accountid", [FIRST, LAST]) == {}
    more = paging_annotations(window, 2, "accountid", [FIRST, LAST, "x"])
    assert more["@Microsoft.Dynamics.CRM.morerecords"] is True
    assert more["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"] == next_page_cookie(
        2, "accountid", FIRST, LAST
    )
    assert paging_annotations(Window.of(1, None, 2), 1, "accountid", [FIRST, LAST]) == {}
