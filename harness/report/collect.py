"""Builds the scenario records of a run from pytest's hooks, the same way serially and under xdist.

Where a test runs (this process, or an xdist worker), ``pytest_runtest_makereport`` attaches to
each phase's report one user property, ``offline-conformance``, holding what only that process
knows: the scenario's identity and requirement IDs, the step that failed, the kind of client
error, and what the client and the mock said about themselves. Reports travel from workers to
the controller with their user properties, so the process that receives the reports
(``pytest_runtest_logreport``: this one serially, the controller under xdist) folds them into
one ``ScenarioRecord`` per scenario and, at the end of the session, writes the one report and
compares it with the baseline report, when one was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd.exceptions import StepDefinitionNotFoundError

from harness.device import NotApplicable
from harness.errors import ClientError
from harness.report import _compat
from harness.report.diff import Comparison, compare, render_text
from harness.report.document import RunFacts, build_document, distribution_version, features_hash
from harness.report.expectations import Expectations, declarations_hold
from harness.report.model import FailingStep, Outcome, ScenarioRecord, Verdict, judge, roll_up
from harness.report.output import write_reports
from harness.requirements import catalogue

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping

    from pytest_bdd.parser import Feature, Scenario, Step

    from harness.dataverse import Dataverse
    from harness.protocol.messages import Implementation

__all__ = ["PROPERTY", "ReportCollector", "note_client", "note_mock"]

PROPERTY = "offline-conformance"
MESSAGE_LIMIT = 4000  # characters of a failure message kept in the report

CLIENT_FACTS = pytest.StashKey[dict[str, Any]]()
MOCK_FACTS = pytest.StashKey[dict[str, Any]]()
FAILED_STEP = pytest.StashKey[tuple[FailingStep, bool]]()  # the step, and whether it is undefined
IDENTITY = pytest.StashKey[dict[str, Any] | None]()


def note_client(
    config: pytest.Config, implementation: Implementation, image: Mapping[str, str | None] | None = None
) -> None:
    """Remember who the client under test said it is in the handshake, and the container image
    it ran from (``reference``, ``id``, ``digest``) when it ran in one."""
    config.stash[CLIENT_FACTS] = {
        "name": implementation.name,
        "version": implementation.version,
        "language": implementation.language,
        "image": dict(image) if image is not None else None,
    }


def note_mock(config: pytest.Config, dataverse: Dataverse, *, embedded: bool) -> None:
    """Remember the mock Dataverse the scenarios run against: its URL, seed, scale and version."""
    seeded = dataverse.call("GET", f"{dataverse.origin}/_mock/seed")
    config.stash[MOCK_FACTS] = {
        "url": dataverse.server_url,
        "embedded": embedded,
        "seed": seeded.get("seed"),
        "scale": seeded.get("scale"),
        "version": distribution_version() if embedded else None,
    }


@dataclass(eq=False)  # pluggy keeps plugins in sets: identity, not value, must name one
class ReportCollector:
    """The report's pytest plugin object; registered by ``harness.plugin`` for every run."""

    config: pytest.Config
    baseline: dict[str, Any] | None = None  # the --baseline report, already validated
    expectations: Expectations | None = None  # the --expectations file, already validated
    unmatched_entries: list[str] | None = None  # its ids that name no collected scenario
    records: dict[str, ScenarioRecord] = field(default_factory=dict)  # by pytest node id
    feature_paths: dict[str, str] = field(default_factory=dict)  # feature file -> absolute path
    client: dict[str, Any] | None = None
    mock: dict[str, Any] | None = None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    workers: set[str] = field(default_factory=set)  # the xdist workers that ran scenarios
    verdict: Verdict | None = None
    written: list[Path] = field(default_factory=list)
    comparison: Comparison | None = None

    @property
    def receives_reports(self) -> bool:
        """False on an xdist worker: its reports go to the controller, which builds the records."""
        return not hasattr(self.config, "workerinput")

    # --- where the scenarios are collected (in every process) ---------------------------------

    @pytest.hookimpl(tryfirst=True)  # before -m and -k deselect: an entry may name any scenario
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Mark each scenario a declared exception in force names as a strict expected failure,
        and note the entries that name no scenario at all."""
        if self.expectations is None:
            return
        collected = []
        for item in items:
            identity = self._identity(item)
            if identity is None:
                continue
            collected.append((identity["id"], identity["requirements"]))
            entry = self.expectations.declared(identity["id"], identity["requirements"])
            if entry is not None:
                item.add_marker(pytest.mark.xfail(reason=entry.xfail_reason, strict=True))
        self.unmatched_entries = self.expectations.unmatched(collected)

    # --- where the scenario runs -------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, step: Step) -> None:
        request.node.stash[FAILED_STEP] = (FailingStep(step.keyword, step.name, step.line_number), False)

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, feature: Feature, scenario: Scenario, step: Step
    ) -> None:
        request.node.stash[FAILED_STEP] = (FailingStep(step.keyword, step.name, step.line_number), True)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        identity = self._identity(item)
        if identity is not None:
            payload = dict(identity)
            if call.excinfo is not None:
                payload.update(_failure(item, call))
                if isinstance(call.excinfo.value, NotApplicable):
                    payload["not_applicable"] = call.excinfo.value.msg
            if CLIENT_FACTS in self.config.stash:
                payload["client"] = self.config.stash[CLIENT_FACTS]
            if MOCK_FACTS in self.config.stash:
                payload["mock"] = self.config.stash[MOCK_FACTS]
            if self.unmatched_entries is not None:  # collected by the worker, judged at the end
                payload["unmatched_entries"] = self.unmatched_entries
            report.user_properties.append((PROPERTY, payload))
        return report

    def _identity(self, item: pytest.Item) -> dict[str, Any] | None:
        if IDENTITY not in item.stash:
            item.stash[IDENTITY] = scenario_identity(item, self.config.rootpath)
        return item.stash[IDENTITY]

    # --- where the reports arrive ------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.receives_reports:
            return
        payload = next((value for name, value in report.user_properties if name == PROPERTY), None)
        if not isinstance(payload, dict):
            if report.failed and (known := self.records.get(report.nodeid)) is not None:
                # xdist reports a worker that died mid-scenario itself, without the worker's facts.
                known.outcome, known.error_kind = Outcome.ERROR, "worker_crashed"
                known.message = str(report.longrepr)[:MESSAGE_LIMIT]
            return  # otherwise not a scenario
        record = self.records.get(report.nodeid)
        if record is None:
            record = self.records[report.nodeid] = _new_record(report.nodeid, payload)
            self.feature_paths[record.feature_file] = payload["feature_path"]
        self.client = self.client or payload.get("client")
        if (worker := getattr(getattr(report, "node", None), "workerinput", {}).get("workerid")) is not None:
            self.workers.add(worker)
        self.mock = self.mock or payload.get("mock")
        if self.unmatched_entries is None:
            self.unmatched_entries = payload.get("unmatched_entries")
        fold(record, report, payload)

    # --- at the end ------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the reports, and fail a conformance run whose verdict is not conformant or that
        regressed from the baseline."""
        if not self.receives_reports:
            return
        option = self.config.getoption("report_dir")
        if option:
            directory = Path(option)
        elif self.records or self.baseline is not None:
            directory = self.config.rootpath / "reports"
        else:
            return  # not a conformance run, and no report asked for
        records = sorted(self.records.values(), key=lambda r: (r.feature_file, r.line, r.id))
        results = roll_up(records, catalogue())
        declared: dict[str, Any] | None = None
        reviewed = []
        if self.expectations is not None:
            unmatched = self.unmatched_entries
            if unmatched is None:  # no scenario reported back: nothing was collected to match
                unmatched = [entry.id for entry in self.expectations.entries]
            reviewed = self.expectations.review(records, unmatched)
            declared = {"file": str(self.expectations.path), "entries": reviewed}
        self.verdict = judge(results, declarations_hold=declarations_hold(reviewed, records))
        facts = RunFacts(
            started=self.started,
            finished=dt.datetime.now(dt.UTC),
            features_sha256=features_hash(self.feature_paths),
            client_spec=self.config.getoption("client"),
            client=self.client,
            mock=self.mock,
            workers=len(self.workers),
        )
        document = build_document(facts, records, results, self.verdict, catalogue(), declared)
        self.written = write_reports(directory, document, catalogue())
        if self.baseline is not None:
            self.comparison = compare(
                self.baseline,
                document,
                old_label=str(self.config.getoption("baseline")),
                new_label=str(self.written[0]),
            )
        failing = (self.records and self.verdict is Verdict.NOT_CONFORMANT) or (
            self.comparison is not None and self.comparison.regressed
        )
        if failing and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.written:
            verdict_text = self.verdict.value.replace("_", " ") if self.verdict else ""
            where = self.written[0].parent
            terminalreporter.write_line(f"offline-conformance: {verdict_text}; reports in {where}")
        if self.comparison is not None:
            terminalreporter.write_sep("-", "offline-conformance: compared with the baseline")
            for line in render_text(self.comparison).splitlines():
                terminalreporter.write_line(line)


