"""``AttributeMetadata`` and option-set JSON, built from the schema's ``Attribute`` records.

Clients read column metadata to learn types, lengths, ranges, required levels and choice
values (the Python SDK maps picklist labels to values through ``OptionSet``), so every fact
here comes from ``mock_server.schema``; only Dataverse's fixed defaults (formats, precisions,
range limits of a type) are constants of this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.odata.metadata.common import (
    Link,
    Node,
    is_custom_attribute,
    label,
    managed_property,
    navigations,
    odata_type,
    schema_case,
)
from mock_server.schema.model import Attribute, AttributeType, Entity, Option, metadata_id

T = AttributeType

# The metadata type Dataverse serves for each AttributeTypeCode. Customer and Owner columns are
# lookups with a different AttributeType.
METADATA_TYPES: dict[AttributeType, str] = {
    T.UNIQUEIDENTIFIER: "UniqueIdentifierAttributeMetadata",
    T.STRING: "StringAttributeMetadata",
    T.MEMO: "MemoAttributeMetadata",
    T.INTEGER: "IntegerAttributeMetadata",
    T.BIGINT: "BigIntAttributeMetadata",
    T.DECIMAL: "DecimalAttributeMetadata",
    T.DOUBLE: "DoubleAttributeMetadata",
    T.MONEY: "MoneyAttributeMetadata",
    T.BOOLEAN: "BooleanAttributeMetadata",
    T.DATETIME: "DateTimeAttributeMetadata",
    T.PICKLIST: "PicklistAttributeMetadata",
    T.STATE: "StateAttributeMetadata",
    T.STATUS: "StatusAttributeMetadata",
    T.LOOKUP: "LookupAttributeMetadata",
    T.CUSTOMER: "LookupAttributeMetadata",
    T.OWNER: "LookupAttributeMetadata",
    T.ENTITYNAME: "EntityNameAttributeMetadata",
}

# Type-wide ranges Dataverse applies when a column does not narrow them.
_RANGES: dict[AttributeType, tuple[float, float]] = {
    T.INTEGER: (-2147483648, 2147483647),
    T.BIGINT: (-9223372036854775808, 9223372036854775807),
    T.DECIMAL: (-100000000000, 100000000000),
    T.DOUBLE: (-100000000000, 100000000000),
    T.MONEY: (-922337203685477, 922337203685477),
}
_PRECISION = 2
_OPTION_SET_TYPES = {T.STATE: "State", T.STATUS: "Status", T.BOOLEAN: "Boolean"}


def attribute_id(entity: Entity, attribute: Attribute) -> str:
    return metadata_id(entity.logical_name, attribute.logical_name)


def attribute_node(entity: Entity, attribute: Attribute) -> Node:
    """The ``AttributeMetadata`` node of one column, with its option set if its type has one."""
    type_name = METADATA_TYPES[attribute.type]
    extras = _EXTRAS.get(attribute.type)
    data = {
        "@odata.type": odata_type(type_name),
        **_base(entity, attribute),
        **(extras(attribute) if extras else {}),
    }
    links: dict[str, Link] = {}
    if "OptionSet" in navigations(type_name):
        # EntityName columns are enums without options of their own: their OptionSet is null.
        has_options = attribute.type.is_choice or attribute.type is T.BOOLEAN
        links = {
            "OptionSet": _option_set(entity, attribute) if has_options else None,
            "GlobalOptionSet": None,
        }
    return Node(type_name, data, links)


def _base(entity: Entity, a: Attribute) -> dict[str, Any]:
    """Properties of every ``AttributeMetadata``."""
    custom = is_custom_attribute(entity, a.logical_name)
    owner = (entity.logical_name, a.logical_name)
    return {
        "MetadataId": attribute_id(entity, a),
        "LogicalName": a.logical_name,
        "SchemaName": schema_case(a.logical_name, custom),
        "EntityLogicalName": entity.logical_name,
        "AttributeType": a.type.value,
        "AttributeTypeName": {"Value": f"{a.type.value}Type"},
        "DisplayName": label(a.display_name, *owner, "DisplayName", managed=not custom),
        "Description": label(None),
        "RequiredLevel": managed_property(
            a.required.value, "canmodifyrequirementlevelsettings", can_be_changed=not a.is_primary_id
        ),
        "IsValidForCreate": a.valid_for_create,
        "IsValidForUpdate": a.valid_for_update,
        "IsValidForRead": True,
        "IsPrimaryId": a.is_primary_id,
        "IsPrimaryName": a.is_primary_name,
        "IsCustomAttribute": custom,
        "IsManaged": not custom,
        "IsSecured": a.is_secured,
        "CanBeSecuredForCreate": a.is_secured,
        "CanBeSecuredForRead": a.is_secured,
        "CanBeSecuredForUpdate": a.is_secured,
        "IsLogical": False,
        "IsFilterable": True,
        "IsValidODataAttribute": True,
        "IsValidForAdvancedFind": managed_property(True, "canmodifysearchsettings"),
        "IsAuditEnabled": managed_property(False, "canmodifyauditsettings"),
        "AttributeOf": None,
        "IntroducedVersion": "1.0",
    }


def _range(a: Attribute) -> dict[str, Any]:
    lo, hi = _RANGES[a.type]
    low = lo if a.min_value is None else a.min_value
    high = hi if a.max_value is None else a.max_value
    if a.type in (T.INTEGER, T.BIGINT):
        return {"MinValue": int(low), "MaxValue": int(high)}
    return {"MinValue": float(low), "MaxValue": float(high)}


def _text(format_name: str) -> Callable[[Attribute], dict[str, Any]]:
    return lambda a: {"MaxLength": a.max_length, "Format": format_name, "FormatName": {"Value": format_name}}


def _lookup(a: Attribute) -> dict[str, Any]:
    return {"Targets": list(dict.fromkeys(t.entity for t in a.targets)), "Format": "None"}


_EXTRAS: dict[AttributeType, Callable[[Attribute], dict[str, Any]]] = {
    T.STRING: _text("Text"),
    T.MEMO: _text("TextArea"),
    T.INTEGER: lambda a: {**_range(a), "Format": "None"},
    T.BIGINT: _range,
    T.DECIMAL: lambda a: {**_range(a), "Precision": _PRECISION},
    T.DOUBLE: lambda a: {**_range(a), "Precision": _PRECISION},
    T.MONEY: lambda a: {**_range(a), "Precision": _PRECISION, "PrecisionSource": 2, "IsBaseCurrency": False},
    T.BOOLEAN: lambda a: {"DefaultValue": False},
    T.DATETIME: lambda a: {
        "Format": "DateAndTime",
        "DateTimeBehavior": {"Value": "UserLocal"},
        "MinSupportedValue": "1753-01-01T00:00:00Z",
        "MaxSupportedValue": "9999-12-30T23:59:59Z",
    },
    T.PICKLIST: lambda a: {"DefaultFormValue": -1},
    T.LOOKUP: _lookup,
    T.CUSTOMER: _lookup,
    T.OWNER: _lookup,
}


def _option_set(entity: Entity, a: Attribute) -> Node:
    """The local option set of a choice, state, status or two-option column."""
    custom = is_custom_attribute(entity, a.logical_name)
    owner = (entity.logical_name, a.logical_name, "OptionSet")
    kind = _OPTION_SET_TYPES.get(a.type, "Picklist")
    type_name = "BooleanOptionSetMetadata" if a.type is T.BOOLEAN else "OptionSetMetadata"
    data: dict[str, Any] = {
        "@odata.type": odata_type(type_name),
        "MetadataId": metadata_id(*owner),
        "Name": f"{entity.logical_name}_{a.logical_name}",
        "DisplayName": label(a.display_name, *owner, managed=not custom),
        "Description": label(None),
        "IsGlobal": False,
        "IsCustomOptionSet": custom,
        "IsManaged": not custom,
        "OptionSetType": kind,
        "ExternalTypeName": None,
    }
    if a.type is T.BOOLEAN:
        true, false = a.option(1), a.option(0)
        data["TrueOption"] = _option(entity, a, true) if true else None
        data["FalseOption"] = _option(entity, a, false) if false else None
    else:
        data["Options"] = [_option(entity, a, o) for o in a.options]
    return Node(type_name, data)


def _option(entity: Entity, a: Attribute, o: Option) -> dict[str, Any]:
    """One ``OptionMetadata``; states carry their default status, statuses their state."""
    custom = is_custom_attribute(entity, a.logical_name)
    head: dict[str, Any] = {}
    tail: dict[str, Any] = {}
    if a.type is T.STATE:
        head["@odata.type"] = odata_type("StateOptionMetadata")
        tail = {"DefaultStatus": o.default_status, "InvariantName": o.label.replace(" ", "")}
    elif a.type is T.STATUS:
        head["@odata.type"] = odata_type("StatusOptionMetadata")
        tail = {"State": o.state, "TransitionData": None}
    return {
        **head,
        "Value": o.value,
        "Label": label(
            o.label, entity.logical_name, a.logical_name, "Option", str(o.value), managed=not custom
        ),
        "Description": label(None),
        "Color": None,
        "IsManaged": not custom,
        "ExternalValue": None,
        "ParentValues": [],
        "MetadataId": None,
        "HasChanged": None,
        **tail,
    }
