"""Closed records are read-only until reactivated.

A qualified or disqualified lead, a won or lost opportunity and a resolved or canceled case
accept only one kind of update: moving ``statecode``/``statuscode`` back to the open state
(statecode 0). Anything else that changes a column answers 400 with the entity's error. The
business process flow columns a flow keeps on its record (``stageid``, ``processid``,
``traversedpath``) stay writable, as Dataverse lets a flow move on a closed lead, and so does the
owner: a closed record can still be assigned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.errors import BadRequest

if TYPE_CHECKING:
    from mock_server.schema import Entity
    from mock_server.store.records import Row, Writer

OPEN = 0
# Columns every write sets, and the ones that stay writable on a closed record: the flow columns
# and the owner (closed records can still be assigned).
ALWAYS_WRITTEN = {
    "versionnumber",
    "modifiedon",
    "modifiedby",
    "stageid",
    "processid",
    "traversedpath",
    "ownerid",
    "ownerid__target",
    "owninguser",
    "owningteam",
    "owningbusinessunit",
}
STATE_COLUMNS = {"statecode", "statuscode"}


class RecordIsClosed(BadRequest):
    """An update of a closed lead, opportunity or case that does not reopen it."""

    def __init__(self, entity: Entity, row_id: str, state_label: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"The {entity.display_name.lower()} with Id = {row_id} is {state_label.lower()} and cannot be "
            f"changed. Reactivate it first (statecode 0) with a request that changes only statecode "
            f"and statuscode."
        )


class LeadIsClosed(RecordIsClosed):
    code = "0x80040203"


class OpportunityIsAlreadyClosed(RecordIsClosed):
    code = "0x80040515"


class CaseAlreadyResolved(RecordIsClosed):
    code = "0x800404cf"


CLOSED_ERRORS: dict[str, type[RecordIsClosed]] = {
    "lead": LeadIsClosed,
    "opportunity": OpportunityIsAlreadyClosed,
    "incident": CaseAlreadyResolved,
}


def changed_columns(current: Row, new: Row) -> set[str]:
    """Columns whose value an update changes, leaving out the ones every write sets."""
    return {k for k, v in new.items() if k not in ALWAYS_WRITTEN and current.get(k) != v}


def guard_closed_records(
    writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row
) -> None:
    """WriteCheck: refuse changes to a closed lead, opportunity or case, except reactivation."""
    error = CLOSED_ERRORS.get(entity.logical_name)
    if error is None or operation != "update" or current is None or current.get("statecode") in (None, OPEN):
        return
    changed = changed_columns(current, new)
    if not changed:
        return
    if new.get("statecode") == OPEN and changed <= STATE_COLUMNS:
        return
    state = entity.attribute("statecode")
    option = state.option(current["statecode"]) if state else None
    raise error(entity, str(current[entity.primary_id]), option.label if option else "closed")
