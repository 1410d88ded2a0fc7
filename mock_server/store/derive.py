"""Columns Dataverse computes rather than accepts: names composed from parts, owner columns
implied by ``ownerid``, amounts, and the ``activitypointer`` copy of every activity.

Both the Web API write path and the seed generator call these, so the rules live once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.schema import Entity, schema

Row = dict[str, Any]

COMPOSED_NAMES = {"contact", "lead", "systemuser"}


def computed_columns(entity: Entity, row: Mapping[str, Any]) -> Row:
    """Values derived from ``row`` (the full row after the write)."""
    out: Row = {}
    name = entity.logical_name
    if name in COMPOSED_NAMES:
        out["fullname"] = " ".join(p for p in (row.get("firstname"), row.get("lastname")) if p) or None
    elif name == "opportunityproduct":
        quantity, price = row.get("quantity"), row.get("priceperunit")
        out["extendedamount"] = None if quantity is None or price is None else round(quantity * price, 4)
        out["opportunityproductname"] = row.get("productdescription")
    elif name == "incident" and not row.get("ticketnumber"):
        out["ticketnumber"] = ticket_number(str(row["incidentid"]))
    if entity.is_activity and name != "activitypointer":
        out["activitytypecode"] = name
    if name in ("annotation", "activitymimeattachment"):
        target = row.get("objectid__target")
        out["objecttypecode"] = target if row.get("objectid") else None
        body = row.get("documentbody" if name == "annotation" else "body")
        out["filesize"] = decoded_size(body) if body else 0
        if name == "annotation":
            out["isdocument"] = bool(body)
    return out


def decoded_size(body: str) -> int:
    """The bytes a base64 text decodes to: three per four characters, less one per padding ``=``."""
    return len(body) * 3 // 4 - (len(body) - len(body.rstrip("=")))


def owner_columns(owner_id: str, owner_entity: str, owner_business_unit: str) -> Row:
    """``owninguser`` / ``owningteam`` / ``owningbusinessunit`` implied by an owner."""
    return {
        "ownerid": owner_id,
        "ownerid__target": owner_entity,
        "owninguser": owner_id if owner_entity == "systemuser" else None,
        "owningteam": owner_id if owner_entity == "team" else None,
        "owningbusinessunit": owner_business_unit,
    }


def pointer_row(row: Mapping[str, Any]) -> Row:
    """The ``activitypointer`` row mirroring an activity row. Each activity type has its own
    status reasons; the pointer carries the common state and that state's default reason."""
    pointer = {c: row[c] for c in schema().pointer_columns() if c in row} | {
        k: row[k] for k in ("regardingobjectid__target", "ownerid__target") if k in row
    }
    if pointer.get("statecode") is not None:
        activitypointer = schema().entity("activitypointer")
        assert activitypointer is not None
        pointer["statuscode"] = status_for_state(activitypointer, pointer["statecode"])
    return pointer


def ticket_number(incident_id: str) -> str:
    """A case number in Dataverse's ``CAS-01234-A1B2C3`` form, stable for a given id."""
    return (
        f"CAS-{int(incident_id[:8], 16) % 100000:05d}-{incident_id[9:13].upper()}{incident_id[14:16].upper()}"
    )


def default_state_status(entity: Entity) -> tuple[int | None, int | None]:
    """The state a new row starts in (the first state) and that state's default status."""
    state = entity.attribute("statecode")
    if state is None or not state.options:
        return None, None
    first = state.options[0]
    return first.value, first.default_status


def status_for_state(entity: Entity, state: int) -> int | None:
    attribute = entity.attribute("statecode")
    option = attribute.option(state) if attribute else None
    return option.default_status if option else None
