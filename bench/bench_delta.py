"""Change tracking cost follows the number of changes, not the size of the table: a delta with 10
changes over a table of 1,000,000 accounts against the same delta over 10,000 accounts. Prints
both times and the ratio (target: about 1).

    python bench/bench_delta.py [--small 10000] [--large 1000000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import insert
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN
from mock_server.seed import ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID
from mock_server.store.database import record_id

API = "/api/data/v9.2"
CHUNK = 50_000


def fill(app_client: TestClient, rows: int) -> None:
    """``rows`` plain accounts, written straight to the table with their own versions."""
    state = app_client.app.state.mock  # type: ignore[attr-defined]
    db = state.db
    now = state.clock.now().replace(tzinfo=None)
    with db.transaction() as conn:
        first = db.next_versions(conn, rows)
        account = db.tables["account"]
        for start in range(0, rows, CHUNK):
            conn.execute(
                insert(account),
                [
                    {
                        "accountid": record_id(7, first + i),
                        "name": f"Account {i}",
                        "versionnumber": first + i,
                        "statecode": 0,
                        "statuscode": 1,
                        "ownerid": ADMIN_USER_ID,
                        "ownerid__target": "systemuser",
                        "owninguser": ADMIN_USER_ID,
                        "owningbusinessunit": ROOT_BUSINESS_UNIT_ID,
                        "createdon": now,
                        "modifiedon": now,
                        "createdby": ADMIN_USER_ID,
                        "modifiedby": ADMIN_USER_ID,
                    }
                    for i in range(start, min(start + CHUNK, rows))
                ],
            )


def delta_time(rows: int, repeat: int) -> float:
    app = create_app(Settings(scale=0))
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}"}
    ) as client:
        fill(client, rows)
        first = client.get(f"{API}/accounts?$select=accountid&$top=10").json()["value"]
        link = full_sync(client)
        for i, row in enumerate(first):
            client.patch(f"{API}/accounts({row['accountid']})", json={"name": f"Changed {i}"})
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            changes = client.get(link).json()["value"]
            samples.append(time.perf_counter() - started)
        assert len(changes) == 10, len(changes)
    return statistics.median(samples)


def full_sync(client: TestClient) -> str:
    """Page through the initial change-tracking query, as a client's first sync does; its delta link."""
    url = f"{API}/accounts?$select=name"
    while True:
        body = client.get(url, headers={"Prefer": "odata.track-changes,odata.maxpagesize=5000"}).json()
        if "@odata.deltaLink" in body:
            return str(body["@odata.deltaLink"]).split("https://testserver", 1)[1]
        url = str(body["@odata.nextLink"]).split("https://testserver", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    small = delta_time(args.small, args.repeat)
    large = delta_time(args.large, args.repeat)
    print(
        f"delta with 10 changes over {args.small:>9,} accounts: {small * 1000:7.2f} ms "
        f"(median of {args.repeat})"
    )
    print(f"delta with 10 changes over {args.large:>9,} accounts: {large * 1000:7.2f} ms")
    print(f"ratio large/small: {large / small:.2f} (target about 1)")


if __name__ == "__main__":
    main()
