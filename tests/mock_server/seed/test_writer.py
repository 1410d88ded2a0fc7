"""RowWriter: chunked inserts store exactly what SQLAlchemy's own executemany would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import insert

from mock_server.seed.writer import RowWriter, UnknownColumns
from mock_server.store.database import Database

from .conftest import raw_dump

ROWS: list[dict[str, Any]] = [
    {
        "accountid": "a1",
        "name": "Fourth Coffee",
        "createdon": datetime(2025, 1, 2, 3, 4, 5),
        "creditonhold": True,
        "revenue": 1234.5,
        "numberofemployees": 12,
        "versionnumber": 1001,
    },
    {
        "accountid": "a2",
        "name": "Adatum",
        "createdon": datetime(2025, 6, 7, 8, 9, 10, 123456),
        "creditonhold": False,
        "revenue": None,
        "versionnumber": 1002,
    },
    {"accountid": "a3", "description": "only some columns", "versionnumber": 1003},
]


def _copy() -> list[dict[str, Any]]:
    return [dict(r) for r in ROWS]


def test_stored_values_match_sqlalchemy_executemany() -> None:
    ours, theirs = Database(), Database()
    try:
        with ours.transaction() as conn:
            writer = RowWriter(conn, ours.tables, chunk=2)
            for row in _copy():
                writer.add("account", row)
            writer.flush()
            assert writer.counts["account"] == 3
        with theirs.transaction() as conn:
            padded = [{c: r.get(c) for c in set().union(*ROWS)} for r in ROWS]
            conn.execute(insert(theirs.tables["account"]), padded[:2])
            conn.execute(insert(theirs.tables["account"]), padded[2:])
        with ours.engine.connect() as a, theirs.engine.connect() as b:
            assert raw_dump(a, ours) == raw_dump(b, theirs)
    finally:
        ours.close()
        theirs.close()


def test_intersect_rows_with_few_columns() -> None:
    db = Database()
    try:
        with db.transaction() as conn:
            writer = RowWriter(conn, db.tables)
            writer.add("teammembership", {"systemuserid": "u1", "teamid": "t1"})
            writer.flush()
        with db.engine.connect() as conn:
            assert raw_dump(conn, db)["teammembership"] == [("u1", "t1")]
    finally:
        db.close()


def test_unknown_column_is_an_error() -> None:
    db = Database()
    try:
        with db.transaction() as conn:
            writer = RowWriter(conn, db.tables)
            writer.add("account", {"accountid": "a1", "nmae": "typo"})
            with pytest.raises(UnknownColumns, match="nmae"):
                writer.flush()
    finally:
        db.close()


def test_falls_back_to_sqlalchemy_executemany(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a positional statement (e.g. a dialect with named parameters) rows still land."""
    monkeypatch.setattr(RowWriter, "_statement", lambda self, table, keys: None)
    fallback, direct = Database(), Database()
    try:
        for db in (fallback, direct):
            with db.transaction() as conn:
                writer = RowWriter(conn, db.tables)
                for row in _copy():
                    writer.add("account", row)
                writer.flush()
            monkeypatch.undo()
        with fallback.engine.connect() as a, direct.engine.connect() as b:
            assert raw_dump(a, fallback) == raw_dump(b, direct)
    finally:
        fallback.close()
        direct.close()
