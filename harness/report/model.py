"""The result model of a conformance run: one record per scenario, one roll-up per requirement.

pytest reports a test in up to three phases (setup, call, teardown), and under pytest-xdist the
reports of many workers arrive interleaved at the controller. ``ScenarioRecord`` is what one
scenario comes to once its phases are folded together; ``roll_up`` turns the records into one
``RequirementResult`` per requirement of the catalogue (a requirement no scenario checked is
``not_run``), and ``verdict`` turns those into the run's verdict. Everything here is plain data,
free of pytest, so the writers and the tests can build it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from harness.requirements import Catalogue

__all__ = [
    "FailingStep",
    "Outcome",
    "RequirementResult",
    "ScenarioRecord",
    "Verdict",
    "counts",
    "judge",
    "roll_up",
]


class Outcome(StrEnum):
    """What became of a scenario, or (rolled up) of a requirement."""

    PASSED = "passed"
    FAILED = "failed"  # the client behaved against the requirement
    ERROR = "error"  # the scenario could not be judged: the client failed, or a step is missing
    SKIPPED = "skipped"
    EXPECTED_FAILURE = "expected_failure"  # declared failing (an expectations entry), and it failed
    UNEXPECTED_PASS = "unexpected_pass"  # declared failing, and it passed
    NOT_APPLICABLE = "not_applicable"  # needs a test hook the client says it does not offer
    NOT_RUN = "not_run"  # requirements only: no scenario of the run checks it

    @property
    def label(self) -> str:
        """How reports name it: "expected failure"."""
        return self.value.replace("_", " ")


# The worst outcome of a requirement's scenarios is the requirement's outcome.
SEVERITY = (
    Outcome.FAILED,
    Outcome.ERROR,
    Outcome.UNEXPECTED_PASS,
    Outcome.EXPECTED_FAILURE,
    Outcome.SKIPPED,
    Outcome.NOT_APPLICABLE,
    Outcome.PASSED,
)
NOT_CONFORMANT = frozenset({Outcome.FAILED, Outcome.ERROR, Outcome.UNEXPECTED_PASS})


class Verdict(StrEnum):
    """The run's verdict over the whole catalogue.

    Only the first two certify a client: a certificate covers the whole catalogue. ``incomplete``
    is what a partial run (``-m``, one feature file) or a client without an optional test hook
    comes to; it keeps pytest's exit code, so partial runs stay usable while developing.
    """

    CONFORMANT = "conformant"  # every requirement passed
    CONFORMANT_WITH_EXCEPTIONS = "conformant_with_exceptions"  # the rest failed as declared
    NOT_CONFORMANT = "not_conformant"  # a requirement failed or errored, a declaration did not hold
    INCOMPLETE = "incomplete"  # nothing failed, but a requirement was skipped, not applicable or not run

    @property
    def headline(self) -> str:
        """How reports headline it: "Conformant with declared exceptions"."""
        if self is Verdict.CONFORMANT_WITH_EXCEPTIONS:
            return "Conformant with declared exceptions"
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class FailingStep:
    """The step a scenario stopped at: keyword and text as rendered, and its line in the feature."""

    keyword: str
    text: str
    line: int

    def __str__(self) -> str:
        return f"{self.keyword} {self.text}"


@dataclass
class ScenarioRecord:
    """One scenario of one run. ``id`` is stable across runs: feature file, scenario name as
    written (placeholders unrendered) and the example row, never pytest's node id."""

    id: str
    feature_file: str
    feature: str
    scenario: str  # the scenario's name as written in the feature file
    name: str  # the name with the example row's values in place
    line: int
    example: dict[str, str]
    requirements: tuple[str, ...]
    nodeid: str
    outcome: Outcome = Outcome.PASSED
    duration: float = 0.0
    error_kind: str | None = None
    reason: str | None = None  # why it was skipped, or why it is expected to fail
    failing_step: FailingStep | None = None
    message: str | None = None


@dataclass
class RequirementResult:
    """One requirement's outcome over the scenarios that check it."""

    id: str
    section: str
    statement: str
    outcome: Outcome
    scenarios: list[ScenarioRecord] = field(default_factory=list)

    @property
    def failing(self) -> list[ScenarioRecord]:
        """The scenarios whose outcome is the requirement's, when that is not a pass."""
        if self.outcome in (Outcome.PASSED, Outcome.NOT_RUN):
            return []
        return [record for record in self.scenarios if record.outcome is self.outcome]


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The most severe of ``outcomes``; ``not_run`` when there are none."""
    present = set(outcomes)
    return next((outcome for outcome in SEVERITY if outcome in present), Outcome.NOT_RUN)


def roll_up(records: Iterable[ScenarioRecord], catalogue: Catalogue) -> list[RequirementResult]:
    """One result per requirement of the catalogue, in catalogue order."""
    by_requirement: dict[str, list[ScenarioRecord]] = {rid: [] for rid in catalogue.ids}
    for record in records:
        for rid in record.requirements:
            by_requirement.setdefault(rid, []).append(record)
    return [
        RequirementResult(
            requirement.id,
            requirement.section,
            requirement.statement,
            worst(record.outcome for record in by_requirement[requirement.id]),
            by_requirement[requirement.id],
        )
        for requirement in catalogue.requirements
    ]


def judge(results: Iterable[RequirementResult], *, declarations_hold: bool = True) -> Verdict:
    """Not conformant if any requirement is or a declared exception did not hold; else
    incomplete if any was not checked; else conformant, with exceptions if some failed as declared."""
    outcomes = {result.outcome for result in results}
    if outcomes & NOT_CONFORMANT or not declarations_hold:
        return Verdict.NOT_CONFORMANT
    if outcomes - {Outcome.PASSED, Outcome.EXPECTED_FAILURE}:
        return Verdict.INCOMPLETE
    if Outcome.EXPECTED_FAILURE in outcomes:
        return Verdict.CONFORMANT_WITH_EXCEPTIONS
    return Verdict.CONFORMANT


def counts(outcomes: Iterable[Outcome]) -> Mapping[str, int]:
    """How many of each outcome, every outcome named (zero included), in a fixed order."""
    tally = dict.fromkeys((outcome.value for outcome in Outcome), 0)
    for outcome in outcomes:
        tally[outcome.value] += 1
    return tally
