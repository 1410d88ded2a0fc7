"""Deterministic seed data: a small sales organisation generated from a seed and a scale.

``seed_database(db, seed, scale, now)`` empties the store and fills it in one transaction; the
same arguments always give the same rows. The constants name the rows every seed has, so
documentation and tests can refer to them.
"""

from mock_server.seed.generate import seed_database
from mock_server.seed.reference import ADMIN_USER_ID, BASE_CURRENCY_ID, ORGANIZATION_ID, ROOT_BUSINESS_UNIT_ID

__all__ = [
    "ADMIN_USER_ID",
    "BASE_CURRENCY_ID",
    "ORGANIZATION_ID",
    "ROOT_BUSINESS_UNIT_ID",
    "seed_database",
]
