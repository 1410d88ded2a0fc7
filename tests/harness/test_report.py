"""Conformance reports from real pytest runs (pytester): every outcome, the roll-up per
requirement, stable ids of example rows, the schema of the written JSON, one merged report under
pytest-xdist, and the exit code that follows the verdict of a conformance run only."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.report import REPORT_FILES, ReportSchemaError, report_schema, validate_document
from harness.requirements import catalogue
from tests.harness.test_plugin import STEPS as PLUGIN_STEPS
from tests.harness.test_plugin import feature

pytest_plugins = ["pytester"]

STEPS = """
import pytest
from pytest_bdd import given, parsers, scenarios, then
from harness.errors import ClientTimedOut

scenarios(".")


@given("nothing in particular")
def nothing():
    pass


@then("the check holds")
def holds():
    pass


@then("the check fails")
def fails():
    assert 1 + 1 == 3, "arithmetic is broken"


@then("the scenario does not apply")
def does_not_apply():
    pytest.skip("the client declares no search")


@then("the client stops answering")
def stops_answering():
    raise ClientTimedOut("sync", 1.5)


@then(parsers.parse("the number {number:d} is even"))
def is_even(number):
    assert number % 2 == 0
"""

FEATURE = """\
Feature: Report check

  @MO-ENT-001
  Scenario: Passes
    Given nothing in particular
    Then the check holds

  @MO-ENT-001
  Scenario: Passes again
    Given nothing in particular
    Then the check holds

  @MO-ENT-002
  Scenario: Fails
    Given nothing in particular
    Then the check fails

  @MO-ENT-003
  Scenario: Skips
    Given nothing in particular
    Then the scenario does not apply

  @MO-ENT-004 @xfail
  Scenario: Fails as expected
    Given nothing in particular
    Then the check fails

  @MO-ENT-005 @xfail
  Scenario: Passes against expectations
    Given nothing in particular
    Then the check holds

  @MO-ENT-006
  Scenario: The client hangs
    Given nothing in particular
    Then the client stops answering

  @MO-ENT-007
  Scenario: A step nobody wrote
    Given nothing in particular
    Then the step has no definition

  @MO-ENT-008
  Scenario Outline: <number> is even
    Given nothing in particular
    Then the number <number> is even

    Examples:
      | number |
      | 2      |
      | 3      |
