"""Indexes over the entity definitions: lookups by name, entity set and navigation property.

Built once per process from ``definitions.py`` and cached; every other layer asks this module
instead of walking the definitions itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache

from mock_server.schema import definitions, offline_tables, processes_tables, security_tables
from mock_server.schema.model import Attribute, Entity, LookupTarget, ManyToMany


class NavigationKind(Enum):
    SINGLE = "single"  # many-to-one: a lookup on this entity
    COLLECTION = "collection"  # one-to-many: lookups on another entity pointing here
    MANY_TO_MANY = "manytomany"


@dataclass(frozen=True)
class Navigation:
    """A navigation property of ``entity``.

    SINGLE: ``attribute`` is this entity's lookup, ``targets`` the entities it may point to.
    COLLECTION: ``attribute`` is the lookup on ``targets[0]`` that points back to this entity.
    MANY_TO_MANY: ``relationship`` is the N:N, ``targets[0]`` the entity on the other side.
    """

    name: str
    entity: str
    kind: NavigationKind
    targets: tuple[str, ...]
    attribute: Attribute | None = None
    relationship: ManyToMany | None = None
    relationship_name: str = ""

    @property
    def is_collection(self) -> bool:
        return self.kind is not NavigationKind.SINGLE


@dataclass(frozen=True)
class OneToMany:
    """A 1:N relationship: ``referencing_entity.attribute`` points to ``referenced_entity``."""

    schema_name: str
    referenced_entity: str
    referencing_entity: str
    attribute: Attribute
    target: LookupTarget


class Schema:
    """All entities and relationships, indexed."""

    def __init__(self, entities: tuple[Entity, ...], many_to_many: tuple[ManyToMany, ...]) -> None:
        self.entities = entities
        self.many_to_many = many_to_many
        self._by_name = {e.logical_name: e for e in entities}
        self._by_set = {e.entity_set: e for e in entities}
        self.one_to_many: tuple[OneToMany, ...] = tuple(
            OneToMany(t.relationship, t.entity, e.logical_name, a, t)
            for e in entities
            for a in e.lookups
            for t in a.targets
        )
        self._navigation: dict[tuple[str, str], Navigation] = {}
        for e in entities:
            for a in e.lookups:
                for t in a.targets:
                    key = (e.logical_name, t.navigation)
                    known = self._navigation.get(key)
                    targets = (*known.targets, t.entity) if known else (t.entity,)
                    self._navigation[key] = Navigation(
                        t.navigation,
                        e.logical_name,
                        NavigationKind.SINGLE,
                        targets,
                        a,
                        relationship_name=t.relationship,
                    )
        for r in self.one_to_many:
            if r.target.collection_navigation:
                self._navigation[(r.referenced_entity, r.target.collection_navigation)] = Navigation(
                    r.target.collection_navigation,
                    r.referenced_entity,
                    NavigationKind.COLLECTION,
                    (r.referencing_entity,),
                    r.attribute,
                    relationship_name=r.schema_name,
                )
        for m in many_to_many:
            self._navigation[(m.entity1, m.entity1_navigation)] = Navigation(
                m.entity1_navigation,
                m.entity1,
                NavigationKind.MANY_TO_MANY,
                (m.entity2,),
                relationship=m,
                relationship_name=m.schema_name,
            )
            self._navigation[(m.entity2, m.entity2_navigation)] = Navigation(
                m.entity2_navigation,
                m.entity2,
                NavigationKind.MANY_TO_MANY,
                (m.entity1,),
                relationship=m,
                relationship_name=m.schema_name,
            )

    def entity(self, logical_name: str) -> Entity | None:
        return self._by_name.get(logical_name)

    def entity_by_set(self, entity_set: str) -> Entity | None:
        return self._by_set.get(entity_set)

    def navigation(self, entity: str, name: str) -> Navigation | None:
        return self._navigation.get((entity, name))

    def navigations(self, entity: str) -> list[Navigation]:
        return [n for (e, _), n in self._navigation.items() if e == entity]

    def activity_types(self) -> tuple[Entity, ...]:
        """Activities stored in their own table and mirrored into ``activitypointer``."""
        return tuple(e for e in self.entities if e.is_activity and e.logical_name != "activitypointer")

    @cache  # noqa: B019 - the schema lives as long as the process
    def pointer_columns(self) -> tuple[str, ...]:
        """Columns an activity shares with ``activitypointer``, copied on every write."""
        pointer = self._by_name["activitypointer"]
        shared = set.intersection(*(set(e.attributes_by_name) for e in self.activity_types()))
        return tuple(a.logical_name for a in pointer.attributes if a.logical_name in shared)


SOURCES = (definitions, security_tables, offline_tables, processes_tables)


@cache
def schema() -> Schema:
    """The one schema of the mock: the data entities and every area's own tables."""
    return Schema(
        tuple(e for source in SOURCES for e in source.ENTITIES),
        tuple(m for source in SOURCES for m in source.MANY_TO_MANY),
    )
