"""Organisation-owned data the sales records point to: the product catalogue and competitors.

Products exist before any opportunity so opportunity lines and cases can name real, active,
sellable products with their default unit and list price; competitors come with one to three
addresses each. Neither depends on the accounts, so both are generated once up front.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.seed.choices import state_status, weighted
from mock_server.seed.context import SeedContext
from mock_server.seed.plan import Plan
from mock_server.seed.reference import Reference

PRODUCT_NOUNS = (
    "Laptop",
    "Desktop",
    "Monitor",
    "Printer",
    "Router",
    "Switch",
    "Server",
    "Tablet",
    "Headset",
    "Webcam",
    "Docking Station",
    "Projector",
    "Scanner",
    "Firewall",
    "Storage Array",
    "Support Plan",
    "Installation Service",
    "Training Package",
    "Software License",
    "Cloud Subscription",
)
PRODUCT_SERIES = ("Pro", "Plus", "Lite", "Max", "Mini", "Ultra", "Edge", "Prime", "One", "Flex")
ADDRESS_NAMES = ("Headquarters", "Regional Office", "Distribution Center")
SELLABLE_STRUCTURES = (1, 3)  # products and bundles; families (2) only group products


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    price: float
    unit: str


def seed_products(ctx: SeedContext, plan: Plan, reference: Reference) -> list[Product]:
    """The catalogue; returns the active, sellable products."""
    rng = ctx.rng
    structure = weighted("product", "productstructure", {1: 92, 2: 4, 3: 4})
    states = state_status("product", {0: 85, 1: 5, 2: 5, 3: 5})
    sellable: list[Product] = []
    for i in range(plan.products):
        noun = rng.choice(PRODUCT_NOUNS)
        name = f"{noun} {rng.choice(PRODUCT_SERIES)} {rng.randrange(100, 1000, 10)}"
        price = ctx.money(20, 5000)
        unit = reference.units[0] if rng.random() < 0.7 else rng.choice(reference.units)
        state, status = states.draw(rng)
        kind = structure.draw(rng)
        row = ctx.record("product")
        row.update(
            name=name,
            productnumber=f"PRD-{i + 1:05d}",
            price=price,
            standardcost=round(price * rng.uniform(0.45, 0.75), 2),
            productstructure=kind,
            description=ctx.maybe_text(0.5, 1),
            defaultuomid=unit,
            transactioncurrencyid=reference.currencies[0],
            statecode=state,
            statuscode=status,
        )
        ctx.emit("product", row)
        if state == 0 and kind in SELLABLE_STRUCTURES:
            sellable.append(Product(row["productid"], name, price, unit))
    return sellable


def _ticker(name: str, taken: set[str]) -> str | None:
    letters = "".join(c for c in name.upper() if "A" <= c <= "Z")
    for size in (3, 4):
        ticker = letters[:size]
        if len(ticker) == size and ticker not in taken:
            taken.add(ticker)
            return ticker
    return None


def seed_competitors(ctx: SeedContext, plan: Plan, reference: Reference) -> None:
    """Competitors, each with one to three addresses."""
    rng = ctx.rng
    address_type = weighted("competitoraddress", "addresstypecode")
    companies = list(ctx.pools.companies)
    rng.shuffle(companies)
    tickers: set[str] = set()  # membership only; never iterated, so set order cannot leak
    for i in range(plan.competitors):
        company = companies[i % len(companies)]
        name = company.name if i < len(companies) else f"{company.name} {i // len(companies) + 1}"
        row = ctx.record("competitor")
        row.update(
            name=name,
            websiteurl=f"https://www.{company.domain}",
            strengths=ctx.text(2),
            weaknesses=ctx.text(2),
            reportedrevenue=ctx.money(1e6, 5e9),
            tickersymbol=_ticker(name, tickers),
            transactioncurrencyid=reference.currencies[0],
        )
        ctx.emit("competitor", row)
        for number in range(1, rng.randint(1, 3) + 1):
            place = rng.choice(ctx.pools.places)
            address = ctx.record("competitoraddress")
            address.update(
                name=ADDRESS_NAMES[number - 1],
                parentid=row["competitorid"],
                addressnumber=number,
                addresstypecode=address_type.draw(rng),
                line1=rng.choice(ctx.pools.streets),
                line2=f"Suite {rng.randint(1, 40) * 10}" if rng.random() < 0.3 else None,
                city=place.city,
                stateorprovince=place.state,
                postalcode=place.postcode,
                country="United States",
                telephone1=ctx.phone(),
                latitude=round(rng.uniform(25.0, 49.0), 6),
                longitude=round(rng.uniform(-124.0, -67.0), 6),
            )
            ctx.emit("competitoraddress", address)
