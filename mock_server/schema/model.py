"""The shapes of Dataverse metadata: entities, attributes, option sets and relationships.

Entity definitions (``definitions.py``) are written with these frozen dataclasses; tables,
``$metadata``, ``EntityDefinitions`` and seed data are all derived from them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

# A fixed namespace so metadata ids are stable across runs and machines.
_METADATA_NAMESPACE = uuid.UUID("6f1c2a34-8d4e-4b1a-9c55-0d3b7f0e2a11")


def metadata_id(*parts: str) -> str:
    """A stable MetadataId for an entity, attribute or relationship, derived from its names."""
    return str(uuid.uuid5(_METADATA_NAMESPACE, "/".join(parts)))


class AttributeType(Enum):
    """Dataverse ``AttributeTypeCode`` values the mock supports."""

    UNIQUEIDENTIFIER = "Uniqueidentifier"
    STRING = "String"
    MEMO = "Memo"
    INTEGER = "Integer"
    BIGINT = "BigInt"
    DECIMAL = "Decimal"
    DOUBLE = "Double"
    MONEY = "Money"
    BOOLEAN = "Boolean"
    DATETIME = "DateTime"
    PICKLIST = "Picklist"
    STATE = "State"
    STATUS = "Status"
    LOOKUP = "Lookup"
    CUSTOMER = "Customer"
    OWNER = "Owner"
    ENTITYNAME = "EntityName"

    @property
    def is_lookup(self) -> bool:
        return self in (AttributeType.LOOKUP, AttributeType.CUSTOMER, AttributeType.OWNER)

    @property
    def is_choice(self) -> bool:
        return self in (AttributeType.PICKLIST, AttributeType.STATE, AttributeType.STATUS)


class RequiredLevel(Enum):
    NONE = "None"
    SYSTEM_REQUIRED = "SystemRequired"
    APPLICATION_REQUIRED = "ApplicationRequired"
    RECOMMENDED = "Recommended"


class Ownership(Enum):
    USER = "UserOwned"
    ORGANIZATION = "OrganizationOwned"
    BUSINESS = "BusinessOwned"
    NONE = "None"


@dataclass(frozen=True)
class Option:
    """One choice value. ``state`` is set on status reasons: the state they belong to.
    ``default_status`` is set on states: the status reason a bare state change gets."""

    value: int
    label: str
    state: int | None = None
    default_status: int | None = None


@dataclass(frozen=True)
class LookupTarget:
    """One target of a lookup: the entity it points to, the 1:N relationship that carries it,
    and the navigation property names on both sides."""

    entity: str
    relationship: str
    navigation: str
    collection_navigation: str | None


@dataclass(frozen=True, eq=False)  # one object per column: identity is equality, and hashing is cheap
class Attribute:
    logical_name: str
    type: AttributeType
    display_name: str
    required: RequiredLevel = RequiredLevel.NONE
    max_length: int | None = None
    options: tuple[Option, ...] = ()
    targets: tuple[LookupTarget, ...] = ()
    valid_for_create: bool = True
    valid_for_update: bool = True
    is_primary_id: bool = False
    is_primary_name: bool = False
    cascade_delete: bool = False  # deleting the referenced row deletes this one (parental relationship)
    min_value: float | None = None
    max_value: float | None = None
    is_secured: bool = False  # field-level security: readable and writable only as profiles allow

    @cached_property
    def is_lookup(self) -> bool:
        return self.type.is_lookup

    @cached_property
    def is_polymorphic(self) -> bool:
        """A lookup that may point to more than one entity keeps its target in a second column."""
        return len({t.entity for t in self.targets}) > 1

    @cached_property
    def lookup_property(self) -> str:
        """The read-only Web API property carrying a lookup's GUID: ``_x_value``."""
        return f"_{self.logical_name}_value"

    @property
    def target_column(self) -> str:
        """Storage column remembering which entity a lookup value points to."""
        return f"{self.logical_name}__target"

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class ManyToMany:
    """An N:N relationship and its intersect table."""

    schema_name: str
    entity1: str
    entity2: str
    intersect_entity: str
    entity1_navigation: str
    entity2_navigation: str


@dataclass(frozen=True)
class AlternateKey:
    name: str
    attributes: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # one object per entity: identity is equality, and hashing is cheap
class Entity:
    logical_name: str
    entity_set: str
    display_name: str
    display_collection_name: str
    object_type_code: int
    ownership: Ownership
    primary_id: str
    primary_name: str
    attributes: tuple[Attribute, ...]
    is_activity: bool = False
    is_custom: bool = False
    keys: tuple[AlternateKey, ...] = ()
    change_tracking: bool = True

    @property
    def schema_name(self) -> str:
        return self.logical_name if self.is_custom else self.logical_name.capitalize()

    @property
    def metadata_id(self) -> str:
        return metadata_id(self.logical_name)

    @cached_property
    def attributes_by_name(self) -> dict[str, Attribute]:
        return {a.logical_name: a for a in self.attributes}

    def attribute(self, name: str) -> Attribute | None:
        return self.attributes_by_name.get(name)

    @property
    def is_bpf_entity(self) -> bool:
        """A business process flow's instance table (``EntityMetadata.IsBPFEntity``)."""
        return (
            self.primary_id == "businessprocessflowinstanceid" and "activestageid" in self.attributes_by_name
        )

    @cached_property
    def lookups(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.is_lookup)
