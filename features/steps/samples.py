"""Sample records for the entity scenarios: what a new record of each offline entity holds, the
records it points to, and the change an update makes.

A scenario asks the server for "a record the user's profile downloads": ``Sample.parents`` are
created first (or taken from the user: ``me``, ``my business unit``), then the record, all with the
user's own token so the user owns them. The same parents give the lookups of a record created
offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Parent:
    """A lookup of the sample: its column, the navigation property to bind, and its target."""

    column: str
    navigation: str
    entity: str
    given: str | None = None  # "me" or "my business unit": an existing record, not a new one


@dataclass(frozen=True)
class Sample:
    name: str  # the text column that tells this sample apart (a record created offline changes it)
    values: dict[str, Any]
    update: dict[str, Any] = field(default_factory=dict)
    parents: tuple[Parent, ...] = ()
    created_as: str | None = None  # an entity only readable through another (activitypointer)


ACCOUNT = Parent("parentcustomerid", "parentcustomerid_account", "account")
ME = "me"
MY_BUSINESS_UNIT = "my business unit"

SAMPLES: dict[str, Sample] = {
    "account": Sample("name", {"name": "Harbour Supplies"}, {"name": "Harbour Supplies Ltd"}),
    "activitypointer": Sample("subject", {"subject": "Call back about the quote"}, created_as="task"),
    "appointment": Sample(
        "subject",
        {
            "subject": "Site visit",
            "scheduledstart": "2026-01-05T09:00:00Z",
            "scheduledend": "2026-01-05T10:00:00Z",
        },
        {"subject": "Site visit, moved to the afternoon"},
        (Parent("regardingobjectid", "regardingobjectid_account_appointment", "account"),),
    ),
    "activitymimeattachment": Sample(
        "subject",
        {"filename": "quote.pdf", "subject": "Quote", "mimetype": "application/pdf", "body": "JVBERi0xLjQK"},
        parents=(Parent("objectid", "objectid_email", "email"),),
    ),
    "incident": Sample(
        "title",
        {"title": "Pump failure"},
        {"title": "Pump failure, urgent"},
        (Parent("customerid", "customerid_account", "account"),),
    ),
    "competitor": Sample("name", {"name": "Northwind Pumps"}, {"name": "Northwind Pumps Group"}),
    "competitoraddress": Sample(
        "name",
        {"name": "Head office", "city": "Leeds"},
        {"city": "York"},
        (Parent("parentid", "parentid", "competitor"),),
    ),
    "connection": Sample(
        "description",
        {"description": "Referral from the harbour account"},
        parents=(Parent("record1id", "record1id_account", "account"),),
    ),
    "connectionrole": Sample("name", {"name": "Referrer", "category": 1}),
    "contact": Sample(
        "lastname", {"firstname": "Ada", "lastname": "Okafor"}, {"lastname": "Okafor-Reid"}, (ACCOUNT,)
    ),
    "new_inspection": Sample(
        "new_name", {"new_name": "Boiler inspection"}, {"new_name": "Boiler inspection, annual"}
    ),
    "email": Sample("subject", {"subject": "Quote follow-up"}),
    "lead": Sample(
        "subject",
        {
            "subject": "Interested in pumps",
            "firstname": "Lars",
            "lastname": "Lindqvist",
            "companyname": "Fjord Pumps",
        },
        {"subject": "Interested in 40 pumps"},
    ),
    "opportunity": Sample("name", {"name": "40 pumps"}, {"name": "45 pumps"}),
    "opportunityproduct": Sample(
        "productdescription",
        {"productdescription": "Pump X", "isproductoverridden": True, "quantity": 2},
        {"quantity": 3},
        (Parent("opportunityid", "opportunityid", "opportunity"),),
    ),
    "phonecall": Sample(
        "subject", {"subject": "Call about pumps"}, {"subject": "Call about pumps and valves"}
    ),
    "position": Sample("name", {"name": "Field engineer"}, {"name": "Senior field engineer"}),
    "product": Sample("name", {"name": "Pump X", "productnumber": "PX-100"}),
    "task": Sample("subject", {"subject": "Send the quote"}, {"subject": "Send the revised quote"}),
    "team": Sample(
        "name",
        {"name": "Harbour crew", "teamtype": 0},
        parents=(
            Parent("businessunitid", "businessunitid", "businessunit", MY_BUSINESS_UNIT),
            Parent("administratorid", "administratorid", "systemuser", ME),
        ),
    ),
    "systemuser": Sample(
        "lastname",
        {"firstname": "Mia", "lastname": "Berg", "domainname": "mia.berg@contoso.test"},
        parents=(Parent("businessunitid", "businessunitid", "businessunit", MY_BUSINESS_UNIT),),
    ),
}
