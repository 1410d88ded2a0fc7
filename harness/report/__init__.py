"""Conformance reports: the result model built from pytest's hooks, and the files a run writes.

``ReportCollector`` (registered by ``harness.plugin``) gathers one ``ScenarioRecord`` per
scenario, serially or across pytest-xdist workers, rolls them up per requirement, and writes
``conformance.json`` (schema ``schema/conformance-v1.json``, explained in ``REPORT.md``),
``junit.xml`` and ``summary.md``. ``harness.report.diff`` compares two saved reports (the
regression gate of ``offline-conformance diff`` and ``--baseline``).
"""

from harness.report.collect import ReportCollector, note_client, note_mock
from harness.report.document import REPORT_VERSION, ReportSchemaError, report_schema, validate_document
from harness.report.model import Outcome, RequirementResult, ScenarioRecord, Verdict, judge, roll_up
from harness.report.output import REPORT_FILES, write_reports

__all__ = [
    "REPORT_FILES",
    "REPORT_VERSION",
    "Outcome",
    "ReportCollector",
    "ReportSchemaError",
    "RequirementResult",
    "ScenarioRecord",
    "Verdict",
    "judge",
    "note_client",
    "note_mock",
    "report_schema",
    "roll_up",
    "validate_document",
    "write_reports",
]
