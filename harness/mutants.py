"""``offline-conformance mutants``: the sensitivity run, proving every requirement's scenarios can fail.

A suite that passes a client proves little until it is seen to fail the clients it should fail.
Each mutant of ``clients.mutants`` is the reference client with one deliberate defect; this run
puts the suite against every mutant (or a sample, ``--only``), each in its own pytest process
(``--jobs`` at a time), on the scenarios of the requirements the mutant violates (``-m``), or
on the whole suite (``--full``). It reads each run's ``conformance.json``:

- ``killed``: a scenario failed, or the client crashed, hung or broke the protocol in one (the
  scenarios are listed in ``killed_by``);
- ``survived``: no scenario failed: the suite has a hole (strengthen the scenario, never weaken
  the mutant);
- ``broken``: the run could not start, the mutant's client could not start, the harness itself
  failed in a scenario (a fixture, an undefined step, a dead worker), or no usable report came
  out of it.

It writes ``mutants.json`` (schema ``harness/report/schema/mutants-v1.json``, fields in
``harness/report/REPORT.md``), ``mutants.md`` and ``mutants.html`` into the report directory
(and adds the mutant matrix to a ``conformance.html`` there), and exits 0 when
every mutant run was killed and every requirement of the catalogue has a mutant, 1 otherwise,
2 on bad input (an unknown mutant, a missing features directory).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from clients.mutants import Mutant, registry
from harness.report.diff import ReportInputError, load_report, read_json
from harness.report.document import (
    ReportSchemaError,
    distribution_version,
    packaged_schema,
    schema_problems,
    timestamp,
)
from harness.report.html import render_html, render_mutants
from harness.requirements import Catalogue, catalogue

__all__ = [
    "MUTANTS_VERSION",
    "MutantsInputError",
    "load_mutants",
    "mutants_schema",
    "render_markdown",
    "run_mutants",
    "select",
    "validate_mutants_document",
]

MUTANTS_VERSION = 1
RUN_TIMEOUT = 900.0  # seconds one mutant's pytest run may take before it counts as broken
_STATUSES = ("killed", "survived", "broken")
_KILLING = ("failed", "error")
_CLIENT_DID_NOT_START = "start_failed"
# Errors that are the client's doing (a crash, a hang, garbage): they kill a mutant. Any other
# error kind (a fixture, an undefined step, a dead worker) is the harness's, and breaks the run.
_CLIENT_ERRORS = frozenset({"client_error", "version_mismatch", "protocol_error", "timed_out", "crashed"})
_OUTPUT_TAIL = 2000  # characters of a broken run's output kept in its message


class MutantsInputError(ValueError):
    """The run cannot be made as asked: an unknown mutant name, a missing features directory."""


@dataclass(frozen=True)
class Options:
    """What ``offline-conformance mutants`` was asked to do."""

    report_dir: Path
    features: Path
    only: tuple[str, ...]
    jobs: int
    full: bool
    timeout: float = RUN_TIMEOUT


def select(only: tuple[str, ...]) -> list[Mutant]:
    """The mutants to run, in registry order: all of them, or the ``only`` ones (which must exist)."""
    mutants = registry()
    unknown = [name for name in only if name not in mutants]
    if unknown:
        raise MutantsInputError(f"no mutant is named {', '.join(map(repr, unknown))}; see clients/mutants/")
    wanted = set(only)
    return [mutant for name, mutant in mutants.items() if not only or name in wanted]


def pytest_command(mutant: Mutant, features: Path, report_dir: Path, *, full: bool) -> list[str]:
    """The pytest command line that runs the suite (or the mutant's requirements) against one mutant."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(features),
        "--client",
        f"inprocess:clients.mutants:{mutant.name}",
        "--report-dir",
        str(report_dir),
    ]
    if not full:
        command += ["-m", " or ".join(mutant.requirements)]
    return command


def run_one(mutant: Mutant, options: Options, workspace: Path) -> dict[str, Any]:
    """Run the suite against ``mutant`` in a pytest process and judge it from that run's report."""
    report_dir = workspace / mutant.name
    command = pytest_command(mutant, options.features, report_dir, full=options.full)
    begun = time.monotonic()
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=options.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return _entry(mutant, "broken", time.monotonic() - begun, message=f"ran over {options.timeout:g}s")
    except OSError as exc:
        return _entry(mutant, "broken", time.monotonic() - begun, message=f"could not start pytest: {exc}")
    duration = time.monotonic() - begun
    report = report_dir / "conformance.json"
    if not report.is_file():
        output = (completed.stdout + completed.stderr).strip()[-_OUTPUT_TAIL:]
        message = f"no report (pytest exit code {completed.returncode}): {output}"
        return _entry(mutant, "broken", duration, message=message)
    try:
        document = load_report(report)
    except ReportInputError as exc:
        return _entry(mutant, "broken", duration, message=f"its report is unusable: {exc}")
    return judge(mutant, document, duration)


