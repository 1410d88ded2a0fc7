"""The device's local store: SQLite holding what the client keeps between syncs.

One table per offline entity (``rec_<entity>``) holds records as JSON keyed by id; records
use the client's own shape (plain columns, lookups as ``{"entity", "id"}``). Beside them:
the ordered upload queue of offline writes, the id map from offline ids (given to records
created on the device) to the ids the server assigned at upload, each entity's delta link, the
entity metadata downloaded at sync, and the offline entities of the user's profile and the user's
privileges as the last sync read them. Everything is plain SQL on ``sqlite3``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

Record = dict[str, Any]
P = ParamSpec("P")
T = TypeVar("T")
_ENTITY_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS upload_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    operation TEXT NOT NULL,
    record_id TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS id_map (offline_id TEXT PRIMARY KEY, server_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS delta_links (entity TEXT PRIMARY KEY, link TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entity_metadata (entity TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS device_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class QueuedChange:
    """One offline write waiting for upload, in the order it was made.

    ``operation`` is ``create``, ``update``, ``delete``, ``qualify`` or ``disqualify``;
    ``payload`` holds the values written (lookups may name offline ids).
    """

    seq: int
    entity: str
    operation: str
    record_id: str
    payload: Record


def _locked(method: Callable[Concatenate[LocalStore, P], T]) -> Callable[Concatenate[LocalStore, P], T]:
    """Runs ``method`` under the store's lock: a background sync and the user's commands share
    one SQLite connection, and each store operation must run whole."""

    def locked(store: LocalStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with store.lock:
            return method(store, *args, **kwargs)

    return locked


class LocalStore:
    """The SQLite database of one device (in memory unless given a file path)."""

    def __init__(self, path: str = ":memory:") -> None:
        self.lock = threading.RLock()  # also held by sync around a read-then-write of one table
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._tables: set[str] = set()

    @_locked
    def close(self) -> None:
        self._db.close()

    # --- records -------------------------------------------------------------------------------

    def _table(self, entity: str) -> str:
        if not _ENTITY_NAME.match(entity):
            raise ValueError(f"'{entity}' is not a valid entity logical name.")
        table = f"rec_{entity}"
        if table not in self._tables:
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
            self._tables.add(table)
        return table

    @_locked
    def put(self, entity: str, record_id: str, record: Record) -> None:
        self._db.execute(
            f"INSERT OR REPLACE INTO {self._table(entity)} (id, data) VALUES (?, ?)",
            (record_id, json.dumps(record, sort_keys=True)),
        )

    @_locked
    def get(self, entity: str, record_id: str) -> Record | None:
        row = self._db.execute(
            f"SELECT data FROM {self._table(entity)} WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    @_locked
    def remove(self, entity: str, record_id: str) -> bool:
        cursor = self._db.execute(f"DELETE FROM {self._table(entity)} WHERE id = ?", (record_id,))
        return cursor.rowcount > 0

    @_locked
    def records(self, entity: str) -> list[Record]:
        rows = self._db.execute(f"SELECT data FROM {self._table(entity)} ORDER BY id").fetchall()
        return [dict(json.loads(row[0])) for row in rows]

    @_locked
    def ids(self, entity: str) -> frozenset[str]:
        """The ids of the records of ``entity`` on the device."""
        return frozenset(row[0] for row in self._db.execute(f"SELECT id FROM {self._table(entity)}"))

    @_locked
    def clear(self, entity: str) -> None:
        self._db.execute(f"DELETE FROM {self._table(entity)}")

    @_locked
    def rekey(self, entity: str, old_id: str, new_id: str, primary_id: str) -> None:
        """Move a record created offline to the id the server gave it."""
        record = self.get(entity, old_id)
        if record is None:
            return
        self.remove(entity, old_id)
        record[primary_id] = new_id
        self.put(entity, new_id, record)

    # --- upload queue --------------------------------------------------------------------------

    @_locked
    def enqueue(self, entity: str, operation: str, record_id: str, payload: Record) -> None:
        self._db.execute(
            "INSERT INTO upload_queue (entity, operation, record_id, payload) VALUES (?, ?, ?, ?)",
            (entity, operation, record_id, json.dumps(payload, sort_keys=True)),
        )

    @_locked
    def queue(self) -> list[QueuedChange]:
        rows = self._db.execute(
            "SELECT seq, entity, operation, record_id, payload FROM upload_queue ORDER BY seq"
        ).fetchall()
        return [
            QueuedChange(seq, entity, op, rid, json.loads(payload)) for seq, entity, op, rid, payload in rows
        ]

    @_locked
    def dequeue(self, seqs: list[int]) -> None:
        self._db.executemany("DELETE FROM upload_queue WHERE seq = ?", [(seq,) for seq in seqs])

    # --- id map --------------------------------------------------------------------------------

    @_locked
    def map_id(self, offline_id: str, server_id: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO id_map (offline_id, server_id) VALUES (?, ?)", (offline_id, server_id)
        )

    @_locked
    def server_id(self, record_id: str) -> str:
        """The server's id for ``record_id`` (itself when it is not an uploaded offline id)."""
        row = self._db.execute("SELECT server_id FROM id_map WHERE offline_id = ?", (record_id,)).fetchone()
        return record_id if row is None else str(row[0])

    # --- sync state ----------------------------------------------------------------------------

    @_locked
    def delta_link(self, entity: str) -> str | None:
        row = self._db.execute("SELECT link FROM delta_links WHERE entity = ?", (entity,)).fetchone()
        return None if row is None else str(row[0])

    @_locked
    def set_delta_link(self, entity: str, link: str | None) -> None:
        if link is None:
            self._db.execute("DELETE FROM delta_links WHERE entity = ?", (entity,))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO delta_links (entity, link) VALUES (?, ?)", (entity, link)
            )

    @_locked
    def offline_entities(self) -> tuple[str, ...] | None:
        """The entities the user's profile takes offline, as the last sync read it (None: never)."""
        entities = self.state("offline_entities")
        return None if entities is None else tuple(entities)

    @_locked
    def set_offline_entities(self, entities: tuple[str, ...]) -> None:
        self.set_state("offline_entities", list(entities))

    @_locked
    def state(self, key: str) -> Any:
        """A piece of the device's own state (JSON), None when never set."""
        row = self._db.execute("SELECT value FROM device_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    @_locked
    def set_state(self, key: str, value: Any) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO device_state (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    @_locked
    def privileges(self) -> list[str] | None:
        """The names of the user's privileges, as the last sync downloaded them (None: never)."""
        names = self.state("privileges")
        return None if names is None else [str(name) for name in names]

    @_locked
    def set_privileges(self, names: list[str]) -> None:
        self.set_state("privileges", names)

    @_locked
    def metadata(self) -> dict[str, Record]:
        rows = self._db.execute("SELECT entity, definition FROM entity_metadata").fetchall()
        return {entity: dict(json.loads(definition)) for entity, definition in rows}

    @_locked
    def save_metadata(self, definitions: dict[str, Record]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO entity_metadata (entity, definition) VALUES (?, ?)",
            [(entity, json.dumps(d, sort_keys=True)) for entity, d in definitions.items()],
        )
