"""Change tracking cost follows the number of changes, not the size of the table: a delta with 10
changes over a table of 1,000,000 accounts against the same delta over 10,000 accounts. Prints
both times and the ratio (target: about 1). With ``--salesperson`` the rows belong to a User-depth
salesperson who syncs them, so the delta also pays for row security and for telling rows that
left the user's sight from rows never seen.

    python bench/bench_delta.py [--small 10000] [--large 1000000] [--repeat 50] [--salesperson]
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
from mock_server.seed.security import SALESPERSON
from mock_server.store.database import record_id

API = "/api/data/v9.2"
CHUNK = 50_000


def fill(app_client: TestClient, rows: int, owner: str = ADMIN_USER_ID) -> None:
    """``rows`` plain accounts of ``owner``, written straight to the table with their own versions."""
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
                        "ownerid": owner,
                        "ownerid__target": "systemuser",
                        "owninguser": owner,
                        "owningbusinessunit": ROOT_BUSINESS_UNIT_ID,
                        "createdon": now,
                        "modifiedon": now,
                        "createdby": ADMIN_USER_ID,
                        "modifiedby": ADMIN_USER_ID,
                    }
                    for i in range(start, min(start + CHUNK, rows))
                ],
            )


def salesperson(client: TestClient) -> tuple[str, dict[str, str]]:
    """A new user of the root business unit holding the seeded Salesperson role, and its headers."""
    created = client.post(
        f"{API}/systemusers",
        json={
            "firstname": "Bench",
            "lastname": "Seller",
            "domainname": "bench.seller@contoso.example",
            "businessunitid@odata.bind": f"/businessunits({ROOT_BUSINESS_UNIT_ID})",
        },
    )
    user_id = created.headers["OData-EntityId"].rsplit("(", 1)[1].rstrip(")")
    role = client.get(f"{API}/roles?$filter=name eq '{SALESPERSON}'&$select=name").json()["value"][0]
    client.post(
        f"{API}/systemusers({user_id})/systemuserroles_association/$ref",
        json={"@odata.id": f"{API}/roles({role['roleid']})"},
    )
    token = client.post("/_mock/tokens", json={"systemuserid": user_id}).json()["token"]
    return user_id, {"Authorization": f"Bearer {token}"}


def delta_time(rows: int, repeat: int, as_salesperson: bool) -> float:
    app = create_app(Settings(scale=0))
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}"}
    ) as client:
        owner, headers = salesperson(client) if as_salesperson else (ADMIN_USER_ID, {})
        fill(client, rows, owner)
        first = client.get(f"{API}/accounts?$select=accountid&$top=10").json()["value"]
        link = full_sync(client, headers)
        for i, row in enumerate(first):
            client.patch(f"{API}/accounts({row['accountid']})", json={"name": f"Changed {i}"})
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            changes = client.get(link, headers=headers).json()["value"]
            samples.append(time.perf_counter() - started)
        assert len(changes) == 10, len(changes)
    return statistics.median(samples)


def full_sync(client: TestClient, headers: dict[str, str]) -> str:
    """Page through the initial change-tracking query, as a client's first sync does; its delta link."""
    url = f"{API}/accounts?$select=name"
    while True:
        prefer = {"Prefer": "odata.track-changes,odata.maxpagesize=5000"}
        body = client.get(url, headers={**headers, **prefer}).json()
        if "@odata.deltaLink" in body:
            return str(body["@odata.deltaLink"]).split("https://testserver", 1)[1]
        url = str(body["@odata.nextLink"]).split("https://testserver", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--salesperson", action="store_true", help="sync as a User-depth salesperson")
    args = parser.parse_args()
    small = delta_time(args.small, args.repeat, args.salesperson)
    large = delta_time(args.large, args.repeat, args.salesperson)
    print(
        f"delta with 10 changes over {args.small:>9,} accounts: {small * 1000:7.2f} ms "
        f"(median of {args.repeat})"
    )
    print(f"delta with 10 changes over {args.large:>9,} accounts: {large * 1000:7.2f} ms")
    print(f"ratio large/small: {large / small:.2f} (target about 1)")


if __name__ == "__main__":
    main()
