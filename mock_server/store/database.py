"""The database a mock serves from: an engine, its tables, and one transaction per request.

SQLite in memory (the default) or in a file that survives restarts. All access goes through
one connection: requests are handled one at a time on the event loop, so a unit of work
never interleaves with another, and every write is a single transaction that either commits
whole or leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import StaticPool

from mock_server.store.tables import Tables, tables

MEMORY = ":memory:"


def engine_for(db: str) -> Engine:
    """An engine for ``:memory:`` or a SQLite file path."""
    url = "sqlite://" if db == MEMORY else f"sqlite:///{db}"
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        if db != MEMORY:
            # WAL keeps committed transactions through a crash of the process.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide where transactions begin, so SAVEPOINTs work
        # ($batch change sets run in one).
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # straight to the driver: every request begins a transaction, so this is on the hot path
        conn.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]

    return engine


class Database:
    def __init__(self, db: str = MEMORY) -> None:
        self.path = db
        self.engine = engine_for(db)
        self.tables: Tables = tables()
        self.tables.metadata.create_all(self.engine)
        # The one connection every unit of work runs on (the pool holds a single DBAPI connection).
        self.connection = self.engine.connect()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        with self.connection.begin():
            yield self.connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A unit of work that only reads: no transaction is opened for it, and one that a
        statement opens anyway is ended after. Units of work never interleave (see above), so a
        read sees one consistent state without paying for BEGIN and COMMIT."""
        try:
            yield self.connection
        finally:
            if self.connection.in_transaction():
                self.connection.rollback()

    def snapshot(self) -> sqlite3.Connection:
        """A copy of the whole database in memory, for ``restore`` to bring back."""
        copy = sqlite3.connect(MEMORY, check_same_thread=False)
        self._driver().backup(copy)
        return copy

    def restore(self, snapshot: sqlite3.Connection) -> None:
        """Make the database exactly what it was when ``snapshot`` was taken (the page copy takes
        milliseconds at the scales tests use; a re-seed takes a fraction of a second)."""
        if self.connection.in_transaction():
            self.connection.rollback()
        snapshot.backup(self._driver())

    def _driver(self) -> sqlite3.Connection:
        driver = self.connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver

    def recreate(self) -> None:
        """Drop every table and create them empty."""
        self.tables.metadata.drop_all(self.engine)
        self.tables.metadata.create_all(self.engine)

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()

    # The mock's own small state (the version counter, the seed in use, the clock).

    def get_state(self, conn: Connection, key: str) -> str | None:
        row = conn.execute(select(self.tables.state.c.value).where(self.tables.state.c.key == key)).first()
        return None if row is None else str(row[0])

    def set_state(self, conn: Connection, key: str, value: str) -> None:
        stmt = sqlite_insert(self.tables.state).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def next_versions(self, conn: Connection, count: int = 1) -> int:
        """Reserve ``count`` row versions; returns the first. Versions only grow, across restarts."""
        state = self.tables.state
        result = conn.execute(
            update(state)
            .where(state.c.key == "version")
            .values(value=state.c.value + count)
            .returning(state.c.value)
        ).first()
        if result is None:
            self.set_state(conn, "version", str(1000 + count))
            return 1001
        return int(result[0]) - count + 1


def record_id(seed: int, version: int) -> str:
    """A deterministic, never-repeating id for the row written at ``version``."""
    digest = hashlib.sha256(f"{seed}:{version}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))
