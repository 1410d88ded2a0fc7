"""A mobile offline profile as the validation and the download plan see it.

``load_profile`` reads a profile, its items and their associations into frozen dataclasses;
``relationship`` resolves an association's relationship name against the schema, from the
point of view of the item's entity (one-to-many, many-to-one or many-to-many).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from sqlalchemy import Connection, select

from mock_server.schema import Attribute, ManyToMany, schema
from mock_server.store.tables import tables

Row = dict[str, Any]

# The entities REQUIREMENTS section 1 lists as available offline; only they may be profile items.
OFFLINE_ENTITIES = frozenset(
    {
        "account",
        "activitypointer",
        "appointment",
        "activitymimeattachment",
        "incident",
        "competitor",
        "competitoraddress",
        "connection",
        "connectionrole",
        "contact",
        "new_inspection",
        "email",
        "lead",
        "opportunity",
        "opportunityproduct",
        "phonecall",
        "position",
        "product",
        "task",
        "team",
        "systemuser",
    }
)
# Small reference tables, where "my business unit's records" is the recommended filter.
MASTER_DATA = frozenset(
    {
        "team",
        "systemuser",
        "businessunit",
        "product",
        "transactioncurrency",
        "uom",
        "connectionrole",
        "position",
    }
)
DEFAULT_RELATIONSHIP_LIMIT = 10
DEFAULT_FILTER_DAYS = 10


class RelationshipKind(Enum):
    """A relationship seen from the profile item's entity."""

    ONE_TO_MANY = "OneToMany"  # other rows point to this entity's rows
    MANY_TO_ONE = "ManyToOne"  # this entity's lookup points to the other entity
    MANY_TO_MANY = "ManyToMany"


@dataclass(frozen=True)
class Relationship:
    schema_name: str
    kind: RelationshipKind
    entity: str  # the profile item's entity
    other: str  # the entity on the other side
    attribute: Attribute | None = None  # the lookup of a 1:N, on the referencing entity
    many_to_many: ManyToMany | None = None

    @property
    def is_to_many(self) -> bool:
        return self.kind is not RelationshipKind.MANY_TO_ONE


def relationship(entity: str, name: str) -> Relationship | None:
    """The relationship ``name`` of ``entity``, or None when the entity takes no part in it."""
    found = None
    for r in schema().one_to_many:
        if r.schema_name != name:
            continue
        if r.referenced_entity == entity:
            found = Relationship(
                name, RelationshipKind.ONE_TO_MANY, entity, r.referencing_entity, r.attribute
            )
            break
        if r.referencing_entity == entity and found is None:
            found = Relationship(name, RelationshipKind.MANY_TO_ONE, entity, r.referenced_entity, r.attribute)
    if found is not None:
        return found
    for m in schema().many_to_many:
        if m.schema_name == name and entity in (m.entity1, m.entity2):
            other = m.entity2 if entity == m.entity1 else m.entity1
            return Relationship(name, RelationshipKind.MANY_TO_MANY, entity, other, many_to_many=m)
    return None


@dataclass(frozen=True)
class ItemAssociation:
    id: str
    item_id: str
    name: str
    relationship_name: str

    @classmethod
    def from_row(cls, row: Row) -> ItemAssociation:
        return cls(
            str(row["mobileofflineprofileitemassociationid"]),
            str(row["mobileofflineprofileitemid"]),
            row["name"] or "",
            row["selectedrelationshipsschema"] or row["relationshipname"] or "",
        )


