"""``conformance.json``: the run's result as one versioned document, checked against its schema.

The schema (``schema/conformance-v1.json``, shipped with the package) is the contract for
everything that reads a saved result; ``REPORT.md`` beside this module explains every field.
``build_document`` turns a run into the document and ``validate_document`` checks a document
against the schema, raising one ``ReportSchemaError`` that lists every violation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.report.model import (
    RequirementResult,
    ScenarioRecord,
    Verdict,
    counts,
)
from harness.requirements import Catalogue

__all__ = [
    "REPORT_VERSION",
    "ReportSchemaError",
    "RunFacts",
    "build_document",
    "distribution_version",
    "features_hash",
    "report_schema",
    "schema_problems",
    "timestamp",
    "validate_document",
]

REPORT_VERSION = 1
DISTRIBUTION = "dataverse-offline-conformance"


class ReportSchemaError(ValueError):
    """A report document does not match its schema; ``problems`` lists each fault."""

    def __init__(self, problems: list[str], document: str = "conformance report") -> None:
        self.problems = tuple(problems)
        super().__init__(f"{document} breaks its schema:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class RunFacts:
    """What the report says about the run itself, gathered where the reports arrive."""

    started: dt.datetime
    finished: dt.datetime
    features_sha256: str
    client_spec: str
    client: dict[str, Any] | None  # name, version, language (handshake), image; None if none ran
    mock: dict[str, Any] | None  # url, seed, scale, version of the mock the scenarios used
    workers: int  # pytest-xdist workers; 0 for a run in one process


def client_name(document: dict[str, Any]) -> str:
    """How every rendering names a report's client: what it said in the handshake, or else the
    ``--client`` spec it was started from."""
    client = document["client"]
    if client["name"] is None:
        return str(client["spec"])
    return f"{client['name']} {client['version']} ({client['language']})"


def distribution_version() -> str | None:
    """The installed version of the harness (and of the mock, which ships with it)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return None


def features_hash(paths: dict[str, str]) -> str:
    """SHA-256 over the feature files that ran, in file order: each file's name, NUL, content, NUL."""
    digest = hashlib.sha256()
    for name in sorted(paths):
        digest.update(name.encode() + b"\0" + Path(paths[name]).read_bytes() + b"\0")
    return digest.hexdigest()


def build_document(
    facts: RunFacts,
    records: list[ScenarioRecord],
    results: list[RequirementResult],
    verdict: Verdict,
    catalogue: Catalogue,
    expectations: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``conformance.json`` document of one run; ``expectations`` is the reviewed
    ``--expectations`` file, if one was given."""
    return {
        "report_version": REPORT_VERSION,
        "verdict": verdict.value,
        "run": {
            "harness_version": distribution_version(),
            "catalogue_version": catalogue.version,
            "features_sha256": facts.features_sha256,
            "mock": facts.mock,
            "started": timestamp(facts.started),
            "finished": timestamp(facts.finished),
            "duration": round((facts.finished - facts.started).total_seconds(), 3),
            "workers": facts.workers,
            "platform": {
                "system": platform.platform(),
                "python": platform.python_version(),
                "pytest": pytest.__version__,
                "pytest_bdd": version("pytest-bdd"),
            },
        },
        "client": {
            "spec": facts.client_spec,
            **(facts.client or dict.fromkeys(("name", "version", "language", "image"))),
        },
        "totals": {
            "scenarios": counts(record.outcome for record in records),
            "requirements": counts(result.outcome for result in results),
        },
        "scenarios": [_scenario(record) for record in records],
        "requirements": [_requirement(result) for result in results],
        "expectations": expectations,
    }


def _scenario(record: ScenarioRecord) -> dict[str, Any]:
    step = record.failing_step
    return {
        "id": record.id,
        "feature_file": record.feature_file,
        "feature": record.feature,
        "scenario": record.scenario,
        "name": record.name,
        "line": record.line,
        "example": record.example,
        "requirements": list(record.requirements),
        "outcome": record.outcome.value,
        "error_kind": record.error_kind,
        "reason": record.reason,
        "duration": round(record.duration, 3),
        "failing_step": None
        if step is None
        else {"keyword": step.keyword, "text": step.text, "line": step.line},
        "message": record.message,
        "nodeid": record.nodeid,
    }


def _requirement(result: RequirementResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "section": result.section,
        "statement": result.statement,
        "outcome": result.outcome.value,
        "scenarios": [record.id for record in result.scenarios],
        "failing": [record.id for record in result.failing],
    }


def timestamp(moment: dt.datetime) -> str:
    """A UTC timestamp as the reports write them, with milliseconds: ``2026-01-01T10:00:00.000Z``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@cache
def report_schema() -> dict[str, Any]:
    """The packaged JSON Schema of ``conformance.json``, version ``REPORT_VERSION``."""
    return packaged_schema(f"conformance-v{REPORT_VERSION}.json")


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``harness/report/schema/`` (reports, mutants, expectations)."""
    source = files("harness.report").joinpath("schema", name)
    schema: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return schema


def schema_problems(schema: dict[str, Any], document: object) -> list[str]:
    """Every way ``document`` breaks ``schema`` (draft 2020-12, formats checked), by JSON path."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda error: error.json_path)
    ]


def validate_document(document: object) -> None:
    """Check a decoded ``conformance.json`` against the schema; ``ReportSchemaError`` if it breaks it."""
    problems = schema_problems(report_schema(), document)
    if problems:
        raise ReportSchemaError(problems)
