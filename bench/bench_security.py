"""The cost of row security: one filtered query over 100,000 accounts as a User-depth
salesperson against the same query as the System Administrator, through the mock's query path
(plan built, security condition added, SQL compiled and run, typed rows returned). Prints both
times and the ratio (target: the salesperson within 2x of the administrator).

    python bench/bench_security.py [--scale 100000] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select

from mock_server.clock import DEFAULT_START
from mock_server.odata.query_options import build_plan, parse_query_string
from mock_server.schema import schema
from mock_server.security import load_access
from mock_server.seed import ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID, seed_database
from mock_server.seed.security import SALESPERSON
from mock_server.store import query
from mock_server.store.database import Database
from mock_server.store.tables import tables

ODATA = (
    "$select=name,accountnumber,revenue,modifiedon&$filter=revenue gt 500000 and statecode eq 0"
    "&$orderby=modifiedon desc&$top=50"
)


def timed(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _salesperson(db: Database) -> tuple[str, str, tuple[str, ...]]:
    """A seeded user holding only Salesperson, with the unit and teams the app would load."""
    t = tables()
    roles, users = t["role"], t["systemuser"]
    held, members = t.intersects["systemuserroles_association"], t.intersects["teammembership_association"]
    team_roles = t.intersects["teamroles_association"]
    conn = db.connection
    role = conn.execute(select(roles.c.roleid).where(roles.c.name == SALESPERSON)).scalar_one()
    with_team_roles = {r for (r,) in conn.execute(select(team_roles.c.teamid))}
    for user_id, unit in conn.execute(
        select(users.c.systemuserid, users.c.businessunitid)
        .join(held, held.c.systemuserid == users.c.systemuserid)
        .where(held.c.roleid == role, users.c.isdisabled.is_(False))
    ):
        teams = tuple(
            sorted(
                r for (r,) in conn.execute(select(members.c.teamid).where(members.c.systemuserid == user_id))
            )
        )
        if not set(teams) & with_team_roles:
            return user_id, unit, teams
    raise RuntimeError("no seeded user holds only Salesperson")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    db = Database()
    started = time.perf_counter()
    counts = seed_database(db, 1, args.scale, DEFAULT_START)
    print(f"seeded {counts['account']} accounts in {time.perf_counter() - started:.1f} s")
    account = schema().entity("account")
    assert account is not None
    conn = db.connection
    admin = query.Caller(
        ADMIN_USER_ID,
        ROOT_BUSINESS_UNIT_ID,
        (),
        DEFAULT_START,
        load_access(conn, ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID, ()),
    )
    user_id, unit, teams = _salesperson(db)
    salesperson = query.Caller(user_id, unit, teams, DEFAULT_START, load_access(conn, user_id, unit, teams))
    assert admin.restriction(account) is None and salesperson.restriction(account) is not None

    def run(caller: query.Caller) -> Callable[[], list[query.Fetched]]:
        def once() -> list[query.Fetched]:
            plan = build_plan(account, parse_query_string(ODATA))
            return query.fetch(conn, plan, caller, plan.top)

        return once

    seen = run(salesperson)()
    assert all(r.row["revenue"] > 500000 for r in seen)
    admin_time = timed(run(admin), args.repeat)
    user_time = timed(run(salesperson), args.repeat)
    admin_rows = len(run(admin)())
    print(f"System Administrator:   {admin_time * 1000:8.3f} ms (median of {args.repeat}), {admin_rows} rows")
    print(f"User-depth salesperson: {user_time * 1000:8.3f} ms, {len(seen)} rows")
    print(f"ratio salesperson/admin: {user_time / admin_time:.2f} (target <= 2.00)")


if __name__ == "__main__":
    main()
