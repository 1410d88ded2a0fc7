"""``summary.md``: the run for people, fit for a CI step summary, rendered from the document.

The verdict comes first, then the client and the totals, then one table per catalogue section:
each requirement, its outcome, and where it failed (the failing step and the first line of the
message of each scenario that gave the requirement its outcome).
"""

from __future__ import annotations

from typing import Any

from harness.requirements import Catalogue

__all__ = ["OUTCOMES", "VERDICTS", "render_summary", "table_cell"]

VERDICTS = {
    "conformant": "✅ Conformant",
    "not_conformant": "❌ Not conformant",
    "incomplete": "⚠️ Incomplete",
}
VERDICT_NOTES = {
    "conformant": "every requirement of the catalogue passed.",
    "not_conformant": "at least one requirement failed, errored, or was marked as failing.",
    "incomplete": "nothing failed, but some requirements were skipped or not run.",
}
OUTCOMES = {
    "passed": "✅ passed",
    "failed": "❌ failed",
    "error": "💥 error",
    "skipped": "⏭️ skipped",
    "expected_failure": "🟡 expected failure",
    "unexpected_pass": "❗ unexpected pass",
    "not_run": "⚪ not run",
}


def render_summary(document: dict[str, Any], catalogue: Catalogue) -> str:
    """The Markdown summary of a ``conformance.json`` document."""
    verdict = document["verdict"]
    client = document["client"]
    named = f"{client['name']} {client['version']} ({client['language']})" if client["name"] else "unknown"
    lines = [
        f"# {VERDICTS[verdict]}",
        "",
        f"**{VERDICTS[verdict].split(' ', 1)[1]}**: {VERDICT_NOTES[verdict]}",
        "",
        f"- Client: {table_cell(named)} (`--client {table_cell(client['spec'])}`)",
        f"- Requirements: {_tally(document['totals']['requirements'])}",
        f"- Scenarios: {_tally(document['totals']['scenarios'])}",
        f"- Run: {document['run']['started']}, {document['run']['duration']:.1f} s, "
        f"harness {document['run']['harness_version']}",
    ]
    scenarios = {scenario["id"]: scenario for scenario in document["scenarios"]}
    by_section: dict[str, list[dict[str, Any]]] = {}
    for requirement in document["requirements"]:
        by_section.setdefault(requirement["section"], []).append(requirement)
    for section in catalogue.sections:
        if section.key not in by_section:
            continue
        lines += ["", f"## {section.number}. {section.title}", ""]
        lines += ["| Requirement | Outcome | Failing step |", "|---|---|---|"]
        for requirement in by_section[section.key]:
            where = "<br>".join(_where(scenarios[sid]) for sid in requirement["failing"])
            lines.append(f"| {requirement['id']} | {OUTCOMES[requirement['outcome']]} | {where} |")
    return "\n".join(lines) + "\n"


def _tally(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{count} {outcome.replace('_', ' ')}" for outcome, count in counts.items() if count)
        or "none"
    )


def _where(scenario: dict[str, Any]) -> str:
    """Which scenario, at which step, and why, on one table line."""
    step = scenario["failing_step"]
    parts = [f"{scenario['name']}"]
    if step is not None:
        parts.append(f"`{step['keyword']} {step['text']}` ({scenario['feature_file']}:{step['line']})")
    detail = (
        scenario["reason"] if scenario["outcome"] in ("skipped", "unexpected_pass") else scenario["message"]
    )
    if detail:
        parts.append(detail.splitlines()[0])
    if scenario["error_kind"]:
        parts.append(f"[{scenario['error_kind']}]")
    return table_cell(": ".join(parts))


def table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
