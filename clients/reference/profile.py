"""The user's mobile offline profile as the device reads it, and which rows each item takes offline.

Every sync reads the profile afresh (its items and their associations) and works out, for each
offline entity, the ids of the rows that belong on the device. The rules become Web API queries;
the server answers them under the user's security, so a row the user may not read never appears:

=======================  =========================================================================
no data download rule    the item's org data filter, "Modified On - Last X Days": ``LastXDays(N)``
                         (from midnight N days ago); no rows when the item has no org data filter
All records              every row
Other data filter        the union of the chosen sets: owned by me (``EqualUserId``), owned by one
                         of my teams (``EqualUserTeams``), in my business unit (``EqualBusinessId``
                         on ``owningbusinessunit``, or ``businessunitid`` for business-owned tables)
Custom data filter       the rows the item's FetchXML selects, with the chosen sets above if any
Related data only        rows related, through another item's association, to the rows that item
                         takes: 1:N the rows whose lookup points at them, N:1 the rows they point
                         at, N:N the rows linked to them
=======================  =========================================================================
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

from clients.reference.webapi import EntityInfo, WebApi

ALL_RECORDS, OTHER_FILTER, CUSTOM_FILTER, RELATED_ONLY = 1, 2, 3, 0
CRM = "Microsoft.Dynamics.CRM."  # the namespace of Dataverse's query functions


@dataclass(frozen=True)
class ProfileItem:
    """One entity of the profile and its data download rule."""

    entity: str
    criteria: int | None  # recorddistributioncriteria; None: no rule
    mine: bool
    my_team: bool
    my_business_unit: bool
    filter_xml: str | None
    days: int | None  # the org data filter; None: none
    relationships: tuple[str, ...]  # schema names of the item's associations
    sync_minutes: int | None = None  # syncintervalinminutes; None: the default interval

    @classmethod
    def from_json(cls, row: dict[str, Any], relationships: tuple[str, ...]) -> ProfileItem:
        return cls(
            str(row["selectedentitytypecode"]),
            row.get("recorddistributioncriteria"),
            bool(row.get("recordsownedbyme")),
            bool(row.get("recordsownedbymyteam")),
            bool(row.get("recordsownedbymybusinessunit")),
            row.get("profileitementityfilter") or None,
            row.get("dayssincerecordlastmodified"),
            relationships,
            row.get("syncintervalinminutes"),
        )


@dataclass(frozen=True)
class Relationship:
    """A relationship as the rows of ``source`` reach the rows of ``target`` through it."""

    kind: str  # "1:N", "N:1" or "N:N"
    source: str
    target: str
    attribute: str | None = None  # the lookup (on the target for 1:N, on the source for N:1)
    navigation: str | None = None  # N:N: the source's collection navigation property


@dataclass(frozen=True)
class OfflineProfile:
    items: dict[str, ProfileItem]  # by entity

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(sorted(self.items))


def read_profile(api: WebApi, user_id: str) -> OfflineProfile:
    """The profile assigned to ``user_id`` (an empty one when none is)."""
    user = api.get_json(f"systemusers({user_id})?$select=_mobileofflineprofileid_value")
    profile_id = user.get("_mobileofflineprofileid_value")
    if not profile_id:
        return OfflineProfile({})
    rows = api.all_rows(f"mobileofflineprofileitems?$filter=_regardingobjectid_value eq {profile_id}")
    associations = api.all_rows(
        "mobileofflineprofileitemassociations?$select=_mobileofflineprofileitemid_value,selectedrelationshipsschema"
    )
    by_item: dict[str, list[str]] = {}
    for association in associations:
        item_id = str(association["_mobileofflineprofileitemid_value"])
        by_item.setdefault(item_id, []).append(str(association["selectedrelationshipsschema"]))
    items = {}
    for row in rows:
        names = tuple(sorted(by_item.get(str(row["mobileofflineprofileitemid"]), ())))
        item = ProfileItem.from_json(row, names)
        items[item.entity] = item
    return OfflineProfile(items)


class Selection:
    """Works out the ids each item of a profile takes offline, one query plan per entity."""

    def __init__(self, api: WebApi, profile: OfflineProfile, metadata: dict[str, EntityInfo]) -> None:
        self.api, self.profile, self.metadata = api, profile, metadata
        self._ids: dict[str, frozenset[str]] = {}
        self._relationships: dict[tuple[str, str], Relationship | None] = {}

    def ids(self, entity: str, visiting: frozenset[str] = frozenset()) -> frozenset[str]:
        """The ids of the rows of ``entity`` that belong on the device."""
        if entity not in self._ids:
            self._ids[entity] = self._select(self.profile.items[entity], visiting | {entity})
        return self._ids[entity]

    def _select(self, item: ProfileItem, visiting: frozenset[str]) -> frozenset[str]:
        info = self.metadata[item.entity]
        if item.criteria is None:
            if not item.days or item.days <= 0:
                return frozenset()
            window = f"{CRM}LastXDays(PropertyName='modifiedon',PropertyValue={item.days})"
            return self._where(info, window)
        if item.criteria == ALL_RECORDS:
            return self._where(info, None)
        if item.criteria == RELATED_ONLY:
            return self._related(item, visiting)
        found: set[str] = set()
        owned = self._owned(item, info)
        if owned:
            found |= self._where(info, " or ".join(owned))
        if item.criteria == CUSTOM_FILTER and item.filter_xml:
            found |= self.api.fetch_ids(info.entity_set, info.primary_id, _ids_only(item.filter_xml, info))
        return frozenset(found)

    def _owned(self, item: ProfileItem, info: EntityInfo) -> list[str]:
        if info.ownership == "UserOwned":
            chosen = [
                (item.mine, f"{CRM}EqualUserId(PropertyName='ownerid')"),
                (item.my_team, f"{CRM}EqualUserTeams(PropertyName='ownerid')"),
                (
                    item.my_business_unit,
                    f"{CRM}EqualBusinessId(PropertyName='owningbusinessunit')",
                ),
            ]
            return [condition for wanted, condition in chosen if wanted]
        if info.ownership == "BusinessOwned" and item.my_business_unit:
            return [f"{CRM}EqualBusinessId(PropertyName='businessunitid')"]
        return []

    def _where(self, info: EntityInfo, condition: str | None) -> frozenset[str]:
        return self.api.ids(info.entity_set, info.primary_id, condition)

    def _related(self, item: ProfileItem, visiting: frozenset[str]) -> frozenset[str]:
        found: set[str] = set()
        for source in self.profile.items.values():
            if source.entity in visiting:
                continue  # a cycle adds nothing
            for name in source.relationships:
                relationship = self._relationship(source.entity, name)
                if relationship is None or relationship.target != item.entity:
                    continue
                source_ids = self.ids(source.entity, visiting)
                found |= self._through(relationship, source_ids)
        return frozenset(found)

    def _through(self, r: Relationship, source_ids: frozenset[str]) -> frozenset[str]:
        source, target = self.metadata[r.source], self.metadata[r.target]
        if not source_ids:
            return frozenset()
        if r.kind == "1:N":
            assert r.attribute is not None
            return self.api.ids_in(target.entity_set, target.primary_id, r.attribute, source_ids)
        if r.kind == "N:1":
            assert r.attribute is not None
            return self.api.lookup_values(source.entity_set, source.primary_id, r.attribute, source_ids)
        assert r.navigation is not None
        return self.api.linked_ids(source, r.navigation, target.primary_id, source_ids)

    def _relationship(self, entity: str, name: str) -> Relationship | None:
        key = (entity, name)
        if key not in self._relationships:
            self._relationships[key] = _relationship_from(self.api.relationship(name), entity)
        return self._relationships[key]


def _relationship_from(definition: dict[str, Any] | None, entity: str) -> Relationship | None:
    """How ``entity``'s rows reach the other side of a relationship definition (None: they don't)."""
    if definition is None:
        return None
    if "Entity1LogicalName" in definition:  # N:N
        if definition["Entity1LogicalName"] == entity:
            return Relationship(
                "N:N",
                entity,
                definition["Entity2LogicalName"],
                navigation=definition["Entity1NavigationPropertyName"],
            )
        if definition["Entity2LogicalName"] == entity:
            return Relationship(
                "N:N",
                entity,
                definition["Entity1LogicalName"],
                navigation=definition["Entity2NavigationPropertyName"],
            )
        return None
    if definition["ReferencedEntity"] == entity:
        return Relationship(
            "1:N", entity, definition["ReferencingEntity"], definition["ReferencingAttribute"]
        )
    if definition["ReferencingEntity"] == entity:
        return Relationship("N:1", entity, definition["ReferencedEntity"], definition["ReferencingAttribute"])
    return None


def _ids_only(fetch_xml: str, info: EntityInfo) -> str:
    """The item's FetchXML asking for the primary id only."""
    fetch = ElementTree.fromstring(fetch_xml)
    entity = fetch.find("entity")
    if entity is None:
        return fetch_xml
    for child in list(entity):
        if child.tag in ("attribute", "all-attributes", "order"):
            entity.remove(child)
    entity.insert(0, ElementTree.Element("attribute", {"name": info.primary_id}))
    return ElementTree.tostring(fetch, encoding="unicode")
