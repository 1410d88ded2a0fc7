"""The client's side of the Dataverse Web API: one synchronous ``httpx.Client`` and the calls sync
makes with it (entity metadata, change-tracking queries and their delta links, ``$batch``
change sets, single-record reads, bound actions).

The transport is injectable so tests can route the same calls to an in-process mock
(``httpx.MockTransport``) or a real server on loopback. Dataverse error bodies become
``WebApiError`` with the status, the Dataverse code and the message.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import urllib.parse
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any

import httpx

ANNOTATIONS = 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"'
PAGE_SIZE = 500
FETCH_PAGE = 5000
CHUNK = 50  # ids per query: keeps the URL short
MORE_RECORDS = "@Microsoft.Dynamics.CRM.morerecords"
_BOUNDARY = re.compile(r'boundary\s*=\s*"?([^";]+)"?', re.IGNORECASE)
_ENTITY_ID = re.compile(r"\(([0-9a-fA-F-]{36})\)\s*$")


class WebApiError(Exception):
    """The server answered with an error (status >= 400)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    def __repr__(self) -> str:
        return f"WebApiError(status={self.status}, code={self.code!r})"


@dataclass(frozen=True)
class EntityInfo:
    """What the client needs to know about one entity to read and write it over the Web API."""

    logical_name: str
    entity_set: str
    primary_id: str
    primary_name: str
    # "<lookup column>:<target entity>" -> the single-valued navigation property to bind.
    navigations: dict[str, str] = field(default_factory=dict)
    ownership: str = ""  # OwnershipType: UserOwned, BusinessOwned, OrganizationOwned, None
    # Columns under field-level security (AttributeMetadata.IsSecured): never stored offline.
    secured: frozenset[str] = frozenset()
    has_notes: bool = False  # HasNotes: records of the table can have notes on their timeline
    dates: frozenset[str] = frozenset()  # date columns (not searchable offline)

    def navigation(self, column: str, target: str) -> str | None:
        return self.navigations.get(f"{column}:{target}")

    def lookup_targets(self, column: str) -> list[str]:
        """The entities the lookup ``column`` may point to (none when it is not a lookup)."""
        return [key.split(":", 1)[1] for key in self.navigations if key.split(":", 1)[0] == column]

    def as_json(self) -> dict[str, Any]:
        return {
            "logical_name": self.logical_name,
            "entity_set": self.entity_set,
            "primary_id": self.primary_id,
            "primary_name": self.primary_name,
            "navigations": self.navigations,
            "ownership": self.ownership,
            "secured": sorted(self.secured),
            "has_notes": self.has_notes,
            "dates": sorted(self.dates),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EntityInfo:
        return cls(
            data["logical_name"],
            data["entity_set"],
            data["primary_id"],
            data["primary_name"],
            dict(data.get("navigations", {})),
            str(data.get("ownership", "")),
            frozenset(data.get("secured", ())),
            bool(data.get("has_notes", False)),
            frozenset(data.get("dates", ())),
        )


@dataclass(frozen=True)
class BatchRequest:
    """One request of a change set; ``url`` is relative to the Web API base or ``$n``."""

    method: str
    url: str
    content_id: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class BatchResponse:
    status: int
    headers: dict[str, str]
    body: Any
    content_id: str | None

    @property
    def created_id(self) -> str | None:
        """The id of the record a create made, read from ``OData-EntityId``."""
        match = _ENTITY_ID.search(self.headers.get("odata-entityid", ""))
        return match[1].lower() if match else None

    def error(self) -> tuple[str, str]:
        """The Dataverse error code and message of a failed response."""
        detail = self.body.get("error", {}) if isinstance(self.body, dict) else {}
        return str(detail.get("code", str(self.status))), str(detail.get("message", "request failed"))


class WebApi:
    """The Web API of one organization, called as one user (a bearer token)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        transport: httpx.BaseTransport | None = None,
        ca_file: str | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            verify=_trust(ca_file),
            timeout=30,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "OData-Version": "4.0",
                "OData-MaxVersion": "4.0",
            },
        )

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise _error(response.status_code, response.content)
        return response

    def get_json(self, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        body = self._send("GET", url, headers=headers).json()
        assert isinstance(body, dict)
        return body

    # --- metadata ------------------------------------------------------------------------------

    def who_am_i(self) -> str:
        return str(self.get_json("WhoAmI")["UserId"]).lower()

    def relationship(self, schema_name: str) -> dict[str, Any] | None:
        """The definition of the relationship ``schema_name`` (1:N or N:N), None when unknown."""
        found = self.get_json(f"RelationshipDefinitions?$filter=SchemaName eq '{schema_name}'")["value"]
        return dict(found[0]) if found else None

    def entity_definitions(self, names: tuple[str, ...]) -> dict[str, EntityInfo]:
        """The definitions of ``names`` with the navigation properties of their lookups, their
        secured and date columns (one attribute listing per table), and the entity sets of the
        lookups' targets (to bind them); nothing about other entities."""
        navigations: dict[str, dict[str, str]] = {}
        secured: dict[str, frozenset[str]] = {}
        dates: dict[str, frozenset[str]] = {}
        for name in names:
            try:
                relationships = self.get_json(
                    f"EntityDefinitions(LogicalName='{name}')/ManyToOneRelationships"
                    "?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName"
                )
            except WebApiError as error:
                if error.status == 404:  # not an entity of this organization
                    continue
                raise
            navigations[name] = {
                f"{r['ReferencingAttribute']}:{r['ReferencedEntity']}": r[
                    "ReferencingEntityNavigationPropertyName"
                ]
                for r in relationships["value"]
            }
            columns = self.get_json(
                f"EntityDefinitions(LogicalName='{name}')/Attributes?$select=LogicalName,AttributeType,IsSecured"
            )["value"]
            secured[name] = frozenset(str(a["LogicalName"]) for a in columns if a.get("IsSecured"))
            dates[name] = frozenset(
                str(a["LogicalName"]) for a in columns if a.get("AttributeType") == "DateTime"
            )
        wanted = sorted(set(navigations) | {k.split(":", 1)[1] for n in navigations.values() for k in n})
        if not wanted:
            return {}
        condition = " or ".join(f"LogicalName eq '{name}'" for name in wanted)
        listing = self.get_json(
            "EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,"
            f"OwnershipType,HasNotes&$filter={condition}"
        )
        return {
            d["LogicalName"]: EntityInfo(
                d["LogicalName"],
                d["EntitySetName"],
                d["PrimaryIdAttribute"],
                d["PrimaryNameAttribute"] or "",
                navigations.get(d["LogicalName"], {}),
                str(d.get("OwnershipType") or ""),
                secured.get(d["LogicalName"], frozenset()),
                bool(d.get("HasNotes")),
                dates.get(d["LogicalName"], frozenset()),
            )
            for d in listing["value"]
        }

    # --- reads ---------------------------------------------------------------------------------

    def track_changes(self, entity_set: str, primary_id: str) -> dict[str, Any]:
        """The first page of an initial change-tracking query of ``entity_set``: ids only (the
        rows themselves are fetched by id once the profile's rules say they belong)."""
        prefer = f"odata.track-changes,odata.maxpagesize={PAGE_SIZE}"
        return self.get_json(f"{entity_set}?$select={primary_id}", headers={"Prefer": prefer})

    def follow(self, link: str) -> dict[str, Any]:
        """A next page or a delta link, sent back unchanged."""
        return self.get_json(link, headers={"Prefer": f"odata.maxpagesize={PAGE_SIZE},{ANNOTATIONS}"})

    def all_rows(self, url: str) -> list[dict[str, Any]]:
        """Every row of a query, following its pages."""
        page = self.follow(url)
        rows = list(page["value"])
        while "@odata.nextLink" in page:
            page = self.follow(page["@odata.nextLink"])
            rows.extend(page["value"])
        return rows

    def readable_rows(self, url: str) -> list[dict[str, Any]]:
        """``all_rows``, or none when the user may not read them (403): what the user may not
        read is simply not offered offline."""
        try:
            return self.all_rows(url)
        except WebApiError as error:
            if error.status == 403:
                return []
            raise

    def ids(self, entity_set: str, primary_id: str, condition: str | None) -> frozenset[str]:
        """The ids of the rows of ``entity_set`` matching the ``$filter`` ``condition`` (all: None)."""
        where = f"&$filter={condition}" if condition else ""
        return frozenset(
            str(r[primary_id]).lower() for r in self.all_rows(f"{entity_set}?$select={primary_id}{where}")
        )

    def ids_in(self, entity_set: str, primary_id: str, column: str, values: frozenset[str]) -> frozenset[str]:
        """The ids of the rows whose ``column`` holds one of ``values``."""
        found: set[str] = set()
        for chunk in _chunks(values):
            found |= self.ids(entity_set, primary_id, _in(column, chunk))
        return frozenset(found)

    def lookup_values(
        self, entity_set: str, primary_id: str, lookup: str, ids: frozenset[str]
    ) -> frozenset[str]:
        """The records the lookup ``lookup`` of the rows ``ids`` points at."""
        found: set[str] = set()
        for chunk in _chunks(ids):
            rows = self.all_rows(f"{entity_set}?$select=_{lookup}_value&$filter={_in(primary_id, chunk)}")
            found |= {str(r[f"_{lookup}_value"]).lower() for r in rows if r.get(f"_{lookup}_value")}
        return frozenset(found)

    def linked_ids(
        self, source: EntityInfo, navigation: str, target_id: str, ids: frozenset[str]
    ) -> frozenset[str]:
        """The records linked to the rows ``ids`` of ``source`` through the N:N ``navigation``."""
        found: set[str] = set()
        for chunk in _chunks(ids):
            where = _in(source.primary_id, chunk)
            expand = f"$expand={navigation}($select={target_id})"
            url = f"{source.entity_set}?$select={source.primary_id}&{expand}&$filter={where}"
            for row in self.all_rows(url):
                found |= {str(linked[target_id]).lower() for linked in row.get(navigation) or ()}
        return frozenset(found)

    def fetch_ids(self, entity_set: str, primary_id: str, fetch_xml: str) -> frozenset[str]:
        """The ids a FetchXML query selects, page by page."""
        fetch = ElementTree.fromstring(fetch_xml)
        found: set[str] = set()
        page = 1
        while True:
            fetch.set("page", str(page))
            fetch.set("count", str(FETCH_PAGE))
            query = urllib.parse.quote(ElementTree.tostring(fetch, encoding="unicode"))
            answer = self.get_json(f"{entity_set}?fetchXml={query}")
            found |= {str(r[primary_id]).lower() for r in answer["value"]}
            if not answer.get(MORE_RECORDS):
                return frozenset(found)
            page += 1

    def records(self, entity_set: str, primary_id: str, ids: frozenset[str]) -> list[dict[str, Any]]:
        """The rows ``ids`` of ``entity_set``, every column."""
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(ids):
            rows.extend(self.all_rows(f"{entity_set}?$filter={_in(primary_id, chunk)}"))
        return rows

    def retrieve(self, entity_set: str, record_id: str) -> dict[str, Any] | None:
        try:
            return self.get_json(f"{entity_set}({record_id})", headers={"Prefer": ANNOTATIONS})
        except WebApiError as error:
            if error.status == 404:
                return None
            raise

    def post(self, url: str, body: dict[str, Any]) -> httpx.Response:
        return self._send("POST", url, json=body)

    def patch(self, url: str, body: dict[str, Any]) -> None:
        """Update an existing row (``If-Match: *``: never create it)."""
        self._send("PATCH", url, json=body, headers={"If-Match": "*"})

    # --- $batch --------------------------------------------------------------------------------

    def batch(self, change_sets: list[list[BatchRequest]]) -> list[list[BatchResponse]]:
        """Send change sets in one ``$batch`` (continuing past failed change sets).

        Each change set answers with one response per request, or with only the failing one."""
        boundary = f"batch_{uuid.uuid4()}"
        chunks: list[str] = []
        for requests in change_sets:
            change_set = f"changeset_{uuid.uuid4()}"
            inner = "".join(f"--{change_set}\r\n{self._render(r)}" for r in requests)
            chunks.append(
                f"--{boundary}\r\nContent-Type: multipart/mixed; boundary={change_set}\r\n\r\n"
                f"{inner}--{change_set}--\r\n"
            )
        body = "".join(chunks) + f"--{boundary}--\r\n"
        response = self._send(
            "POST",
            "$batch",
            content=body.encode(),
            headers={
                "Content-Type": f"multipart/mixed; boundary={boundary}",
                "Prefer": "odata.continue-on-error",
            },
        )
        return _parse_batch(response.headers.get("content-type", ""), response.text)

    def _render(self, request: BatchRequest) -> str:
        url = request.url if request.url.startswith("$") else self.base_url + request.url
        lines = [
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            f"Content-ID: {request.content_id}",
            "",
            f"{request.method} {url} HTTP/1.1",
            "Content-Type: application/json; type=entry",
            # A PATCH of a record that is gone must fail, not upsert it back to life.
            *(["If-Match: *"] if request.method == "PATCH" else []),
            "",
            json.dumps(request.body) if request.body is not None else "",
        ]
        return "\r\n".join(lines) + "\r\n"


def _chunks(values: frozenset[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _in(column: str, values: list[str]) -> str:
    listed = ",".join(f"'{v}'" for v in values)
    return f"Microsoft.Dynamics.CRM.In(PropertyName='{column}',PropertyValues=[{listed}])"


def _trust(ca_file: str | None) -> ssl.SSLContext | bool:
    """The TLS trust: the CA file given, else the one named by ``REQUESTS_CA_BUNDLE`` or
    ``SSL_CERT_FILE`` (how the mock's self-signed CA is usually handed to clients), else the
    system's."""
    chosen = ca_file or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    return ssl.create_default_context(cafile=chosen) if chosen else True


def _error(status: int, content: bytes) -> WebApiError:
    try:
        detail = json.loads(content).get("error", {})
    except (ValueError, AttributeError):
        detail = {}
    return WebApiError(status, str(detail.get("code", status)), str(detail.get("message", content[:200])))


def _parts(text: str, boundary: str) -> list[str]:
    """The parts between ``--boundary`` lines, up to the closing ``--boundary--``."""
    parts: list[str] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped in (f"--{boundary}", f"--{boundary}--"):
            if current is not None:
                parts.append("\n".join(current))
            if stripped.endswith(f"{boundary}--"):
                return parts
            current = []
        elif current is not None:
            current.append(line)
    return parts


def _split_headers(text: str) -> tuple[dict[str, str], str]:
    head, _, rest = text.lstrip("\n").partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def _http_response(part: str) -> BatchResponse:
    mime, rest = _split_headers(part)
    status_line, _, rest = rest.lstrip("\n").partition("\n")
    headers, body_text = _split_headers(rest)
    body_text = body_text.strip()
    body: Any = None
    if body_text:
        try:
            body = json.loads(body_text)
        except ValueError:
            body = body_text
    return BatchResponse(int(status_line.split()[1]), headers, body, mime.get("content-id"))


def _parse_batch(content_type: str, text: str) -> list[list[BatchResponse]]:
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise WebApiError(502, "batch", f"The $batch answer has no boundary: {content_type!r}.")
    results: list[list[BatchResponse]] = []
    for part in _parts(text.replace("\r\n", "\n"), match[1]):
        mime, rest = _split_headers(part)
        inner = _BOUNDARY.search(mime.get("content-type", ""))
        if inner is not None:
            results.append([_http_response(p) for p in _parts(rest, inner[1])])
        else:
            results.append([_http_response(part)])
    return results
