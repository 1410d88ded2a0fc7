"""Everything one Web API request carries through the handlers, gathered once.

Handlers get a ``Call``: the connection of the request's transaction, the writer, the caller,
the preferences, the query options, the body and the base URL the client used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from mock_server.errors import BadRequest, RecordNotFound
from mock_server.odata.prefer import Preferences
from mock_server.odata.query_options import QueryOptions
from mock_server.odata.url import Segment, parse_entity_reference
from mock_server.schema import Entity, schema
from mock_server.store import records
from mock_server.store.query import Caller
from mock_server.store.records import Writer

ContentIds = dict[str, tuple[Entity, str]]  # "$1" -> the record a $batch request wrote


@dataclass(slots=True)
class Call:
    method: str
    conn: Connection
    writer: Writer
    caller: Caller
    preferences: Preferences
    options: QueryOptions
    headers: dict[str, str]
    body: bytes
    base_url: str  # absolute, ends with "/": https://127.0.0.1:8443/api/data/v9.2/
    url: str  # the request's absolute URL
    content_ids: ContentIds  # $batch Content-ID references in scope

    def json(self) -> Any:
        if not self.body.strip():
            raise BadRequest("The request body is empty; a JSON object was expected.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"The request body is not valid JSON: {exc}.") from None

    def resolve(self, reference: str) -> tuple[Entity, str]:
        """The record an ``@odata.bind`` / ``@odata.id`` value names; it must exist."""
        if reference.startswith("$") and reference in self.content_ids:
            return self.content_ids[reference]
        segment = parse_entity_reference(reference)
        entity = schema().entity_by_set(segment.name) if segment else None
        if segment is None or entity is None:
            raise BadRequest(f"'{reference}' is not a valid URL of a record.")
        row_id = self.record_id(entity, segment)
        return entity, row_id

    def record_id(self, entity: Entity, segment: Segment) -> str:
        """The id a key segment names: a GUID or an alternate key; the row must exist."""
        if segment.key is not None:
            if not records.exists(self.conn, entity, segment.key):
                raise RecordNotFound(entity.logical_name, segment.key)
            return segment.key
        row = records.find_by_key(self.conn, entity, key_pairs(entity, segment))
        if row is None:
            raise RecordNotFound(entity.logical_name, segment.raw_args or "")
        return str(row[entity.primary_id])


def key_pairs(entity: Entity, segment: Segment) -> tuple[tuple[str, Any], ...]:
    """The ``name=value`` pairs of an alternate-key segment, checked against the entity's keys."""
    names = {name for name, _ in segment.alternate_key}
    if not any(set(key.attributes) == names for key in entity.keys):
        raise BadRequest(
            f"The key '{segment.raw_args}' does not match any alternate key defined for entity "
            f"'{entity.logical_name}'."
        )
    return segment.alternate_key
