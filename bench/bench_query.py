"""A ``$filter`` + ``$orderby`` + ``$top=50`` query over 100,000 accounts through the mock's query
path (query options parsed, plan built, SQL compiled and run, typed rows returned) against the
same query written by hand in SQL on the same database, returning the same typed rows. Prints
both times and the ratio (target: the mock within 2x), and, for information, what rendering
the rows as Dataverse JSON adds.

    python bench/bench_query.py [--scale 100000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import BigInteger, DateTime, Float, String, text

from mock_server.clock import DEFAULT_START
from mock_server.odata.prefer import Preferences
from mock_server.odata.query_options import build_plan, parse_query_string
from mock_server.odata.serialize import Renderer
from mock_server.schema import schema
from mock_server.seed import ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID, seed_database
from mock_server.store import query
from mock_server.store.database import Database

ODATA = (
    "$select=name,accountnumber,revenue,modifiedon&$filter=revenue gt 500000 and statecode eq 0"
    "&$orderby=modifiedon desc&$top=50"
)
SQL = text(
    "SELECT accountid, name, accountnumber, revenue, modifiedon, versionnumber FROM account "
    "WHERE revenue > :revenue AND statecode = :state ORDER BY modifiedon DESC, accountid LIMIT 50"
).columns(
    accountid=String,
    name=String,
    accountnumber=String,
    revenue=Float,
    modifiedon=DateTime,
    versionnumber=BigInteger,
)


def timed(run: object, repeat: int) -> float:
    assert callable(run)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    db = Database()
    started = time.perf_counter()
    counts = seed_database(db, 1, args.scale, DEFAULT_START)
    print(
        f"seeded {counts['account']} accounts ({sum(counts.values())} rows) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    account = schema().entity("account")
    assert account is not None
    caller = query.Caller(ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID, (), DEFAULT_START)

    conn = db.connection

    def mock_query() -> list[query.Fetched]:
        plan = build_plan(account, parse_query_string(ODATA))
        return query.fetch(conn, plan, caller, plan.top)

    def hand_written() -> list[tuple[object, ...]]:
        return [tuple(r) for r in conn.execute(SQL, {"revenue": 500000, "state": 0}).all()]

    plan = build_plan(account, parse_query_string(ODATA))
    rows = mock_query()
    assert [r.row["accountid"] for r in rows] == [r[0] for r in hand_written()]
    assert [r.row["modifiedon"] for r in rows] == [r[4] for r in hand_written()]
    mock_time, sql_time = timed(mock_query, args.repeat), timed(hand_written, args.repeat)
    render_time = timed(lambda: Renderer(conn, Preferences()).records(plan, rows), args.repeat)
    print(f"hand-written SQL:  {sql_time * 1000:8.3f} ms (median of {args.repeat})")
    print(f"mock query path:   {mock_time * 1000:8.3f} ms")
    print(f"ratio mock/SQL: {mock_time / sql_time:.2f} (target <= 2.00)")
    print(f"rendering the {len(rows)} rows as Dataverse JSON adds {render_time * 1000:.3f} ms")


if __name__ == "__main__":
    main()