def scenario_identity(item: pytest.Item, rootpath: Path) -> dict[str, Any] | None:
    """What names a scenario's test across runs; ``None`` for a test that runs no scenario."""
    template = _compat.scenario_template(item)
    if template is None:
        return None
    path = Path(template.feature.filename)
    feature_file = path.relative_to(rootpath).as_posix() if path.is_relative_to(rootpath) else path.name
    example = _compat.example_row(item)
    row = ", ".join(f"{column}={value}" for column, value in example.items())
    requirements = sorted({str(mark.args[0]) for mark in item.iter_markers("requirement") if mark.args})
    return {
        "id": f"{feature_file}::{template.name}" + (f"[{row}]" if row else ""),
        "feature_file": feature_file,
        "feature_path": str(path),
        "feature": template.feature.name,
        "scenario": template.name,
        "name": template.render(example).name,
        "line": template.line_number,
        "example": example,
        "requirements": requirements,
    }


def _failure(item: pytest.Item, call: pytest.CallInfo[None]) -> dict[str, Any]:
    """What a phase that raised says: the message, the kind of error, the step it stopped at."""
    assert call.excinfo is not None
    exception = call.excinfo.value
    facts: dict[str, Any] = {"message": call.excinfo.exconly()[:MESSAGE_LIMIT].rstrip()}
    if isinstance(exception, ClientError):
        facts["error_kind"] = exception.kind
    if call.when == "call" and FAILED_STEP in item.stash:
        step, undefined = item.stash[FAILED_STEP]
        facts["failing_step"] = asdict(step)
        if undefined or isinstance(exception, StepDefinitionNotFoundError):
            facts["error_kind"] = "undefined_step"
    return facts