"""

EXPECTED = {
    "report.feature::Passes": ("passed", None),
    "report.feature::Passes again": ("passed", None),
    "report.feature::Fails": ("failed", None),
    "report.feature::Skips": ("skipped", None),
    "report.feature::Fails as expected": ("expected_failure", None),
    "report.feature::Passes against expectations": ("unexpected_pass", None),
    "report.feature::The client hangs": ("error", "timed_out"),
    "report.feature::A step nobody wrote": ("error", "undefined_step"),
    "report.feature::<number> is even[number=2]": ("passed", None),
    "report.feature::<number> is even[number=3]": ("failed", None),
}


def line_of(text: str, after: str = "") -> int:
    """The line of the feature where ``text`` first appears after the line holding ``after``."""
    lines = FEATURE.splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines) if n >= start and text in line) + 1


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_steps=STEPS)
    pytester.makefile(".feature", report=FEATURE)
    pytester.makeini("[pytest]\nxfail_strict = true\n")  # as the project runs
    # A conftest the scenarios are outside of makes pytest call hooks on a subset of the plugins.
    pytester.mkpydir("elsewhere").joinpath("conftest.py").write_text("")
    return pytester


def load(directory: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((directory / "conformance.json").read_text())
    validate_document(document)
    return document


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {scenario["id"]: scenario for scenario in document["scenarios"]}


def requirement(document: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(result for result in document["requirements"] if result["id"] == rid)


def test_every_outcome_is_recorded_with_its_failing_step_and_message(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=5, skipped=1, xfailed=1)
    document = load(suite.path / "reports")
    scenarios = by_id(document)
    assert {sid: (s["outcome"], s["error_kind"]) for sid, s in scenarios.items()} == EXPECTED

    failed = scenarios["report.feature::Fails"]
    assert failed["failing_step"] == {
        "keyword": "Then",
        "text": "the check fails",
        "line": line_of("the check fails"),
    }
    assert failed["message"].startswith("AssertionError: arithmetic is broken")
    assert failed["requirements"] == ["MO-ENT-002"]
    assert scenarios["report.feature::Skips"]["reason"] == "the client declares no search"
    expected = scenarios["report.feature::Fails as expected"]
    assert expected["failing_step"]["text"] == "the check fails"
    hangs = scenarios["report.feature::The client hangs"]
    assert hangs["message"].startswith("harness.errors.ClientTimedOut: the client did not answer 'sync'")
    assert hangs["failing_step"]["text"] == "the client stops answering"
    undefined = scenarios["report.feature::A step nobody wrote"]
    assert undefined["failing_step"] == {
        "keyword": "Then",
        "text": "the step has no definition",
        "line": line_of("the step has no definition"),
    }
    assert document["totals"]["scenarios"] == {
        "passed": 3,
        "failed": 2,
        "error": 2,
        "skipped": 1,
        "expected_failure": 1,
        "unexpected_pass": 1,
        "not_applicable": 0,
        "not_run": 0,
    }


def test_requirements_roll_up_to_their_worst_scenario_and_the_rest_are_not_run(
    suite: pytest.Pytester,
) -> None:
    suite.runpytest("-p", "no:randomly")
    document = load(suite.path / "reports")
    outcomes = {result["id"]: result["outcome"] for result in document["requirements"]}
    assert list(outcomes) == list(catalogue().ids)
    assert {rid: outcomes[rid] for rid in (f"MO-ENT-00{n}" for n in range(1, 9))} == {
        "MO-ENT-001": "passed",
        "MO-ENT-002": "failed",
        "MO-ENT-003": "skipped",
        "MO-ENT-004": "expected_failure",
        "MO-ENT-005": "unexpected_pass",
        "MO-ENT-006": "error",
        "MO-ENT-007": "error",
        "MO-ENT-008": "failed",
    }
    assert {outcomes[rid] for rid in catalogue().ids[8:]} == {"not_run"}
    outline = requirement(document, "MO-ENT-008")
    assert outline["scenarios"] == [
        "report.feature::<number> is even[number=2]",
        "report.feature::<number> is even[number=3]",
    ]
    assert outline["failing"] == ["report.feature::<number> is even[number=3]"]
    assert requirement(document, "MO-ENT-001")["failing"] == []
    assert document["verdict"] == "not_conformant"


def test_example_rows_give_stable_ids_and_rendered_names(suite: pytest.Pytester) -> None:
    suite.runpytest("-p", "no:randomly", "-k", "even")
    row = by_id(load(suite.path / "reports"))["report.feature::<number> is even[number=3]"]
    assert row["scenario"] == "<number> is even"
    assert row["name"] == "3 is even"
    assert row["example"] == {"number": "3"}
    assert row["line"] == line_of("Scenario Outline")
    assert row["failing_step"]["text"] == "the number 3 is even"


def test_the_written_report_validates_against_the_packaged_schema(suite: pytest.Pytester) -> None:
    suite.runpytest("-p", "no:randomly", "--report-dir", "out")
    jsonschema.Draft202012Validator.check_schema(report_schema())
    document = load(suite.path / "out")  # validates
    assert sorted(path.name for path in (suite.path / "out").iterdir()) == sorted(REPORT_FILES)
    assert not (suite.path / "reports").exists()
    assert document["report_version"] == 1
    assert document["client"] == dict(spec="reference", name=None, version=None, language=None, image=None)
    assert document["run"]["mock"] is None  # these steps never reached a mock
    assert len(document["run"]["features_sha256"]) == 64
    document["scenarios"][0]["outcome"] = "flaky"
    del document["run"]["started"]
    with pytest.raises(ReportSchemaError) as raised:
        validate_document(document)
    assert len(raised.value.problems) == 2


def test_junit_and_summary_name_scenarios_by_stable_id_and_requirement(suite: pytest.Pytester) -> None:
    suite.runpytest("-p", "no:randomly")
    root = ET.parse(suite.path / "reports" / "junit.xml").getroot()
    suite_element = root.find("testsuite")
    assert suite_element is not None
    assert (suite_element.get("tests"), suite_element.get("failures"), suite_element.get("errors")) == (
        "10",
        "3",
        "2",
    )
    cases = {case.get("name"): case for case in suite_element.iter("testcase")}
    assert set(cases) == set(EXPECTED)
    failed = cases["report.feature::Fails"]
    assert failed.get("classname") == "Report check"
    assert [p.get("value") for p in failed.iter("property")] == ["MO-ENT-002"]
    failure = failed.find("failure")
    assert failure is not None
    line = line_of("the check fails")
    assert (
        failure.get("message") == f"Then the check fails (line {line}): AssertionError: arithmetic is broken"
    )
    error = cases["report.feature::The client hangs"].find("error")
    assert error is not None and error.get("type") == "timed_out"

    summary = (suite.path / "reports" / "summary.md").read_text()
    assert summary.startswith("# ❌ Not conformant\n")
    assert "## 1. Offline entities and commands" in summary
    assert "| MO-ENT-001 | ✅ passed |  |" in summary
    assert f"| MO-ENT-002 | ❌ failed | Fails: `Then the check fails` (report.feature:{line})" in summary
    assert "| MO-ENT-006 | 💥 error | The client hangs: " in summary


def test_workers_send_their_scenarios_to_one_merged_report(suite: pytest.Pytester) -> None:
    serial = suite.runpytest("-p", "no:randomly", "--report-dir", "serial")
    parallel = suite.runpytest("-p", "no:randomly", "-n", "2", "--report-dir", "parallel")
    assert parallel.parseoutcomes() == serial.parseoutcomes()
    one, two = load(suite.path / "serial"), load(suite.path / "parallel")
    assert (one["run"]["workers"], two["run"]["workers"]) == (0, 2)

    def comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in s.items() if k not in ("duration", "nodeid")} for s in document["scenarios"]
        ]

    assert comparable(two) == comparable(one)
    assert len(two["scenarios"]) == len(EXPECTED)
    assert two["requirements"] == one["requirements"]
    assert two["verdict"] == one["verdict"] == "not_conformant"


def test_a_worker_that_dies_mid_scenario_leaves_an_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_dies=textwrap.dedent(
            """
            import os
            from pytest_bdd import scenarios, then

            scenarios("dies")

            @then("the worker dies")
            def dies():
                os._exit(3)
            """
        )
    )
    (suite.path / "dies").mkdir()
    (suite.path / "dies" / "dies.feature").write_text(
        "Feature: Dies\n  @MO-ENT-009\n  Scenario: The worker dies\n    Then the worker dies\n"
    )
    suite.runpytest("-p", "no:randomly", "-n", "2", "test_dies.py")
    [dead] = load(suite.path / "reports")["scenarios"]
    assert (dead["id"], dead["outcome"], dead["error_kind"]) == (
        "dies/dies.feature::The worker dies",
        "error",
        "worker_crashed",
    )
    assert "crashed" in dead["message"]


def test_a_client_error_in_a_real_client_is_an_error_with_its_kind(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        crashing_client=textwrap.dedent(
            """
            from clients.reference import ReferenceClient

            class CrashesOffline(ReferenceClient):
                def handle(self, message):
                    if message.get("cmd") == "go_offline":
                        raise RuntimeError("the device ran out of memory")
                    return super().handle(message)
            """
        ),
        test_steps=PLUGIN_STEPS,
    )
    pytester.makefile(".feature", crash=feature(("MO-ENT-001", "Crashes")))
    result = pytester.runpytest("-p", "no:randomly", "--client", "inprocess:crashing_client:CrashesOffline")
    result.assert_outcomes(failed=1)
    document = load(pytester.path / "reports")
    [crash] = document["scenarios"]
    assert (crash["outcome"], crash["error_kind"]) == ("error", "crashed")
    assert crash["failing_step"]["text"] == "it goes offline"
    assert "ran out of memory" in crash["message"]
    assert document["client"] == {
        "spec": "inprocess:crashing_client:CrashesOffline",
        "name": "reference",
        "version": "0.1.0",
        "language": "python",
        "image": None,
    }
    assert document["run"]["mock"]["seed"] == 1
    assert document["run"]["mock"]["embedded"] is True


def test_an_xfail_mark_is_no_declaration_and_fails_the_run(suite: pytest.Pytester) -> None:
    """Only an expectations file declares failures: pytest says 0, the verdict says not
    conformant (never "with exceptions"), and the run fails."""
    result = suite.runpytest("-p", "no:randomly", "-k", "expected")
    result.assert_outcomes(xfailed=1)
    assert load(suite.path / "reports")["verdict"] == "not_conformant"
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_unexpected_pass_without_strict_xfail_still_fails_the_run(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:randomly", "-o", "xfail_strict=false", "-k", "against")
    result.assert_outcomes(xpassed=1)
    [scenario] = load(suite.path / "reports")["scenarios"]
    assert scenario["outcome"] == "unexpected_pass"
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # pytest alone would say 0
    result.stdout.fnmatch_lines(["offline-conformance: not conformant; reports in *reports"])


def test_an_incomplete_run_keeps_pytests_exit_code(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:randomly", "-k", "Passes and not against")
    result.assert_outcomes(passed=2)
    assert load(suite.path / "reports")["verdict"] == "incomplete"
    assert result.ret == pytest.ExitCode.OK


def test_a_run_without_scenarios_writes_no_report_and_keeps_its_exit_code(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert not (pytester.path / "reports").exists()


GATE_STEPS = """
from pathlib import Path

