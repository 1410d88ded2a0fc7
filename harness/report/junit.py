"""``junit.xml``: the run for CI systems, one test case per scenario, rendered from the document.

Each ``testcase`` has the feature's name as ``classname`` and the scenario's stable id as
``name``, and one ``requirement`` property per requirement ID. Failures and unexpected passes are
``failure``s, errors are ``error``s (their ``type`` is the error kind), skipped scenarios and
expected failures are ``skipped``. Rendering from the saved document (not from pytest) lets a
result be rendered again later.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["render_junit"]

SUITE_NAME = "offline-conformance"


def render_junit(document: dict[str, Any]) -> str:
    """The JUnit XML of a ``conformance.json`` document."""
    scenarios = document["scenarios"]
    totals = document["totals"]["scenarios"]
    attributes = {
        "name": SUITE_NAME,
        "tests": str(len(scenarios)),
        "failures": str(totals["failed"] + totals["unexpected_pass"]),
        "errors": str(totals["error"]),
        "skipped": str(totals["skipped"] + totals["expected_failure"] + totals["not_applicable"]),
        "time": f"{document['run']['duration']:.3f}",
        "timestamp": document["run"]["started"],
    }
    root = ET.Element("testsuites", {key: attributes[key] for key in ("name", "tests", "failures", "errors")})
    suite = ET.SubElement(root, "testsuite", attributes)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="verdict", value=document["verdict"])
    for key in ("spec", "name", "version", "language"):
        ET.SubElement(properties, "property", name=f"client.{key}", value=str(document["client"][key]))
    for scenario in scenarios:
        suite.append(_testcase(scenario))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(scenario: dict[str, Any]) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=scenario["feature"],
        name=scenario["id"],
        file=scenario["feature_file"],
        line=str(scenario["line"]),
        time=f"{scenario['duration']:.3f}",
    )
    properties = ET.SubElement(case, "properties")
    for requirement in scenario["requirements"]:
        ET.SubElement(properties, "property", name="requirement", value=requirement)
    outcome = scenario["outcome"]
    detail = scenario["message"]
    if outcome == "failed":
        ET.SubElement(case, "failure", message=_headline(scenario), type="failed").text = detail
    elif outcome == "unexpected_pass":
        message = "unexpected pass" + (f": {scenario['reason']}" if scenario["reason"] else "")
        ET.SubElement(case, "failure", message=message, type="unexpected_pass")
    elif outcome == "error":
        ET.SubElement(case, "error", message=_headline(scenario), type=scenario["error_kind"]).text = detail
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=scenario["reason"] or "skipped")
    elif outcome == "not_applicable":
        ET.SubElement(case, "skipped", message="not applicable: " + (scenario["reason"] or ""))
    elif outcome == "expected_failure":
        ET.SubElement(
            case, "skipped", message="expected failure: " + (scenario["reason"] or _headline(scenario))
        )
    return case


def _headline(scenario: dict[str, Any]) -> str:
    """One line: the failing step, then the first line of the message."""
    step = scenario["failing_step"]
    first = (scenario["message"] or "").splitlines()[:1]
    parts = ([f"{step['keyword']} {step['text']} (line {step['line']})"] if step else []) + first
    return ": ".join(parts) or scenario["outcome"]