@dataclass(frozen=True)
class ProfileItem:
    id: str
    profile_id: str
    name: str
    entity: str
    criteria: int | None  # recorddistributioncriteria; None: no data download rule
    mine: bool
    my_team: bool
    my_business_unit: bool
    filter_xml: str | None
    days: int | None  # the org data filter: modified in the last ``days`` days; None: no filter
    associations: tuple[ItemAssociation, ...] = ()

    @classmethod
    def from_row(cls, row: Row, associations: tuple[ItemAssociation, ...] = ()) -> ProfileItem:
        return cls(
            str(row["mobileofflineprofileitemid"]),
            str(row["regardingobjectid"]),
            row["name"] or "",
            row["selectedentitytypecode"] or "",
            row["recorddistributioncriteria"],
            bool(row["recordsownedbyme"]),
            bool(row["recordsownedbymyteam"]),
            bool(row["recordsownedbymybusinessunit"]),
            row["profileitementityfilter"] or None,
            row["dayssincerecordlastmodified"],
            associations,
        )

    def relationships(self) -> list[tuple[ItemAssociation, Relationship | None]]:
        return [(a, relationship(self.entity, a.relationship_name)) for a in self.associations]


@dataclass(frozen=True)
class OfflineProfile:
    id: str
    name: str
    items: tuple[ProfileItem, ...]

    def item_for(self, entity: str) -> ProfileItem | None:
        return next((i for i in self.items if i.entity == entity), None)

    def with_item(self, item: ProfileItem) -> OfflineProfile:
        """This profile with ``item`` added, or replacing the item of the same id."""
        kept = tuple(i for i in self.items if i.id != item.id)
        known = next((i for i in self.items if i.id == item.id), None)
        if known is not None:
            item = replace(item, associations=known.associations)
        return replace(self, items=(*kept, item))

    def with_association(self, association: ItemAssociation) -> OfflineProfile:
        items = []
        for item in self.items:
            kept = tuple(a for a in item.associations if a.id != association.id)
            if item.id == association.item_id:
                kept = (*kept, association)
            items.append(replace(item, associations=kept))
        return replace(self, items=tuple(items))


def load_profile(conn: Connection, profile_id: str) -> OfflineProfile | None:
    profiles = tables()["mobileofflineprofile"]
    found = conn.execute(
        select(profiles.c.name).where(profiles.c.mobileofflineprofileid == profile_id)
    ).first()
    if found is None:
        return None
    item_table = tables()["mobileofflineprofileitem"]
    association_table = tables()["mobileofflineprofileitemassociation"]
    item_rows = [
        dict(r._mapping)
        for r in conn.execute(
            select(item_table)
            .where(item_table.c.regardingobjectid == profile_id)
            .order_by(item_table.c.createdon, item_table.c.name, item_table.c.mobileofflineprofileitemid)
        )
    ]
    ids = [r["mobileofflineprofileitemid"] for r in item_rows]
    by_item: dict[str, list[ItemAssociation]] = {}
    if ids:
        for r in conn.execute(
            select(association_table)
            .where(association_table.c.mobileofflineprofileitemid.in_(ids))
            # creation order; rows created at one instant in the order they were written
            .order_by(association_table.c.createdon, association_table.c.versionnumber)
        ):
            association = ItemAssociation.from_row(dict(r._mapping))
            by_item.setdefault(association.item_id, []).append(association)
    items = tuple(
        ProfileItem.from_row(r, tuple(by_item.get(str(r["mobileofflineprofileitemid"]), ())))
        for r in item_rows
    )
    return OfflineProfile(profile_id, found[0] or "", items)


def load_item(conn: Connection, item_id: str) -> ProfileItem | None:
    table = tables()["mobileofflineprofileitem"]
    row = conn.execute(select(table).where(table.c.mobileofflineprofileitemid == item_id)).first()
    return None if row is None else ProfileItem.from_row(dict(row._mapping))


@dataclass(frozen=True)
class OfflineSettings:
    """The organization's mobile offline settings."""

    relationship_limit: int = DEFAULT_RELATIONSHIP_LIMIT
    default_filter_days: int = DEFAULT_FILTER_DAYS


def offline_settings(conn: Connection) -> OfflineSettings:
    table = tables()["organization"]
    row = conn.execute(
        select(table.c.mobileofflinemaxrelationships, table.c.mobileofflinedefaultfilterdays).limit(1)
    ).first()
    if row is None:
        return OfflineSettings()
    return OfflineSettings(
        row[0] if row[0] is not None else DEFAULT_RELATIONSHIP_LIMIT,
        row[1] if row[1] is not None else DEFAULT_FILTER_DAYS,
    )
