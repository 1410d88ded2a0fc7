"""``POST $batch``: many requests in one ``multipart/mixed`` body, with atomic change sets.

Parsing accepts what real clients send (CRLF or LF, quoted or bare boundaries, absolute,
server-relative, relative or ``$n`` inner URLs, Content-ID in the part's MIME headers or in
the inner request). Each change set runs in a savepoint: any failure rolls all of it back and
answers with that one failure in its place. Requests outside change sets stop the batch at the
first failure unless ``Prefer: odata.continue-on-error`` is sent. The answer uses
``batchresponse_`` and ``changesetresponse_`` boundaries, as Dataverse does.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

from starlette.responses import Response

from mock_server.errors import BadRequest, DataverseError
from mock_server.odata.context import Call, ContentIds
from mock_server.store.records import Writer

MAX_REQUESTS = 1000
_BOUNDARY = re.compile(r'boundary\s*=\s*"?([^";]+)"?', re.IGNORECASE)
_CONTENT_ID_REF = re.compile(r"^\$(\w+)(.*)$")
Execute = Callable[[Writer, str, str, Mapping[str, str], bytes, ContentIds], Response]


class BatchError(BadRequest):
    code = "0x80048d19"


@dataclass
class InnerRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    content_id: str | None


@dataclass
class ChangeSet:
    requests: list[InnerRequest] = field(default_factory=list)


Part = InnerRequest | ChangeSet


def _boundary(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if not content_type.lower().startswith("multipart/mixed") or match is None:
        raise BatchError("A $batch request needs 'Content-Type: multipart/mixed; boundary=<boundary>'.")
    return match[1].strip()


def _headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BatchError(f"The batch part header line '{line}' is not valid.")
        headers[name.strip().lower()] = value.strip()
    return headers


def _split(text: str, boundary: str) -> list[list[str]]:
    """The parts between ``--boundary`` lines, each as its lines; the close must be present."""
    parts: list[list[str]] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if line.strip() == f"--{boundary}--":
            if current is not None:
                parts.append(current)
            return parts
        if line.strip() == f"--{boundary}":
            if current is not None:
                parts.append(current)
            current = []
        elif current is not None:
            current.append(line)
    raise BatchError(f"The batch body does not end with '--{boundary}--'.")


def _sections(lines: list[str]) -> tuple[list[str], list[str]]:
    """Header lines and the rest, split at the first blank line."""
    for i, line in enumerate(lines):
        if not line.strip():
            return lines[:i], lines[i + 1 :]
    return lines, []


def _inner(lines: list[str], mime: dict[str, str]) -> InnerRequest:
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        raise BatchError("A batch part holds no request.")
    request_line, rest = lines[0].strip(), lines[1:]
    first, last = request_line.find(" "), request_line.rfind(" ")
    if first < 0:
        raise BatchError(f"'{request_line}' is not a request line such as 'GET accounts HTTP/1.1'.")
    method = request_line[:first].upper()
    url = (
        request_line[first + 1 : last]
        if last > first and request_line[last + 1 :].startswith("HTTP/")
        else (request_line[first + 1 :])
    )
    header_lines, body_lines = _sections(rest)
    headers = _headers(header_lines)
    body = "\r\n".join(body_lines).strip("\r\n")
    content_id = mime.get("content-id") or headers.get("content-id")
    return InnerRequest(method, url.strip(), headers, body.encode(), content_id)


def parse(content_type: str, body: bytes) -> list[Part]:
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise BatchError("The batch body is not valid UTF-8.") from None
    parts: list[Part] = []
    for lines in _split(text, _boundary(content_type)):
        header_lines, rest = _sections(lines)
        mime = _headers(header_lines)
        part_type = mime.get("content-type", "application/http")
        if part_type.lower().startswith("multipart/mixed"):
            change_set = ChangeSet()
            for inner_lines in _split("\n".join(rest), _boundary(part_type)):
                inner_headers, inner_rest = _sections(inner_lines)
                inner_mime = _headers(inner_headers)
                if inner_mime.get("content-type", "").lower().startswith("multipart/"):
                    raise BatchError("Change sets cannot be nested.")
                request = _inner(inner_rest, inner_mime)
                if request.method == "GET":
                    raise BatchError(
                        "A change set holds only requests that change data; send GET outside it."
                    )
                change_set.requests.append(request)
            parts.append(change_set)
        else:
            parts.append(_inner(rest, mime))
    count = sum(len(p.requests) if isinstance(p, ChangeSet) else 1 for p in parts)
    if count > MAX_REQUESTS:
        raise BatchError(f"The batch holds {count} requests; the maximum is {MAX_REQUESTS}.")
    return parts


def _absolute(call: Call, url: str, content_ids: ContentIds) -> str:
    reference = _CONTENT_ID_REF.match(url)
    if reference:
        key = f"${reference[1]}"
        if key not in content_ids:
            raise BatchError(f"Content-ID Reference: '{key}' does not exist in the batch context.")
        entity, row_id = content_ids[key]
        return f"{call.base_url}{entity.entity_set}({row_id}){reference[2]}"
    if "://" in url:
        return url
    if url.startswith("/"):
        origin = call.base_url.split("/api/data/", 1)[0]
        return f"{origin}{url}"
    return f"{call.base_url}{url}"


def _run_one(call: Call, execute: Execute, request: InnerRequest, content_ids: ContentIds) -> Response:
    call.writer.last_write = None
    try:
        url = _absolute(call, request.url, content_ids)
        response = execute(call.writer, request.method, url, request.headers, request.body, content_ids)
    except DataverseError as error:
        return _error_response(error)
    if request.content_id and call.writer.last_write is not None:
        content_ids[f"${request.content_id}"] = call.writer.last_write
    return response


def _error_response(error: DataverseError) -> Response:
    return Response(
        json.dumps(error.body()),
        error.status,
        media_type="application/json; odata.metadata=minimal",
        headers={"OData-Version": "4.0"},
    )


def _render(response: Response, content_id: str | None) -> str:
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        lines.append(f"Content-ID: {content_id}")
    lines += ["", f"HTTP/1.1 {response.status_code} {HTTPStatus(response.status_code).phrase}"]
    for name, value in response.headers.items():
        if name.lower() in ("content-length",):
            continue
        lines.append(f"{_title(name)}: {value}")
    if "odata-entityid" in response.headers:  # creates inside a batch also answer with Location
        lines.append(f"Location: {response.headers['odata-entityid']}")
    return "\r\n".join(lines) + "\r\n\r\n" + bytes(response.body).decode() + "\r\n"


def _title(name: str) -> str:
    special = {"odata-version": "OData-Version", "odata-entityid": "OData-EntityId", "etag": "ETag"}
    return special.get(name.lower(), "-".join(w.capitalize() for w in name.split("-")))


def run(call: Call, execute: Execute) -> Response:
    if call.method != "POST":
        raise BatchError("$batch takes POST.")
    parts = parse(call.headers.get("content-type", ""), call.body)
    continue_on_error = call.preferences.continue_on_error
    boundary = f"batchresponse_{uuid.uuid4()}"
    chunks: list[str] = []
    content_ids: ContentIds = {}
    for part in parts:
        if isinstance(part, InnerRequest):
            response = _run_one(call, execute, part, content_ids)
            chunks.append(_render(response, part.content_id))
            failed = response.status_code >= 400
        else:
            failed, chunk = _run_change_set(call, execute, part, content_ids)
            chunks.append(chunk)
        if failed and not continue_on_error:
            break
    body = "".join(f"--{boundary}\r\n{chunk}" for chunk in chunks) + f"--{boundary}--\r\n"
    return Response(
        body, 200, media_type=f"multipart/mixed; boundary={boundary}", headers={"OData-Version": "4.0"}
    )


def _run_change_set(
    call: Call, execute: Execute, change_set: ChangeSet, content_ids: ContentIds
) -> tuple[bool, str]:
    """Run a change set in a savepoint; (failed, rendered part)."""
    savepoint = call.conn.begin_nested()
    rendered: list[str] = []
    for request in change_set.requests:
        response = _run_one(call, execute, request, content_ids)
        if response.status_code >= 400:
            savepoint.rollback()
            return True, _render(response, request.content_id)
        rendered.append(_render(response, request.content_id))
    savepoint.commit()
    boundary = f"changesetresponse_{uuid.uuid4()}"
    inner = "".join(f"--{boundary}\r\n{chunk}" for chunk in rendered) + f"--{boundary}--\r\n"
    return False, f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n{inner}"
