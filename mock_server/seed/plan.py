"""How many rows of each kind a scale asks for: every ratio of the seed data in one place.

``scale`` is the number of accounts. Organisation-wide entities (business units, users,
positions, teams, products, competitors) are counted here from the scale; the per-account
means (contacts per account, activities per account, ...) are the constants below, which the
generators turn into counts with the seeded ``Random``. ``seed_database``'s docstring
repeats the table for readers of the public API.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# Organisation, per account (ceil; floors below keep small scales usable).
ACCOUNTS_PER_CHILD_UNIT = 2000  # child business units of the root; each has 2 grandchildren
GRANDCHILDREN_PER_CHILD = 2
ACCOUNTS_PER_USER = 20
USERS_PER_POSITION = 8
ACCOUNTS_PER_OWNER_TEAM = 1000  # owner teams besides each business unit's default team
ACCOUNTS_PER_ACCESS_TEAM = 2000
ACCOUNTS_PER_PRODUCT = 50
ACCOUNTS_PER_COMPETITOR = 200

MIN_USERS = 6  # besides the administrator, once scale > 0
MIN_POSITIONS = 3

# Per-account means.
CONTACTS = 2.0  # 1 to 3 per account
LEADS = 0.5
OPPORTUNITIES = 0.4  # plus one per qualified lead
OPPORTUNITY_PRODUCTS = 2.0  # per opportunity, 1 to 3
CASES = 0.3
INSPECTIONS = 0.3  # each linked to 1 or 2 of the account's contacts
CONNECTIONS = 0.25  # account-contact pairs, each stored as a master row and its reciprocal
TASKS = 0.6
PHONECALLS = 0.4
APPOINTMENTS = 0.2
EMAILS = 0.4
NOTES_PER_ACCOUNT = 0.25
NOTES_PER_CONTACT = 0.1
NOTES_PER_OPPORTUNITY = 0.4
NOTES_PER_CASE = 0.5
NOTE_ATTACHMENT_SHARE = 0.35  # notes carrying a document
ACTIVITY_ATTACHMENT_SHARE = 0.25  # emails and appointments with 1 or 2 attachments


def count(rng: random.Random, mean: float) -> int:
    """A whole count whose average is ``mean``: the integer part, plus one with the fraction's odds."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


@dataclass(frozen=True)
class Plan:
    """Organisation-wide counts for one scale."""

    accounts: int
    child_units: int
    users: int  # including the administrator
    positions: int
    owner_teams: int  # besides the default team of each business unit
    access_teams: int
    products: int
    competitors: int

    @property
    def business_units(self) -> int:
        return 1 + self.child_units * (1 + GRANDCHILDREN_PER_CHILD)

    @classmethod
    def for_scale(cls, scale: int) -> Plan:
        if scale < 0:
            raise ValueError(f"scale must be >= 0, not {scale}")
        if scale == 0:
            return cls(0, 0, 1, 0, 0, 0, 0, 0)
        users = 1 + max(MIN_USERS, math.ceil(scale / ACCOUNTS_PER_USER))
        return cls(
            accounts=scale,
            child_units=math.ceil(scale / ACCOUNTS_PER_CHILD_UNIT),
            users=users,
            positions=max(MIN_POSITIONS, math.ceil(users / USERS_PER_POSITION)),
            owner_teams=math.ceil(scale / ACCOUNTS_PER_OWNER_TEAM),
            access_teams=math.ceil(scale / ACCOUNTS_PER_ACCESS_TEAM),
            products=math.ceil(scale / ACCOUNTS_PER_PRODUCT),
            competitors=math.ceil(scale / ACCOUNTS_PER_COMPETITOR),
        )
