"""The regression gate on reports built by hand: what counts as newly failing, newly passing,
added and removed, both renderings, and ``offline-conformance diff``'s exit codes and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import cli
from harness.report import Outcome, validate_document
from harness.report.diff import Change, ReportInputError, compare, load_report, render_markdown, render_text
from harness.report.model import counts

PASSED = "passed"


def report(
    scenarios: dict[str, str], requirements: dict[str, str], verdict: str = "incomplete"
) -> dict[str, Any]:
    """A valid ``conformance.json`` with these scenario and requirement outcomes (scenario ids are
    ``<file>::<name>``; every scenario checks every requirement, and a requirement fails in the
    scenarios with its outcome)."""
    document = {
        "report_version": 1,
        "verdict": verdict,
        "run": {
            "harness_version": "0.1.0",
            "catalogue_version": 1,
            "features_sha256": "0" * 64,
            "mock": None,
            "started": "2026-01-01T10:00:00.000Z",
            "finished": "2026-01-01T10:00:01.000Z",
            "duration": 1.0,
            "workers": 0,
            "platform": {"system": "Linux", "python": "3.11.0", "pytest": "9.0.0", "pytest_bdd": "9.0.0"},
        },
        "client": dict(spec="reference", name="reference", version="0.1.0", language="python", image=None),
        "totals": {
            "scenarios": dict(counts(Outcome(o) for o in scenarios.values())),
            "requirements": dict(counts(Outcome(o) for o in requirements.values())),
        },
        "scenarios": [_scenario(sid, outcome, sorted(requirements)) for sid, outcome in scenarios.items()],
        "requirements": [
            {
                "id": rid,
                "section": "ENT",
                "statement": "A requirement.",
                "outcome": outcome,
                "scenarios": list(scenarios),
                "failing": [
                    sid for sid, o in scenarios.items() if o == outcome and o not in (PASSED, "not_run")
                ],
            }
            for rid, outcome in requirements.items()
        ],
        "expectations": None,
    }
    validate_document(document)
    return document


def _scenario(sid: str, outcome: str, requirements: list[str]) -> dict[str, Any]:
    feature_file, name = sid.split("::")
    failed = outcome in ("failed", "error")
    return {
        "id": sid,
        "feature_file": feature_file,
        "feature": "Gate",
        "scenario": name,
        "name": name,
        "line": 3,
        "example": {},
        "requirements": requirements,
        "outcome": outcome,
        "error_kind": "timed_out" if outcome == "error" else None,
        "reason": "the client declares no search" if outcome == "skipped" else None,
        "duration": 0.1,
        "failing_step": {"keyword": "Then", "text": "the check holds", "line": 5} if failed else None,
        "message": "AssertionError: arithmetic is broken\nassert 2 == 3" if failed else None,
        "nodeid": f"test_gate.py::test_{name}",
    }


SCENARIOS = {
    "steady": "a.feature::Steady",
    "breaks": "a.feature::Breaks",
    "mends": "a.feature::Mends",
    "gone": "a.feature::Gone",
    "new": "b.feature::New",
}


def by_name(**outcomes: str) -> dict[str, str]:
    """Scenario outcomes by id, each scenario named by its key in ``SCENARIOS``."""
    return {SCENARIOS[name]: outcome for name, outcome in outcomes.items()}


def changes(differences: list[Any]) -> dict[str, tuple[Change, str | None, str | None]]:
    return {d.id: (d.change, d.old, d.new) for d in differences}


BEFORE = report(
    by_name(steady=PASSED, breaks=PASSED, mends="failed", gone=PASSED),
    {"MO-ENT-001": PASSED, "MO-ENT-002": "failed"},
)


def test_a_scenario_that_stops_passing_is_a_regression_whatever_its_new_outcome() -> None:
    for outcome in ("failed", "error", "skipped", "expected_failure", "unexpected_pass"):
        after = report(by_name(steady=PASSED, breaks=outcome), {"MO-ENT-001": PASSED})
        comparison = compare(BEFORE, after)
        breaks = next(d for d in comparison.scenarios if d.id == "a.feature::Breaks")
        assert (breaks.change, breaks.old, breaks.new, breaks.regression) == (
            Change.NEWLY_FAILING,
            PASSED,
            outcome,
            True,
        )
        assert comparison.regressed


def test_every_change_is_sorted_per_scenario_and_per_requirement() -> None:
    after = report(
        by_name(steady=PASSED, breaks="failed", mends=PASSED, new=PASSED),
        {"MO-ENT-001": "failed", "MO-ENT-002": PASSED, "MO-ENT-003": PASSED},
    )
    comparison = compare(BEFORE, after)
    assert changes(comparison.scenarios) == {
        "a.feature::Steady": (Change.UNCHANGED, PASSED, PASSED),
        "a.feature::Breaks": (Change.NEWLY_FAILING, PASSED, "failed"),
        "a.feature::Mends": (Change.NEWLY_PASSING, "failed", PASSED),
        "b.feature::New": (Change.ADDED, None, PASSED),
        "a.feature::Gone": (Change.REMOVED, PASSED, None),
    }
    assert changes(comparison.requirements) == {
        "MO-ENT-001": (Change.NEWLY_FAILING, PASSED, "failed"),
        "MO-ENT-002": (Change.NEWLY_PASSING, "failed", PASSED),
        "MO-ENT-003": (Change.ADDED, None, PASSED),
    }
    assert [d.id for d in comparison.regressions] == ["a.feature::Breaks", "MO-ENT-001"]
    assert comparison.headline() == "Regression in 1 scenario and 1 requirement"


def test_an_improvement_a_removal_and_a_passing_addition_are_no_regression() -> None:
    after = report(
        by_name(steady=PASSED, breaks=PASSED, mends=PASSED, new=PASSED),
        {"MO-ENT-001": PASSED, "MO-ENT-002": PASSED},
    )
    comparison = compare(BEFORE, after)
    assert not comparison.regressed
    assert comparison.headline() == "No regression"
    assert changes(comparison.scenarios)["a.feature::Gone"] == (Change.REMOVED, PASSED, None)


def test_an_added_scenario_that_does_not_pass_is_a_regression() -> None:
    after = report(
        by_name(steady=PASSED, breaks=PASSED, mends="failed", new="error"),
        {"MO-ENT-001": PASSED, "MO-ENT-002": "failed"},
    )
    comparison = compare(BEFORE, after)
    assert [(d.id, d.change) for d in comparison.regressions] == [("b.feature::New", Change.ADDED)]
    assert comparison.headline() == "Regression in 1 scenario"


def test_the_same_outcome_or_another_failing_one_is_unchanged() -> None:
    after = report(
        by_name(steady=PASSED, breaks=PASSED, mends="error", gone=PASSED),
        {"MO-ENT-001": PASSED, "MO-ENT-002": "skipped"},
    )
    comparison = compare(BEFORE, after)
    assert {d.change for d in comparison.scenarios + comparison.requirements} == {Change.UNCHANGED}
    assert not comparison.regressed


def test_the_text_lists_each_change_with_where_the_new_failures_stopped() -> None:
    after = report(
        by_name(steady=PASSED, breaks="failed", mends=PASSED, new="skipped"),
        {"MO-ENT-001": "failed", "MO-ENT-002": PASSED},
    )
    text = render_text(compare(BEFORE, after, old_label="old.json", new_label="new.json"))
    assert text.splitlines()[:3] == [
        "Regression in 2 scenarios and 1 requirement",
        "  old: old.json (incomplete; reference 0.1.0 (python); 2026-01-01T10:00:00.000Z)",
        "  new: new.json (incomplete; reference 0.1.0 (python); 2026-01-01T10:00:00.000Z)",
    ]
    assert (
        "Scenarios: 1 newly failing, 1 added, 1 newly passing, 1 removed, 1 unchanged\n"
        "  newly failing:\n"
        "    a.feature::Breaks: passed -> failed\n"
        "      Then the check holds (line 5): AssertionError: arithmetic is broken\n"
        "  added:\n"
        "    b.feature::New: absent -> skipped  [regression]\n"
        "      the client declares no search\n"
        "  newly passing:\n"
        "    a.feature::Mends: failed -> passed\n"
        "  removed:\n"
        "    a.feature::Gone: passed -> absent\n"
    ) in text
    assert text.endswith(
        "Requirements: 1 newly failing, 1 newly passing\n"
        "  newly failing:\n"
        "    MO-ENT-001: passed -> failed\n"
        "      failing: a.feature::Breaks\n"
        "  newly passing:\n"
        "    MO-ENT-002: failed -> passed\n"
    )


def test_the_markdown_has_a_table_of_both_runs_and_one_of_changes_per_section() -> None:
    after = report(
        by_name(steady=PASSED, breaks="failed", mends=PASSED, gone=PASSED),
        {"MO-ENT-001": PASSED, "MO-ENT-002": "failed"},
        verdict="not_conformant",
    )
    markdown = render_markdown(compare(BEFORE, after, old_label="old|1.json", new_label="new.json"))
    lines = markdown.splitlines()
    assert lines[0] == "## ❌ Regression in 1 scenario"
    assert "| Report | old\\|1.json | new.json |" in lines
    assert "| Verdict | ⚠️ Incomplete | ❌ Not conformant |" in lines
    assert "### Scenarios: 1 newly failing, 1 newly passing, 2 unchanged" in lines
    assert (
        "| ❌ newly failing | a.feature::Breaks | ✅ passed | ❌ failed | "
        "Then the check holds (line 5): AssertionError: arithmetic is broken |"
    ) in lines
    assert "| newly passing | a.feature::Mends | ❌ failed | ✅ passed |  |" in lines
    assert lines[-1] == "### Requirements: 2 unchanged"  # nothing changed: no table
    assert render_markdown(compare(BEFORE, BEFORE)).startswith("## ✅ No regression\n")


def write(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document))
    return str(path)


def test_diff_exits_0_without_and_1_with_a_regression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path / "old.json", BEFORE)
    worse = write(tmp_path / "worse.json", report(by_name(breaks="error"), {"MO-ENT-001": "error"}))
    assert cli.main(["diff", old, old]) == 0
    assert capsys.readouterr().out.startswith("No regression\n")
    assert cli.main(["diff", old, worse]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Regression in 1 scenario and 1 requirement\n")
    assert "a.feature::Breaks: passed -> error" in out
    assert cli.main(["diff", old, worse, "--format", "markdown"]) == 1
    assert capsys.readouterr().out.startswith("## ❌ Regression in 1 scenario and 1 requirement\n")
    assert cli.main(["diff", worse, old]) == 1  # "Mends" is added, and fails
    capsys.readouterr()
    better = report(by_name(breaks=PASSED), {"MO-ENT-001": PASSED})
    assert cli.main(["diff", worse, write(tmp_path / "better.json", better)]) == 0
    assert "a.feature::Breaks: error -> passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
        ('{"report_version": 1}', "not a conformance report (6 schema problems; first: $: '"),
        (json.dumps(BEFORE | {"report_version": 2}), "not a conformance report (1 schema problem; first: "),
    ],
    ids=["missing", "not-json", "not-a-report", "other-version"],
)
def test_diff_refuses_a_bad_file_in_one_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    good = write(tmp_path / "good.json", BEFORE)
    for arguments in (["diff", str(bad), good], ["diff", good, str(bad)]):
        assert cli.main(arguments) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(f"offline-conformance diff: {bad}: {message}")
        assert captured.err.count("\n") == 1
    with pytest.raises(ReportInputError, match=message.split(" (")[0]):
        load_report(bad)


def test_a_huge_schema_problem_is_cut_short(tmp_path: Path) -> None:
    broken = BEFORE | {"scenarios": "x" * 10_000}
    with pytest.raises(ReportInputError) as raised:
        load_report(write(tmp_path / "huge.json", broken))
    assert str(raised.value).endswith("...)")
    assert len(str(raised.value)) < len(str(tmp_path)) + 300