import pytest
from pytest_bdd import scenarios, then

scenarios(".")


@then("the check holds")
def holds():
    pass


@then("the toggled check holds")
def toggled():
    state = Path("toggle").read_text()
    if state == "skip":
        pytest.skip("the client declares no search")
    assert state == "on", "the toggle is off"
"""

GATE_FEATURE = """\
Feature: Gate

  @MO-ENT-001
  Scenario: Steady
    Then the check holds

  @MO-ENT-002
  Scenario: Toggled
    Then the toggled check holds
"""


@pytest.fixture
def gate(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_steps=GATE_STEPS)
    pytester.makefile(".feature", gate=GATE_FEATURE)
    return pytester


def run_gate(gate: pytest.Pytester, toggle: str, *options: str) -> pytest.RunResult:
    (gate.path / "toggle").write_text(toggle)
    return gate.runpytest("-p", "no:randomly", *options)


def test_a_run_with_a_baseline_prints_the_changes_and_fails_on_a_regression(gate: pytest.Pytester) -> None:
    baseline = run_gate(gate, "on", "--report-dir", "baseline")
    assert baseline.ret == pytest.ExitCode.OK  # incomplete: the other requirements did not run

    same = run_gate(gate, "on", "--baseline", "baseline/conformance.json")
    assert same.ret == pytest.ExitCode.OK
    same.stdout.fnmatch_lines(["*offline-conformance: compared with the baseline*", "No regression"])

    # Skipped: pytest and the verdict (incomplete) would pass the run; the gate does not.
    skipped = run_gate(gate, "skip", "-n", "2", "--baseline", "baseline/conformance.json")
    skipped.assert_outcomes(passed=1, skipped=1)
    assert load(gate.path / "reports")["verdict"] == "incomplete"
    assert skipped.ret == pytest.ExitCode.TESTS_FAILED
    skipped.stdout.fnmatch_lines(
        [
            "Regression in 1 scenario and 1 requirement",
            "  old: baseline/conformance.json (incomplete; *",
            "  new: *reports/conformance.json (incomplete; *",
            "Scenarios: 1 newly failing, 1 unchanged",
            "    gate.feature::Toggled: passed -> skipped",
            "      the client declares no search",
            "Requirements: 1 newly failing, * unchanged",
            "    MO-ENT-002: passed -> skipped",
            "      failing: gate.feature::Toggled",
        ]
    )

    failed = run_gate(gate, "off", "--report-dir", "failed")
    assert failed.ret == pytest.ExitCode.TESTS_FAILED
    mended = run_gate(gate, "on", "--baseline", "failed/conformance.json")
    assert mended.ret == pytest.ExitCode.OK
    mended.stdout.fnmatch_lines(["No regression", "*gate.feature::Toggled: failed -> passed"])


def test_a_bad_baseline_is_a_usage_error_before_anything_runs(gate: pytest.Pytester) -> None:
    (gate.path / "empty.json").write_text("")
    for name, message in (("missing.json", "no such file"), ("empty.json", "not JSON (Expecting value*")):
        result = run_gate(gate, "on", "--baseline", name)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([f"ERROR: --baseline: {gate.path / name}: {message}"])
        assert not (gate.path / "reports").exists()
