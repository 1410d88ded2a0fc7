"""The pytest plugin: requirement tags as markers, unknown tags refused, a client that fails in one
scenario replaced by a fresh one for the next, and the suite against a mock already running
(each in a separate pytest run, with pytester)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import LiveServer

pytest_plugins = ["pytester"]
FEATURES = Path(__file__).parents[2] / "features"

STEPS = """
from pytest_bdd import given, scenarios, then, when
from harness.protocol.messages import GoOffline, GoOnline

scenarios(".")


@given("a device")
def a_device(device):
    pass


@when("it goes offline")
def goes_offline(device):
    device.run(GoOffline())


@then("it can go online again")
def goes_online(device):
    device.run(GoOnline())
"""

SCENARIO = """
  @{tag}
  Scenario: {name}
    Given a device
    When it goes offline
    Then it can go online again
"""


def feature(*scenarios: tuple[str, str]) -> str:
    body = "".join(SCENARIO.format(tag=tag, name=name) for tag, name in scenarios)
    return "Feature: Plugin check\n" + body


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_steps=STEPS)
    return pytester


def test_requirement_tags_become_markers_that_select_scenarios(suite: pytest.Pytester) -> None:
    suite.makefile(".feature", plugin=feature(("MO-ENT-001", "First"), ("MO-ENT-012", "Second")))
    result = suite.runpytest("-p", "no:randomly", "--strict-markers", "-m", "MO-ENT-012", "-q")
    result.assert_outcomes(passed=1, deselected=1)
    listed = suite.runpytest("--markers")
    listed.stdout.fnmatch_lines(["@pytest.mark.requirement(id): *", "@pytest.mark.MO-ENT-001: *"])


def test_an_unknown_requirement_tag_stops_the_run(suite: pytest.Pytester) -> None:
    suite.makefile(".feature", plugin=feature(("MO-ENT-999", "Unknown")))
    result = suite.runpytest("--strict-markers", "-q")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*@MO-ENT-999 names no requirement of the catalogue*"])


def test_a_client_that_crashes_is_replaced_for_the_next_scenario(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        crashing_client=textwrap.dedent(
            """
            from clients.reference import ReferenceClient

            class CrashesOnce(ReferenceClient):
                crashed = False

                def handle(self, message):
                    if message.get("cmd") == "go_offline" and not CrashesOnce.crashed:
                        CrashesOnce.crashed = True
                        raise RuntimeError("the device ran out of memory")
                    return super().handle(message)
            """
        )
    )
    suite.makefile(".feature", plugin=feature(("MO-ENT-001", "Crashes"), ("MO-ENT-001", "Recovers")))
    result = suite.runpytest("-p", "no:randomly", "--client", "inprocess:crashing_client:CrashesOnce", "-q")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ClientCrashed*ran out of memory*"])


def test_the_suite_runs_against_a_mock_already_running(
    pytester: pytest.Pytester, live_server: LiveServer
) -> None:
    """``--dataverse-url`` (HTTPS with a private CA) with a client in another process."""
    result = pytester.runpytest_subprocess(
        str(FEATURES),
        "-p",
        "no:cacheprovider",
        "-m",
        "MO-ENT-031 or MO-ENT-012",
        "--dataverse-url",
        live_server.base_url,
        "--dataverse-ca",
        str(live_server.ca_file),
        "--client",
        f"process:{sys.executable} -m clients.reference",
        "--report-dir",
        str(pytester.path / "reports"),  # not the project's own reports/
    )
    result.assert_outcomes(passed=5, deselected=result.parseoutcomes()["deselected"])
    report = json.loads((pytester.path / "reports" / "conformance.json").read_text())
    assert report["run"]["mock"] == {
        "url": live_server.base_url,
        "embedded": False,
        "seed": 1,
        "scale": 10,
        "version": None,
    }
    assert report["client"]["name"] == "reference"
    assert report["verdict"] == "incomplete"  # the other requirements were deselected
