"""``seed_database``: empty the store and fill it with one seed's data in a single transaction.

The order is fixed, because the seeded ``Random`` and the version counter are consumed in
order: reference data, the organisation, the catalogue and competitors, then one account family
at a time (account, contacts, inspections, connections, leads, opportunities with lines, cases,
activities, notes). The same (seed, scale, now) therefore always yields the same rows, ids and
versions, and only one family plus the writer's chunk buffers are in memory at any time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mock_server.seed.accounts import AccountSeeder
from mock_server.seed.catalog import seed_competitors, seed_products
from mock_server.seed.context import SeedContext
from mock_server.seed.offline import seed_offline
from mock_server.seed.organization import seed_organization
from mock_server.seed.plan import Plan
from mock_server.seed.processes import seed_processes
from mock_server.seed.reference import ADMIN_USER_ID, seed_reference
from mock_server.seed.sales import SalesSeeder
from mock_server.seed.security import seed_security
from mock_server.seed.timeline import TimelineSeeder
from mock_server.seed.views import seed_views
from mock_server.seed.writer import RowWriter
from mock_server.store.database import Database


def _naive_utc(now: datetime) -> datetime:
    """Stored datetimes are naive UTC, to the second; a naive ``now`` is taken as UTC already."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now.replace(microsecond=0)


def seed_database(db: Database, seed: int, scale: int, now: datetime) -> dict[str, int]:
    """Replace every row of ``db`` with generated data; returns the row count of each table.

    ``scale`` is the number of accounts. Everything else is proportional to it (means; the
    seeded ``Random`` draws the actual counts):

    ========================  ==============================================================
    business units            root + ceil(scale/2000) children, each with 2 grandchildren
    users                     administrator + max(6, ceil(scale/20)); managers in the same
                              or the parent business unit; ~3% disabled
    positions                 max(3, ceil(users/8)), a tree with three reports per position
    teams                     one default owner team per business unit, ceil(scale/1000)
                              more owner teams, ceil(scale/2000) access teams
    team memberships          every user in their unit's default team; 3-8 per owner team,
                              2-5 per access team
    products                  ceil(scale/50); competitors ceil(scale/200), 1-3 addresses each
    per account               2 contacts (1-3), 0.5 leads (25% qualified, 20% disqualified),
                              0.4 opportunities + one per qualified lead, 2 lines (1-3) per
                              opportunity, 0.3 cases, 0.3 inspections (1-2 contacts each),
                              0.25 connections (a master row and its reciprocal),
                              0.6 tasks, 0.4 phone calls, 0.2 appointments, 0.4 emails
                              (each also an activitypointer row), parties for emails and
                              appointments, attachments on 25% of those, notes: 0.25 per
                              account, 0.1 per contact, 0.4 per opportunity, 0.5 per case,
                              35% with a document
    ========================  ==============================================================

    That is about 12.4 rows per account. ``scale=0`` writes only the reference data: the root
    business unit and its default team, the administrator, currencies, units and connection
    roles. Rows are owned by users (80%) and owner teams (20%); every ``modifiedon`` lies in the
    60 days before ``now`` and every ``createdon`` at or before it.

    ``_mock_state`` gets ``seed`` and ``scale``, and ``version`` is set to the last version the
    seed used (``Database.next_versions`` continues after it); its other keys are kept.
    """
    plan = Plan.for_scale(scale)
    with db.transaction() as conn:
        data = [t for t in reversed(db.tables.metadata.sorted_tables) if t is not db.tables.state]
        for table in data:
            conn.execute(table.delete())
        # Building an index once over sorted keys is far cheaper than growing it one random
        # GUID at a time; DDL is transactional in SQLite, so a failure leaves them all in place.
        indexes = [index for table in data for index in sorted(table.indexes, key=lambda i: i.name or "")]
        for index in indexes:
            index.drop(conn)
        writer = RowWriter(conn, db.tables)
        ctx = SeedContext(writer, seed, _naive_utc(now), creator=ADMIN_USER_ID)
        reference = seed_reference(ctx)
        seed_organization(ctx, plan, reference)
        seed_views(ctx)
        products = seed_products(ctx, plan, reference)
        seed_competitors(ctx, plan, reference)
        accounts = AccountSeeder(ctx, reference)
        sales = SalesSeeder(ctx, products)
        timeline = TimelineSeeder(ctx)
        for _ in range(plan.accounts):
            family = accounts.seed()
            sales.seed(family)
            timeline.seed(family)
        seed_security(ctx)  # last: roles and who holds them
        seed_offline(ctx, conn)  # after every data row: the Field Sales profile and its users
        seed_processes(ctx, conn)  # after every data row: flows, rules and flow instances
        writer.flush()
        for index in indexes:
            index.create(conn)
        db.set_state(conn, "seed", str(seed))
        db.set_state(conn, "scale", str(scale))
        db.set_state(conn, "version", str(ctx.last_version))
    return {name: n for name, n in writer.counts.items() if name != db.tables.state.name}
