"""The rules a mobile offline profile must follow (REQUIREMENTS sections 12-14).

``item_violations`` and ``association_violations`` check one item or association within its
profile; the write check raises the first violation when one is saved, and
``validate_profile`` reports every violation of a whole profile as an error, together with the
warnings (an entity that downloads nothing, an entity without an org data filter, a business
unit filter on data that is not small master data).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mock_server.fetchxml import parse_fetchxml
from mock_server.offline.errors import (
    CircularRelationship,
    EmptyEntityFilterXml,
    EntityAlreadyInProfile,
    ExclusiveRuleCombined,
    FilterNestedTooDeep,
    FilterNotAvailableForOwnership,
    InvalidFilterFetchXml,
    NoDataFilterSelected,
    NotMobileEnabled,
    OneToManyLimitExceeded,
    OrgDataFilterDaysZero,
    OwnedByMeFilterNotAllowed,
    OwnedByMyTeamFilterNotAllowed,
    ProfileItemNameAlreadyExists,
    ProfileRuleViolation,
    ProfileWithoutEntities,
    RelatedDataOnlyWithoutRelationship,
    RelatedEntityNotInProfile,
    RelationshipLimitExceeded,
    RelationshipNotDefined,
    SelfReferencingRelationship,
    TooManyCustomFilters,
    TooManyFilterConditions,
)
from mock_server.offline.profile import (
    MASTER_DATA,
    OFFLINE_ENTITIES,
    ItemAssociation,
    OfflineProfile,
    OfflineSettings,
    ProfileItem,
    relationship,
)
from mock_server.schema import Ownership, schema
from mock_server.schema.offline_tables import (
    ALL_RECORDS,
    CUSTOM_FILTER,
    DISTRIBUTION_CRITERIA,
    OTHER_FILTER,
    RELATED_ONLY,
)

MAX_CUSTOM_FILTERS = 3
MAX_FILTER_CONDITIONS = 6  # conditions of an entity's custom filters, at any depth
MAX_FILTER_DEPTH = 3  # filters nest up to three levels (reference section 12.4)
MAX_TO_MANY = 1  # one-to-many or many-to-many relationships per profile entity
# The data download filters each ownership type offers (reference section 12.4).
ALLOWED_CRITERIA = {
    Ownership.USER: (RELATED_ONLY, ALL_RECORDS, OTHER_FILTER, CUSTOM_FILTER),
    Ownership.BUSINESS: (RELATED_ONLY, ALL_RECORDS, OTHER_FILTER, CUSTOM_FILTER),
    Ownership.ORGANIZATION: (RELATED_ONLY, ALL_RECORDS, CUSTOM_FILTER),
    Ownership.NONE: (RELATED_ONLY,),
}
# Warnings: no data download rule (Dataverse's EntityFilterContainerMustNotBeNullFormatString,
# an error there), and the mock's own for no org data filter and a business unit filter.
NO_RULE, NO_ORG_FILTER, BUSINESS_UNIT_FILTER = "0x80071132", "0x800711F6", "0x800711F7"


@dataclass(frozen=True)
class Finding:
    """One result of validating a profile: an error (the profile cannot be published) or a
    warning."""

    severity: str  # "Error" | "Warning"
    code: str
    name: str
    message: str
    item_id: str | None = None
    entity: str | None = None
    violation: ProfileRuleViolation | None = field(default=None, compare=False, repr=False)

    @classmethod
    def error(cls, violation: ProfileRuleViolation, item: ProfileItem | None = None) -> Finding:
        return cls(
            "Error",
            violation.code,
            violation.name,
            violation.message,
            item.id if item else None,
            item.entity if item else None,
            violation,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "Severity": self.severity,
            "ErrorCode": self.code,
            "Name": self.name,
            "Message": self.message,
            "ProfileItemId": self.item_id,
            "EntityName": self.entity,
        }


def _label(criteria: int) -> str:
    return DISTRIBUTION_CRITERIA.get(criteria, str(criteria))


def item_violations(profile: OfflineProfile, item: ProfileItem) -> list[ProfileRuleViolation]:
    """Everything wrong with ``item`` in ``profile`` (the profile already holding the item)."""
    found: list[ProfileRuleViolation] = []
    definition = schema().entity(item.entity)
    if definition is None or item.entity not in OFFLINE_ENTITIES:
        found.append(NotMobileEnabled.of())
        return found
    for other in profile.items:
        if other.id == item.id:
            continue
        if other.name.strip().lower() == item.name.strip().lower():
            found.append(ProfileItemNameAlreadyExists.of())
        if other.entity == item.entity:
            found.append(EntityAlreadyInProfile.of())
    if item.days == 0:
        found.append(OrgDataFilterDaysZero.of())
    found.extend(_criteria_violations(profile, item, definition.ownership))
    return found


def _criteria_violations(
    profile: OfflineProfile, item: ProfileItem, ownership: Ownership
) -> list[ProfileRuleViolation]:
    criteria = item.criteria
    if criteria is None:
        return []
    allowed = ALLOWED_CRITERIA[ownership]
    if criteria not in allowed:
        return [
            FilterNotAvailableForOwnership(
                f"The data download filter '{_label(criteria)}' is not available for the entity "
                f"'{item.entity}' ({ownership.value}); choose one of: "
                f"{', '.join(_label(c) for c in allowed)}."
            )
        ]
    if criteria in (ALL_RECORDS, RELATED_ONLY):
        extra = [
            name
            for name, on in (
                ("recordsownedbyme", item.mine),
                ("recordsownedbymyteam", item.my_team),
                ("recordsownedbymybusinessunit", item.my_business_unit),
                ("profileitementityfilter", item.filter_xml is not None),
            )
            if on
        ]
        if extra:
            return [
                ExclusiveRuleCombined(
                    f"The profile item '{item.name}' uses '{_label(criteria)}', which cannot be combined "
                    f"with any other rule; clear {', '.join(extra)}."
                )
            ]
    if criteria == RELATED_ONLY and not _related_to(profile, item):
        return [RelatedDataOnlyWithoutRelationship.of(profile=profile.name, table=item.entity)]
    if criteria == OTHER_FILTER:
        return _ownership_flag_violations(profile, item, ownership)
    if criteria == CUSTOM_FILTER:
        return _custom_filter_violations(item)
    return []


def _ownership_flag_violations(
    profile: OfflineProfile, item: ProfileItem, ownership: Ownership
) -> list[ProfileRuleViolation]:
    found: list[ProfileRuleViolation] = []
    if not (item.mine or item.my_team or item.my_business_unit):
        found.append(NoDataFilterSelected.of(profile=profile.name, table=item.entity))
    if ownership is Ownership.BUSINESS and item.mine:
        found.append(OwnedByMeFilterNotAllowed.of(profile=profile.name, table=item.entity))
    if ownership is Ownership.BUSINESS and item.my_team:
        found.append(OwnedByMyTeamFilterNotAllowed.of(profile=profile.name, table=item.entity))
    return found


def custom_filter_count(entity: ET.Element) -> int:
    """The number of custom filters a FetchXML filter defines: the conditions and nested filters
    directly inside the entity's top-level filters."""
    return sum(1 for top in entity.findall("filter") for child in top if child.tag in ("condition", "filter"))


