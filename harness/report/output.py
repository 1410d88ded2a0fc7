"""Writes a run's reports into one directory: ``conformance.json``, ``junit.xml``, ``summary.md``
and ``conformance.html``.

The document is checked against its schema before anything is written, so a report on disk
always matches the schema it claims.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.report.document import validate_document
from harness.report.html import render_html
from harness.report.junit import render_junit
from harness.report.markdown import render_summary
from harness.requirements import Catalogue

__all__ = ["REPORT_FILES", "write_reports"]

REPORT_FILES = ("conformance.json", "junit.xml", "summary.md", "conformance.html")


def write_reports(directory: Path, document: dict[str, Any], catalogue: Catalogue) -> list[Path]:
    """Validate ``document`` and write the four reports into ``directory`` (created if missing)."""
    validate_document(document)
    directory.mkdir(parents=True, exist_ok=True)
    contents = (
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        render_junit(document),
        render_summary(document, catalogue),
        render_html(document, catalogue),
    )
    written = []
    for name, content in zip(REPORT_FILES, contents, strict=True):
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
