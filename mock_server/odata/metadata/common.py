"""Building blocks every metadata response shares: labels, managed properties, the metadata type
hierarchy and the ``Node`` tree the definitions are served from.

Dataverse describes its own metadata with OData types (``EntityMetadata``, the
``AttributeMetadata`` family, relationship and option-set types). Casts, ``$select`` checks and
``$expand`` all depend on that hierarchy, so it is declared once here; the JSON of each item is
built by ``attributes.py`` (columns) and ``catalog.py`` (entities, keys, relationships).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_server.errors import DataverseError, RecordNotFound
from mock_server.schema.model import Entity, metadata_id

NAMESPACE = "Microsoft.Dynamics.CRM"
ALIAS = "mscrm"
LANGUAGE_CODE = 1033


def qualified(type_name: str) -> str:
    """``PicklistAttributeMetadata`` -> ``Microsoft.Dynamics.CRM.PicklistAttributeMetadata``."""
    return f"{NAMESPACE}.{type_name}"


def odata_type(type_name: str) -> str:
    """The ``@odata.type`` annotation value of a metadata type."""
    return f"#{qualified(type_name)}"


def label(text: str | None, *owner: str, managed: bool = True) -> dict[str, Any]:
    """A Dataverse ``Label``. Every display string in a metadata response is built here.

    ``owner`` names what the label belongs to and makes its MetadataId stable; ``None`` gives the
    empty label Dataverse returns for unset descriptions."""
    if text is None:
        return {"LocalizedLabels": [], "UserLocalizedLabel": None}
    localized = {
        "Label": text,
        "LanguageCode": LANGUAGE_CODE,
        "IsManaged": managed,
        "MetadataId": metadata_id("label", *owner),
        "HasChanged": None,
    }
    return {"LocalizedLabels": [localized], "UserLocalizedLabel": dict(localized)}


def managed_property(value: Any, logical_name: str, can_be_changed: bool = True) -> dict[str, Any]:
    """A managed property such as ``RequiredLevel`` or ``IsOfflineInMobileClient``."""
    return {"Value": value, "CanBeChanged": can_be_changed, "ManagedPropertyLogicalName": logical_name}


def schema_case(name: str, custom: bool) -> str:
    """A SchemaName from a logical name, by the rule ``Entity.schema_name`` uses: custom names
    keep their logical spelling, system names are capitalised."""
    return name if custom else name.capitalize()


def is_custom_attribute(entity: Entity, attribute: str) -> bool:
    """Custom columns of a custom entity carry its publisher prefix (``new_``); the platform
    columns every entity gets (``createdon``, ``ownerid``...) are system columns."""
    prefix = entity.logical_name.split("_", 1)[0] + "_"
    return entity.is_custom and attribute.startswith(prefix)


class MetadataNotFound(RecordNotFound):
    """A metadata item that does not exist.

    Dataverse answers a missing entity, attribute or relationship definition with 404 and
    ObjectDoesNotExist (0x80040217), the same status and code as a missing row, so this is a
    ``RecordNotFound`` with a metadata-specific message."""

    def __init__(self, message: str) -> None:
        DataverseError.__init__(self, message)


@dataclass(frozen=True)
class MetaType:
    """One metadata type: its base, whether it is abstract, the navigation properties it declares
    (name -> (declared target type, is collection)) and the property usable as a key by name."""

    name: str
    base: str | None = None
    abstract: bool = False
    navigations: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    alternate_key: str | None = None


def _option_sets(type_name: str) -> dict[str, tuple[str, bool]]:
    return {"OptionSet": (type_name, False), "GlobalOptionSet": (type_name, False)}


_ATTR = "AttributeMetadata"
_ENUM = "EnumAttributeMetadata"
_REL = "RelationshipMetadataBase"

TYPES: dict[str, MetaType] = {
    t.name: t
    for t in (
        MetaType(
            "EntityMetadata",
            navigations={
                "Attributes": (_ATTR, True),
                "Keys": ("EntityKeyMetadata", True),
                "OneToManyRelationships": ("OneToManyRelationshipMetadata", True),
                "ManyToOneRelationships": ("OneToManyRelationshipMetadata", True),
                "ManyToManyRelationships": ("ManyToManyRelationshipMetadata", True),
            },
            alternate_key="LogicalName",
        ),
        MetaType("EntityKeyMetadata", alternate_key="LogicalName"),
        MetaType(_ATTR, abstract=True, alternate_key="LogicalName"),
        MetaType(_ENUM, _ATTR, abstract=True, navigations=_option_sets("OptionSetMetadata")),
        MetaType("PicklistAttributeMetadata", _ENUM),
        MetaType("StateAttributeMetadata", _ENUM),
        MetaType("StatusAttributeMetadata", _ENUM),
        MetaType("EntityNameAttributeMetadata", _ENUM),
        MetaType("BooleanAttributeMetadata", _ATTR, navigations=_option_sets("BooleanOptionSetMetadata")),
        MetaType("StringAttributeMetadata", _ATTR),
        MetaType("MemoAttributeMetadata", _ATTR),
        MetaType("IntegerAttributeMetadata", _ATTR),
        MetaType("BigIntAttributeMetadata", _ATTR),
        MetaType("DecimalAttributeMetadata", _ATTR),
        MetaType("DoubleAttributeMetadata", _ATTR),
        MetaType("MoneyAttributeMetadata", _ATTR),
        MetaType("DateTimeAttributeMetadata", _ATTR),
        MetaType("UniqueIdentifierAttributeMetadata", _ATTR),
        MetaType("LookupAttributeMetadata", _ATTR),
        MetaType(_REL, abstract=True, alternate_key="SchemaName"),
        MetaType("OneToManyRelationshipMetadata", _REL),
        MetaType("ManyToManyRelationshipMetadata", _REL),
        MetaType("OptionSetMetadataBase", abstract=True, alternate_key="Name"),
        MetaType("OptionSetMetadata", "OptionSetMetadataBase"),
        MetaType("BooleanOptionSetMetadata", "OptionSetMetadataBase"),
    )
}


def ancestors(type_name: str) -> list[str]:
    """``type_name`` and its bases, most derived first."""
    chain: list[str] = []
    current: str | None = type_name
    while current is not None and current in TYPES:
        chain.append(current)
        current = TYPES[current].base
    return chain


def is_a(type_name: str, ancestor: str) -> bool:
    return ancestor in ancestors(type_name)


def navigations(type_name: str) -> dict[str, tuple[str, bool]]:
    """Navigation properties a type declares or inherits."""
    merged: dict[str, tuple[str, bool]] = {}
    for name in reversed(ancestors(type_name)):
        merged.update(TYPES[name].navigations)
    return merged


def alternate_key(type_name: str) -> str | None:
    return next((TYPES[t].alternate_key for t in ancestors(type_name) if TYPES[t].alternate_key), None)


@dataclass(frozen=True, eq=False)
class Node:
    """One metadata item: its type, its JSON properties (shared and cached: copy before handing
    out) and the targets of its navigation properties (a tuple for collections)."""

    type: str
    data: Mapping[str, Any]
    links: Mapping[str, Link] = field(default_factory=dict)


Link = Node | tuple[Node, ...] | None
