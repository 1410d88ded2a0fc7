"""Subgrids and relationships offline (REQUIREMENTS section 9): which relationships link the
offline tables, what a subgrid offers, and its Add Existing.

Each sync reads the relationship definitions (1:N and N:N) and keeps those whose two tables are
both offline. A subgrid lists the rows of one table linked to the record on a form. On a 1:N
relationship Add Existing sets the related row's lookup to the form's record: an ordinary offline
update, uploaded at the next sync. N:N relationships are read-only offline: their subgrids offer
neither Add Existing nor New (which would link the new row), and Add Existing sent anyway answers
``read_only_offline`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from clients.reference.catalog import Catalog, Command, InvalidRequest, NotAvailableOffline, ReadOnlyOffline
from clients.reference.webapi import WebApi

ONE_TO_MANY, MANY_TO_MANY = "1:N", "N:N"
ADD_EXISTING = "add_existing"
DEFINITIONS = "RelationshipDefinitions/Microsoft.Dynamics.CRM."


@dataclass(frozen=True)
class Relationship:
    """A relationship between two offline tables."""

    schema_name: str
    kind: str  # ONE_TO_MANY or MANY_TO_MANY
    referenced: str  # 1:N: the table on the "one" side; N:N: entity 1
    referencing: str  # 1:N: the table whose lookup holds the link; N:N: entity 2
    attribute: str | None = None  # 1:N: the lookup column on ``referencing``

    def sides(self) -> tuple[str, str]:
        return self.referenced, self.referencing


def download_relationships(api: WebApi, entities: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The 1:N and N:N relationships whose two tables are in ``entities``, by schema name."""
    offline = set(entities)
    found = [
        Relationship(
            r["SchemaName"],
            ONE_TO_MANY,
            r["ReferencedEntity"],
            r["ReferencingEntity"],
            r["ReferencingAttribute"],
        )
        for r in api.all_rows(
            f"{DEFINITIONS}OneToManyRelationshipMetadata"
            "?$select=SchemaName,ReferencedEntity,ReferencingEntity,ReferencingAttribute"
        )
    ]
    found += [
        Relationship(r["SchemaName"], MANY_TO_MANY, r["Entity1LogicalName"], r["Entity2LogicalName"])
        for r in api.all_rows(
            f"{DEFINITIONS}ManyToManyRelationshipMetadata?$select=SchemaName,Entity1LogicalName,Entity2LogicalName"
        )
    ]
    return {r.schema_name: asdict(r) for r in found if set(r.sides()) <= offline}


def relationship(stored: dict[str, dict[str, Any]] | None, schema_name: str, entity: str) -> Relationship:
    """The relationship ``schema_name`` between offline tables, one of which is ``entity``."""
    definition = (stored or {}).get(schema_name)
    if definition is None:
        raise NotAvailableOffline(
            f"The relationship '{schema_name}' is not available offline: it is unknown, or it links a "
            "table outside the offline profile."
        )
    found = Relationship(**definition)
    if entity not in found.sides():
        raise InvalidRequest(f"The relationship '{schema_name}' does not involve '{entity}'.")
    return found


def subgrid_commands(catalog: Catalog, found: Relationship, entity: str) -> list[str]:
    """The commands a subgrid of ``entity`` rows linked through ``found`` offers."""
    offered = catalog.offered(entity, "subgrid", None)
    if found.kind == MANY_TO_MANY:
        return [command for command in offered if command == Command.RETRIEVE]
    if entity != found.referencing:
        raise InvalidRequest(
            f"A subgrid of '{found.schema_name}' lists '{found.referencing}' rows, not '{entity}' rows."
        )
    if Command.UPDATE in catalog.commands[entity]:
        offered.append(ADD_EXISTING)
    return offered


def link_column(catalog: Catalog, found: Relationship, entity: str) -> tuple[str, str]:
    """Add Existing on the form of an ``entity`` record: the related table and the lookup column
    to set, once the device may change the relationship offline."""
    if found.kind == MANY_TO_MANY:
        raise ReadOnlyOffline(
            f"'{found.schema_name}' is an N:N relationship: N:N relationships are read-only offline, "
            "so Add Existing does not work on its subgrid."
        )
    if entity != found.referenced or found.attribute is None:
        raise InvalidRequest(
            f"Add Existing through '{found.schema_name}' runs on the form of a '{found.referenced}' record."
        )
    catalog.check(found.referencing, Command.UPDATE)
    return found.referencing, found.attribute
