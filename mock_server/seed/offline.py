"""The seeded mobile offline profile: "Field Sales", published and assigned to the salespeople.

It covers every offline entity of REQUIREMENTS section 1 with the rules the documentation
recommends: the sales data a seller owns (my records, my team's records), reference data in
full (All records), small principal tables by business unit, dependent rows as related data
only (contacts of my accounts and cases, lines of my opportunities, addresses of competitors,
attachments of my emails), and open appointments of mine through a custom FetchXML filter.
Every item keeps the default org data filter (modified in the last 10 days). The profile
passes ``ValidateMobileOfflineProfile`` without errors or warnings.

Runs last in ``seed_database``, so the ids and versions of every other row stay as they were;
users whose title is a sales title get the profile (``systemuser.mobileofflineprofileid``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, update

from mock_server.schema.model import metadata_id
from mock_server.schema.offline_tables import ALL_RECORDS, CUSTOM_FILTER, OTHER_FILTER, RELATED_ONLY
from mock_server.seed.context import SeedContext
from mock_server.store.tables import tables

PROFILE_NAME = "Field Sales"
SALES_TITLES = (
    "Account Executive",
    "Sales Representative",
    "Inside Sales Specialist",
    "Sales Manager",
    "Regional Director",
)
ORG_FILTER_DAYS = 10
RELATIONSHIP_LIMIT = 10
OPEN_APPOINTMENTS = (
    '<fetch version="1.0" mapping="logical"><entity name="appointment"><filter type="and">'
    '<condition attribute="ownerid" operator="eq-userid" />'
    '<condition attribute="statecode" operator="eq" value="0" />'
    "</filter></entity></fetch>"
)


@dataclass(frozen=True)
class ItemSpec:
    entity: str
    criteria: int
    mine: bool = False
    my_team: bool = False
    my_business_unit: bool = False
    filter_xml: str | None = None
    relationships: tuple[str, ...] = ()
    sync_minutes: int | None = None


FIELD_SALES = (
    ItemSpec("account", OTHER_FILTER, mine=True, my_team=True, relationships=("contact_customer_accounts",)),
    ItemSpec("contact", RELATED_ONLY),
    ItemSpec("lead", OTHER_FILTER, mine=True),
    ItemSpec("opportunity", OTHER_FILTER, mine=True, my_team=True, relationships=("product_opportunities",)),
    ItemSpec("opportunityproduct", RELATED_ONLY),
    ItemSpec(
        "incident", OTHER_FILTER, mine=True, my_team=True, relationships=("incident_customer_contacts",)
    ),
    ItemSpec("new_inspection", OTHER_FILTER, mine=True, my_team=True),
    ItemSpec("activitypointer", OTHER_FILTER, mine=True),
    ItemSpec("appointment", CUSTOM_FILTER, filter_xml=OPEN_APPOINTMENTS, sync_minutes=15),
    ItemSpec("phonecall", OTHER_FILTER, mine=True, sync_minutes=15),
    ItemSpec("task", OTHER_FILTER, mine=True, sync_minutes=15),
    ItemSpec(
        "email", OTHER_FILTER, mine=True, relationships=("email_activity_mime_attachment",), sync_minutes=60
    ),
    ItemSpec("activitymimeattachment", RELATED_ONLY),
    ItemSpec("competitor", ALL_RECORDS, relationships=("competitor_addresses",), sync_minutes=1440),
    ItemSpec("competitoraddress", RELATED_ONLY),
    ItemSpec("connection", OTHER_FILTER, mine=True),
    ItemSpec("connectionrole", ALL_RECORDS, sync_minutes=1440),
    ItemSpec("position", ALL_RECORDS, sync_minutes=1440),
    ItemSpec("product", ALL_RECORDS, sync_minutes=1440),
    ItemSpec("team", OTHER_FILTER, my_business_unit=True, sync_minutes=1440),
    ItemSpec("systemuser", OTHER_FILTER, my_business_unit=True, sync_minutes=1440),
)


def seed_offline(ctx: SeedContext, conn: Connection) -> str:
    """The Field Sales profile, its items and associations; returns the profile's id."""
    published = {"componentstate": 0, "isvalidated": True, "ismanaged": False, "publishedon": ctx.now}
    profile = ctx.record("mobileofflineprofile")
    profile.update(
        name=PROFILE_NAME,
        description="Accounts, contacts, sales pipeline, cases and activities for sellers in the field.",
        **published,
    )
    ctx.emit("mobileofflineprofile", profile)
    profile_id = str(profile["mobileofflineprofileid"])
    for spec in FIELD_SALES:
        item = ctx.record("mobileofflineprofileitem", like=profile)
        item.update(
            name=spec.entity,
            regardingobjectid=profile_id,
            selectedentitytypecode=spec.entity,
            recorddistributioncriteria=spec.criteria,
            recordsownedbyme=spec.mine,
            recordsownedbymyteam=spec.my_team,
            recordsownedbymybusinessunit=spec.my_business_unit,
            profileitementityfilter=spec.filter_xml,
            syncintervalinminutes=spec.sync_minutes,
            dayssincerecordlastmodified=ORG_FILTER_DAYS,
            getrelatedentityrecords=bool(spec.relationships),
            canbefollowed=False,
            isvisibleingrid=True,
            **published,
        )
        ctx.emit("mobileofflineprofileitem", item)
        for name in spec.relationships:
            association = ctx.record("mobileofflineprofileitemassociation", like=profile)
            association.update(
                name=f"{spec.entity}: {name}",
                mobileofflineprofileitemid=item["mobileofflineprofileitemid"],
                relationshipid=metadata_id("relationship", name),
                selectedrelationshipsschema=name,
                relationshipname=name,
                relationshipdisplayname=name,
                **published,
            )
            ctx.emit("mobileofflineprofileitemassociation", association)
    ctx.writer.flush()
    users = tables()["systemuser"]
    conn.execute(
        update(users).where(users.c.title.in_(SALES_TITLES)).values(mobileofflineprofileid=profile_id)
    )
    organization = tables()["organization"]
    conn.execute(
        update(organization).values(
            mobileofflinemaxrelationships=RELATIONSHIP_LIMIT, mobileofflinedefaultfilterdays=ORG_FILTER_DAYS
        )
    )
    return profile_id
