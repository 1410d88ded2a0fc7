"""The write check that keeps mobile offline profiles valid as they are saved.

It runs before every create and update of a profile, profile item or association, through
the Web API, ``$batch`` and the ``*Multiple`` actions alike, and refuses a write that would
break a profile rule with that rule's 400 error (``rules.py``). On create it also fills the
defaults Dataverse fills: a new profile is unpublished, a new item gets the organization's
default org data filter (records modified in the last 10 days) unless it names its own, and an
association gets the id (``RelationshipDefinitions``' MetadataId) of the relationship it names.
Creating, changing or deleting an item or association of a published profile makes the profile
(and that row) unpublished (``componentstate`` 1) until it is published again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from mock_server.errors import InvalidArgument, RecordNotFound
from mock_server.offline.errors import (
    AssociationNameMissing,
    ProfileItemNameMissing,
    ProfileNameAlreadyExists,
    ProfileNameMissing,
)
from mock_server.offline.profile import (
    ItemAssociation,
    ProfileItem,
    load_item,
    load_profile,
    offline_settings,
)
from mock_server.offline.rules import association_violations, item_violations
from mock_server.schema import Entity, schema
from mock_server.schema.model import metadata_id
from mock_server.store.records import Writer, update_record
from mock_server.store.tables import tables

Row = dict[str, Any]
UNPUBLISHED = 1
PARTS = ("mobileofflineprofile", "mobileofflineprofileitem", "mobileofflineprofileitemassociation")
# What publishing writes; an update of nothing else leaves a profile published.
PUBLISH_COLUMNS = frozenset(
    {"componentstate", "isvalidated", "publishedon", "versionnumber", "modifiedon", "modifiedby"}
)


def check_offline_write(
    writer: Writer, entity: Entity, operation: str, current: Row | None, new: Row
) -> None:
    name = entity.logical_name
    if name not in PARTS:
        return
    if operation != "delete":
        if name == "mobileofflineprofile":
            _check_profile(writer.conn, operation, new)
        elif name == "mobileofflineprofileitem":
            _check_item(writer.conn, operation, new)
        else:
            _check_association(writer.conn, new)
    if name != "mobileofflineprofile" and not _publishing(operation, current, new):
        _unpublish(writer, entity, operation, new)


def _publishing(operation: str, current: Row | None, new: Row) -> bool:
    """Whether an update changes only what publishing sets."""
    if operation != "update" or current is None:
        return False
    return all(current.get(k) == v for k, v in new.items() if k not in PUBLISH_COLUMNS)


def _unpublish(writer: Writer, entity: Entity, operation: str, new: Row) -> None:
    """A change to a published profile's items is a draft until the profile is published again."""
    if operation != "delete":
        new["componentstate"] = UNPUBLISHED
    if entity.logical_name == "mobileofflineprofileitem":
        profile_id = new["regardingobjectid"]
    else:
        item = load_item(writer.conn, str(new["mobileofflineprofileitemid"]))
        profile_id = item.profile_id if item is not None else None
    if profile_id is None:
        return
    profiles = tables()["mobileofflineprofile"]
    state = writer.conn.execute(
        select(profiles.c.componentstate).where(profiles.c.mobileofflineprofileid == profile_id)
    ).scalar()
    if state is not None and state != UNPUBLISHED:
        profile = schema().entity("mobileofflineprofile")
        assert profile is not None
        update_record(writer, profile, str(profile_id), {"componentstate": UNPUBLISHED})


def _blank(value: Any) -> bool:
    return value is None or not str(value).strip()


def _check_profile(conn: Connection, operation: str, new: Row) -> None:
    if _blank(new["name"]):
        raise ProfileNameMissing.of()
    table = tables()["mobileofflineprofile"]
    same = conn.execute(
        select(table.c.mobileofflineprofileid).where(
            func.lower(table.c.name) == str(new["name"]).strip().lower(),
            table.c.mobileofflineprofileid != new["mobileofflineprofileid"],
        )
    ).first()
    if same is not None:
        raise ProfileNameAlreadyExists.of()
    if operation == "create":
        for column, default in (
            ("componentstate", UNPUBLISHED),
            ("isvalidated", False),
            ("ismanaged", False),
        ):
            if new.get(column) is None:
                new[column] = default


def _check_item(conn: Connection, operation: str, new: Row) -> None:
    if _blank(new["name"]):
        raise ProfileItemNameMissing.of()
    if new["regardingobjectid"] is None:
        raise InvalidArgument(
            "A mobile offline profile item belongs to a profile: set regardingobjectid@odata.bind."
        )
    if _blank(new["selectedentitytypecode"]):
        raise InvalidArgument(
            "A mobile offline profile item needs the entity it downloads: set selectedentitytypecode."
        )
    if operation == "create" and new["dayssincerecordlastmodified"] is None:
        new["dayssincerecordlastmodified"] = offline_settings(conn).default_filter_days
    profile = load_profile(conn, str(new["regardingobjectid"]))
    if profile is None:
        raise RecordNotFound("mobileofflineprofile", str(new["regardingobjectid"]))
    item = ProfileItem.from_row(new)
    violations = item_violations(profile.with_item(item), item)
    if violations:
        raise violations[0]


def _check_association(conn: Connection, new: Row) -> None:
    if _blank(new["name"]):
        raise AssociationNameMissing.of()
    item_id = new["mobileofflineprofileitemid"]
    if item_id is None:
        raise InvalidArgument(
            "A mobile offline profile item association belongs to a profile item: set "
            "mobileofflineprofileitemid@odata.bind."
        )
    owner = load_item(conn, str(item_id))
    if owner is None:
        raise RecordNotFound("mobileofflineprofileitem", str(item_id))
    profile = load_profile(conn, owner.profile_id)
    assert profile is not None  # an item's profile is deleted with it
    profile = profile.with_association(ItemAssociation.from_row(new))
    item = next(i for i in profile.items if i.id == owner.id)
    association = item.associations[-1]
    violations = association_violations(profile, item, association, offline_settings(conn))
    if violations:
        raise violations[0]
    # Dataverse keeps the relationship's id and schema name beside the picked relationship.
    new["relationshipid"] = metadata_id("relationship", association.relationship_name)
    if _blank(new["relationshipname"]):
        new["relationshipname"] = association.relationship_name
