"""Small constructors that keep the entity definitions short and uniform.

Columns every Dataverse table carries (audit columns, ownership columns, state/status pairs)
are built here once, so ``definitions.py`` only lists what makes each entity different.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mock_server.schema.model import (
    AlternateKey,
    Attribute,
    AttributeType,
    Entity,
    LookupTarget,
    Option,
    Ownership,
    RequiredLevel,
)

T = AttributeType
APP_REQUIRED = RequiredLevel.APPLICATION_REQUIRED


def string(name: str, display: str, max_length: int = 100, **kw: Any) -> Attribute:
    return Attribute(name, T.STRING, display, max_length=max_length, **kw)


def memo(name: str, display: str, max_length: int = 2000, **kw: Any) -> Attribute:
    return Attribute(name, T.MEMO, display, max_length=max_length, **kw)


def integer(name: str, display: str, lo: int = -2147483648, hi: int = 2147483647) -> Attribute:
    return Attribute(name, T.INTEGER, display, min_value=lo, max_value=hi)


def decimal(name: str, display: str, lo: float = -1e11, hi: float = 1e11) -> Attribute:
    return Attribute(name, T.DECIMAL, display, min_value=lo, max_value=hi)


def double(name: str, display: str, lo: float, hi: float) -> Attribute:
    return Attribute(name, T.DOUBLE, display, min_value=lo, max_value=hi)


def money(name: str, display: str, **kw: Any) -> Attribute:
    return Attribute(name, T.MONEY, display, min_value=-922337203685477, max_value=922337203685477, **kw)


def boolean(name: str, display: str, labels: tuple[str, str] = ("No", "Yes")) -> Attribute:
    return Attribute(name, T.BOOLEAN, display, options=(Option(0, labels[0]), Option(1, labels[1])))


def datetime_(name: str, display: str, **kw: Any) -> Attribute:
    return Attribute(name, T.DATETIME, display, **kw)


def picklist(name: str, display: str, options: Mapping[int, str], **kw: Any) -> Attribute:
    opts = tuple(Option(v, label) for v, label in options.items())
    return Attribute(name, T.PICKLIST, display, options=opts, **kw)


def entityname(name: str, display: str) -> Attribute:
    return Attribute(name, T.ENTITYNAME, display, valid_for_update=False)


def lookup(
    name: str,
    display: str,
    *targets: LookupTarget,
    kind: AttributeType = T.LOOKUP,
    **kw: Any,
) -> Attribute:
    return Attribute(name, kind, display, targets=targets, **kw)


def to(entity: str, relationship: str, navigation: str, collection: str | None = None) -> LookupTarget:
    """A lookup target; the collection navigation defaults to the relationship's name."""
    return LookupTarget(entity, relationship, navigation, relationship if collection is None else collection)


def simple_lookup(name: str, display: str, target: str, relationship: str, **kw: Any) -> Attribute:
    """A single-target lookup whose navigation property is named like the column."""
    return lookup(name, display, to(target, relationship, name), **kw)


def state_status(
    states: Iterable[tuple[int, str, int]],
    statuses: Iterable[tuple[int, str, int]],
) -> tuple[Attribute, Attribute]:
    """``statecode``/``statuscode``: states as (value, label, default status), statuses as
    (value, label, state)."""
    state = Attribute(
        "statecode",
        T.STATE,
        "Status",
        RequiredLevel.SYSTEM_REQUIRED,
        options=tuple(Option(v, label, default_status=d) for v, label, d in states),
    )
    status = Attribute(
        "statuscode",
        T.STATUS,
        "Status Reason",
        options=tuple(Option(v, label, state=s) for v, label, s in statuses),
    )
    return state, status


ACTIVE_INACTIVE = state_status(
    [(0, "Active", 1), (1, "Inactive", 2)],
    [(1, "Active", 0), (2, "Inactive", 1)],
)


def _audit(logical: str) -> tuple[Attribute, ...]:
    ro = {"valid_for_create": False, "valid_for_update": False}
    return (
        datetime_("createdon", "Created On", **ro),
        datetime_("modifiedon", "Modified On", **ro),
        simple_lookup("createdby", "Created By", "systemuser", f"lk_{logical}_createdby", **ro),
        simple_lookup("modifiedby", "Modified By", "systemuser", f"lk_{logical}_modifiedby", **ro),
        Attribute(
            "versionnumber", T.BIGINT, "Version Number", valid_for_create=False, valid_for_update=False
        ),
    )


def _ownership(logical: str, entity_set: str, ownership: Ownership) -> tuple[Attribute, ...]:
    ro = {"valid_for_create": False, "valid_for_update": False}
    if ownership is Ownership.USER:
        return (
            lookup(
                "ownerid",
                "Owner",
                to("systemuser", f"owner_{entity_set}", "ownerid", ""),
                to("team", f"team_owner_{entity_set}", "ownerid", ""),
                kind=T.OWNER,
                required=RequiredLevel.SYSTEM_REQUIRED,
            ),
            simple_lookup("owninguser", "Owning User", "systemuser", f"user_{entity_set}", **ro),
            simple_lookup("owningteam", "Owning Team", "team", f"team_{entity_set}", **ro),
            simple_lookup(
                "owningbusinessunit",
                "Owning Business Unit",
                "businessunit",
                f"business_unit_{entity_set}",
                **ro,
            ),
        )
    return ()


def entity(
    logical: str,
    entity_set: str,
    display: str,
    plural: str,
    otc: int,
    ownership: Ownership,
    name: Attribute,
    *columns: Attribute,
    primary_id: str | None = None,
    is_activity: bool = False,
    is_custom: bool = False,
    keys: tuple[AlternateKey, ...] = (),
) -> Entity:
    """An entity with its primary key, primary name, the given columns, and the audit and
    ownership columns its ownership type implies."""
    pk = primary_id or f"{logical}id"
    primary = Attribute(
        pk,
        T.UNIQUEIDENTIFIER,
        display,
        RequiredLevel.SYSTEM_REQUIRED,
        is_primary_id=True,
        valid_for_update=False,
    )
    named = Attribute(
        name.logical_name,
        name.type,
        name.display_name,
        name.required,
        name.max_length,
        valid_for_create=name.valid_for_create,
        valid_for_update=name.valid_for_update,
        is_primary_name=True,
    )
    attributes = (primary, named, *columns, *_ownership(logical, entity_set, ownership), *_audit(logical))
    return Entity(
        logical_name=logical,
        entity_set=entity_set,
        display_name=display,
        display_collection_name=plural,
        object_type_code=otc,
        ownership=ownership,
        primary_id=pk,
        primary_name=name.logical_name,
        attributes=attributes,
        is_activity=is_activity,
        is_custom=is_custom,
        keys=keys,
    )
