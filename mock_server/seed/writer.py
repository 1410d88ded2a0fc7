"""Streams generated rows into the tables in chunks, so a million rows never sit in memory.

Generators hand over one row at a time; the writer buffers rows per table and sends each full
buffer as one executemany of the table's SQLAlchemy Core ``insert()``. Rows of one buffer may
leave different optional columns out: the buffer is padded to the union of its columns, and a
column the table does not have is an error, never a silent drop.

Speed: ``Connection.execute(insert(table), rows)`` spends about as long turning each row dict
into DBAPI parameters as SQLite spends storing it. The writer therefore compiles the
``insert()`` once per table and column set, converts rows to positional tuples itself, applying
the same bind processors SQLAlchemy would (so stored values are identical, datetimes included),
and runs the compiled statement through ``exec_driver_sql`` as one executemany inside the
caller's transaction. Where that shortcut does not apply (a dialect with named parameters) it
falls back to ``Connection.execute(insert(table), rows)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

from mock_server.store.tables import Tables

Row = dict[str, Any]
Processor = Callable[[Any], Any]

DEFAULT_CHUNK = 2000


class UnknownColumns(ValueError):
    """A generated row names columns its table does not have."""

    def __init__(self, table: str, columns: Iterable[str]) -> None:
        self.table = table
        self.columns = tuple(sorted(columns))
        super().__init__(f"table {table!r} has no columns {list(self.columns)}")


_SAMPLES = (datetime(2026, 1, 2, 3, 4, 5), datetime(1999, 12, 31, 23, 59, 59, 999999), datetime(987, 6, 5))


def _faster(process: Processor) -> Processor:
    """``process``, or a C-speed equivalent for datetimes when it provably stores the same text.

    SQLite's DATETIME processor formats with ``%`` in Python; ``datetime.isoformat`` yields the
    same string several times faster. The substitution is checked against the processor itself,
    so a changed storage format simply keeps the original.
    """
    try:
        same = all(process(d) == d.isoformat(" ", "microseconds") for d in _SAMPLES)
    except (TypeError, ValueError):
        same = False
    if not same:
        return process

    def datetime_text(value: Any) -> Any:
        return value.isoformat(" ", "microseconds") if type(value) is datetime else process(value)

    return datetime_text


@dataclass(frozen=True)
class _Statement:
    """A compiled ``insert()`` for one column set: its SQL, parameter order and processors."""

    sql: str
    values: Callable[[Row], Any]  # row -> tuple of values in parameter order
    processors: tuple[tuple[int, Processor], ...]  # (position, bind processor)
    single: bool  # one column: ``values`` returns the bare value, not a tuple

    def parameters(self, rows: Sequence[Row]) -> list[tuple[Any, ...]]:
        values = self.values
        if self.single:
            out: list[tuple[Any, ...]] = [(values(row),) for row in rows]
        else:
            out = [values(row) for row in rows]
        if not self.processors:
            return out
        # Column-wise: one pass per processed column instead of rebuilding every row's tuple.
        columns = list(zip(*out, strict=True))
        for position, process in self.processors:
            columns[position] = tuple([None if v is None else process(v) for v in columns[position]])
        return list(zip(*columns, strict=True))


class RowWriter:
    """Buffers rows per table and inserts them in chunks of ``chunk`` rows."""

    def __init__(self, conn: Connection, tables: Tables, chunk: int = DEFAULT_CHUNK) -> None:
        self._conn = conn
        self._chunk = chunk
        self._tables: dict[str, Table] = dict(tables.metadata.tables)
        self._columns: dict[str, frozenset[str]] = {
            name: frozenset(t.columns.keys()) for name, t in self._tables.items()
        }
        self._buffers: dict[str, list[Row]] = {name: [] for name in self._tables}
        self._statements: dict[tuple[str, frozenset[str]], _Statement | None] = {}
        self.counts: dict[str, int] = dict.fromkeys(self._tables, 0)

    def add(self, table: str, row: Row) -> None:
        buffer = self._buffers[table]
        buffer.append(row)
        if len(buffer) >= self._chunk:
            self._flush(table)

    def flush(self) -> None:
        """Insert everything still buffered, table by table in metadata order."""
        for table in self._buffers:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._buffers[table]
        if not rows:
            return
        keys = frozenset().union(*rows)
        unknown = keys - self._columns[table]
        if unknown:
            raise UnknownColumns(table, unknown)
        width = len(keys)
        for row in rows:
            if len(row) != width:
                for key in keys:
                    row.setdefault(key, None)
        statement = self._statement(table, keys)
        if statement is None:
            self._conn.execute(insert(self._tables[table]), rows)
        else:
            self._conn.exec_driver_sql(statement.sql, statement.parameters(rows))
        self.counts[table] += len(rows)
        self._buffers[table] = []

    def _statement(self, table: str, keys: frozenset[str]) -> _Statement | None:
        """The compiled insert for ``keys``, or None where only SQLAlchemy's own executemany
        applies (a dialect with named parameters, or a statement shaped unlike plain columns)."""
        if (table, keys) in self._statements:
            return self._statements[(table, keys)]
        dialect = self._conn.dialect
        target = self._tables[table]
        compiled = insert(target).compile(dialect=dialect, column_keys=sorted(keys))
        order = tuple(compiled.positiontup or ())
        if not dialect.positional or set(order) != keys or len(order) != len(keys):
            self._statements[(table, keys)] = None
            return None
        processors = tuple(
            (position, _faster(process))
            for position, name in enumerate(order)
            if (process := target.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
        )
        found = _Statement(compiled.string, itemgetter(*order), processors, len(order) == 1)
        self._statements[(table, keys)] = found
        return found
