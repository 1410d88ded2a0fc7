"""The pipeline and service records of one account: leads, opportunities with their product
lines, and cases.

Leads are open, qualified or disqualified with matching status reasons; a qualified lead
points to the opportunity it became and that opportunity back to it. Opportunity lines use
active catalogue products with their default unit and list price (sometimes overridden, a few
written in), and an opportunity's estimated value is the sum of its lines' derived extended
amounts. Cases name the account or one of its contacts as customer and get their case number
from the shared derivation rule.
"""

from __future__ import annotations

from mock_server.seed.accounts import Family, Party, email_address
from mock_server.seed.catalog import Product
from mock_server.seed.choices import option_values, state_status, weighted
from mock_server.seed.context import Principal, Row, SeedContext
from mock_server.seed.plan import CASES, LEADS, OPPORTUNITIES, count

LEAD_TOPICS = (
    "Interested in {noun}s",
    "{noun} pricing request",
    "Demo request: {noun}",
    "Upgrade to {noun}",
    "Bulk order of {noun}s",
    "{noun} replacement",
)
CASE_TOPICS = (
    "{noun} not powering on",
    "Billing question about {noun}",
    "Request for {noun} replacement",
    "{noun} performance issue",
    "Cannot connect {noun}",
    "{noun} setup help",
)
WRITE_INS = (
    "On-site consulting (hours)",
    "Custom integration work",
    "Extended warranty",
    "Data migration",
    "Priority support add-on",
)
GENERIC_NOUNS = ("Laptop", "Printer", "Router", "Server", "Support Plan")
STEPS = ("1-Qualify", "2-Develop", "3-Propose", "4-Close")
LINKED_LEAD_SHARE = 0.3  # open or disqualified leads that already name the account


def _noun(products: list[Product], ctx: SeedContext) -> str:
    return ctx.rng.choice(products).name.rsplit(" ", 2)[0] if products else ctx.rng.choice(GENERIC_NOUNS)


