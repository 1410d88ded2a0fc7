"""Request bodies of creates and updates: JSON checked against the schema and turned into
column values, ``@odata.bind`` references and deep-insert children.

Nothing here touches the database; references are resolved through the function the caller
passes, so ``$batch`` can resolve ``$1`` Content-ID references the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from mock_server.clock import parse_instant
from mock_server.errors import BadRequest, InvalidArgument, PayloadError
from mock_server.schema import Attribute, AttributeType, Entity, Navigation, NavigationKind, schema

T = AttributeType
Row = dict[str, Any]
# Resolves a bind URL (``/contacts(<id>)``, absolute, or ``$1``) to (entity, id).
Resolver = Callable[[str], tuple[Entity, str]]

EDM_TYPES = {
    T.STRING: "Edm.String",
    T.MEMO: "Edm.String",
    T.INTEGER: "Edm.Int32",
    T.BIGINT: "Edm.Int64",
    T.PICKLIST: "Edm.Int32",
    T.STATE: "Edm.Int32",
    T.STATUS: "Edm.Int32",
    T.DECIMAL: "Edm.Decimal",
    T.MONEY: "Edm.Decimal",
    T.DOUBLE: "Edm.Double",
    T.BOOLEAN: "Edm.Boolean",
    T.DATETIME: "Edm.DateTimeOffset",
    T.UNIQUEIDENTIFIER: "Edm.Guid",
    T.ENTITYNAME: "Edm.String",
}


class ValidationError(BadRequest):
    code = "0x80044331"


class OptionOutOfRange(BadRequest):
    code = "0x8004431a"


@dataclass
class Payload:
    """A parsed body: ``values`` by column, plus what must happen around the row's write."""

    values: Row = field(default_factory=dict)
    bind_collections: list[tuple[Navigation, list[str]]] = field(default_factory=list)
    deep_single: list[tuple[Navigation, Entity, Row]] = field(default_factory=list)
    deep_collections: list[tuple[Navigation, Entity, list[Row]]] = field(default_factory=list)


def _cannot_convert(value: Any, attribute: Attribute) -> BadRequest:
    return BadRequest(
        f"Cannot convert the literal '{value}' to the expected type '{EDM_TYPES[attribute.type]}'."
    )


def convert(entity: Entity, attribute: Attribute, value: Any) -> Any:
    """A JSON value checked against the column and converted to its stored form."""
    if value is None:
        return None
    kind, name = attribute.type, attribute.logical_name
    if kind in (T.STRING, T.MEMO, T.ENTITYNAME):
        if not isinstance(value, str):
            raise _cannot_convert(value, attribute)
        if attribute.max_length is not None and len(value) > attribute.max_length:
            raise ValidationError(
                f"A validation error occurred. The length of the '{name}' attribute of the "
                f"'{entity.logical_name}' "
                f"entity exceeded the maximum allowed length of '{attribute.max_length}'."
            )
        return value
    if kind is T.BOOLEAN:
        if not isinstance(value, bool):
            raise _cannot_convert(value, attribute)
        return value
    if kind in (T.INTEGER, T.BIGINT, T.PICKLIST, T.STATE, T.STATUS):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _cannot_convert(value, attribute)
        if kind in (T.PICKLIST, T.STATE, T.STATUS) and attribute.option(value) is None:
            raise OptionOutOfRange(
                f"A validation error occurred. The value {value} of '{name}' on record of type "
                f"'{entity.logical_name}' is outside the valid range."
            )
        _check_range(entity, attribute, value)
        return value
    if kind in (T.DECIMAL, T.MONEY, T.DOUBLE):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _cannot_convert(value, attribute)
        _check_range(entity, attribute, value)
        return float(value)
    if kind is T.DATETIME:
        if not isinstance(value, str):
            raise _cannot_convert(value, attribute)
        try:
            return parse_instant(value).astimezone(UTC).replace(tzinfo=None)
        except ValueError:
            raise _cannot_convert(value, attribute) from None
    if kind is T.UNIQUEIDENTIFIER:
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise _cannot_convert(value, attribute) from None
    raise _cannot_convert(value, attribute)


def _check_range(entity: Entity, attribute: Attribute, value: float) -> None:
    lo, hi = attribute.min_value, attribute.max_value
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValidationError(
            f"A validation error occurred. The value {value} of '{attribute.logical_name}' on record of type "
            f"'{entity.logical_name}' is outside the valid range. Accepted Range: {lo:g} to {hi:g}"
        )


