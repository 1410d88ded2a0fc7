"""Answers ``GET`` requests on the metadata entity sets: ``EntityDefinitions``,
``RelationshipDefinitions`` and ``GlobalOptionSetDefinitions``.

Paths such as ``EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.
PicklistAttributeMetadata`` are walked one segment at a time over the metadata tree of
``catalog.py``: a key picks one item (by ``MetadataId`` or the type's name key), a navigation
segment follows a link, a cast narrows to a derived type. Query options are then applied to
what the path names. Every failure is a ``DataverseError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mock_server.errors import BadRequest, InvalidQueryOption, ResourceNotFound
from mock_server.odata.metadata.catalog import Catalog, catalog
from mock_server.odata.metadata.common import (
    ALIAS,
    NAMESPACE,
    TYPES,
    Link,
    MetadataNotFound,
    Node,
    alternate_key,
    is_a,
    navigations,
    qualified,
)
from mock_server.odata.metadata.options import matches, parse_options, project
from mock_server.odata.url import Segment

ROOTS: dict[str, tuple[Callable[[Catalog], tuple[Node, ...]], str]] = {
    "EntityDefinitions": (lambda c: c.entities, "EntityMetadata"),
    "RelationshipDefinitions": (lambda c: c.relationships, "RelationshipMetadataBase"),
    "GlobalOptionSetDefinitions": (lambda c: c.global_option_sets, "OptionSetMetadataBase"),
}


@dataclass(frozen=True)
class _Position:
    """Where the walk stands: a collection or one item, its declared type, the path so far
    (with keys, for later segments) and the context path of the result (last key dropped)."""

    value: tuple[Node, ...] | Node | None
    declared: str
    path: str
    context: str

    @property
    def is_collection(self) -> bool:
        return isinstance(self.value, tuple)


def query_definitions(segments: list[Segment], query: Mapping[str, str], base_url: str) -> dict[str, Any]:
    """The JSON body for a metadata path below the service root; ``segments[0]`` names one of
    ``ROOTS``. Raises ``ResourceNotFound`` for unknown segments, ``MetadataNotFound`` (404,
    0x80040217) for unknown keys and 400s for bad options."""
    if not segments or segments[0].name not in ROOTS:
        raise ResourceNotFound(segments[0].name if segments else "")
    first = segments[0]
    nodes, declared = ROOTS[first.name]
    position = _Position(nodes(catalog()), declared, first.name, first.name)
    position = _keyed(position, first)
    for segment in segments[1:]:
        position = _step(position, segment)
    return _respond(position, query, base_url)


def _keyed(position: _Position, segment: Segment) -> _Position:
    """Apply the key of ``segment``, if it has one, to the collection at ``position``."""
    if segment.call:
        raise ResourceNotFound(f"{segment.name}()")
    if not segment.has_key:
        return position
    if not isinstance(position.value, tuple):
        raise BadRequest(f"The segment '{segment.name}' is single-valued and cannot take a key.")
    node = _find(position.value, position.declared, segment)
    key = node.data["MetadataId"]
    return replace(position, value=node, path=f"{position.path}({key})", context=position.path)


def _find(nodes: tuple[Node, ...], type_name: str, segment: Segment) -> Node:
    if segment.key is not None:
        found = next((n for n in nodes if n.data.get("MetadataId") == segment.key), None)
        if found is None:
            raise MetadataNotFound(f"Could not find {type_name} with MetadataId = {segment.key}.")
        return found
    name_key = alternate_key(type_name)
    if len(segment.alternate_key) != 1 or segment.alternate_key[0][0] != name_key:
        expected = f"MetadataId or {name_key}='...'" if name_key else "MetadataId"
        raise BadRequest(
            f"The key '{segment.raw_args}' of segment '{segment.name}' is not valid; use {expected}."
        )
    value = segment.alternate_key[0][1]
    if not isinstance(value, str):
        raise BadRequest(f"The key {name_key} of segment '{segment.name}' must be a string.")
    found = next((n for n in nodes if str(n.data.get(name_key, "")).casefold() == value.casefold()), None)
    if found is None:
        raise MetadataNotFound(f"Could not find {type_name} with {name_key} = '{value}'.")
    return found


def _cast_name(name: str) -> str | None:
    for prefix in (f"{NAMESPACE}.", f"{ALIAS}."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return None


def _step(position: _Position, segment: Segment) -> _Position:
    cast = _cast_name(segment.name)
    if cast is not None:
        return _keyed(_cast(position, segment.name, cast), segment)
    if position.is_collection:
        raise ResourceNotFound(segment.name)
    declared = navigations(position.declared).get(segment.name)
    if declared is None or not isinstance(position.value, Node):
        raise ResourceNotFound(segment.name)
    target, _ = declared
    link: Link = position.value.links.get(segment.name)
    path = f"{position.path}/{segment.name}"
    return _keyed(_Position(link, target, path, path), segment)


def _cast(position: _Position, segment: str, type_name: str) -> _Position:
    """Narrow to ``type_name``: a collection keeps the items of that type, one item must be one."""
    if type_name not in TYPES or not is_a(type_name, position.declared):
        raise ResourceNotFound(segment)
    path = f"{position.path}/{qualified(type_name)}"
    value = position.value
    if isinstance(value, tuple):
        return _Position(tuple(n for n in value if is_a(n.type, type_name)), type_name, path, path)
    if value is None or not is_a(value.type, type_name):
        what = value.data.get("LogicalName", value.data.get("MetadataId")) if value else None
        raise MetadataNotFound(f"The item '{what}' at '{position.path}' is not a {qualified(type_name)}.")
    return _Position(value, type_name, path, path)


def _respond(position: _Position, query: Mapping[str, str], base_url: str) -> dict[str, Any]:
    options = parse_options(query, position.declared)
    selected = f"({','.join(options.select)})" if options.select else ""
    context = f"{base_url.rstrip('/')}/$metadata#{position.context}{selected}"
    value = position.value
    if isinstance(value, tuple):
        items = [project(n, position.declared, options) for n in value if matches(options, n)]
        return {"@odata.context": context, "value": items}
    if options.filter is not None:
        raise InvalidQueryOption("The query option $filter can only be applied to a collection.")
    if value is None:
        raise MetadataNotFound(f"The navigation property at '{position.path}' has no value.")
    return {"@odata.context": f"{context}/$entity", **project(value, position.declared, options)}
