"""The two shapes of a record and the conversions between them.

On the device (and in the driver protocol) a record is a flat dict of logical names; a lookup is
``{"entity": <logical name>, "id": <guid>}`` under the lookup column's name (``parentcustomerid``),
and the record's id sits under the primary id column. On the wire Dataverse returns lookups as
``_<column>_value`` with a ``lookuplogicalname`` annotation and takes them back as
``<navigation property>@odata.bind``. Records created offline carry offline ids, which the
upload turns into server ids or ``$<Content-ID>`` references.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from clients.reference.catalog import InvalidRequest
from clients.reference.webapi import EntityInfo

Record = dict[str, Any]
LOOKUP_ANNOTATION = "@Microsoft.Dynamics.CRM.lookuplogicalname"
# Columns the server maintains; a client never writes them.
SERVER_COLUMNS = frozenset(
    {"createdon", "modifiedon", "versionnumber", "createdby", "modifiedby", "owninguser", "owningteam"}
    | {"owningbusinessunit", "activitytypecode"}
)


def is_lookup(value: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict) and isinstance(value.get("entity"), str) and "id" in value


def lookup(entity: str, record_id: str) -> Record:
    return {"entity": entity, "id": record_id}


def from_server(row: dict[str, Any], secured: frozenset[str] = frozenset()) -> Record:
    """A record as the server sent it, in the device's shape: annotations dropped, and the
    ``secured`` columns too (field-level security does not apply offline, so the device never
    stores them, whatever the user may read online)."""
    record: Record = {}
    for key, value in row.items():
        if "@" in key or key in secured:
            continue
        if key.startswith("_") and key.endswith("_value"):
            column = key[1:-6]
            target = row.get(f"{key}{LOOKUP_ANNOTATION}")
            record[column] = None if value is None else lookup(str(target or ""), str(value).lower())
        else:
            record[key] = value
    return record


def resolve_lookups(info: EntityInfo, values: Record, holds: Callable[[str, str], bool]) -> Record:
    """``values`` with lookups given as a bare id (as the protocol allows) turned into
    ``{entity, id}``: the target is the entity whose local table ``holds`` the id, or the
    lookup's only possible target."""
    resolved = dict(values)
    for column, value in values.items():
        targets = info.lookup_targets(column) if isinstance(value, str) else []
        if not targets:
            continue
        record_id = str(value).lower()
        found = [target for target in targets if holds(target, record_id)]
        if not found and len(targets) > 1:
            raise InvalidRequest(
                f"The device holds no record '{value}' that the lookup '{column}' can point to "
                f"({', '.join(sorted(targets))}); pass {{entity, id}} to name the table."
            )
        resolved[column] = lookup((found or targets)[0], record_id)
    return resolved


def check_values(info: EntityInfo, values: Any) -> Record:
    """Validate the ``values`` of a create or update: a dict whose lookups can be bound."""
    if not isinstance(values, dict):
        raise InvalidRequest("'values' must be an object of column names to values.")
    for column, value in values.items():
        if not isinstance(column, str) or "@" in column or not column:
            raise InvalidRequest(f"'{column}' is not a column name; write lookups as {{entity, id}}.")
        if is_lookup(value) and info.navigation(column, value["entity"]) is None:
            raise InvalidRequest(
                f"The column '{column}' of '{info.logical_name}' is not a lookup to '{value['entity']}'."
            )
        if isinstance(value, dict) and not is_lookup(value):
            raise InvalidRequest(f"The value of '{column}' must be a plain value or a lookup {{entity, id}}.")
        if value is None and any(key.startswith(f"{column}:") for key in info.navigations):
            raise InvalidRequest(f"Clearing the lookup '{column}' offline is not supported.")
    return dict(values)


def to_server(
    info: EntityInfo,
    values: Record,
    metadata: dict[str, EntityInfo],
    reference: Callable[[str], str],
) -> dict[str, Any]:
    """The Web API body writing ``values``; ``reference`` turns a record id into the bind target
    (a server id, or ``$n`` for a record created earlier in the same change set)."""
    body: dict[str, Any] = {}
    for column, value in values.items():
        if column == info.primary_id or column in SERVER_COLUMNS:
            continue
        if is_lookup(value):
            navigation = info.navigation(column, value["entity"])
            target = metadata.get(value["entity"])
            if navigation is None or target is None:
                raise InvalidRequest(f"The lookup '{column}' to '{value['entity']}' cannot be bound.")
            resolved = reference(str(value["id"]))
            bind = resolved if resolved.startswith("$") else f"/{target.entity_set}({resolved})"
            body[f"{navigation}@odata.bind"] = bind
        else:
            body[column] = value
    return body


def matches(record: Record, conditions: dict[str, Any]) -> bool:
    """Whether ``record`` satisfies every ``column == value`` of a query's filter; a lookup
    matches its id or its whole ``{entity, id}``."""
    for column, wanted in conditions.items():
        value = record.get(column)
        if is_lookup(value) and not isinstance(wanted, dict):
            value = value["id"]
        if isinstance(value, str) and isinstance(wanted, str):
            if value.lower() != wanted.lower():
                return False
        elif value != wanted:
            return False
    return True


def project(record: Record, primary_id: str, columns: Any) -> Record:
    """``record`` narrowed to ``columns`` (all of it when None), always with its id."""
    if columns is None:
        return record
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise InvalidRequest("'columns' must be a list of column names.")
    return {c: record.get(c) for c in [primary_id, *columns]}
