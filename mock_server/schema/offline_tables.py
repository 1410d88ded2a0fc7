"""Mobile offline profile tables: profiles, profile items and their associations.

Kept apart from ``definitions.py`` (the data entities) so each area owns its own definitions;
``registry.py`` joins them into the one schema. Names, option values and ranges follow the
Dataverse reference (``mobileofflineprofile*``); ``dayssincerecordlastmodified`` on an item is the
mock's home for the per-entity organization data filter (see FIDELITY.md).
"""

from __future__ import annotations

from mock_server.schema.builders import (
    APP_REQUIRED,
    T,
    boolean,
    datetime_,
    entity,
    integer,
    lookup,
    memo,
    picklist,
    string,
    to,
)
from mock_server.schema.model import Attribute, Entity, ManyToMany, Ownership
from mock_server.schema.model import RequiredLevel as R

READ_ONLY = {"valid_for_create": False, "valid_for_update": False}
COMPONENT_STATES = {0: "Published", 1: "Unpublished", 2: "Deleted", 3: "Deleted Unpublished"}
# recorddistributioncriteria, "Data Download Filter".
RELATED_ONLY, ALL_RECORDS, OTHER_FILTER, CUSTOM_FILTER = 0, 1, 2, 3
DISTRIBUTION_CRITERIA = {
    RELATED_ONLY: "Download related data only",
    ALL_RECORDS: "All records",
    OTHER_FILTER: "Other data filter",
    CUSTOM_FILTER: "Custom data filter",
}
MIN_SYNC_INTERVAL, MAX_SYNC_INTERVAL = 5, 1440
MAX_ORG_FILTER_DAYS = 3650


def _component_columns() -> tuple[Attribute, ...]:
    return (
        picklist("componentstate", "Component State", COMPONENT_STATES, **READ_ONLY),
        boolean("ismanaged", "Is Managed"),
        datetime_("publishedon", "Published On", **READ_ONLY),
        boolean("isvalidated", "Is Validated"),
    )


ENTITIES: tuple[Entity, ...] = (
    entity(
        "mobileofflineprofile",
        "mobileofflineprofiles",
        "Mobile Offline Profile",
        "Mobile Offline Profiles",
        9866,
        Ownership.ORGANIZATION,
        string("name", "Name", 255, required=R.SYSTEM_REQUIRED),
        memo("description", "Description", 2000),
        *_component_columns(),
        memo("selectedentitymetadata", "Selected Entity Metadata", 1048576, **READ_ONLY),
        datetime_("overwritetime", "Record Overwrite Time", **READ_ONLY),
    ),
    entity(
        "mobileofflineprofileitem",
        "mobileofflineprofileitems",
        "Mobile Offline Profile Item",
        "Mobile Offline Profile Items",
        9867,
        Ownership.ORGANIZATION,
        string("name", "Name", 255, required=R.SYSTEM_REQUIRED, valid_for_update=False),
        lookup(
            "regardingobjectid",
            "Regarding",
            to(
                "mobileofflineprofile",
                "MobileOfflineProfile_MobileOfflineProfileItem",
                "regardingobjectid",
            ),
            required=R.SYSTEM_REQUIRED,
            valid_for_update=False,
            cascade_delete=True,
        ),
        Attribute(
            "selectedentitytypecode",
            T.ENTITYNAME,
            "Entity",
            R.SYSTEM_REQUIRED,
            valid_for_update=False,
        ),
        picklist(
            "recorddistributioncriteria", "Data Download Filter", DISTRIBUTION_CRITERIA, required=APP_REQUIRED
        ),
        boolean("recordsownedbyme", "Download my records"),
        boolean("recordsownedbymyteam", "Download my team's records"),
        boolean("recordsownedbymybusinessunit", "Download my business unit's records"),
        memo("profileitementityfilter", "Custom Filter Criteria", 1048576),
        integer("syncintervalinminutes", "Sync Interval", MIN_SYNC_INTERVAL, MAX_SYNC_INTERVAL),
        integer(
            "dayssincerecordlastmodified",
            "Org Data Filter: Modified In The Last X Days",
            0,
            MAX_ORG_FILTER_DAYS,
        ),
        boolean("getrelatedentityrecords", "Get Related Entities"),
        boolean("canbefollowed", "Allow Entity to Follow Relationship"),
        boolean("isvisibleingrid", "Is Visible In Grid"),
        memo("relationshipdata", "Relationship Data", 1048576, **READ_ONLY),
        *_component_columns(),
    ),
    entity(
        "mobileofflineprofileitemassociation",
        "mobileofflineprofileitemassociations",
        "Mobile Offline Profile Item Association",
        "Mobile Offline Profile Item Associations",
        9868,
        Ownership.ORGANIZATION,
        string("name", "Name", 200, required=R.SYSTEM_REQUIRED, valid_for_update=False),
        lookup(
            "mobileofflineprofileitemid",
            "Profile Item",
            to(
                "mobileofflineprofileitem",
                "MobileOfflineProfileItem_MobileOfflineProfileItemAssociation",
                "mobileofflineprofileitemid",
            ),
            required=R.SYSTEM_REQUIRED,
            valid_for_update=False,
            cascade_delete=True,
        ),
        Attribute("relationshipid", T.UNIQUEIDENTIFIER, "Relationship Id"),
        string("selectedrelationshipsschema", "Relationship", 200, required=R.SYSTEM_REQUIRED),
        string("relationshipname", "Relationship Name", 200),
        string("relationshipdisplayname", "Relationship Display Name", 200),
        memo("profileitemassociationentityfilter", "Association Filter Criteria", 1048576),
        *_component_columns(),
    ),
)
MANY_TO_MANY: tuple[ManyToMany, ...] = ()
