"""Rows for a small in-memory database, and a helper that runs ``$filter`` texts against it.

Ids are short, readable names (``A1``, ``C2``...) mapped to GUIDs, so assertions read as sets of
names. The mock clock stands at Thursday 2026-01-15 12:00 UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from mock_server.odata.filter import FilterScope, compile_filter, parse_filter
from mock_server.schema import schema
from mock_server.store.database import Database

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
_NAIVE_NOW = NOW.replace(tzinfo=None)


def gid(name: str) -> str:
    """The GUID of a named test row."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, name))


NAMES = {
    gid(n): n
    for n in (
        *("A1", "A2", "A3", "A4", "C1", "C2", "C3", "T1", "T2", "T3", "T4", "I1", "I2"),
        *("U1", "U2", "U3", "U4", "TEAM1", "TEAM2", "BU1", "BU2"),
    )
}

ROWS: dict[str, list[dict[str, Any]]] = {
    "businessunit": [
        {"businessunitid": gid("BU1"), "name": "Root"},
        {"businessunitid": gid("BU2"), "name": "Sales", "parentbusinessunitid": gid("BU1")},
    ],
    "systemuser": [
        {"systemuserid": gid("U1"), "fullname": "Caller"},
        {"systemuserid": gid("U2"), "fullname": "Report", "parentsystemuserid": gid("U1")},
        {"systemuserid": gid("U3"), "fullname": "Report of report", "parentsystemuserid": gid("U2")},
        {"systemuserid": gid("U4"), "fullname": "Stranger"},
    ],
    "account": [
        {
            "accountid": gid("A1"),
            "name": "Contoso",
            "revenue": 100.0,
            "numberofemployees": 10,
            "creditonhold": True,
            "primarycontactid": gid("C1"),
            "ownerid": gid("U1"),
            "ownerid__target": "systemuser",
            "owningbusinessunit": gid("BU1"),
            "createdon": _NAIVE_NOW - timedelta(hours=1),
            "industrycode": 1,
            "statecode": 0,
            "telephone1": "555-0100",
            "accountnumber": "AC-1",
        },
        {
            "accountid": gid("A2"),
            "name": "Fabrikam",
            "numberofemployees": 3,
            "creditonhold": False,
            "parentaccountid": gid("A1"),
            "ownerid": gid("TEAM1"),
            "ownerid__target": "team",
            "owningbusinessunit": gid("BU2"),
            "createdon": datetime(2026, 1, 14, 10),
            "statecode": 0,
        },
        {
            "accountid": gid("A3"),
            "name": "Adventure 100% Works",
            "revenue": 2500.5,
            "numberofemployees": 250,
            "parentaccountid": gid("A2"),
            "ownerid": gid("U2"),
            "ownerid__target": "systemuser",
            "createdon": datetime(2025, 12, 20),
            "statecode": 1,
            "telephone1": "555-0100",
        },
        {
            "accountid": gid("A4"),
            "name": "O'Brien_Co",
            "revenue": 7.25,
            "primarycontactid": gid("C2"),
            "ownerid": gid("U4"),
            "ownerid__target": "systemuser",
            "createdon": datetime(2024, 6, 1),
            "statecode": 1,
        },
    ],
    "contact": [
        {
            "contactid": gid("C1"),
            "fullname": "John Smith",
            "firstname": "John",
            "lastname": "Smith",
            "parentcustomerid": gid("A1"),
            "parentcustomerid__target": "account",
            "birthdate": datetime(1990, 5, 17),
        },
        {
            "contactid": gid("C2"),
            "fullname": "Jane Doe",
            "firstname": "Jane",
            "lastname": "Doe",
            "parentcustomerid": gid("C1"),
            "parentcustomerid__target": "contact",
        },
        {
            "contactid": gid("C3"),
            "fullname": "Lee Lee",
            "firstname": "Lee",
            "lastname": "LEE",
            "parentcustomerid": gid("A2"),
            "parentcustomerid__target": "account",
        },
    ],
    "task": [
        {
            "activityid": gid("T1"),
            "subject": "Call back",
            "regardingobjectid": gid("A1"),
            "statecode": 0,
            "percentcomplete": 10,
            "regardingobjectid__target": "account",
        },
        {
            "activityid": gid("T2"),
            "subject": "Send mail",
            "regardingobjectid": gid("A1"),
            "statecode": 1,
            "percentcomplete": 100,
            "regardingobjectid__target": "account",
        },
        {
            "activityid": gid("T3"),
            "subject": "Visit",
            "regardingobjectid": gid("A2"),
            "statecode": 1,
            "regardingobjectid__target": "account",
        },
        {
            "activityid": gid("T4"),
            "subject": "Follow up",
            "regardingobjectid": gid("C1"),
            "statecode": 0,
            "percentcomplete": 0,
            "regardingobjectid__target": "contact",
        },
    ],
    "new_inspection": [
        {"new_inspectionid": gid("I1"), "new_name": "Kitchen", "new_accountid": gid("A1"), "new_score": 80},
        {"new_inspectionid": gid("I2"), "new_name": "Roof", "new_score": 40},
    ],
}
INSPECTION_CONTACTS = [("I1", "C1"), ("I1", "C3"), ("I2", "C3")]


def seed(db: Database, rows: Mapping[str, list[dict[str, Any]]]) -> None:
    with db.transaction() as conn:
        for entity, records in rows.items():
            for record in records:  # one by one: the rows leave different columns empty
                conn.execute(insert(db.tables[entity]).values(**record))


def seeded() -> Database:
    """A database holding ``ROWS`` and the inspection/contact pairs."""
    db = Database()
    seed(db, ROWS)
    intersect = db.tables.intersects["new_inspection_contact"]
    with db.transaction() as conn:
        for inspection, contact in INSPECTION_CONTACTS:
            conn.execute(insert(intersect).values(new_inspectionid=gid(inspection), contactid=gid(contact)))
    return db


def scope_for(db: Database, entity: str, **overrides: Any) -> FilterScope:
    definition = schema().entity(entity)
    assert definition is not None
    values: dict[str, Any] = {
        "entity": definition,
        "table": db.tables[entity],
        "schema": schema(),
        "tables": db.tables,
        "now": NOW,
        "user_id": gid("U1"),
        "business_unit_id": gid("BU1"),
        "team_ids": (gid("TEAM1"),),
    }
    return FilterScope(**(values | overrides))


Run = Callable[..., set[str]]


def runner(db: Database, names: Mapping[str, str]) -> Run:
    def run(entity: str, text: str, aliases: Mapping[str, str] | None = None, **overrides: Any) -> set[str]:
        scope = scope_for(db, entity, **overrides)
        condition = compile_filter(parse_filter(text, aliases), scope)
        key = scope.table.c[scope.entity.primary_id]
        with db.transaction() as conn:
            return {names.get(row[0], row[0]) for row in conn.execute(select(key).where(condition))}

    return run
