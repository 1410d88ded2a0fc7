"""Privilege names, access rights and depths: the vocabulary of the security model.

A table has one privilege per verb, named ``prv<Verb><SchemaName>`` (``prvReadAccount``). A role
grants a privilege at a depth mask (``roleprivileges.privilegedepthmask``); sharing grants access
rights on one row (``principalobjectaccess.accessrightsmask``).
"""

from __future__ import annotations

from functools import cache

from mock_server.errors import BadRequest
from mock_server.schema import Entity, schema
from mock_server.schema.security_tables import BASIC, DEEP, GLOBAL, LOCAL

VERBS = ("Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share")

# AccessRights bit of each verb (Dataverse's AccessRights enum).
ACCESS_RIGHTS = {
    "Read": 1,
    "Write": 2,
    "Append": 4,
    "AppendTo": 16,
    "Create": 32,
    "Delete": 65536,
    "Share": 262144,
    "Assign": 524288,
}
RIGHT_NAMES = {f"{verb}Access": bit for verb, bit in ACCESS_RIGHTS.items()}

DEPTHS = (BASIC, LOCAL, DEEP, GLOBAL)

__all__ = ["ACCESS_RIGHTS", "DEPTHS", "RIGHT_NAMES", "VERBS", "by_name", "parse_mask", "privilege_name"]


def privilege_name(entity: Entity, verb: str) -> str:
    return f"prv{verb}{entity.schema_name}"


@cache
def by_name() -> dict[str, tuple[str, str]]:
    """Every table privilege's name -> (entity logical name, verb)."""
    return {privilege_name(e, verb): (e.logical_name, verb) for e in schema().entities for verb in VERBS}


def parse_mask(text: str) -> int:
    """An ``AccessMask`` as Dataverse writes it, ``"ReadAccess, WriteAccess"``, as a bit mask."""
    mask = 0
    for part in text.replace("|", ",").split(","):
        name = part.strip()
        if not name or name == "None":
            continue
        if name not in RIGHT_NAMES:
            raise BadRequest(f"'{name}' is not an access right; use names from: {', '.join(RIGHT_NAMES)}.")
        mask |= RIGHT_NAMES[name]
    return mask
