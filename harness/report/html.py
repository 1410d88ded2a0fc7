"""``conformance.html``: one self-contained page per run, and one page comparing several runs.

Rendered from the ``conformance.json`` document alone (so ``offline-conformance report`` can
render a saved result again) with Jinja2 templates in ``templates/``; styles are inline and
there is no script and no external asset, so the page opens from disk, from a CI artifact or
from a mail. The page leads with the verdict, then the offline entity table as the Microsoft page
draws it (entities by commands, each cell coloured by what the page says and marked with what
the run found), then every section's requirements with the step where they failed, the declared
exceptions, the mutant matrix when a ``mutants.json`` is given, and the run's facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import jinja2

from harness.report.document import client_name
from harness.report.markdown import EXCEPTION_STATUS
from harness.report.model import SEVERITY, Outcome, Verdict, counts
from harness.requirements import Catalogue, Command

__all__ = ["render_comparison", "render_html", "render_mutants"]

OUTCOME_MARKS = {
    Outcome.PASSED: "✓",
    Outcome.FAILED: "✗",
    Outcome.ERROR: "!",
    Outcome.SKIPPED: "-",
    Outcome.EXPECTED_FAILURE: "✗",
    Outcome.UNEXPECTED_PASS: "✓!",
    Outcome.NOT_APPLICABLE: "n/a",
    Outcome.NOT_RUN: "·",
}
OUTCOME_LABELS = {outcome.value: (mark, outcome.label) for outcome, mark in OUTCOME_MARKS.items()}
VERDICT_LABELS = {verdict.value: verdict.headline for verdict in Verdict}
COMMAND_LABELS = {
    Command.CREATE: "Create",
    Command.READ: "Read",
    Command.UPDATE: "Update",
    Command.DELETE: "Delete",
    Command.QUALIFY: "Qualify",
    Command.DISQUALIFY: "Disqualify",
    Command.CONVERT_TO_CASE: "Convert Activity → Case",
}


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        outcome_labels=OUTCOME_LABELS,
        verdict_labels=VERDICT_LABELS,
        exception_status=EXCEPTION_STATUS,
    )
    return environment


def render_html(
    document: dict[str, Any], catalogue: Catalogue, mutants: dict[str, Any] | None = None
) -> str:
    """The HTML page of one ``conformance.json`` document (and of a ``mutants.json``, if given)."""
    scenarios = {scenario["id"]: scenario for scenario in document["scenarios"]}
    return _environment().get_template("conformance.html.j2").render(
        document=document,
        client_name=client_name(document),
        matrix=entity_matrix(document, catalogue),
        commands=[(command.value, COMMAND_LABELS[command]) for command in Command],
        sections=_sections(document, catalogue),
        scenarios=scenarios,
        mutants=mutants,
        mutant_rows=_mutant_rows(mutants) if mutants is not None else [],
    )


def render_mutants(mutants: dict[str, Any]) -> str:
    """``mutants.html``: the mutant matrix of a ``mutants.json`` document, on a page of its own."""
    template = _environment().get_template("mutants.html.j2")
    return template.render(mutants=mutants, mutant_rows=_mutant_rows(mutants))


def render_comparison(documents: Sequence[tuple[str, dict[str, Any]]], catalogue: Catalogue) -> str:
    """One page with a column per run: each run's verdict, then every requirement's outcome."""
    columns = [(label, client_name(document), document) for label, document in documents]
    outcomes = [
        {requirement["id"]: requirement["outcome"] for requirement in document["requirements"]}
        for _, document in documents
    ]
    rows = [
        {
            "section": catalogue.section(requirement.section),
            "requirement": requirement,
            "outcomes": [by_id.get(requirement.id, "not_run") for by_id in outcomes],
        }
        for requirement in catalogue.requirements
    ]
    return _environment().get_template("comparison.html.j2").render(columns=columns, rows=rows)


def entity_matrix(document: dict[str, Any], catalogue: Catalogue) -> list[dict[str, Any]]:
    """One row per entity of the offline table: for each command, what the page says
    (``works``, ``refused`` or nothing) and the worst outcome of the scenarios that checked it."""
    scenarios = {scenario["id"]: scenario for scenario in document["scenarios"]}
    results = {requirement["id"]: requirement for requirement in document["requirements"]}
    rows = []
    for requirement in catalogue.requirements:
        if requirement.entity is None:
            continue
        result = results.get(requirement.id)
        checked = [scenarios[sid] for sid in result["scenarios"]] if result else []
        cells = []
        for command in Command:
            expected = (
                "works"
                if command in requirement.offline
                else "refused"
                if command in requirement.not_offered
                else None
            )
            found = [s["outcome"] for s in checked if s["example"].get("command") == command.value]
            cells.append({"expected": expected, "outcome": _worst(found) if expected else None})
        outcome = result["outcome"] if result else Outcome.NOT_RUN.value
        rows.append({"requirement": requirement, "outcome": outcome, "cells": cells})
    return rows


def _worst(outcomes: list[str]) -> str:
    present = {Outcome(outcome) for outcome in outcomes}
    return next((outcome.value for outcome in SEVERITY if outcome in present), Outcome.NOT_RUN.value)


def _sections(document: dict[str, Any], catalogue: Catalogue) -> list[dict[str, Any]]:
    by_section: dict[str, list[dict[str, Any]]] = {}
    for requirement in document["requirements"]:
        by_section.setdefault(requirement["section"], []).append(requirement)
    return [
        {
            "section": section,
            "requirements": by_section[section.key],
            "counts": counts(Outcome(requirement["outcome"]) for requirement in by_section[section.key]),
        }
        for section in catalogue.sections
        if section.key in by_section
    ]


def _mutant_rows(mutants: dict[str, Any]) -> list[dict[str, Any]]:
    """Requirements by mutants: each requirement with the mutants that break it, killed or not."""
    by_name = {mutant["name"]: mutant for mutant in mutants["mutants"]}
    return [
        {"requirement": requirement, "mutants": [by_name[name] for name in requirement["mutants"]]}
        for requirement in mutants["requirements"]
    ]
