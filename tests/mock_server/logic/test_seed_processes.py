"""Seeded flows, stages, rules and instances: fixed definition ids, valid rule definitions, and
instances whose stage matches their record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from mock_server.logic.rules import parse_definition
from mock_server.schema import schema
from mock_server.seed import seed_database
from mock_server.seed.processes import FAIL, INSPECTION_FLOW, LEAD_FLOW, RULES, process_id, stage_id
from mock_server.store.database import Database
from tests.mock_server.seed.conftest import Rows, read_all

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _seed(seed: int) -> Rows:
    db = Database()
    try:
        seed_database(db, seed, 40, NOW)
        return read_all(db)
    finally:
        db.close()


@pytest.fixture(scope="module")
def rows() -> Iterator[Rows]:
    yield _seed(3)


def _ids(rows: Rows, table: str, key: str) -> set[Any]:
    return {r[key] for r in rows[table]}


def test_definitions_have_the_same_ids_on_every_seed(rows: Rows) -> None:
    other = _seed(4)
    for table, key in (("workflow", "workflowid"), ("processstage", "processstageid")):
        assert _ids(rows, table, key) == _ids(other, table, key)
    assert process_id(INSPECTION_FLOW) in _ids(rows, "workflow", "workflowid")


def test_seeded_rules_are_valid_definitions(rows: Rows) -> None:
    seeded = [r for r in rows["workflow"] if r["category"] == 2]
    assert len(seeded) == len(RULES)
    assert {r["primaryentity"] for r in seeded} == {"account", "contact", "new_inspection"}
    for rule in seeded:
        entity = schema().entity(rule["primaryentity"])
        assert entity is not None
        assert parse_definition(entity, rule["clientdata"])["actions"]
        assert json.loads(rule["clientdata"])["version"] == 1


def test_every_inspection_has_an_instance_on_a_valid_path(rows: Rows) -> None:
    inspections = {r["new_inspectionid"]: r for r in rows["new_inspection"]}
    instances = rows[INSPECTION_FLOW]
    assert inspections and sorted(i["bpf_new_inspectionid"] for i in instances) == sorted(inspections)
    schedule, inspect, follow_up, close = (
        stage_id(INSPECTION_FLOW, s) for s in ("Schedule", "Inspect", "Follow-up", "Close")
    )
    for instance in instances:
        path = instance["traversedpath"].split(",")
        assert path[-1] == instance["activestageid"]
        record = inspections[instance["bpf_new_inspectionid"]]
        if record["statecode"] == 1:
            failed = record["new_result"] == FAIL
            assert path == [schedule, inspect, *([follow_up] if failed else []), close]
            assert (instance["statecode"], instance["statuscode"]) == (1, 2)
        else:
            assert path in ([schedule], [schedule, inspect])
            assert (instance["statecode"], instance["statuscode"]) == (0, 1)


def test_every_lead_has_an_instance_matching_its_state(rows: Rows) -> None:
    leads = {r["leadid"]: r for r in rows["lead"]}
    instances = rows[LEAD_FLOW]
    assert sorted(i["bpf_leadid"] for i in instances) == sorted(leads)
    develop = stage_id(LEAD_FLOW, "Develop")
    states = set()
    for instance in instances:
        lead = leads[instance["bpf_leadid"]]
        states.add(lead["statecode"])
        if lead["statecode"] == 1 and lead["qualifyingopportunityid"]:
            assert instance["activestageid"] == develop
            assert instance["bpf_opportunityid"] == lead["qualifyingopportunityid"]
        else:
            assert instance["activestageid"] == stage_id(LEAD_FLOW, "Qualify")
            assert instance["statuscode"] == (3 if lead["statecode"] == 2 else 1)
    assert states == {0, 1, 2}
