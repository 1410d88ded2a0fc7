"""Declared exceptions (``--expectations``) on real pytest runs: failures declared in the file
give "conformant with declared exceptions"; a declared failure that passes, an entry that matches
nothing and an expired entry each make the run not conformant; a bad file stops the run before
it starts. The scenarios cover the whole catalogue so that a verdict can be reached."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.report import validate_document
from harness.report.expectations import Expectations
from harness.requirements import catalogue
from tests.harness.test_report import STEPS

pytest_plugins = ["pytester"]

OTHERS = " ".join(f"@{rid}" for rid in catalogue().ids if rid not in ("MO-ENT-002", "MO-ENT-008"))
FEATURE = f"""\
Feature: Expectations

  {OTHERS}
  Scenario: Everything else passes
    Given nothing in particular
    Then the check holds

  @MO-ENT-002
  Scenario: Fails
    Given nothing in particular
    Then the check fails

  @MO-ENT-008
  Scenario Outline: <number> is even
    Given nothing in particular
    Then the number <number> is even

    Examples:
      | number |
      | 2      |
      | 3      |
"""
ODD = "expectations.feature::<number> is even[number=3]"
TOMORROW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
YESTERDAY = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_steps=STEPS)
    pytester.makefile(".feature", expectations=FEATURE)
    pytester.makeini("[pytest]\nxfail_strict = true\n")
    return pytester


def declare(suite: pytest.Pytester, *entries: tuple[str, str]) -> None:
    """Write ``expected.yaml`` with one exception per (id, expiry date)."""
    lines = ["expectations_version: 1", "exceptions:"]
    for rid, expires in entries:
        lines += [
            f"  - id: {json.dumps(rid)}",
            "    reason: Not built yet",
            "    issue: https://tracker.invalid/CLIENT-12",
            f"    expires: {expires}",
        ]
    (suite.path / "expected.yaml").write_text("\n".join(lines) + "\n")


def run(suite: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = suite.runpytest("-p", "no:randomly", "--expectations", "expected.yaml", *args)
    document: dict[str, Any] = json.loads((suite.path / "reports" / "conformance.json").read_text())
    validate_document(document)
    return result, document


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {entry["id"]: entry["status"] for entry in document["expectations"]["entries"]}


def outcome(document: dict[str, Any], key: str) -> str:
    found = [s["outcome"] for s in document["scenarios"] if s["id"] == key]
    found += [r["outcome"] for r in document["requirements"] if r["id"] == key]
    return found[0]


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_failures_declared_in_the_file_make_the_run_conformant_with_exceptions(
    suite: pytest.Pytester, workers: tuple[str, ...]
) -> None:
    declare(suite, ("MO-ENT-002", TOMORROW), (ODD, TOMORROW))
    result, document = run(suite, *workers)
    result.assert_outcomes(passed=2, xfailed=2)
    assert result.ret == pytest.ExitCode.OK
    assert document["verdict"] == "conformant_with_exceptions"
    assert statuses(document) == {"MO-ENT-002": "held", ODD: "held"}
    assert outcome(document, "MO-ENT-002") == outcome(document, ODD) == "expected_failure"
    assert outcome(document, "MO-ENT-008") == "expected_failure"
    odd = next(s for s in document["scenarios"] if s["id"] == ODD)
    assert odd["reason"].startswith(f"declared exception {ODD}: Not built yet (https://tracker.invalid/CLIENT-12")
    summary = (suite.path / "reports" / "summary.md").read_text()
    assert summary.startswith("# ☑️ Conformant with declared exceptions")
    assert "| MO-ENT-002 | 🟡 failed as declared | Not built yet |" in summary
    page = (suite.path / "reports" / "conformance.html").read_text()
    assert "Conformant with declared exceptions</h1>" in page
    assert "Declared exceptions</h2>" in page


def test_a_declared_failure_that_passes_fails_the_run(suite: pytest.Pytester) -> None:
    declare(suite, ("MO-ENT-002", TOMORROW), ("expectations.feature::<number> is even[number=2]", TOMORROW))
    result, document = run(suite)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert document["verdict"] == "not_conformant"
    assert statuses(document)["expectations.feature::<number> is even[number=2]"] == "unexpected_pass"
    assert outcome(document, "MO-ENT-008") == "failed"  # the odd row fails, undeclared


@pytest.mark.parametrize("selection", [(), ("-k", "fails or even")], ids=["whole", "partial"])
def test_an_entry_that_matches_nothing_fails_an_otherwise_passing_run(
    suite: pytest.Pytester, selection: tuple[str, ...]
) -> None:
    nothing = "expectations.feature::No such thing"
    declare(suite, ("MO-ENT-002", TOMORROW), (ODD, TOMORROW), (nothing, TOMORROW))
    result, document = run(suite, *selection)
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # pytest alone would say 0
    assert document["verdict"] == "not_conformant"
    assert statuses(document)[nothing] == "unmatched"


def test_an_entry_whose_scenarios_a_partial_run_left_out_is_not_run(suite: pytest.Pytester) -> None:
    declare(suite, ("MO-ENT-002", TOMORROW), (ODD, TOMORROW))
    result, document = run(suite, "-k", "fails")
    result.assert_outcomes(xfailed=1, deselected=3)
    assert result.ret == pytest.ExitCode.OK
    assert document["verdict"] == "incomplete"
    assert statuses(document) == {"MO-ENT-002": "held", ODD: "not_run"}


def test_an_expired_entry_no_longer_excuses_its_failures(suite: pytest.Pytester) -> None:
    declare(suite, ("MO-ENT-002", YESTERDAY), (ODD, TOMORROW))
    result, document = run(suite)
    result.assert_outcomes(passed=2, failed=1, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert statuses(document)["MO-ENT-002"] == "expired"
    assert outcome(document, "MO-ENT-002") == "failed"
    summary = (suite.path / "reports" / "summary.md").read_text()
    assert "| MO-ENT-002 | ❗ expired |" in summary


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("exceptions: [", "is not YAML"),
        ("expectations_version: 1\nexceptions:\n  - id: MO-ENT-002\n", "'reason' is a required property"),
        (
            "expectations_version: 1\nexceptions:\n"
            "  - {id: MO-ENT-002, reason: r, issue: i, expires: soon}\n",
            "'soon' is not a 'date'",
        ),
        (
            "expectations_version: 1\nexceptions:\n"
            "  - {id: MO-ENT-002, reason: r, issue: i, expires: 2030-01-01}\n"
            "  - {id: MO-ENT-002, reason: s, issue: i, expires: 2030-01-01}\n",
            "declares MO-ENT-002 more than once",
        ),
    ],
    ids=["not-yaml", "no-reason", "bad-date", "twice"],
)
def test_a_bad_expectations_file_is_a_usage_error_before_anything_runs(
    suite: pytest.Pytester, content: str, problem: str
) -> None:
    (suite.path / "expected.yaml").write_text(textwrap.dedent(content))
    result = suite.runpytest("-p", "no:randomly", "--expectations", "expected.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--expectations: *{problem}*"])
    assert not (suite.path / "reports").exists()


def test_a_missing_expectations_file_is_a_usage_error(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--expectations", "nowhere.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--expectations: cannot read *nowhere.yaml*"])


def test_the_shipped_example_file_is_valid() -> None:
    example = Path(__file__).parents[2] / "docs" / "expectations.example.yaml"
    loaded = Expectations.load(example, dt.date(2026, 1, 1))
    assert loaded.entries