def judge(mutant: Mutant, report: dict[str, Any], duration: float) -> dict[str, Any]:
    """The mutant's entry from its run's ``conformance.json``: killed, survived or broken."""
    scenarios = report["scenarios"]
    not_started = [s for s in scenarios if s["error_kind"] == _CLIENT_DID_NOT_START]
    if not_started:
        first_line = (not_started[0]["message"] or "").splitlines()[:1]
        return _entry(
            mutant,
            "broken",
            duration,
            scenarios_run=len(scenarios),
            message=f"the mutant client did not start: {''.join(first_line)}",
        )
    harness_errors = [
        s for s in scenarios if s["outcome"] == "error" and s["error_kind"] not in _CLIENT_ERRORS
    ]
    if harness_errors:
        first = harness_errors[0]
        return _entry(
            mutant,
            "broken",
            duration,
            scenarios_run=len(scenarios),
            message=f"the harness failed, not the client: {first['id']} ({first['error_kind']})",
        )
    killed_by = [
        {"scenario": s["id"], "outcome": s["outcome"], "error_kind": s["error_kind"]}
        for s in scenarios
        if s["outcome"] in _KILLING
    ]
    if killed_by:
        message = f"{len(killed_by)} of {len(scenarios)} scenarios failed"
        return _entry(
            mutant, "killed", duration, killed_by=killed_by, scenarios_run=len(scenarios), message=message
        )
    message = f"no scenario failed ({len(scenarios)} ran)" if scenarios else "no scenario checks it"
    return _entry(mutant, "survived", duration, scenarios_run=len(scenarios), message=message)


def _entry(
    mutant: Mutant,
    status: str,
    duration: float,
    *,
    killed_by: list[dict[str, Any]] | None = None,
    scenarios_run: int = 0,
    message: str | None = None,
) -> dict[str, Any]:
    return {
        "name": mutant.name,
        "defect": mutant.defect,
        "requirements": list(mutant.requirements),
        "status": status,
        "killed_by": killed_by or [],
        "scenarios_run": scenarios_run,
        "duration": round(duration, 3),
        "message": message,
    }


def build_document(
    entries: list[dict[str, Any]],
    options: Options,
    started: dt.datetime,
    finished: dt.datetime,
    requirements: Catalogue,
) -> dict[str, Any]:
    """``mutants.json``: the run, the totals, one entry per mutant and the requirement matrix."""
    covered = {rid for mutant in registry().values() for rid in mutant.requirements}
    without = [rid for rid in requirements.ids if rid not in covered]
    by_status = {status: sum(e["status"] == status for e in entries) for status in _STATUSES}
    all_killed = bool(entries) and by_status["killed"] == len(entries) and not without
    return {
        "mutants_version": MUTANTS_VERSION,
        "verdict": "all_killed" if all_killed else "not_all_killed",
        "run": {
            "started": timestamp(started),
            "finished": timestamp(finished),
            "duration": round((finished - started).total_seconds(), 3),
            "jobs": options.jobs,
            "scope": "full" if options.full else "targeted",
            "harness_version": distribution_version(),
        },
        "totals": {
            "mutants": len(entries),
            **by_status,
            "kill_rate": round(by_status["killed"] / len(entries), 4) if entries else None,
            "requirements_without_mutant": without,
        },
        "mutants": entries,
        "requirements": [
            {
                "id": requirement.id,
                "section": requirement.section,
                "statement": requirement.statement,
                "mutants": [e["name"] for e in entries if requirement.id in e["requirements"]],
                "killed": [
                    e["name"]
                    for e in entries
                    if requirement.id in e["requirements"] and e["status"] == "killed"
                ],
            }
            for requirement in requirements.requirements
        ],
    }


@cache
def mutants_schema() -> dict[str, Any]:
    """The packaged JSON Schema of ``mutants.json``, version ``MUTANTS_VERSION``."""
    return packaged_schema(f"mutants-v{MUTANTS_VERSION}.json")


def validate_mutants_document(document: object) -> None:
    """Check a decoded ``mutants.json`` against its schema; ``ReportSchemaError`` if it breaks it."""
    problems = schema_problems(mutants_schema(), document)
    if problems:
        raise ReportSchemaError(problems, document="mutants.json")


def load_mutants(path: str | Path) -> dict[str, Any]:
    """A saved ``mutants.json``, checked against its schema; ``ReportInputError`` otherwise."""
    document = read_json(path)
    try:
        validate_mutants_document(document)
    except ReportSchemaError as exc:
        raise ReportInputError(f"{path}: not a mutants report (first problem: {exc.problems[0]})") from None
    loaded: dict[str, Any] = document
    return loaded


