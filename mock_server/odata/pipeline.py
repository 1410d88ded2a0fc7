"""One Web API request, from its URL to a response, inside a transaction someone else opened.

``web_api`` (a plain HTTP request) and ``$batch`` (each request inside a batch) both come
through ``execute``, so a request behaves the same whichever way it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.responses import Response

from mock_server.errors import BadRequest, ResourceNotFound
from mock_server.odata import batch
from mock_server.odata.context import Call, ContentIds
from mock_server.odata.endpoints import dispatch
from mock_server.odata.prefer import parse_prefer
from mock_server.odata.query_options import parse_query_string
from mock_server.odata.url import parse_path
from mock_server.store.records import Writer

_API_PATH = re.compile(r"^/api/data/(?P<version>[^/]+)(?P<path>/.*)?$")
VERSIONS = {"v9.0", "v9.1", "v9.2"}


def execute(
    writer: Writer,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    content_ids: ContentIds | None = None,
) -> Response:
    """Answer one request; ``url`` is absolute, ``headers`` have lower-case names."""
    parts = urlsplit(url)
    match = _API_PATH.match(parts.path)
    if match is None:
        raise BadRequest(f"'{url}' is not a Web API URL.")
    version = match["version"]
    if version not in VERSIONS:
        raise ResourceNotFound(version)
    origin = f"{parts.scheme}://{parts.netloc}"
    call = Call(
        method=method,
        conn=writer.conn,
        writer=writer,
        caller=writer.caller,
        preferences=parse_prefer([headers.get("prefer", "")]),
        options=parse_query_string(parts.query),
        headers=dict(headers),
        body=body,
        base_url=f"{origin}/api/data/{version}/",
        url=url,
        content_ids={} if content_ids is None else content_ids,
    )
    segments = parse_path(match["path"] or "")
    if segments and segments[0].name == "$batch" and len(segments) == 1:
        return batch.run(call, execute)
    return dispatch(call, segments)