class SalesSeeder:
    def __init__(self, ctx: SeedContext, products: list[Product]) -> None:
        self.ctx = ctx
        self.products = products
        self.lead_states = state_status("lead", {0: 55, 1: 25, 2: 20}, default_share=0.6)
        self.lead_sources = option_values("lead", "leadsourcecode")
        self.ratings = option_values("lead", "leadqualitycode")
        self.opportunity_states = state_status("opportunity", {0: 60, 1: 20, 2: 20})
        self.opportunity_ratings = option_values("opportunity", "opportunityratingcode")
        self.case_states = state_status("incident", {0: 60, 1: 30, 2: 10}, default_share=0.5)
        self.origins = option_values("incident", "caseorigincode")
        self.case_types = option_values("incident", "casetypecode")
        self.case_priority = weighted("incident", "prioritycode", {1: 20, 2: 60, 3: 20})
        self.severities = option_values("incident", "severitycode")

    def seed(self, family: Family) -> None:
        rng = self.ctx.rng
        for _ in range(count(rng, LEADS)):
            self._lead(family)
        for _ in range(count(rng, OPPORTUNITIES)):
            owner = family.owner if rng.random() < 0.7 else self.ctx.owner()
            self._opportunity(family, owner, self.ctx.record("opportunity", owner), None)
        for _ in range(count(rng, CASES)):
            self._case(family)

    def _lead(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        state, status = self.lead_states.draw(rng)
        owner = family.owner if rng.random() < 0.6 else ctx.owner()
        opportunity = ctx.record("opportunity", owner) if state == 1 else None
        row = ctx.record("lead", owner)
        linked = state == 1 or rng.random() < LINKED_LEAD_SHARE
        contact = rng.choice(family.contacts) if linked else None
        first, last = ctx.person()
        if linked:
            company, domain = family.account.name, (family.account.email or "@").split("@")[1]
        else:
            prospect = rng.choice(ctx.pools.companies)
            company, domain = prospect.name, prospect.domain
        row.update(
            subject=rng.choice(LEAD_TOPICS).format(noun=_noun(self.products, ctx)),
            firstname=first,
            lastname=last,
            companyname=company[:100],
            emailaddress1=email_address(first, last, domain),
            telephone1=ctx.phone(),
            leadsourcecode=rng.choice(self.lead_sources),
            leadqualitycode=rng.choice(self.ratings),
            estimatedamount=ctx.money(1000, 250000),
            description=ctx.maybe_text(0.3),
            parentaccountid=family.account.id if linked else None,
            parentcontactid=contact.id if contact else None,
            customerid=family.account.id if linked else None,
            customerid__target="account" if linked else None,
            qualifyingopportunityid=opportunity["opportunityid"] if opportunity else None,
            statecode=state,
            statuscode=status,
            transactioncurrencyid=family.currency,
        )
        ctx.emit("lead", row)
        if contact is not None and rng.random() < 0.5:
            ctx.associate("contactleads", {"contactid": contact.id, "leadid": row["leadid"]})
        if opportunity is not None:
            self._opportunity(family, owner, opportunity, row["leadid"])

    def _opportunity(self, family: Family, owner: Principal, row: Row, lead: str | None) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        state, status = self.opportunity_states.draw(rng)
        contact = rng.choice(family.contacts)
        customer = family.account if rng.random() < 0.8 else contact
        lines = [self._line(family, owner, row) for _ in range(rng.randint(1, 3))]
        total = sum(amount for amount, _ in lines)
        if state == 0:
            close, probability, step = ctx.days_ahead(5, 120), rng.randrange(10, 91, 10), rng.choice(STEPS)
        else:
            close, probability, step = ctx.days_ago(1, 90), (100 if state == 1 else 0), None
        row.update(
            name=f"{lines[0][1]} for {family.account.name}"[:300],
            customerid=customer.id,
            customerid__target=customer.entity,
            parentaccountid=family.account.id,
            parentcontactid=contact.id if rng.random() < 0.7 else None,
            originatingleadid=lead,
            estimatedvalue=round(total, 2),
            estimatedclosedate=close,
            closeprobability=probability,
            opportunityratingcode=rng.choice(self.opportunity_ratings),
            description=ctx.maybe_text(0.3),
            stepname=step,
            transactioncurrencyid=family.currency,
            statecode=state,
            statuscode=status,
        )
        ctx.emit("opportunity", row)
        family.opportunities.append(Party(row["opportunityid"], "opportunity", row["name"], owner))

    def _line(self, family: Family, owner: Principal, opportunity: Row) -> tuple[float, str]:
        """One opportunity line, owned and timed like its opportunity; returns its extended
        amount and a short label of what it sells."""
        ctx, rng = self.ctx, self.ctx.rng
        row = ctx.record("opportunityproduct", owner, like=opportunity)
        quantity = rng.randint(1, 50)
        if self.products and rng.random() >= 0.05:
            product = rng.choice(self.products)
            overridden = rng.random() < 0.2
            price = round(product.price * rng.uniform(0.8, 0.95), 2) if overridden else product.price
            label = f"{quantity} x {product.name}"
            row.update(
                productid=product.id,
                uomid=product.unit,
                productdescription=None,
                isproductoverridden=False,
                ispriceoverridden=overridden,
            )
        else:
            price = ctx.money(50, 2000)
            label = rng.choice(WRITE_INS)
            row.update(
                productid=None,
                uomid=None,
                productdescription=label,
                isproductoverridden=True,
                ispriceoverridden=True,
            )
        row.update(
            opportunityid=opportunity["opportunityid"],
            quantity=float(quantity),
            priceperunit=price,
            description=ctx.maybe_text(0.1, 1),
            transactioncurrencyid=family.currency,
        )
        ctx.emit("opportunityproduct", row)
        return float(row["extendedamount"]), label

    def _case(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        owner = family.owner if rng.random() < 0.5 else ctx.owner()
        row = ctx.record("incident", owner)
        state, status = self.case_states.draw(rng)
        contact = rng.choice(family.contacts)
        customer = family.account if rng.random() < 0.6 else contact
        product = rng.choice(self.products) if self.products and rng.random() < 0.5 else None
        noun = product.name.rsplit(" ", 2)[0] if product else rng.choice(GENERIC_NOUNS)
        row.update(
            title=rng.choice(CASE_TOPICS).format(noun=noun),
            customerid=customer.id,
            customerid__target=customer.entity,
            primarycontactid=contact.id if rng.random() < 0.8 else None,
            productid=product.id if product else None,
            caseorigincode=rng.choice(self.origins),
            casetypecode=rng.choice(self.case_types),
            prioritycode=self.case_priority.draw(rng),
            severitycode=rng.choice(self.severities),
            description=ctx.maybe_text(0.5),
            statecode=state,
            statuscode=status,
        )
        ctx.emit("incident", row)
        family.cases.append(Party(row["incidentid"], "incident", row["title"], owner))
