"""Accounts and what hangs directly off them: contacts, connections and inspections.

Data is generated one account at a time, as a ``Family``: the account, its contacts and
(filled in by the sales and service generators) its opportunities and cases. Later generators
pick related records from the family, so every activity, note and line points at records of
the same customer, and nothing but the current family is held in memory.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from mock_server.seed.choices import default_pair, option_values, state_status, weighted
from mock_server.seed.context import Principal, Row, SeedContext
from mock_server.seed.plan import CONNECTIONS, INSPECTIONS, count
from mock_server.seed.pools import domain_of
from mock_server.seed.reference import ACCOUNT_CONTACT_ROLES, Reference

SECTORS = (
    "Logistics",
    "Consulting",
    "Manufacturing",
    "Systems",
    "Foods",
    "Partners",
    "Energy",
    "Health",
    "Solutions",
    "Industries",
    "Labs",
    "Media",
    "Financial",
    "Retail",
    "Design",
    "Construction",
    "Motors",
    "Analytics",
    "Networks",
    "Outfitters",
)
SUFFIXES = ("Inc.", "LLC", "Ltd.", "Group", "Co.", "Corp.")
INSPECTION_KINDS = ("Safety", "Quality", "Site", "Equipment", "Compliance", "Installation")
PARENT_SHARE = 0.15  # accounts that are subsidiaries of an earlier account
PRIMARY_CONTACT_SHARE = 0.9
BASE_CURRENCY_SHARE = 0.85
SCORES = {100000000: (70, 100), 100000001: (10, 69), 100000002: (50, 85)}  # Pass, Fail, Needs Follow-up


@dataclass(frozen=True)
class Party:
    """A record other rows point to, with what activities and notes need to know about it."""

    id: str
    entity: str
    name: str
    owner: Principal
    email: str | None = None
    phone: str | None = None


@dataclass
class Family:
    account: Party
    currency: str
    city: str
    contacts: list[Party]
    opportunities: list[Party] = field(default_factory=list)
    cases: list[Party] = field(default_factory=list)

    @property
    def owner(self) -> Principal:
        return self.account.owner


def email_address(first: str, last: str, domain: str) -> str:
    return re.sub(r"[^a-z0-9.@-]", "", f"{first}.{last}@{domain}".lower())


class AccountSeeder:
    """Generates one ``Family`` per call; keeps only what spans accounts (counters, recent parents)."""

    def __init__(self, ctx: SeedContext, reference: Reference) -> None:
        self.ctx = ctx
        self.reference = reference
        self.industries = option_values("account", "industrycode")
        self.category = weighted("account", "accountcategorycode", {1: 30, 2: 70})
        self.account_states = state_status("account", {0: 92, 1: 8})
        self.contact_states = state_status("contact", {0: 95, 1: 5})
        self.genders = option_values("contact", "gendercode")
        self.inspection_states = state_status("new_inspection", {0: 50, 1: 50})
        self.results = weighted("new_inspection", "new_result", {100000000: 60, 100000001: 20, 100000002: 20})
        self.connection_state = default_pair("connection")
        self.parents: deque[str] = deque(maxlen=50)
        self.accounts = 0
        self.inspections = 0

    def seed(self) -> Family:
        ctx, rng, pools = self.ctx, self.ctx.rng, self.ctx.pools
        self.accounts += 1
        owner = ctx.owner()
        place = rng.choice(pools.places)
        pick = rng.random()
        if pick < 0.3:
            company = rng.choice(pools.companies)
            name, domain = company.name, company.domain
        else:
            if pick < 0.7:
                name = f"{rng.choice(pools.last_names)} {rng.choice(SECTORS)} {rng.choice(SUFFIXES)}"
            else:
                name = f"{place.city} {rng.choice(SECTORS)}"
            domain = domain_of(name)
        currencies = self.reference.currencies
        currency = currencies[0] if rng.random() < BASE_CURRENCY_SHARE else rng.choice(currencies[1:])
        row = ctx.record("account", owner)
        account = Party(row["accountid"], "account", name, owner, f"info@{domain}", ctx.phone())
        family = Family(account, currency, place.city, [])
        family.contacts = [self._contact(family, domain) for _ in range(rng.randint(1, 3))]
        parent = rng.choice(self.parents) if self.parents and rng.random() < PARENT_SHARE else None
        if parent is None:
            self.parents.append(account.id)
        state, status = self.account_states.draw(rng)
        row.update(
            name=name,
            accountnumber=f"ACC-{self.accounts:07d}",
            telephone1=account.phone,
            fax=ctx.phone() if rng.random() < 0.3 else None,
            emailaddress1=account.email,
            websiteurl=f"https://www.{domain}",
            address1_line1=rng.choice(pools.streets),
            address1_city=place.city,
            address1_stateorprovince=place.state,
            address1_postalcode=place.postcode,
            address1_country="United States",
            revenue=round(10 ** rng.uniform(5, 8.7), 2),
            numberofemployees=int(10 ** rng.uniform(0.7, 4.5)),
            industrycode=rng.choice(self.industries),
            accountcategorycode=self.category.draw(rng),
            creditonhold=rng.random() < 0.05,
            description=ctx.maybe_text(0.4),
            primarycontactid=family.contacts[0].id if rng.random() < PRIMARY_CONTACT_SHARE else None,
            parentaccountid=parent,
            transactioncurrencyid=currency,
            statecode=state,
            statuscode=status,
        )
        ctx.emit("account", row)
        for _ in range(count(rng, INSPECTIONS)):
            self._inspection(family)
        for _ in range(count(rng, CONNECTIONS)):
            self._connection(family)
        return family

    def _contact(self, family: Family, domain: str) -> Party:
        ctx, rng = self.ctx, self.ctx.rng
        owner = family.owner if rng.random() < 0.7 else ctx.owner()
        first, last = ctx.person()
        row = ctx.record("contact", owner)
        state, status = self.contact_states.draw(rng)
        email = email_address(first, last, domain)
        phone = ctx.phone()
        birth = None
        if rng.random() < 0.5:
            birth = datetime(rng.randint(1955, 2002), rng.randint(1, 12), rng.randint(1, 28))
        row.update(
            firstname=first,
            lastname=last,
            jobtitle=rng.choice(ctx.pools.jobs),
            emailaddress1=email,
            telephone1=phone,
            mobilephone=ctx.phone() if rng.random() < 0.6 else None,
            address1_city=family.city if rng.random() < 0.8 else rng.choice(ctx.pools.places).city,
            address1_country="United States",
            birthdate=birth,
            gendercode=rng.choice(self.genders) if rng.random() < 0.7 else None,
            description=ctx.maybe_text(0.15, 1),
            parentcustomerid=family.account.id,
            parentcustomerid__target="account",
            transactioncurrencyid=family.currency,
            statecode=state,
            statuscode=status,
        )
        ctx.emit("contact", row)
        return Party(row["contactid"], "contact", row["fullname"], owner, email, phone)

    def _inspection(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        self.inspections += 1
        owner = family.owner if rng.random() < 0.6 else ctx.owner()
        row = ctx.record("new_inspection", owner)
        state, status = self.inspection_states.draw(rng)
        result = score = None
        if status == 2:  # Completed
            result = self.results.draw(rng)
            score = rng.randint(*SCORES[result])
            when = ctx.days_ago(1, 120)
        elif status == 1:  # Scheduled
            when = ctx.days_ahead(1, 45)
        elif state == 0:  # In Progress
            when = ctx.days_ago(0, 3)
        else:  # Cancelled
            when = ctx.days_ago(1, 120)
        kind = rng.choice(INSPECTION_KINDS)
        row.update(
            new_name=f"{kind} inspection - {family.account.name}"[:100],
            new_inspectionnumber=f"INS-{self.inspections:06d}",
            new_accountid=family.account.id,
            new_inspectiondate=when,
            new_result=result,
            new_score=score,
            new_notes=ctx.maybe_text(0.4),
            statecode=state,
            statuscode=status,
        )
        ctx.emit("new_inspection", row)
        for contact in rng.sample(family.contacts, min(len(family.contacts), rng.randint(1, 2))):
            ctx.associate(
                "new_inspection_contact",
                {"new_inspectionid": row["new_inspectionid"], "contactid": contact.id},
            )

    def _connection(self, family: Family) -> None:
        """A connection and its reciprocal, as Dataverse stores every connection twice."""
        ctx, rng = self.ctx, self.ctx.rng
        contact = rng.choice(family.contacts)
        account_role, contact_role = rng.choice(ACCOUNT_CONTACT_ROLES)
        roles = self.reference.roles
        start = ctx.days_ago(30, 900) if rng.random() < 0.5 else None
        description = ctx.maybe_text(0.2, 1)
        state, status = self.connection_state
        sides = ((family.account, roles[account_role]), (contact, roles[contact_role]))
        master_row: Row | None = None
        for master in (True, False):
            (one, one_role), (two, two_role) = sides if master else sides[::-1]
            row = ctx.record("connection", family.owner, like=master_row)
            row.update(
                name=two.name,
                record1id=one.id,
                record1id__target=one.entity,
                record2id=two.id,
                record2id__target=two.entity,
                record1roleid=one_role,
                record2roleid=two_role,
                ismaster=master,
                description=description,
                effectivestart=start,
                effectiveend=None,
                statecode=state,
                statuscode=status,
            )
            ctx.emit("connection", row)
            master_row = row
