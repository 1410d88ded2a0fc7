"""``conformance.html`` on documents built by hand: what a client says, a message or a reason,
is text on the page and never markup; the matrix cell of an entity and command takes the worst
outcome of the scenarios of that row of the example table."""

from __future__ import annotations

from harness.report import validate_document
from harness.report.html import entity_matrix, render_html
from harness.report.markdown import render_summary
from harness.requirements import Command, catalogue
from tests.harness.report.test_diff import report

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_what_a_client_or_a_scenario_says_is_escaped() -> None:
    document = report({"a.feature::Breaks": "failed"}, {"MO-ENT-001": "failed"}, verdict="not_conformant")
    document["scenarios"][0]["message"] = HOSTILE
    document["client"]["name"] = HOSTILE
    page = render_html(document, catalogue())
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_a_report_written_before_expectations_and_images_still_loads_and_renders() -> None:
    document = report({"a.feature::Kept": "passed"}, {"MO-ENT-001": "passed"})
    del document["expectations"], document["client"]["image"]
    validate_document(document)
    assert "<h1>Incomplete</h1>" in render_html(document, catalogue())
    assert render_summary(document, catalogue()).startswith("# ⚠️ Incomplete")


def test_a_cell_takes_the_worst_outcome_of_its_command_rows() -> None:
    document = report(
        {"e.feature::Create[command=create]": "passed", "e.feature::Create again[command=create]": "failed"},
        {"MO-ENT-001": "failed"},
    )
    for scenario in document["scenarios"]:
        scenario["example"] = {"command": "create"}
    rows = entity_matrix(document, catalogue())
    [account] = [row for row in rows if row["requirement"].entity == "account"]
    cells = dict(zip(Command, account["cells"], strict=True))
    assert cells[Command.CREATE] == {"expected": "works", "outcome": "failed"}
    assert cells[Command.READ] == {"expected": "works", "outcome": "not_run"}
    assert cells[Command.QUALIFY] == {"expected": None, "outcome": None}
