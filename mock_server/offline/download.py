"""Which rows a mobile offline profile item downloads for a user, as one SQL condition.

``download_plan(conn, item_id, caller)`` answers for one item: the condition over the item's
table and the SELECT of the ids it picks. What each data download filter selects:

==========================  =====================================================================
no rule                     the org data filter alone: "Modified On - Last X Days", the rows
                            modified from midnight ``dayssincerecordlastmodified`` days ago to now
                            on the mock clock (the ``LastXDays`` query function); none without it
All records                 every row
Other data filter           the union of the chosen sets: rows the user owns, rows the user's teams
                            own, rows of the user's business unit (``businessunitid`` on the
                            business-owned ``team`` and ``systemuser``)
Custom data filter          the rows the FetchXML filter selects (``eq-userid`` and friends read
                            the user), united with the chosen sets if any flag is set
Download related data only  rows related, through an association of another item, to the rows
                            that item downloads (following related-only items in turn)
==========================  =====================================================================

The org data filter only stands in for a missing rule; with a rule, the rule decides alone (see
FIDELITY.md). Security (what the user may read at all) is the security area's restriction and is
applied on top by whoever runs the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, or_, select, true

from mock_server.errors import RecordNotFound
from mock_server.fetchxml import parse_fetchxml
from mock_server.odata.filter.functions import counted_window
from mock_server.offline.profile import (
    OfflineProfile,
    ProfileItem,
    Relationship,
    RelationshipKind,
    load_item,
    load_profile,
)
from mock_server.schema import Entity, Ownership, schema
from mock_server.schema.offline_tables import ALL_RECORDS, CUSTOM_FILTER, OTHER_FILTER, RELATED_ONLY
from mock_server.store.query import Caller, build_select
from mock_server.store.tables import tables


@dataclass(frozen=True)
class DownloadPlan:
    """The rows one profile item downloads for one user."""

    item: ProfileItem
    entity: Entity
    condition: ColumnElement[bool]  # over ``tables()[entity.logical_name]``

    def statement(self) -> Select[Any]:
        table = tables()[self.entity.logical_name]
        pk = table.c[self.entity.primary_id]
        return select(pk).where(self.condition).order_by(pk)

    def row_ids(self, conn: Connection) -> list[str]:
        return [str(row_id) for (row_id,) in conn.execute(self.statement())]


def download_plan(conn: Connection, item_id: str, caller: Caller) -> DownloadPlan:
    """The rows the profile item ``item_id`` downloads for ``caller``."""
    item = load_item(conn, item_id)
    if item is None:
        raise RecordNotFound("mobileofflineprofileitem", item_id)
    profile = load_profile(conn, item.profile_id)
    assert profile is not None  # an item's profile is deleted with it
    return profile_plan(profile, caller)[item.entity]


def profile_plan(profile: OfflineProfile, caller: Caller) -> dict[str, DownloadPlan]:
    """A plan for every item of ``profile`` whose entity exists, by entity."""
    plans = {}
    for item in profile.items:
        entity = schema().entity(item.entity)
        if entity is not None:
            plans[item.entity] = DownloadPlan(item, entity, _condition(profile, item, caller, frozenset()))
    return plans


def caller_for(conn: Connection, user_id: str, caller: Caller) -> Caller:
    """The user ``user_id`` as a caller at ``caller``'s instant: business unit and teams."""
    users, membership = tables()["systemuser"], tables().intersects["teammembership_association"]
    unit = conn.execute(select(users.c.businessunitid).where(users.c.systemuserid == user_id)).scalar()
    if unit is None:
        raise RecordNotFound("systemuser", user_id)
    teams = conn.execute(
        select(membership.c.teamid).where(membership.c.systemuserid == user_id).order_by(membership.c.teamid)
    ).scalars()
    return Caller(user_id, str(unit), tuple(str(t) for t in teams), caller.now)


def _condition(
    profile: OfflineProfile, item: ProfileItem, caller: Caller, visiting: frozenset[str]
) -> ColumnElement[bool]:
    entity = schema().entity(item.entity)
    if entity is None:
        return false()
    table = tables()[entity.logical_name]
    criteria = item.criteria
    if criteria is None:
        if item.days is None or item.days <= 0:
            return false()
        return counted_window("LastXDays", table.c.modifiedon, caller.now, item.days)
    if criteria == ALL_RECORDS:
        return true()
    if criteria == RELATED_ONLY:
        return _related(profile, item, caller, visiting | {item.entity})
    parts = _owned(entity, item, caller) if criteria in (OTHER_FILTER, CUSTOM_FILTER) else []
    if criteria == CUSTOM_FILTER and item.filter_xml:
        plan = parse_fetchxml(item.filter_xml, entity).plan
        pk = table.c[entity.primary_id]
        parts.append(pk.in_(build_select(plan, caller).with_only_columns(pk).order_by(None)))
    return or_(false(), *parts)


def _owned(entity: Entity, item: ProfileItem, caller: Caller) -> list[ColumnElement[bool]]:
    table = tables()[entity.logical_name]
    parts: list[ColumnElement[bool]] = []
    if entity.ownership is Ownership.USER:
        if item.mine:
            parts.append(table.c.owninguser == caller.user_id)
        if item.my_team and caller.team_ids:
            parts.append(table.c.owningteam.in_(caller.team_ids))
        if item.my_business_unit:
            parts.append(table.c.owningbusinessunit == caller.business_unit_id)
    elif entity.ownership is Ownership.BUSINESS and item.my_business_unit and "businessunitid" in table.c:
        parts.append(table.c.businessunitid == caller.business_unit_id)
    return parts


def _related(
    profile: OfflineProfile, item: ProfileItem, caller: Caller, visiting: frozenset[str]
) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    for source in profile.items:
        if source.entity in visiting:
            continue  # a cycle (refused on save, possible only in hand-made data) adds nothing
        for _, r in source.relationships():
            if r is not None and r.other == item.entity:
                parts.append(_through(r, _condition(profile, source, caller, visiting)))
    return or_(false(), *parts)


def _through(r: Relationship, source_condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Rows of ``r.other`` related through ``r`` to the rows of ``r.entity`` the condition picks."""
    source = schema().entity(r.entity)
    target = schema().entity(r.other)
    assert source is not None and target is not None
    source_table, target_table = tables()[r.entity], tables()[r.other]
    source_ids = select(source_table.c[source.primary_id]).where(source_condition)
    target_pk = target_table.c[target.primary_id]
    if r.kind is RelationshipKind.ONE_TO_MANY:
        assert r.attribute is not None
        column = target_table.c[r.attribute.logical_name]
        condition: ColumnElement[bool] = column.in_(source_ids)
        if r.attribute.is_polymorphic:
            condition = condition & (target_table.c[r.attribute.target_column] == r.entity)
        return condition
    if r.kind is RelationshipKind.MANY_TO_ONE:
        assert r.attribute is not None
        lookup = source_table.c[r.attribute.logical_name]
        referenced = select(lookup).where(source_condition, lookup.is_not(None))
        if r.attribute.is_polymorphic:
            referenced = referenced.where(source_table.c[r.attribute.target_column] == r.other)
        return target_pk.in_(referenced)
    assert r.many_to_many is not None
    intersect = tables().intersects[r.many_to_many.schema_name]
    linked = select(intersect.c[f"{r.other}id"]).where(intersect.c[f"{r.entity}id"].in_(source_ids))
    return target_pk.in_(linked)
