"""Names in a FetchXML document resolved against the schema: tables, columns, relationships.

FetchXML names tables and columns by logical name (a lookup by its own name,
``parentcustomerid``, never ``_parentcustomerid_value``), and joins tables by the columns on
each side of a relationship. This module answers those questions, and lets a link-entity
name an N:N relationship's intersect table (``teammembership``), which the schema has no
entity for: it becomes a two-column entity over the store's intersect table.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

from mock_server.fetchxml.errors import InvalidAlias, MalformedFetchXml, UnknownAttribute, UnknownEntity
from mock_server.fetchxml.values import GUID_TYPES, STRING_TYPES
from mock_server.schema import Attribute, AttributeType, Entity, NavigationKind, Ownership, schema

_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


@cache
def intersect_entities() -> dict[str, Entity]:
    """Each N:N intersect table as an entity of its two id columns, by intersect name."""
    found = {}
    for m in schema().many_to_many:
        if m.entity1 == m.entity2:
            continue  # a self-referencing N:N would have two columns of one name
        ids = tuple(
            Attribute(f"{name}id", AttributeType.UNIQUEIDENTIFIER, f"{name}id")
            for name in (m.entity1, m.entity2)
        )
        name = m.intersect_entity
        found[name] = Entity(
            name,
            name,
            name,
            name,
            0,
            Ownership.NONE,
            f"{name}id",
            ids[0].logical_name,
            ids,
            change_tracking=False,
        )
    return found


def table(name: str) -> Entity:
    """The entity (or intersect table) a link-entity names."""
    entity = schema().entity(name) or intersect_entities().get(name)
    if entity is None:
        raise UnknownEntity(name)
    return entity


def column(entity: Entity, name: str | None, element: ET.Element, what: str) -> Attribute:
    """The column an attribute of ``element`` (its ``what``) names on ``entity``."""
    if not name:
        raise MalformedFetchXml(f"<{element.tag}> needs its '{what}' attribute.")
    attribute = entity.attribute(name)
    if attribute is None:
        raise UnknownAttribute(entity.logical_name, name)
    return attribute


def alias_text(text: str) -> str:
    """An alias as given, if it is a valid one."""
    if not _ALIAS.fullmatch(text):
        raise InvalidAlias(
            f"The alias '{text[:100]}' is not valid: an alias starts with a letter or '_' and holds only "
            "letters, digits and '_' (at most 100)."
        )
    return text


def joinable(a: Attribute, b: Attribute) -> bool:
    """Whether a join may compare the two columns: ids with ids, text with text, or one type."""
    for family in (GUID_TYPES, STRING_TYPES):
        if a.type in family or b.type in family:
            return a.type in family and b.type in family
    return a.type is b.type


def relationships(entity: Entity, parent: Entity) -> list[tuple[Attribute, Attribute]]:
    """(link column, parent column) pairs of every relationship between two tables: a lookup
    on either side pointing at the other's key, or an intersect table holding the other's key."""
    pairs: list[tuple[Attribute, Attribute]] = []
    parent_key, entity_key = parent.attribute(parent.primary_id), entity.attribute(entity.primary_id)
    if parent_key is not None:
        pairs += [
            (a, parent_key) for a in entity.lookups if parent.logical_name in {t.entity for t in a.targets}
        ]
        held = entity.attribute(parent.primary_id) if entity.logical_name in intersect_entities() else None
        pairs += [(held, parent_key)] if held is not None else []
    if entity_key is not None:
        pairs += [
            (entity_key, a) for a in parent.lookups if entity.logical_name in {t.entity for t in a.targets}
        ]
        held = parent.attribute(entity.primary_id) if parent.logical_name in intersect_entities() else None
        pairs += [(entity_key, held)] if held is not None else []
    return pairs


def collection_navigation(parent: Entity, entity: Entity, source: Attribute, target: Attribute) -> str | None:
    """The one-to-many navigation of ``parent`` whose rows are those of ``entity`` with
    ``source`` equal to the parent's ``target`` (its primary key), if there is one."""
    if not target.is_primary_id:
        return None
    for navigation in schema().navigations(parent.logical_name):
        if (
            navigation.kind is NavigationKind.COLLECTION
            and navigation.targets[0] == entity.logical_name
            and navigation.attribute is source
        ):
            return navigation.name
    return None


def entity_set(name: str) -> str:
    entity = schema().entity(name)
    return entity.entity_set if entity is not None else name
