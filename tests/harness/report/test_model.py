"""The roll-up per requirement and the verdict, on records built by hand."""

from __future__ import annotations

import pytest

from harness.report import Outcome, RequirementResult, ScenarioRecord, Verdict, judge, roll_up
from harness.requirements import catalogue


def record(sid: str, outcome: Outcome, *requirements: str) -> ScenarioRecord:
    return ScenarioRecord(
        id=sid,
        feature_file="x.feature",
        feature="X",
        scenario=sid,
        name=sid,
        line=1,
        example={},
        requirements=requirements,
        nodeid=f"test_x.py::{sid}",
        outcome=outcome,
    )


def results(*outcomes: Outcome) -> list[RequirementResult]:
    return [RequirementResult(f"MO-ENT-00{n}", "ENT", "", o) for n, o in enumerate(outcomes, 1)]


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ((Outcome.PASSED, Outcome.PASSED), Verdict.CONFORMANT),
        ((Outcome.PASSED, Outcome.NOT_RUN), Verdict.INCOMPLETE),
        ((Outcome.PASSED, Outcome.SKIPPED), Verdict.INCOMPLETE),
        ((Outcome.NOT_RUN, Outcome.EXPECTED_FAILURE), Verdict.INCOMPLETE),
        ((Outcome.PASSED, Outcome.EXPECTED_FAILURE), Verdict.CONFORMANT_WITH_EXCEPTIONS),
        ((Outcome.PASSED, Outcome.NOT_APPLICABLE), Verdict.INCOMPLETE),
        ((Outcome.PASSED, Outcome.UNEXPECTED_PASS), Verdict.NOT_CONFORMANT),
        ((Outcome.ERROR, Outcome.PASSED), Verdict.NOT_CONFORMANT),
        ((Outcome.SKIPPED, Outcome.FAILED), Verdict.NOT_CONFORMANT),
    ],
)
def test_the_verdict(outcomes: tuple[Outcome, ...], expected: Verdict) -> None:
    assert judge(results(*outcomes)) is expected


def test_a_declaration_that_did_not_hold_makes_any_run_not_conformant() -> None:
    assert judge(results(Outcome.PASSED), declarations_hold=False) is Verdict.NOT_CONFORMANT


def test_every_requirement_passing_is_conformant() -> None:
    records = [record(rid, Outcome.PASSED, rid) for rid in catalogue().ids]
    assert judge(roll_up(records, catalogue())) is Verdict.CONFORMANT


def test_a_requirement_takes_the_worst_outcome_of_its_scenarios() -> None:
    records = [
        record("a", Outcome.PASSED, "MO-ENT-001"),
        record("b", Outcome.ERROR, "MO-ENT-001", "MO-ENT-002"),
        record("c", Outcome.FAILED, "MO-ENT-001"),
        record("d", Outcome.SKIPPED, "MO-ENT-002"),
    ]
    first, second, third = roll_up(records, catalogue())[:3]
    assert (first.outcome, [r.id for r in first.failing]) == (Outcome.FAILED, ["c"])
    assert (second.outcome, [r.id for r in second.failing]) == (Outcome.ERROR, ["b"])
    assert (third.outcome, third.scenarios, third.failing) == (Outcome.NOT_RUN, [], [])
