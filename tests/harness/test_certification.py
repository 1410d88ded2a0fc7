"""Reports of real conformance runs: the features, the embedded mock, and the reference client
or a client made to fail (``faulty_client.py``: it refuses to create accounts and has no
``elapse`` hook), serially and under pytest-xdist. The reports must say exactly what happened;
the HTML page must render in a real browser; ``offline-conformance report`` must render the same
page again from the saved result, and ``--compare`` one matrix of both clients."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness import mutants
from harness.cli import main as cli
from harness.report import validate_document
from harness.requirements import catalogue
from tests.harness.report.test_diff import report

ROOT = Path(__file__).parents[2]
FAULTY = "inprocess:tests.harness.faulty_client:FaultyClient"
SELECTION = "MO-ENT-001 or MO-ENT-012 or MO-SYNC-001"
ACCOUNT_CREATE = "features/entities.feature::Account: <command> works offline[command=create]"
PERIODIC = "features/sync_cycles.feature::The device syncs <entity> periodically, at the profile's interval"
NOT_APPLICABLE = {
    f"{PERIODIC} of <interval> minutes[entity=account, interval=5, before=4]",
    f"{PERIODIC} of <interval> minutes[entity=task, interval=15, before=14]",
    "features/sync_cycles.feature::No periodic sync runs while the device is offline",
}
REQUIREMENTS = {"MO-ENT-001": "failed", "MO-ENT-012": "passed", "MO-SYNC-001": "not_applicable"}


def conformance_run(directory: Path, client: str, *options: str) -> tuple[int, dict[str, Any]]:
    """``pytest features/`` on the selection, in its own process, as a user runs it."""
    command = [sys.executable, "-m", "pytest", "features", "-m", SELECTION, "--client", client]
    command += ["--report-dir", str(directory), "-p", "no:cacheprovider", "-q", *options]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    document: dict[str, Any] = json.loads((directory / "conformance.json").read_text())
    validate_document(document)
    return done.returncode, document


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], Path]:
    directory = tmp_path_factory.mktemp("faulty")
    returncode, document = conformance_run(directory, FAULTY)
    return returncode, document, directory


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], Path]:
    directory = tmp_path_factory.mktemp("reference")
    returncode, document = conformance_run(directory, "reference", "-n", "2")
    return returncode, document, directory


def check_faulty_report(returncode: int, document: dict[str, Any], directory: Path) -> None:
    assert returncode == 1
    assert document["verdict"] == "not_conformant"
    outcomes = {scenario["id"]: scenario["outcome"] for scenario in document["scenarios"]}
    expected = {sid: "passed" for sid in outcomes} | dict.fromkeys(NOT_APPLICABLE, "not_applicable")
    expected[ACCOUNT_CREATE] = "failed"
    assert outcomes == expected
    assert len(outcomes) == 4 + 4 + 4  # MO-ENT-001 rows, MO-ENT-012 rows, MO-SYNC-001 scenarios
    by_id = {scenario["id"]: scenario for scenario in document["scenarios"]}
    failed = by_id[ACCOUNT_CREATE]
    assert failed["failing_step"]["text"] == "the device answers from its local store"
    assert "not_available_offline: Accounts are read-only here." in failed["message"]
    assert all("test hook 'elapse'" in by_id[sid]["reason"] for sid in NOT_APPLICABLE)
    rolled = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert {rid: rolled[rid] for rid in REQUIREMENTS} == REQUIREMENTS
    assert {rolled[rid] for rid in catalogue().ids if rid not in REQUIREMENTS} == {"not_run"}
    assert document["client"]["name"] == "reference" and document["client"]["image"] is None
    suite = ET.parse(directory / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("12", "1", "3")
    summary = (directory / "summary.md").read_text()
    assert summary.startswith("# ❌ Not conformant")
    assert "| MO-SYNC-001 | ⚫ not applicable |" in summary


def test_a_failing_client_is_reported_exactly(faulty: tuple[int, dict[str, Any], Path]) -> None:
    check_faulty_report(*faulty)


def test_a_failing_client_is_reported_exactly_under_xdist(tmp_path: Path) -> None:
    returncode, document = conformance_run(tmp_path, FAULTY, "-n", "2")
    check_faulty_report(returncode, document, tmp_path)
    assert document["run"]["workers"] == 2


def test_the_reference_client_passes_what_it_ran(reference: tuple[int, dict[str, Any], Path]) -> None:
    returncode, document, _ = reference
    assert returncode == 0
    assert document["verdict"] == "incomplete"  # a selection, not the catalogue
    assert {scenario["outcome"] for scenario in document["scenarios"]} == {"passed"}
    assert len(document["scenarios"]) == 12


def test_declaring_the_known_failure_turns_it_into_an_expected_failure(tmp_path: Path) -> None:
    declared = tmp_path / "expected.yaml"
    declared.write_text(
        "expectations_version: 1\nexceptions:\n"
        f'  - id: "{ACCOUNT_CREATE}"\n'
        "    reason: Accounts become writable in 2.0\n"
        "    issue: https://tracker.invalid/CLIENT-7\n"
        "    expires: 2099-12-31\n"
    )
    returncode, document = conformance_run(tmp_path / "out", FAULTY, "--expectations", str(declared))
    assert returncode == 0
    assert document["verdict"] == "incomplete"  # not applicable and not run remain
    [entry] = document["expectations"]["entries"]
    assert (entry["status"], entry["scenarios"]) == ("held", [ACCOUNT_CREATE])
    outcome = next(s["outcome"] for s in document["scenarios"] if s["id"] == ACCOUNT_CREATE)
    assert outcome == "expected_failure"


def test_the_page_is_self_contained_and_says_what_happened(faulty: tuple[int, dict[str, Any], Path]) -> None:
    page = (faulty[2] / "conformance.html").read_text()
    for external in ("<script", "<link", "src=", "url(", "@import", 'href="http'):
        assert external not in page
    assert page.index("Not conformant</h1>") < page.index("Offline entities and commands")
    start = page.index("<code>account</code>")
    account_row = page[start : page.index("</tr>", start)]
    assert account_row.count('class="c works bad"') == 1  # create failed, where the page says it works
    assert account_row.count('class="mark o-passed"') == 3
    assert "the device answers from its local store" in page
    assert "Accounts are read-only here." in page
    assert "not applicable" in page


def test_the_page_renders_in_a_real_browser(faulty: tuple[int, dict[str, Any], Path], tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must check the HTML report in a browser: install Debian's chromium")
        pytest.skip("no chromium here: 'apt-get install chromium' to check the HTML report in a browser")
    page = (faulty[2] / "conformance.html").as_uri()
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000",
    ]  # fmt: skip
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr
    assert '<h1>Not conformant</h1>' in dom.stdout
    assert dom.stdout.count('<tr id="MO-') == len(catalogue().ids)
    shot = tmp_path / "report.png"
    taken = subprocess.run([chromium, *flags, f"--screenshot={shot}", page], capture_output=True, timeout=120)
    assert taken.returncode == 0, taken.stderr
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 1280
    assert len(png) > 50_000  # a rendered page, not a blank one


def test_report_renders_the_same_page_again_from_the_saved_result(
    faulty: tuple[int, dict[str, Any], Path], tmp_path: Path
) -> None:
    assert cli(["report", str(faulty[2] / "conformance.json"), "--output", str(tmp_path)]) == 0
    assert (tmp_path / "conformance.html").read_text() == (faulty[2] / "conformance.html").read_text()
    assert (tmp_path / "summary.md").read_text() == (faulty[2] / "summary.md").read_text()


def test_compare_renders_one_matrix_with_a_column_per_client(
    faulty: tuple[int, dict[str, Any], Path], reference: tuple[int, dict[str, Any], Path], tmp_path: Path
) -> None:
    results = [str(run[2] / "conformance.json") for run in (reference, faulty)]
    assert cli(["report", "--compare", *results, "--output", str(tmp_path)]) == 0
    markdown = (tmp_path / "comparison.md").read_text()
    assert "| **Verdict** | ⚠️ Incomplete | ❌ Not conformant |" in markdown
    assert "| MO-ENT-001 | ✅ passed | ❌ failed |" in markdown
    assert "| MO-SYNC-001 | ✅ passed | ⚫ not applicable |" in markdown
    page = (tmp_path / "comparison.html").read_text()
    assert page.count("<tr>") == 2 + len(catalogue().ids) + len(catalogue().sections)


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["report", "missing.json"], "missing.json: no such file"),
        (["report", "broken.json"], "broken.json: not a conformance report"),
        (["report", "--compare", "a.json"], "--compare needs two results or more"),
        (["report", "a.json", "b.json"], "one result, or --compare with several"),
        (["report", "--compare", "a.json", "b.json", "--mutants", "m.json"], "--mutants adds to one"),
    ],
    ids=["missing", "not-a-report", "compare-one", "two-without-compare", "compare-with-mutants"],
)
def test_report_refuses_bad_input_with_exit_code_2(
    arguments: list[str],
    problem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text(json.dumps({"report_version": 1}))
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(report({"a.feature::A": "passed"}, {"MO-ENT-001": "passed"})))
    now = dt.datetime.now(dt.UTC)
    options = mutants.Options(tmp_path, ROOT / "features", (), 1, False)
    no_mutants = mutants.build_document([], options, now, now, catalogue())
    (tmp_path / "m.json").write_text(json.dumps(no_mutants))
    assert cli(arguments) == 2
    assert capsys.readouterr().err.startswith(f"offline-conformance report: {problem}")
    assert not (tmp_path / "reports").exists()
