"""FetchXML paging cookies, in the shapes Dataverse and its clients exchange.

A page that is not the last carries ``@Microsoft.Dynamics.CRM.fetchxmlpagingcookie``:
``<cookie pagenumber="N+1" pagingcookie="..." istracking="False" />`` where ``pagingcookie``
is, URL-encoded twice, ``<cookie page="N"><accountid last="{GUID}" first="{GUID}" /></cookie>``
(the first and last primary keys of page N). Clients decode it twice and send it back in the
``paging-cookie`` attribute of ``<fetch>`` with ``page="N+1"``; the npm ``dynamics-web-api``
client finds it with ``pagingcookie="(<cookie page="(\\d+)".+</cookie>)``, so the inner
cookie keeps that exact outline.

The mock pages by offset (``Window``: page N holds rows ``(N-1)*count`` to ``N*count-1``;
5000 rows a page without ``count``; ``top`` rows and no paging with ``top``), so a cookie sent
back is read leniently for its page number and never refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

PAGING_COOKIE = "Microsoft.Dynamics.CRM.fetchxmlpagingcookie"
MORE_RECORDS = "Microsoft.Dynamics.CRM.morerecords"
DEFAULT_PAGE_SIZE = 5000
_PERCENT = re.compile(r"%[0-9A-F]{2}")


@dataclass(frozen=True)
class Window:
    """The rows one request returns: ``size`` rows from ``offset``. A paged request fetches
    one row more than it returns, to learn whether another page follows."""

    size: int
    offset: int
    paged: bool

    @classmethod
    def of(cls, page: int, page_size: int | None, top: int | None) -> Window:
        if top is not None:
            return cls(top, 0, paged=False)
        size = page_size or DEFAULT_PAGE_SIZE
        return cls(size, (page - 1) * size, paged=True)

    @property
    def limit(self) -> int:
        return self.size + 1 if self.paged else self.size


def paging_annotations(window: Window, page: int, primary_id: str, ids: list[str]) -> dict[str, Any]:
    """The paging annotations of a page whose fetch found ``ids`` (up to ``window.limit``): the
    cookie and ``morerecords`` when another page follows, nothing on the last page."""
    if not window.paged or len(ids) <= window.size:
        return {}
    cookie = next_page_cookie(page, primary_id, ids[0], ids[window.size - 1])
    return {f"@{PAGING_COOKIE}": cookie, f"@{MORE_RECORDS}": True}


def _encode(text: str) -> str:
    """Percent-encoding with lower-case hex digits, as Dataverse writes it."""
    return _PERCENT.sub(lambda m: m[0].lower(), quote(text, safe=""))


def next_page_cookie(page: int, primary_id: str, first_id: str, last_id: str) -> str:
    """The annotation value that follows page ``page`` whose rows run from ``first_id`` to ``last_id``."""
    inner = (
        f'<cookie page="{page}"><{primary_id} last="{{{last_id.upper()}}}" '
        f'first="{{{first_id.upper()}}}" /></cookie>'
    )
    return f'<cookie pagenumber="{page + 1}" pagingcookie="{_encode(_encode(inner))}" istracking="False" />'


def cookie_page(cookie: str | None) -> int | None:
    """The page number a ``paging-cookie`` was issued for, or None when it cannot be read.

    Accepts the inner cookie as clients send it (``<cookie page="1">...``), the whole
    annotation, or either still URL-encoded."""
    text = cookie
    for _ in range(2):  # the annotation, then the cookie inside it
        element = _parse(text)
        if element is None:
            return None
        nested = element.get("pagingcookie")
        if nested is None:
            page = element.get("page", "")
            return int(page) if page.isascii() and page.isdigit() and len(page) < 10 else None
        text = unquote(unquote(nested))
    return None


def _parse(text: str | None) -> ET.Element | None:
    if text is None:
        return None
    text = text.strip()
    for _ in range(3):
        if text.startswith("<"):
            break
        text = unquote(text)
    if not text.startswith("<cookie") or "<!" in text or len(text) > 10_000:
        return None
    try:
        return ET.fromstring(text)
    except (ET.ParseError, ValueError):
        return None
