"""``summary.md``: the run for people, fit for a CI step summary, rendered from the document.

The verdict comes first, then the client and the totals, then one table per catalogue section:
each requirement, its outcome, and where it failed (the failing step and the first line of the
message of each scenario that gave the requirement its outcome).
"""

from __future__ import annotations

from typing import Any

from harness.report.document import client_name
from harness.report.model import Outcome, Verdict
from harness.requirements import Catalogue

__all__ = ["OUTCOMES", "VERDICTS", "render_comparison_summary", "render_summary", "table_cell"]

VERDICT_ICONS = {
    Verdict.CONFORMANT: "✅",
    Verdict.CONFORMANT_WITH_EXCEPTIONS: "☑️",
    Verdict.NOT_CONFORMANT: "❌",
    Verdict.INCOMPLETE: "⚠️",
}
VERDICTS = {verdict.value: f"{icon} {verdict.headline}" for verdict, icon in VERDICT_ICONS.items()}
VERDICT_NOTES = {
    "conformant": "every requirement of the catalogue passed.",
    "conformant_with_exceptions": "every requirement passed or failed exactly as the expectations declared.",
    "not_conformant": "at least one requirement failed or errored, or a declared exception did not hold.",
    "incomplete": "nothing failed, but some requirements were skipped, not applicable or not run.",
}
EXCEPTION_STATUS = {
    "held": "🟡 failed as declared",
    "unexpected_pass": "❗ passed: remove the entry",
    "unmatched": "❗ matches no scenario of the run",
    "expired": "❗ expired",
    "not_run": "⚪ not run",
    "not_judged": "⚠️ not judged: skipped, not applicable or errored",
}
OUTCOME_ICONS = {
    Outcome.PASSED: "✅",
    Outcome.FAILED: "❌",
    Outcome.ERROR: "💥",
    Outcome.SKIPPED: "⏭️",
    Outcome.EXPECTED_FAILURE: "🟡",
    Outcome.UNEXPECTED_PASS: "❗",
    Outcome.NOT_APPLICABLE: "⚫",
    Outcome.NOT_RUN: "⚪",
}
OUTCOMES = {outcome.value: f"{icon} {outcome.label}" for outcome, icon in OUTCOME_ICONS.items()}


def render_summary(document: dict[str, Any], catalogue: Catalogue) -> str:
    """The Markdown summary of a ``conformance.json`` document."""
    verdict = document["verdict"]
    client = document["client"]
    named = client_name(document)
    lines = [
        f"# {VERDICTS[verdict]}",
        "",
        f"**{Verdict(verdict).headline}**: {VERDICT_NOTES[verdict]}",
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
    if document.get("expectations") is not None:
        source = table_cell(document["expectations"]["file"])
        lines += ["", "## Declared exceptions", "", f"From `{source}`.", ""]
        lines += ["| Id | Status | Reason | Issue | Expires |", "|---|---|---|---|---|"]
        for entry in document["expectations"]["entries"]:
            status = EXCEPTION_STATUS[entry["status"]]
            cells = (entry["id"], status, entry["reason"], entry["issue"], entry["expires"])
            lines.append("| " + " | ".join(table_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def render_comparison_summary(documents: list[tuple[str, dict[str, Any]]], catalogue: Catalogue) -> str:
    """One Markdown table with a column per run: the verdicts, then every requirement's outcome."""
    names = [client_name(document) for _, document in documents]
    outcomes = [{r["id"]: r["outcome"] for r in document["requirements"]} for _, document in documents]
    lines = [
        f"# Offline conformance: {len(documents)} runs compared",
        "",
        "| Requirement | "
        + " | ".join(
            table_cell(f"{name} ({label})") for name, (label, _) in zip(names, documents, strict=True)
        )
        + " |",
        "|---|" + "---|" * len(documents),
        "| **Verdict** | " + " | ".join(VERDICTS[document["verdict"]] for _, document in documents) + " |",
    ]
    for requirement in catalogue.requirements:
        cells = [OUTCOMES[by_id.get(requirement.id, "not_run")] for by_id in outcomes]
        lines.append(f"| {requirement.id} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _client(document: dict[str, Any]) -> str:
    client = document["client"]
    return (
        f"{client['name']} {client['version']} ({client['language']})" if client["name"] else client["spec"]
    )


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
        scenario["reason"]
        if scenario["outcome"] in ("skipped", "unexpected_pass", "not_applicable")
        else scenario["message"]
    )
    if detail:
        parts.append(detail.splitlines()[0])
    if scenario["error_kind"]:
        parts.append(f"[{scenario['error_kind']}]")
    return table_cell(": ".join(parts))


def table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
