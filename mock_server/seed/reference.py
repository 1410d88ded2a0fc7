"""The fixed reference data every seeded database has, whatever the seed and scale.

A server seeded with ``scale=0`` still needs a root business unit, a system administrator to
act as, a base currency, units of measure and connection roles. Their ids that documentation
and tests refer to are constants here, the same for every seed; the rest of the reference rows
take ids from the seed's version sequence like any other row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mock_server.seed.choices import default_pair
from mock_server.seed.context import Principal, SeedContext

ORGANIZATION_ID = "6b1e7a52-2f0d-4c3b-9a10-000000000001"
ROOT_BUSINESS_UNIT_ID = "6b1e7a52-2f0d-4c3b-9a10-000000000002"
ADMIN_USER_ID = "6b1e7a52-2f0d-4c3b-9a10-000000000003"
BASE_CURRENCY_ID = "6b1e7a52-2f0d-4c3b-9a10-000000000004"
ADMIN_AZURE_AD_OBJECT_ID = "6b1e7a52-2f0d-4c3b-9a10-000000000005"

ORGANIZATION_NAME = "Contoso"
ORGANIZATION_DOMAIN = "contoso.example"
ADMIN_FULL_NAME = "System Administrator"
ADMIN_DOMAIN_NAME = f"admin@{ORGANIZATION_DOMAIN}"

# (name, ISO code, symbol, units per US dollar); the first is the base currency.
CURRENCIES = (
    ("US Dollar", "USD", "$", 1.0),
    ("Euro", "EUR", "€", 0.92),
    ("British Pound", "GBP", "£", 0.79),
    ("Canadian Dollar", "CAD", "CA$", 1.36),
)

# (name, quantity of the base unit, is the base unit); the first is the default unit.
UNITS = (
    ("Primary Unit", 1.0, True),
    ("Box", 12.0, False),
    ("Case", 24.0, False),
    ("Pallet", 480.0, False),
)

# (name, connection role category) with categories from the schema's option set.
CONNECTION_ROLES = (
    ("Employer", 1),
    ("Employee", 1),
    ("Colleague", 1),
    ("Customer", 4),
    ("Decision Maker", 1000),
    ("Influencer", 1000),
    ("Account Manager", 1001),
    ("Technical Contact", 1002),
)

# Role pairs an account (first) and one of its contacts (second) are connected with.
ACCOUNT_CONTACT_ROLES = (
    ("Employer", "Employee"),
    ("Customer", "Decision Maker"),
    ("Customer", "Influencer"),
    ("Customer", "Technical Contact"),
)


@dataclass(frozen=True)
class Reference:
    """Ids of the reference rows later generators point to."""

    admin: Principal
    currencies: tuple[str, ...]  # base currency first
    units: tuple[str, ...]  # default unit first
    roles: dict[str, str]  # connection role name -> id


def seed_reference(ctx: SeedContext) -> Reference:
    """Root business unit, the organization's settings row, administrator, currencies, units and
    connection roles."""
    root = ctx.record("businessunit", fixed_id=ROOT_BUSINESS_UNIT_ID)
    root.update(
        name=ORGANIZATION_NAME,
        parentbusinessunitid=None,
        websiteurl=f"https://www.{ORGANIZATION_DOMAIN}",
        isdisabled=False,
    )
    ctx.emit("businessunit", root)

    organization = ctx.record("organization", fixed_id=ORGANIZATION_ID)
    organization.update(
        name=ORGANIZATION_NAME, expirechangetrackingindays=7, isconflictdetectionenabledformobileclient=False
    )
    ctx.emit("organization", organization)

    admin = ctx.record("systemuser", fixed_id=ADMIN_USER_ID)
    first, last = ADMIN_FULL_NAME.split(" ", 1)
    admin.update(
        firstname=first,
        lastname=last,
        domainname=ADMIN_DOMAIN_NAME,
        internalemailaddress=ADMIN_DOMAIN_NAME,
        title=ADMIN_FULL_NAME,
        azureactivedirectoryobjectid=ADMIN_AZURE_AD_OBJECT_ID,
        businessunitid=ROOT_BUSINESS_UNIT_ID,
        parentsystemuserid=None,
        positionid=None,
        isdisabled=False,
    )
    ctx.emit("systemuser", admin)

    currencies = []
    state, status = default_pair("transactioncurrency")
    for i, (name, code, symbol, rate) in enumerate(CURRENCIES):
        row = ctx.record("transactioncurrency", fixed_id=BASE_CURRENCY_ID if i == 0 else None)
        row.update(
            currencyname=name,
            isocurrencycode=code,
            currencysymbol=symbol,
            exchangerate=rate,
            statecode=state,
            statuscode=status,
        )
        ctx.emit("transactioncurrency", row)
        currencies.append(row["transactioncurrencyid"])

    units = []
    for name, quantity, base in UNITS:
        row = ctx.record("uom")
        row.update(name=name, quantity=quantity, isschedulebaseuom=base)
        ctx.emit("uom", row)
        units.append(row["uomid"])

    roles: dict[str, str] = {}
    state, status = default_pair("connectionrole")
    for name, category in CONNECTION_ROLES:
        row = ctx.record("connectionrole")
        row.update(
            name=name,
            category=category,
            description=f"{name} role for connections.",
            statecode=state,
            statuscode=status,
        )
        ctx.emit("connectionrole", row)
        roles[name] = row["connectionroleid"]

    principal = Principal(
        ADMIN_USER_ID, "systemuser", ROOT_BUSINESS_UNIT_ID, ADMIN_FULL_NAME, ADMIN_DOMAIN_NAME
    )
    return Reference(principal, tuple(currencies), tuple(units), roles)


def new_guid(ctx: SeedContext) -> str:
    """A random-looking but seeded GUID for values that are not row ids (Azure AD object ids)."""
    return str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
