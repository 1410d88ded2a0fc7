"""Server-driven paging: ``$skiptoken`` cookies and ``@odata.nextLink``.

The cookie has Dataverse's outer shape (``<cookie pagenumber=... pagingcookie=... />``); what
is inside ``pagingcookie`` is the mock's own and clients must treat it as opaque, as they must
with Dataverse.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from mock_server.errors import BadRequest

_COOKIE = re.compile(r'pagenumber="(\d+)"\s+pagingcookie="([^"]*)"')
_OFFSET = re.compile(r'^<cookie page="(\d+)" offset="(\d+)" />$')


def skiptoken(page: int, offset: int) -> str:
    inner = quote(quote(f'<cookie page="{page - 1}" offset="{offset}" />', safe=""), safe="")
    return f'<cookie pagenumber="{page}" pagingcookie="{inner}" istracking="False" />'


def parse_skiptoken(token: str) -> tuple[int, int]:
    """(page number, row offset) of a ``$skiptoken`` value."""
    match = _COOKIE.search(token)
    inner = _OFFSET.match(unquote(unquote(match[2]))) if match else None
    if match is None or inner is None:
        raise BadRequest(
            "The $skiptoken is not valid: send the @odata.nextLink of the previous page unchanged."
        )
    return int(match[1]), int(inner[2])


def next_link(url: str, token: str) -> str:
    """``url`` with its ``$skiptoken`` replaced by ``token``."""
    return with_option(url, "$skiptoken", token)


_TRACKING = re.compile(r'^<cookie page="(\d+)" since="(\d+)" snapshot="(\d+)"(?: base="(\d+)")? />$')


def tracking_skiptoken(page: int, since: int, snapshot: int, base: int) -> str:
    """The next page of a change-tracking answer: changes after version ``since``, up to
    ``snapshot``, of a delta from version ``base`` (0 for the initial query)."""
    cookie = f'<cookie page="{page - 1}" since="{since}" snapshot="{snapshot}" base="{base}" />'
    inner = quote(quote(cookie, safe=""), safe="")
    return f'<cookie pagenumber="{page}" pagingcookie="{inner}" istracking="True" />'


def parse_tracking_skiptoken(token: str) -> tuple[int, int, int, int]:
    """(page number, since, snapshot, base) of a change-tracking ``$skiptoken``."""
    match = _COOKIE.search(token)
    inner = _TRACKING.match(unquote(unquote(match[2]))) if match else None
    if match is None or inner is None:
        raise BadRequest(
            "The $skiptoken is not valid: send the @odata.nextLink of the previous page unchanged."
        )
    return int(match[1]), int(inner[2]), int(inner[3]), int(inner[4] or inner[2])


def with_option(url: str, name: str, value: str, drop: tuple[str, ...] = ()) -> str:
    """``url`` with query option ``name`` set to ``value`` and the options in ``drop`` removed."""
    base, _, query = url.partition("?")
    removed = {name, *drop}
    parts = [p for p in query.split("&") if p and unquote(p.split("=", 1)[0]) not in removed]
    parts.append(f"{name}=" + quote(value, safe=""))
    return f"{base}?{'&'.join(parts)}"
