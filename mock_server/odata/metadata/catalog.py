"""The metadata tree served by ``EntityDefinitions`` and ``RelationshipDefinitions``, built once
per process from the schema.

Offline clients read entity definitions to find entity set names, primary columns, ownership
and change-tracking support, and relationship definitions to find navigation property names.
Flags Dataverse derives from an entity's relationships (``HasNotes``, ``HasActivities``...) are
derived here from the schema's relationships too, never listed per entity.

Entity nodes link to their attribute (``attributes.py``), key and relationship nodes;
relationship nodes are shared between ``EntityDefinitions(...)/OneToManyRelationships`` and
``RelationshipDefinitions``. The properties each metadata type may ``$select`` or ``$filter`` on
are read off the built JSON, so the builders stay the only place that says what a type carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from mock_server.odata.metadata.attributes import attribute_node
from mock_server.odata.metadata.common import (
    TYPES,
    Link,
    Node,
    is_a,
    is_custom_attribute,
    label,
    managed_property,
    odata_type,
    schema_case,
)
from mock_server.schema import schema
from mock_server.schema.model import AlternateKey, AttributeType, Entity, ManyToMany, metadata_id
from mock_server.schema.registry import OneToMany, Schema

# Dataverse's fixed names for the lookups that make an entity a "regarding" target of
# activities, a parent of notes and a possible activity party.
REGARDING_ATTRIBUTE = "regardingobjectid"
NOTE_PARENT = ("annotation", "objectid")
ACTIVITY_PARTY = ("activityparty", "partyid")
# Legacy business-process-flow columns: an entity that has them takes part in BPFs.
BPF_COLUMNS = ("processid", "stageid", "traversedpath")


def relationship_id(schema_name: str) -> str:
    return metadata_id("relationship", schema_name)


def key_id(entity: Entity, key: AlternateKey) -> str:
    return metadata_id(entity.logical_name, "Keys", key.name)


def _referenced_by(schema: Schema, entity: Entity, referencing: str, attribute: str) -> bool:
    return any(
        r.referenced_entity == entity.logical_name
        and r.referencing_entity == referencing
        and r.attribute.logical_name == attribute
        for r in schema.one_to_many
    )


def entity_data(schema: Schema, entity: Entity) -> dict[str, Any]:
    """The structural properties of one ``EntityMetadata``."""
    e = entity
    names = e.attributes_by_name
    has_activities = any(
        r.referenced_entity == e.logical_name
        and r.attribute.logical_name == REGARDING_ATTRIBUTE
        and (source := schema.entity(r.referencing_entity)) is not None
        and source.is_activity
        for r in schema.one_to_many
    )
    return {
        "MetadataId": e.metadata_id,
        "LogicalName": e.logical_name,
        "SchemaName": e.schema_name,
        "EntitySetName": e.entity_set,
        "LogicalCollectionName": e.entity_set,
        "CollectionSchemaName": schema_case(e.entity_set, e.is_custom),
        "PrimaryIdAttribute": e.primary_id,
        "PrimaryNameAttribute": e.primary_name,
        "PrimaryImageAttribute": None,
        "ObjectTypeCode": e.object_type_code,
        "OwnershipType": e.ownership.value,
        "DisplayName": label(e.display_name, e.logical_name, "DisplayName", managed=not e.is_custom),
        "DisplayCollectionName": label(
            e.display_collection_name, e.logical_name, "DisplayCollectionName", managed=not e.is_custom
        ),
        "Description": label(None),
        "IsActivity": e.is_activity,
        "IsActivityParty": _referenced_by(schema, e, *ACTIVITY_PARTY),
        "HasActivities": has_activities,
        "HasNotes": _referenced_by(schema, e, *NOTE_PARENT),
        "IsCustomEntity": e.is_custom,
        "IsManaged": not e.is_custom,
        "IsPrivate": False,
        "IsIntersect": False,
        "IsLogicalEntity": False,
        "IsAvailableOffline": True,
        "IsOfflineInMobileClient": managed_property(True, "canmodifymobileofflinevisibility"),
        "IsVisibleInMobileClient": managed_property(True, "canmodifymobilevisibility"),
        "IsValidForAdvancedFind": True,
        "IsStateModelAware": any(a.type is AttributeType.STATE for a in e.attributes),
        "ChangeTrackingEnabled": e.change_tracking,
        "IsOptimisticConcurrencyEnabled": True,
        "IsBPFEntity": e.is_bpf_entity,
        "IsBusinessProcessEnabled": all(c in names for c in BPF_COLUMNS),
        "IsAuditEnabled": managed_property(False, "canmodifyauditsettings"),
        "IsCustomizable": managed_property(True, "iscustomizable"),
        "CanCreateAttributes": managed_property(True, "cancreateattributes"),
        "IntroducedVersion": "1.0",
    }


def key_node(entity: Entity, key: AlternateKey) -> Node:
    """An ``EntityKeyMetadata``; its display name joins the display names of its columns."""
    shown = [a.display_name for name in key.attributes if (a := entity.attribute(name)) is not None]
    return Node(
        "EntityKeyMetadata",
        {
            "MetadataId": key_id(entity, key),
            "LogicalName": key.name,
            "SchemaName": key.name,
            "DisplayName": label(", ".join(shown) or key.name, entity.logical_name, "Keys", key.name),
            "EntityLogicalName": entity.logical_name,
            "KeyAttributes": list(key.attributes),
            "EntityKeyIndexStatus": "Active",
            "IsManaged": not entity.is_custom,
            "IsCustomizable": managed_property(True, "iscustomizable"),
            "IntroducedVersion": "1.0",
        },
    )


def _relationship_base(type_name: str, schema_name: str, custom: bool, kind: str) -> dict[str, Any]:
    """Properties of every ``RelationshipMetadataBase``."""
    return {
        "@odata.type": odata_type(type_name),
        "MetadataId": relationship_id(schema_name),
        "SchemaName": schema_name,
        "RelationshipType": kind,
        "IsCustomRelationship": custom,
        "IsManaged": not custom,
        "IsValidForAdvancedFind": True,
        "SecurityTypes": "None",
        "IsCustomizable": managed_property(True, "iscustomizable"),
        "IntroducedVersion": "1.0",
        "HasChanged": None,
    }


def one_to_many_node(schema: Schema, r: OneToMany) -> Node:
    """A 1:N relationship: a lookup on ``ReferencingEntity`` pointing to ``ReferencedEntity``."""
    type_name = "OneToManyRelationshipMetadata"
    referencing = schema.entity(r.referencing_entity)
    referenced = schema.entity(r.referenced_entity)
    custom = referencing is not None and is_custom_attribute(referencing, r.attribute.logical_name)
    return Node(
        type_name,
        {
            **_relationship_base(type_name, r.schema_name, custom, "OneToManyRelationship"),
            "ReferencedEntity": r.referenced_entity,
            "ReferencedAttribute": referenced.primary_id if referenced else None,
            "ReferencingEntity": r.referencing_entity,
            "ReferencingAttribute": r.attribute.logical_name,
            "ReferencedEntityNavigationPropertyName": r.target.collection_navigation or None,
            "ReferencingEntityNavigationPropertyName": r.target.navigation,
            "IsHierarchical": r.referenced_entity == r.referencing_entity,
        },
    )


def many_to_many_node(schema: Schema, m: ManyToMany) -> Node:
    """An N:N relationship and its intersect entity."""
    type_name = "ManyToManyRelationshipMetadata"
    first, second = schema.entity(m.entity1), schema.entity(m.entity2)
    custom = any(e is not None and e.is_custom for e in (first, second))
    return Node(
        type_name,
        {
            **_relationship_base(type_name, m.schema_name, custom, "ManyToManyRelationship"),
            "Entity1LogicalName": m.entity1,
            "Entity2LogicalName": m.entity2,
            "IntersectEntityName": m.intersect_entity,
            "Entity1IntersectAttribute": first.primary_id if first else None,
            "Entity2IntersectAttribute": second.primary_id if second else None,
            "Entity1NavigationPropertyName": m.entity1_navigation,
            "Entity2NavigationPropertyName": m.entity2_navigation,
        },
    )


@dataclass(frozen=True)
class Catalog:
    """Root collections of the metadata entity sets, and the properties of each metadata type."""

    entities: tuple[Node, ...]
    relationships: tuple[Node, ...]
    global_option_sets: tuple[Node, ...]
    properties: dict[str, frozenset[str]]


def _walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    seen: set[int] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        for link in node.links.values():
            stack.extend(_linked(link))


def _linked(link: Link) -> tuple[Node, ...]:
    if link is None:
        return ()
    return link if isinstance(link, tuple) else (link,)


def _properties(nodes: tuple[Node, ...]) -> dict[str, frozenset[str]]:
    """Per metadata type, the structural properties every instance of it has: a concrete type's
    own properties, or for a base type those all its subtypes share."""
    own: dict[str, set[str]] = {}
    for node in _walk(nodes):
        own.setdefault(node.type, set()).update(k for k in node.data if not k.startswith("@"))
    result: dict[str, frozenset[str]] = {}
    for name in TYPES:
        subtypes = [props for t, props in own.items() if is_a(t, name)]
        result[name] = frozenset(set.intersection(*subtypes)) if subtypes else frozenset()
    for name, meta in TYPES.items():
        if not result[name] and meta.base is not None:
            result[name] = result[meta.base]
    return result


@cache
def catalog() -> Catalog:
    """The metadata of the one schema, built on first use."""
    s = schema()
    one_to_many = tuple((r, one_to_many_node(s, r)) for r in s.one_to_many)
    many_to_many = tuple((m, many_to_many_node(s, m)) for m in s.many_to_many)
    entities: list[Node] = []
    for e in s.entities:
        name = e.logical_name
        links: dict[str, Link] = {
            "Attributes": tuple(attribute_node(e, a) for a in e.attributes),
            "Keys": tuple(key_node(e, k) for k in e.keys),
            "OneToManyRelationships": tuple(n for r, n in one_to_many if r.referenced_entity == name),
            "ManyToOneRelationships": tuple(n for r, n in one_to_many if r.referencing_entity == name),
            "ManyToManyRelationships": tuple(n for m, n in many_to_many if name in (m.entity1, m.entity2)),
        }
        entities.append(Node("EntityMetadata", entity_data(s, e), links))
    relationships = tuple(n for _, n in one_to_many) + tuple(n for _, n in many_to_many)
    roots = (*entities, *relationships)
    return Catalog(tuple(entities), relationships, (), _properties(roots))


def properties(type_name: str) -> frozenset[str]:
    return catalog().properties.get(type_name, frozenset())