_MARK = {"killed": "killed", "survived": "**SURVIVED**", "broken": "**BROKEN**"}


def render_markdown(document: dict[str, Any]) -> str:
    """``mutants.md``: the verdict, the counts, then the requirement-by-mutant matrix and the mutants."""
    totals = document["totals"]
    rate = "n/a" if totals["kill_rate"] is None else f"{totals['kill_rate']:.0%}"
    run = document["run"]
    lines = [
        f"# Mutants: {document['verdict']}",
        "",
        f"{totals['mutants']} mutants ({run['scope']} run, {run['jobs']} jobs, {run['duration']:.0f}s): "
        f"{totals['killed']} killed, {totals['survived']} survived, {totals['broken']} broken; "
        f"kill rate {rate}.",
        "",
    ]
    if totals["requirements_without_mutant"]:
        lines += [f"Requirements without a mutant: {', '.join(totals['requirements_without_mutant'])}.", ""]
    status = {e["name"]: e["status"] for e in document["mutants"]}
    lines += ["## Requirements by mutant", "", "| Requirement | Mutants |", "|---|---|"]
    for requirement in document["requirements"]:
        names = ", ".join(f"`{name}` ({_MARK[status[name]]})" for name in requirement["mutants"]) or "—"
        lines.append(f"| {requirement['id']} | {names} |")
    lines += ["", "## Mutants", "", "| Mutant | Defect | Status | Killed by |", "|---|---|---|---|"]
    for entry in document["mutants"]:
        detail = (
            f"{len(entry['killed_by'])} of {entry['scenarios_run']} scenarios"
            if entry["status"] == "killed"
            else (entry["message"] or "").splitlines()[0]
            if entry["message"]
            else ""
        )
        lines.append(f"| `{entry['name']}` | {entry['defect']} | {_MARK[entry['status']]} | {detail} |")
    return "\n".join(lines) + "\n"


def run_mutants(options: Options, out: TextIO) -> dict[str, Any]:
    """Run every selected mutant (``options.jobs`` at a time), write the reports, return the document."""
    if not options.features.is_dir():
        raise MutantsInputError(f"no features directory at {options.features}")
    mutants = select(options.only)
    started = dt.datetime.now(dt.UTC)
    with (
        tempfile.TemporaryDirectory(prefix="mutants-") as workspace,
        ThreadPoolExecutor(options.jobs) as pool,
    ):
        futures = [pool.submit(run_one, mutant, options, Path(workspace)) for mutant in mutants]
        entries = []
        for future in futures:
            entry = future.result()
            out.write(f"{entry['status']:<9}{entry['name']} ({entry['duration']:.1f}s)\n")
            out.flush()
            entries.append(entry)
    document = build_document(entries, options, started, dt.datetime.now(dt.UTC), catalogue())
    validate_mutants_document(document)
    options.report_dir.mkdir(parents=True, exist_ok=True)
    (options.report_dir / "mutants.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (options.report_dir / "mutants.md").write_text(render_markdown(document), encoding="utf-8")
    (options.report_dir / "mutants.html").write_text(render_mutants(document), encoding="utf-8")
    _add_to_conformance_page(options.report_dir, document)
    return document


def _add_to_conformance_page(report_dir: Path, document: dict[str, Any]) -> None:
    """Give the conformance page of a run kept in the same directory its mutant section."""
    try:
        conformance = load_report(report_dir / "conformance.json")
    except ReportInputError:
        return  # no conformance run there (or not a usable one): mutants.html stands alone
    page = render_html(conformance, catalogue(), document)
    (report_dir / "conformance.html").write_text(page, encoding="utf-8")


def main(options: Options, out: TextIO, err: TextIO) -> int:
    """The ``mutants`` subcommand: exit 0 (all killed, all covered), 1 (not), 2 (bad input)."""
    if options.jobs < 1:
        err.write("offline-conformance mutants: --jobs must be at least 1\n")
        return 2
    try:
        document = run_mutants(options, out)
    except MutantsInputError as exc:
        err.write(f"offline-conformance mutants: {exc}\n")
        return 2
    totals = document["totals"]
    out.write(
        f"\n{totals['killed']} of {totals['mutants']} mutants killed in {document['run']['duration']:.0f}s; "
        f"reports in {options.report_dir}\n"
    )
    problems = [
        f"{entry['status']}: {entry['name']} ({entry['message']})"
        for entry in document["mutants"]
        if entry["status"] != "killed"
    ]
    if totals["requirements_without_mutant"]:
        problems.append(f"no mutant for {', '.join(totals['requirements_without_mutant'])}")
    for problem in problems:
        out.write(f"  {problem}\n")
    return 0 if document["verdict"] == "all_killed" else 1


def default_jobs() -> int:
    """One mutant per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