def parse_payload(entity: Entity, body: Any, *, creating: bool, resolve: Resolver) -> Payload:
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object describing the record.")
    payload = Payload()
    for key, value in body.items():
        if not isinstance(key, str):
            raise BadRequest("Property names must be strings.")
        if key.endswith("@odata.bind"):
            _bind(entity, key.removesuffix("@odata.bind"), value, payload, resolve)
        elif key.startswith("@") or "@" in key:
            continue  # instance and property annotations (@odata.type, @odata.etag...) carry no data
        elif (navigation := schema().navigation(entity.logical_name, key)) is not None and isinstance(
            value, dict | list
        ):
            _deep(entity, navigation, value, payload)
        else:
            _property(entity, key, value, payload, creating)
    return payload


def _property(entity: Entity, key: str, value: Any, payload: Payload, creating: bool) -> None:
    attribute = entity.attribute(key)
    if attribute is None:
        if key.startswith("_") and key.endswith("_value") and entity.attribute(key[1:-6]) is not None:
            raise BadRequest(
                f"The property '{key}' is read-only; set a lookup with '<navigation>@odata.bind'."
            )
        if schema().navigation(entity.logical_name, key) is not None and value is None:
            navigation = schema().navigation(entity.logical_name, key)
            assert navigation is not None
            if navigation.attribute is not None and navigation.kind is NavigationKind.SINGLE:
                _clear_lookup(navigation.attribute, payload)
                return
        raise BadRequest(
            f"Invalid property '{key}' was found in entity 'Microsoft.Dynamics.CRM.{entity.logical_name}'."
        )
    if attribute.is_lookup:
        if value is not None:
            raise PayloadError(f"The lookup '{key}' can only be set with '<navigation>@odata.bind'.")
        _clear_lookup(attribute, payload)
        return
    if attribute.is_primary_id and not creating:
        return  # Dataverse ignores the key column in an update body
    allowed = attribute.valid_for_create if creating else attribute.valid_for_update
    if not allowed:
        if attribute.logical_name in ("statecode", "statuscode"):
            raise InvalidArgument(
                f"The '{key}' attribute of '{entity.logical_name}' cannot be set on create."
            )
        return  # read-only columns are ignored, as Dataverse does for computed values
    payload.values[key] = convert(entity, attribute, value)


def _clear_lookup(attribute: Attribute, payload: Payload) -> None:
    payload.values[attribute.logical_name] = None
    if attribute.is_polymorphic:
        payload.values[attribute.target_column] = None


def _bind(entity: Entity, name: str, value: Any, payload: Payload, resolve: Resolver) -> None:
    navigation = schema().navigation(entity.logical_name, name)
    if navigation is None:
        raise PayloadError(
            f"Error identified in Payload provided by the user for Entity :'{entity.entity_set}', ... "
            f"An undeclared property '{name}' which only has property annotations in the payload but no "
            "property value was found "
            "in the payload. In OData, only declared navigation properties and declared named streams can be "
            "represented as properties without values."
        )
    if navigation.kind is NavigationKind.SINGLE:
        assert navigation.attribute is not None
        if value is None:
            _clear_lookup(navigation.attribute, payload)
            return
        if not isinstance(value, str):
            raise PayloadError(f"The value of '{name}@odata.bind' must be a URL of a single record.")
        target, target_id = resolve(value)
        if target.logical_name not in navigation.targets:
            raise PayloadError(
                f"The navigation property '{name}' cannot point to a record of type '{target.logical_name}'."
            )
        payload.values[navigation.attribute.logical_name] = target_id
        if navigation.attribute.is_polymorphic:
            payload.values[navigation.attribute.target_column] = target.logical_name
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PayloadError(f"The value of '{name}@odata.bind' must be an array of record URLs.")
    ids = []
    for url in value:
        target, target_id = resolve(url)
        if target.logical_name != navigation.targets[0]:
            raise PayloadError(
                f"The navigation property '{name}' holds records of type '{navigation.targets[0]}'."
            )
        ids.append(target_id)
    payload.bind_collections.append((navigation, ids))


def _deep(
    entity: Entity, navigation: Navigation, value: dict[str, Any] | list[Any], payload: Payload
) -> None:
    if navigation.kind is NavigationKind.SINGLE:
        if not isinstance(value, dict):
            raise PayloadError(f"The navigation property '{navigation.name}' takes a single record.")
        target = schema().entity(navigation.targets[0])
        if len(navigation.targets) > 1:
            raise PayloadError(
                f"Deep insert through '{navigation.name}' needs a single-target navigation property."
            )
        assert target is not None
        payload.deep_single.append((navigation, target, value))
        return
    if navigation.kind is NavigationKind.MANY_TO_MANY or not isinstance(value, list):
        raise PayloadError(
            f"Deep insert through '{navigation.name}' takes an array of records of a 1:N relationship."
        )
    child = schema().entity(navigation.targets[0])
    assert child is not None
    if not all(isinstance(v, dict) for v in value):
        raise PayloadError(f"Deep insert through '{navigation.name}' takes an array of records.")
    payload.deep_collections.append((navigation, child, value))
