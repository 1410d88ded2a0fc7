"""The mutant clients and ``offline-conformance mutants``: a well-formed registry that covers the
catalogue, and a sample of mutants, run as CI runs them, killed by their requirements' scenarios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clients.mutants import registry
from harness import cli, mutants
from harness.report import ReportSchemaError
from harness.requirements import catalogue
from tests.harness.report.test_diff import report

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
# Quick ones from three sections: a few scenarios each.
SAMPLE = ("offers_create_on_email", "no_set_active_stage", "empty_candidates_for_online_table")


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_mutant_is_well_formed(name: str) -> None:
    mutant = registry()[name]
    assert mutant.name == name and name.isidentifier()
    assert mutant.defect.strip() == mutant.defect and mutant.defect and "\n" not in mutant.defect
    assert mutant.requirements, "a mutant names the requirements it violates"
    assert len(set(mutant.requirements)) == len(mutant.requirements)
    unknown = [rid for rid in mutant.requirements if rid not in catalogue()]
    assert not unknown, f"{name} names requirements the catalogue does not hold: {unknown}"
    assert callable(mutant.apply)


def test_every_requirement_has_a_mutant() -> None:
    covered = {rid for mutant in registry().values() for rid in mutant.requirements}
    assert [rid for rid in catalogue().ids if rid not in covered] == []


def test_the_reference_client_passes_the_samples_scenarios(tmp_path: Path) -> None:
    ids = sorted({rid for name in SAMPLE for rid in registry()[name].requirements})
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(FEATURES)]
    command += ["--report-dir", str(tmp_path), "-m", " or ".join(ids)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:]


def test_a_sample_of_mutants_is_killed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = report({"a.feature::Kept": "passed"}, {"MO-ENT-012": "passed"})  # a conformance run kept there
    (tmp_path / "conformance.json").write_text(json.dumps(kept), encoding="utf-8")
    argv = ["mutants", "--only", *SAMPLE, "--jobs", "2", "--report-dir", str(tmp_path)]
    code = cli.main([*argv, "--features", str(FEATURES)])
    out = capsys.readouterr().out
    document = json.loads((tmp_path / "mutants.json").read_text(encoding="utf-8"))
    mutants.validate_mutants_document(document)
    assert {m["name"]: m["status"] for m in document["mutants"]} == dict.fromkeys(SAMPLE, "killed"), out
    assert all(m["killed_by"] for m in document["mutants"])
    assert document["totals"]["kill_rate"] == 1
    assert document["run"]["scope"] == "targeted" and document["run"]["jobs"] == 2
    email = next(r for r in document["requirements"] if r["id"] == "MO-ENT-012")
    assert email["mutants"] == email["killed"] == ["offers_create_on_email"]
    assert code == 0
    assert "# Mutants:" in (tmp_path / "mutants.md").read_text(encoding="utf-8")
    page = (tmp_path / "mutants.html").read_text(encoding="utf-8")
    assert page.count('<span class="badge m-killed">killed</span>') == len(SAMPLE)
    assert "<h1>Every mutant killed</h1>" in page
    assert '<h2 id="mutants">Mutants</h2>' in (tmp_path / "conformance.html").read_text(encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"mutants_version": 1}', encoding="utf-8")
    again = ["report", str(tmp_path / "conformance.json"), "--output", str(tmp_path / "again")]
    assert cli.main([*again, "--mutants", str(tmp_path / "mutants.json")]) == 0
    assert "offers_create_on_email" in (tmp_path / "again" / "conformance.html").read_text(encoding="utf-8")
    assert cli.main([*again, "--mutants", str(tmp_path / "broken.json")]) == 2
    assert "broken.json: not a mutants report" in capsys.readouterr().err


def test_an_unknown_mutant_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["mutants", "--only", "no_such_mutant", "--report-dir", str(tmp_path)])
    assert code == 2
    assert "no mutant is named 'no_such_mutant'" in capsys.readouterr().err
    assert not (tmp_path / "mutants.json").exists()


def test_a_missing_features_directory_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["mutants", "--features", str(tmp_path / "nowhere"), "--report-dir", str(tmp_path)])
    assert code == 2
    assert "no features directory" in capsys.readouterr().err


def _scenario(outcome: str, error_kind: str | None = None, message: str | None = None) -> dict[str, Any]:
    return {"id": f"f.feature::{outcome}", "outcome": outcome, "error_kind": error_kind, "message": message}


@pytest.mark.parametrize(
    ("scenarios", "status", "killers"),
    [
        ([_scenario("passed"), _scenario("failed")], "killed", 1),
        ([_scenario("error", "crashed"), _scenario("failed")], "killed", 2),
        ([_scenario("passed"), _scenario("skipped")], "survived", 0),
        ([], "survived", 0),
        ([_scenario("error", "start_failed", "could not import 'clients.mutants'")], "broken", 0),
        ([_scenario("failed"), _scenario("error", "setup", "the mock did not start")], "broken", 0),
        ([_scenario("error", "undefined_step")], "broken", 0),
    ],
)
def test_a_mutant_is_judged_from_its_runs_report(
    scenarios: list[dict[str, Any]], status: str, killers: int
) -> None:
    entry = mutants.judge(registry()["offers_create_on_email"], {"scenarios": scenarios}, 1.5)
    assert entry["status"] == status
    assert len(entry["killed_by"]) == killers
    assert entry["scenarios_run"] == len(scenarios)


def test_a_run_whose_report_is_unusable_is_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def truncated_report(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        report_dir = Path(command[command.index("--report-dir") + 1])
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "conformance.json").write_text('{"report_version": 1, "scen', encoding="utf-8")
        return subprocess.CompletedProcess(command, 1, "", "")

    monkeypatch.setattr(mutants.subprocess, "run", truncated_report)
    options = mutants.Options(tmp_path, FEATURES, ("offers_create_on_email",), 1, False)
    entry = mutants.run_one(registry()["offers_create_on_email"], options, tmp_path)
    assert entry["status"] == "broken"
    assert "its report is unusable" in entry["message"] and "not JSON" in entry["message"]


def test_a_broken_document_breaks_the_schema() -> None:
    with pytest.raises(ReportSchemaError, match=r"mutants\.json breaks its schema"):
        mutants.validate_mutants_document({"mutants_version": 1, "verdict": "all_killed"})


def test_a_mutant_runs_as_a_process_client(capsys: pytest.CaptureFixture[str]) -> None:
    spec = f"process:{sys.executable} -m clients.mutants offers_create_on_email"
    assert cli.main(["smoke", "--client", spec]) == 0
    assert "speaks protocol v1" in capsys.readouterr().out
    usage = subprocess.run(
        [sys.executable, "-m", "clients.mutants", "no_such_mutant"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == 2 and "usage: python -m clients.mutants NAME" in usage.stderr
