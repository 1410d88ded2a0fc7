"""The regression gate: what changed between two ``conformance.json`` reports.

``load_report`` reads a saved report and checks it against the schema, turning every way a file
can be unusable (missing, not JSON, not a report) into one ``ReportInputError`` with a one-line
message. ``compare`` matches scenarios by their stable id and requirements by their ID, and sorts
each into newly failing (passed before, does not pass now: any other outcome counts), newly
passing, added, removed or unchanged. A regression is a scenario or requirement that is newly
failing, or added without passing; a removed one is listed but is not a regression.
``render_text`` and ``render_markdown`` print the comparison for a terminal or a CI summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby
from pathlib import Path
from typing import Any

from harness.report.document import ReportSchemaError, client_name, validate_document
from harness.report.markdown import OUTCOMES, VERDICTS, table_cell
from harness.report.model import Outcome, worst

__all__ = [
    "Change",
    "Comparison",
    "Difference",
    "ReportInputError",
    "RunSide",
    "compare",
    "load_report",
    "render_markdown",
    "render_text",
]

PROBLEM_LIMIT = 200  # characters of the first schema problem quoted in an error


class ReportInputError(ValueError):
    """A file that cannot be compared: missing, unreadable, not JSON, or not a conformance report."""


class Change(StrEnum):
    """How one scenario or requirement changed from the old report to the new one."""

    NEWLY_FAILING = "newly failing"
    NEWLY_PASSING = "newly passing"
    ADDED = "added"
    REMOVED = "removed"
    UNCHANGED = "unchanged"


# The order changes are listed in: what needs attention first.
CHANGE_ORDER = (Change.NEWLY_FAILING, Change.ADDED, Change.NEWLY_PASSING, Change.REMOVED, Change.UNCHANGED)


@dataclass(frozen=True)
class Difference:
    """One scenario or requirement in either report: its outcome before and after (``None`` where
    it is absent), and when it does not pass now, where to look: the step a scenario stopped at
    and why, or the scenarios that gave a requirement its outcome."""

    id: str
    change: Change
    old: str | None
    new: str | None
    detail: str | None = None

    @property
    def regression(self) -> bool:
        return self.change is Change.NEWLY_FAILING or (
            self.change is Change.ADDED and self.new != Outcome.PASSED
        )


@dataclass(frozen=True)
class RunSide:
    """What the comparison says about one of the two runs."""

    label: str
    verdict: str
    client: str
    started: str

    @classmethod
    def of(cls, document: dict[str, Any], label: str) -> RunSide:
        return cls(label, document["verdict"], client_name(document), document["run"]["started"])


@dataclass(frozen=True)
class Comparison:
    """Two reports compared, scenario by scenario and requirement by requirement."""

    old: RunSide
    new: RunSide
    scenarios: list[Difference]
    requirements: list[Difference]

    @property
    def regressions(self) -> list[Difference]:
        return [difference for difference in self.scenarios + self.requirements if difference.regression]

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)

    def headline(self) -> str:
        """``Regression in ...`` or ``No regression``, on one line."""
        if not self.regressed:
            return "No regression"
        parts = [
            _count(sum(d.regression for d in differences), noun)
            for differences, noun in ((self.scenarios, "scenario"), (self.requirements, "requirement"))
        ]
        return "Regression in " + " and ".join(part for part in parts if not part.startswith("0 "))


def load_report(path: str | Path) -> dict[str, Any]:
    """A saved ``conformance.json``, checked against the schema; ``ReportInputError`` otherwise."""
    document = read_json(path)
    try:
        validate_document(document)
    except ReportSchemaError as exc:
        first = " ".join(exc.problems[0].split())
        if len(first) > PROBLEM_LIMIT:
            first = first[: PROBLEM_LIMIT - 3] + "..."
        problems = _count(len(exc.problems), "schema problem")
        raise ReportInputError(f"{path}: not a conformance report ({problems}; first: {first})") from None
    result: dict[str, Any] = document
    return result


def read_json(path: str | Path) -> Any:
    """The JSON in the file at ``path``; ``ReportInputError`` saying why it cannot be had."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportInputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ReportInputError(f"{path}: not JSON (not UTF-8 text)") from None
    except OSError as exc:
        raise ReportInputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(
            f"{path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    return document


def compare(
    old: dict[str, Any], new: dict[str, Any], *, old_label: str = "old", new_label: str = "new"
) -> Comparison:
    """What changed from ``old`` to ``new``, two documents that match the report schema."""
    where = {scenario["id"]: _detail(scenario) for scenario in new["scenarios"]}
    failing = {
        result["id"]: "failing: " + ", ".join(result["failing"])
        for result in new["requirements"]
        if result["failing"]
    }
    return Comparison(
        old=RunSide.of(old, old_label),
        new=RunSide.of(new, new_label),
        scenarios=_differences(_outcomes(old["scenarios"]), _outcomes(new["scenarios"]), where),
        requirements=_differences(
            _outcomes(old["requirements"]),
            _outcomes(new["requirements"]),
            failing,
        ),
    )


def _outcomes(entries: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Outcome by id, in report order; an id listed twice takes the worse of its outcomes."""
    seen: dict[str, list[Outcome]] = {}
    for entry in entries:
        seen.setdefault(entry["id"], []).append(Outcome(entry["outcome"]))
    return {key: worst(outcomes).value for key, outcomes in seen.items()}


def _differences(
    old: dict[str, str], new: dict[str, str], details: Mapping[str, str | None]
) -> list[Difference]:
    """Every id of either side, those of ``new`` in its order, then those only ``old`` has."""
    differences = []
    for key, outcome in new.items():
        before = old.get(key)
        if before is None:
            change = Change.ADDED
        elif (before == Outcome.PASSED) == (outcome == Outcome.PASSED):
            change = Change.UNCHANGED
        else:
            change = Change.NEWLY_PASSING if outcome == Outcome.PASSED else Change.NEWLY_FAILING
        detail = details.get(key) if outcome != Outcome.PASSED else None
        differences.append(Difference(key, change, before, outcome, detail))
    differences += [
        Difference(key, Change.REMOVED, before, None) for key, before in old.items() if key not in new
    ]
    return differences


def _detail(scenario: dict[str, Any]) -> str | None:
    """The failing step and the first line of the message (or the reason), on one line."""
    parts = []
    if (step := scenario["failing_step"]) is not None:
        parts.append(f"{step['keyword']} {step['text']} (line {step['line']})")
    if text := scenario["message"] or scenario["reason"]:
        parts.append(text.splitlines()[0])
    return ": ".join(parts) or None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _tally(differences: list[Difference]) -> str:
    counted = [(change, sum(d.change is change for d in differences)) for change in CHANGE_ORDER]
    return ", ".join(f"{number} {change}" for change, number in counted if number) or "none"


def _outcome(outcome: str | None) -> str:
    return "absent" if outcome is None else outcome.replace("_", " ")


def _listed(differences: list[Difference]) -> list[Difference]:
    """The differences worth a line: every change but ``unchanged``, in the order of ``CHANGE_ORDER``."""
    return sorted(
        (d for d in differences if d.change is not Change.UNCHANGED),
        key=lambda d: CHANGE_ORDER.index(d.change),
    )


def render_text(comparison: Comparison) -> str:
    """The comparison for a terminal: the headline, both runs, then each change per section."""
    lines = [comparison.headline()]
    for name, side in (("old", comparison.old), ("new", comparison.new)):
        lines.append(f"  {name}: {side.label} ({_outcome(side.verdict)}; {side.client}; {side.started})")
    for title, differences in (
        ("Scenarios", comparison.scenarios),
        ("Requirements", comparison.requirements),
    ):
        lines += ["", f"{title}: {_tally(differences)}"]
        for change, group in groupby(_listed(differences), key=lambda d: d.change):
            lines.append(f"  {change}:")
            for difference in group:
                flag = "  [regression]" if difference.regression and change is Change.ADDED else ""
                lines.append(
                    f"    {difference.id}: {_outcome(difference.old)} -> {_outcome(difference.new)}{flag}"
                )
                if difference.detail:
                    lines.append(f"      {difference.detail}")
    return "\n".join(lines) + "\n"


def render_markdown(comparison: Comparison) -> str:
    """The comparison for a CI step summary: the headline, a table of both runs, a table of changes
    per section."""
    old, new = comparison.old, comparison.new
    mark = "❌" if comparison.regressed else "✅"
    lines = [
        f"## {mark} {comparison.headline()}",
        "",
        "| | Old | New |",
        "|---|---|---|",
        f"| Report | {table_cell(old.label)} | {table_cell(new.label)} |",
        f"| Verdict | {VERDICTS[old.verdict]} | {VERDICTS[new.verdict]} |",
        f"| Client | {table_cell(old.client)} | {table_cell(new.client)} |",
        f"| Started | {old.started} | {new.started} |",
    ]
    for title, differences in (("Scenario", comparison.scenarios), ("Requirement", comparison.requirements)):
        lines += ["", f"### {title}s: {_tally(differences)}"]
        listed = _listed(differences)
        if not listed:
            continue
        lines += ["", f"| Change | {title} | Old | New | Where |", "|---|---|---|---|---|"]
        for d in listed:
            change = f"❌ {d.change}" if d.regression else str(d.change)
            lines.append(
                f"| {change} | {table_cell(d.id)} | {_badge(d.old)} | {_badge(d.new)} | "
                f"{table_cell(d.detail or '')} |"
            )
    return "\n".join(lines) + "\n"


def _badge(outcome: str | None) -> str:
    return "—" if outcome is None else OUTCOMES[outcome]
