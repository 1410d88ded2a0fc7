"""seed_database: its public surface, determinism, reseeding, scale and bookkeeping."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

import mock_server.seed as seed_package
from mock_server.schema import schema
from mock_server.seed import (
    ADMIN_USER_ID,
    BASE_CURRENCY_ID,
    ORGANIZATION_ID,
    ROOT_BUSINESS_UNIT_ID,
    seed_database,
)
from mock_server.seed.context import FIRST_VERSION
from mock_server.store.database import Database, record_id

from .conftest import NOW, SCALE, SEED, Rows, raw_dump, read_all

ENTITY_TABLES_PER_ACCOUNT = (
    "account",
    "contact",
    "opportunity",
    "activitypointer",
    "annotation",
    "connection",
)


def test_public_surface_is_pinned() -> None:
    assert seed_package.__all__ == [
        "ADMIN_USER_ID",
        "BASE_CURRENCY_ID",
        "ORGANIZATION_ID",
        "ROOT_BUSINESS_UNIT_ID",
        "seed_database",
    ]
    ids = [ADMIN_USER_ID, BASE_CURRENCY_ID, ORGANIZATION_ID, ROOT_BUSINESS_UNIT_ID]
    assert len(set(ids)) == 4
    assert all(i == i.lower() and len(i) == 36 for i in ids)


def _seed_raw(seed: int, scale: int) -> dict[str, list[tuple[object, ...]]]:
    db = Database()
    try:
        seed_database(db, seed, scale, NOW)
        with db.engine.connect() as conn:
            return raw_dump(conn, db)
    finally:
        db.close()


def test_same_arguments_give_identical_stored_rows() -> None:
    first, second = _seed_raw(SEED, 25), _seed_raw(SEED, 25)
    assert first == second
    assert sum(len(r) for r in first.values()) > 300


def test_another_seed_gives_other_data() -> None:
    first, other = _seed_raw(SEED, 25), _seed_raw(SEED + 1, 25)
    assert first["account"] != other["account"]
    assert first["contact"] != other["contact"]


def test_counts_match_the_tables(seeded: tuple[Database, dict[str, int], Rows]) -> None:
    _, counts, rows = seeded
    assert counts == {name: len(table_rows) for name, table_rows in rows.items() if name != "_mock_state"}
    assert counts["account"] == SCALE


def test_state_records_seed_scale_and_last_version(seeded: tuple[Database, dict[str, int], Rows]) -> None:
    _, _, rows = seeded
    state = {r["key"]: r["value"] for r in rows["_mock_state"]}
    assert state["seed"] == str(SEED)
    assert state["scale"] == str(SCALE)
    versions = [
        r["versionnumber"]
        for name, table in rows.items()
        if name != "_mock_state" and table and "versionnumber" in table[0]
        for r in table
    ]
    assert int(state["version"]) == max(versions)
    assert min(versions) == FIRST_VERSION


def test_new_writes_continue_after_the_seeded_versions(seeded: tuple[Database, dict[str, int], Rows]) -> None:
    db, _, rows = seeded
    state = {r["key"]: r["value"] for r in rows["_mock_state"]}
    with db.engine.connect() as conn:  # not committed: the session's database stays as seeded
        assert db.next_versions(conn) == int(state["version"]) + 1
        conn.rollback()


def test_ids_come_from_the_version_sequence(rows: Rows) -> None:
    fixed = {ADMIN_USER_ID, BASE_CURRENCY_ID, ROOT_BUSINESS_UNIT_ID, ORGANIZATION_ID}
    seen: set[int] = set()
    for name, table in rows.items():
        entity = schema().entity(name)
        if entity is None or name == "activitypointer" or not table:
            continue
        key = entity.primary_id
        for row in table:
            assert row["versionnumber"] not in seen
            seen.add(row["versionnumber"])
            # organization-level definitions (system views, forms) keep their ids across seeds
            assert (
                row[key] in fixed
                or row[key] == record_id(SEED, row["versionnumber"])
                or name in ("savedquery", "systemform", "workflow", "processstage")
            )


def test_scale_zero_has_only_reference_data() -> None:
    db = Database()
    try:
        counts = seed_database(db, SEED, 0, NOW)
        rows = read_all(db)
    finally:
        db.close()
    assert counts["account"] == counts["contact"] == counts["activitypointer"] == 0
    assert counts["businessunit"] == 1 and counts["systemuser"] == 1 and counts["team"] == 1
    (admin,) = rows["systemuser"]
    assert admin["systemuserid"] == ADMIN_USER_ID
    assert admin["fullname"] == "System Administrator"
    assert admin["domainname"] == "admin@contoso.example"
    assert admin["businessunitid"] == ROOT_BUSINESS_UNIT_ID
    assert rows["businessunit"][0]["businessunitid"] == ROOT_BUSINESS_UNIT_ID
    assert rows["businessunit"][0]["parentbusinessunitid"] is None
    currencies = {r["transactioncurrencyid"]: r["isocurrencycode"] for r in rows["transactioncurrency"]}
    assert currencies[BASE_CURRENCY_ID] == "USD"
    assert counts["uom"] >= 1 and counts["connectionrole"] >= 2
    assert rows["teammembership"] == [{"systemuserid": ADMIN_USER_ID, "teamid": rows["team"][0]["teamid"]}]


def test_counts_grow_with_scale() -> None:
    counts = []
    for scale in (5, 40, 200):
        db = Database()
        try:
            counts.append(seed_database(db, SEED, scale, NOW))
        finally:
            db.close()
    small, medium, large = counts
    assert [c["account"] for c in counts] == [5, 40, 200]
    assert sum(small.values()) < sum(medium.values()) < sum(large.values())
    for name in ENTITY_TABLES_PER_ACCOUNT:
        assert small[name] <= medium[name] < large[name], name
    assert large["systemuser"] > small["systemuser"]
    assert large["product"] > small["product"]


def test_reseeding_replaces_everything_and_keeps_other_state() -> None:
    db = Database()
    try:
        with db.transaction() as conn:
            db.set_state(conn, "clock", "2026-01-01T00:00:00Z")
        seed_database(db, SEED + 3, 30, NOW - timedelta(days=5))
        seed_database(db, SEED, 12, NOW)
        with db.engine.connect() as conn:
            reseeded = raw_dump(conn, db)
            assert db.get_state(conn, "clock") == "2026-01-01T00:00:00Z"
    finally:
        db.close()
    fresh = _seed_raw(SEED, 12)
    reseeded["_mock_state"] = [r for r in reseeded["_mock_state"] if r[0] != "clock"]
    assert sorted(reseeded.pop("_mock_state")) == sorted(fresh.pop("_mock_state"))
    assert reseeded == fresh


def test_negative_scale_is_refused() -> None:
    db = Database()
    try:
        with pytest.raises(ValueError, match="scale"):
            seed_database(db, SEED, -1, NOW)
    finally:
        db.close()


def test_naive_now_is_taken_as_utc() -> None:
    aware = _seed_raw(SEED, 3)
    db = Database()
    try:
        seed_database(db, SEED, 3, NOW.replace(tzinfo=None))
        with db.engine.connect() as conn:
            assert raw_dump(conn, db) == aware
    finally:
        db.close()


_DIGEST_SCRIPT = """
import hashlib, sys
from datetime import datetime
from mock_server.seed import seed_database
from mock_server.store.database import Database
db = Database()
seed_database(db, int(sys.argv[1]), int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]))
digest = hashlib.sha256()
with db.engine.connect() as conn:
    for table in db.tables.metadata.sorted_tables:
        quoted = conn.dialect.identifier_preparer.quote(table.name)
        for row in conn.exec_driver_sql(f"SELECT * FROM {quoted} ORDER BY rowid"):
            digest.update(repr(tuple(row)).encode())
print(digest.hexdigest())
"""


def test_rows_do_not_depend_on_the_process_hash_seed() -> None:
    """Set and dict-of-set order changes with PYTHONHASHSEED; the data must not."""
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT, str(SEED), "8", NOW.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1
