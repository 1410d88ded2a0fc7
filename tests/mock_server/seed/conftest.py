"""Seeded databases shared by the seed tests: seeding is deterministic, so one per session is enough."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import ColumnClause, Connection, literal_column, select

from mock_server.seed import seed_database
from mock_server.store.database import Database

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SEED = 7
SCALE = 60

Rows = dict[str, list[dict[str, Any]]]


def read_all(db: Database) -> Rows:
    """Every table's rows in insertion order, as SQLAlchemy returns them."""
    in_order: ColumnClause[Any] = literal_column("rowid")
    with db.engine.connect() as conn:
        return {
            table.name: [dict(r._mapping) for r in conn.execute(select(table).order_by(in_order))]
            for table in db.tables.metadata.sorted_tables
        }


def raw_dump(conn: Connection, db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's stored values exactly as SQLite holds them (no type conversion)."""
    out = {}
    for table in db.tables.metadata.sorted_tables:
        quoted = conn.dialect.identifier_preparer.quote(table.name)
        out[table.name] = [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {quoted} ORDER BY rowid")]
    return out


@pytest.fixture(scope="session")
def seeded() -> Iterator[tuple[Database, dict[str, int], Rows]]:
    db = Database()
    counts = seed_database(db, SEED, SCALE, NOW)
    yield db, counts, read_all(db)
    db.close()


@pytest.fixture(scope="session")
def rows(seeded: tuple[Database, dict[str, int], Rows]) -> Rows:
    return seeded[2]