def _new_record(nodeid: str, payload: dict[str, Any]) -> ScenarioRecord:
    """A scenario's record, an error until a phase's report says otherwise (it may never come)."""
    return ScenarioRecord(
        id=payload["id"],
        feature_file=payload["feature_file"],
        feature=payload["feature"],
        scenario=payload["scenario"],
        name=payload["name"],
        line=payload["line"],
        example=dict(payload["example"]),
        requirements=tuple(payload["requirements"]),
        nodeid=nodeid,
        outcome=Outcome.ERROR,
        error_kind="interrupted",
        message="the scenario's run ended before its outcome was reported",
    )


def fold(record: ScenarioRecord, report: pytest.TestReport, payload: dict[str, Any]) -> None:
    """Fold one phase's report into the scenario's record."""
    record.duration += report.duration
    wasxfail = getattr(report, "wasxfail", None)
    if report.when == "teardown":
        if report.failed and record.outcome is Outcome.PASSED:
            _set_error(record, payload, default_kind="teardown")
        return
    if report.when == "setup" and report.passed:
        return  # the steps decide
    record.error_kind = record.message = None
    if report.skipped:
        if wasxfail is not None:
            record.outcome, record.reason = Outcome.EXPECTED_FAILURE, wasxfail or None
            _set_failure(record, payload)
        else:
            if "not_applicable" in payload:
                record.outcome, record.reason = Outcome.NOT_APPLICABLE, payload["not_applicable"]
            else:
                record.outcome, record.reason = Outcome.SKIPPED, _skip_reason(report)
    elif report.failed:
        if isinstance(report.longrepr, str) and report.longrepr.startswith("[XPASS(strict)]"):
            reason = report.longrepr.removeprefix("[XPASS(strict)]").strip()
            record.outcome, record.reason = Outcome.UNEXPECTED_PASS, reason or None
        elif report.when == "setup" or "error_kind" in payload:
            _set_error(record, payload, default_kind="setup")
        else:
            record.outcome = Outcome.FAILED
            _set_failure(record, payload)
    elif report.when == "call":
        record.outcome = Outcome.UNEXPECTED_PASS if wasxfail is not None else Outcome.PASSED
        if wasxfail:
            record.reason = wasxfail


def _set_error(record: ScenarioRecord, payload: dict[str, Any], *, default_kind: str) -> None:
    record.outcome = Outcome.ERROR
    record.error_kind = payload.get("error_kind", default_kind)
    _set_failure(record, payload)


def _set_failure(record: ScenarioRecord, payload: dict[str, Any]) -> None:
    record.message = payload.get("message")
    if (step := payload.get("failing_step")) is not None:
        record.failing_step = FailingStep(step["keyword"], step["text"], step["line"])


def _skip_reason(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr or "")
    return text.removeprefix("Skipped: ").strip() or None