def filter_depth(element: ET.Element) -> int:
    """How deep ``filter`` elements nest under ``element``: 1 for a filter of conditions only."""
    return max(
        (filter_depth(child) + (child.tag == "filter") for child in element),
        default=0,
    )


def _custom_filter_violations(item: ProfileItem) -> list[ProfileRuleViolation]:
    if item.filter_xml is None or not item.filter_xml.strip():
        return [EmptyEntityFilterXml.of()]
    try:
        entity = ET.fromstring(item.filter_xml).find("entity")
    except ET.ParseError:
        return [InvalidFilterFetchXml.of()]
    definition = schema().entity(item.entity)
    assert definition is not None
    parse_fetchxml(item.filter_xml, definition)  # a query that does not compile is its own 400
    if entity is None:
        return []
    count = custom_filter_count(entity)
    if count > MAX_CUSTOM_FILTERS:
        return [TooManyCustomFilters.of(limit=MAX_CUSTOM_FILTERS)]
    depth = filter_depth(entity)
    if depth > MAX_FILTER_DEPTH:
        return [
            FilterNestedTooDeep(
                f"The custom data filter of the profile item '{item.name}' nests filters {depth} levels "
                f"deep; filters can be nested up to {MAX_FILTER_DEPTH} levels."
            )
        ]
    conditions = len(entity.findall("filter//condition"))
    if conditions > MAX_FILTER_CONDITIONS:
        return [TooManyFilterConditions.of(limit=MAX_FILTER_CONDITIONS)]
    return []


def _related_to(profile: OfflineProfile, item: ProfileItem) -> bool:
    """Whether another item of the profile follows a relationship to ``item``'s entity."""
    for other in profile.items:
        if other.id == item.id:
            continue
        for _, r in other.relationships():
            if r is not None and r.other == item.entity:
                return True
    return False


def _edges(profile: OfflineProfile) -> dict[str, list[tuple[str, str]]]:
    """Entity -> (related entity, relationship) for every association that resolves."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for item in profile.items:
        for association, r in item.relationships():
            if r is not None and r.other != r.entity:
                edges.setdefault(item.entity, []).append((r.other, association.id))
    return edges


def _path(edges: dict[str, list[tuple[str, str]]], start: str, goal: str) -> list[str] | None:
    """The entities on a path from ``start`` to ``goal``, if there is one (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == goal:
            path = [current]
            while (step := previous[path[-1]]) is not None:
                path.append(step)
            return path[::-1]
        for following, _ in edges.get(current, []):
            if following not in previous:
                previous[following] = current
                queue.append(following)
    return None


def association_violations(
    profile: OfflineProfile,
    item: ProfileItem,
    association: ItemAssociation,
    settings: OfflineSettings,
) -> list[ProfileRuleViolation]:
    """Everything wrong with ``association`` of ``item`` (both already in ``profile``)."""
    r = relationship(item.entity, association.relationship_name)
    if r is None:
        return [RelationshipNotDefined.of()]
    if r.other == r.entity:
        return [
            SelfReferencingRelationship(
                f"The relationship '{r.schema_name}' relates the entity '{item.entity}' to itself; "
                "self-referencing relationships are not supported in a mobile offline profile."
            )
        ]
    found: list[ProfileRuleViolation] = []
    position = next(k for k, a in enumerate(item.associations) if a.id == association.id)
    if position >= settings.relationship_limit:
        found.append(
            RelationshipLimitExceeded(
                f"The profile item '{item.name}' for the entity '{item.entity}' would have "
                f"{position + 1} relationships; a mobile offline profile entity may define at most "
                f"{settings.relationship_limit}."
            )
        )
    if r.is_to_many:
        earlier = [
            a.relationship_name
            for a, other in item.relationships()[:position]
            if other is not None and other.is_to_many
        ]
        if earlier:
            found.append(
                OneToManyLimitExceeded.of(profile=profile.name, table=item.entity, limit=MAX_TO_MANY)
            )
    path = _path(_edges(profile), r.other, item.entity)
    if path is not None:
        cycle = " > ".join([item.entity, *path])
        found.append(
            CircularRelationship(
                f"The relationship '{r.schema_name}' makes a circular reference between profile "
                f"entities ({cycle}); circular references are not supported in a mobile offline profile."
            )
        )
    return found


def validate_profile(
    profile: OfflineProfile, settings: OfflineSettings
) -> tuple[list[Finding], list[Finding]]:
    """The errors and the warnings of a whole profile."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    if not profile.items:
        errors.append(Finding.error(ProfileWithoutEntities.of(profile=profile.name)))
    in_profile = {i.entity for i in profile.items}
    for item in profile.items:
        errors.extend(Finding.error(v, item) for v in item_violations(profile, item))
        for association in item.associations:
            errors.extend(
                Finding.error(v, item) for v in association_violations(profile, item, association, settings)
            )
            r = relationship(item.entity, association.relationship_name)
            if r is not None and r.other != r.entity and r.other not in in_profile:
                errors.append(
                    Finding.error(
                        RelatedEntityNotInProfile.of(
                            table=r.other, association=association.name, item=item.name, profile=profile.name
                        ),
                        item,
                    )
                )
        warnings.extend(_warnings(item))
    return errors, warnings


def _warnings(item: ProfileItem) -> list[Finding]:
    found = []
    if item.criteria is None:
        if item.days is None:
            message = (
                f"The entity '{item.entity}' has no data download filter rule and no org data filter, "
                "so no data is downloaded for it. Define at least one rule."
            )
        else:
            message = (
                f"The entity '{item.entity}' has no data download filter rule; only the rows its org "
                f"data filter selects (modified in the last {item.days} days) are downloaded."
            )
        found.append(
            Finding(
                "Warning",
                NO_RULE,
                "EntityFilterContainerMustNotBeNullFormatString",
                message,
                item.id,
                item.entity,
            )
        )
    if item.days is None:
        found.append(
            Finding(
                "Warning",
                NO_ORG_FILTER,
                "NoOrgDataFilterRule",
                f"The entity '{item.entity}' has no org data filter rule; define one (by default, records "
                "modified in the last 10 days) if the entity is used across profiles.",
                item.id,
                item.entity,
            )
        )
    if item.criteria == OTHER_FILTER and item.my_business_unit and item.entity not in MASTER_DATA:
        found.append(
            Finding(
                "Warning",
                BUSINESS_UNIT_FILTER,
                "BusinessUnitFilterOnNonMasterData",
                f"The entity '{item.entity}' downloads my business unit's records; a business unit "
                "filter is recommended only for small master data sets, such as country codes.",
                item.id,
                item.entity,
            )
        )
    return found
