"""The container transport against a real Docker engine: clients shipped as images.

These tests need an engine and the images of ``scripts/build-images``. Without them they are
skipped, with a message that says how to get them; with ``CI=true`` a missing engine or image
fails instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testcontainers.core.docker_client import DockerClient

from harness.adapters import ContainerSettings, start_client
from harness.adapters.container import LABEL, engine, gateway_address, image_facts
from harness.cli import smoke
from harness.errors import ClientError, ClientStartFailed
from tests.harness import container_fakes

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "offline-conformance/reference-client"
NODE_EXAMPLE = "offline-conformance/node-example"
HOW = "run `scripts/docker-engine start` (as root) and `scripts/build-images` to run them"


def _unavailable(why: str) -> None:
    """Skip (or, in CI, fail) for want of an engine or an image."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, and the container tests cannot run: {why}; {HOW}", pytrace=False)
    pytest.skip(f"container tests skipped: {why}; {HOW}")


@pytest.fixture(scope="module")
def docker_engine() -> DockerClient:
    try:
        return engine()
    except ClientStartFailed as exc:
        _unavailable(exc.message)
        raise  # unreachable: _unavailable skips or fails


def _image(docker_engine: DockerClient, reference: str) -> dict[str, str | None]:
    try:
        return image_facts(docker_engine, reference)
    except ClientStartFailed as exc:
        _unavailable(exc.message)
        raise  # unreachable


@pytest.fixture(scope="module")
def reference_image(docker_engine: DockerClient) -> dict[str, str | None]:
    return _image(docker_engine, REFERENCE)


@pytest.fixture(scope="module")
def misbehaving(docker_engine: DockerClient, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The misbehaving clients' images, by mode."""
    _image(docker_engine, container_fakes.PYTHON_BASE)
    context = tmp_path_factory.mktemp("misbehaving")
    return {
        mode: container_fakes.build_misbehaving(docker_engine, mode, context / mode)
        for mode in container_fakes.MODES
    }


def _our_containers(docker_engine: DockerClient) -> set[str]:
    """The ids of the containers the harness started that still exist."""
    return {c.id for c in docker_engine.client.containers.list(all=True, filters={"label": LABEL})}


@pytest.fixture
def no_leftovers(docker_engine: DockerClient) -> Iterator[None]:
    """Checks that the test removed every container it started."""
    before = _our_containers(docker_engine)
    yield
    assert _our_containers(docker_engine) <= before


def _suite_command(report_dir: Path, image: str, *options: str) -> list[str]:
    """``pytest features/ --client container:<image> <options>``, reporting to ``report_dir``."""
    return [
        *(sys.executable, "-m", "pytest", "features/", "--client", f"container:{image}"),
        *("--report-dir", str(report_dir), "-p", "no:cacheprovider", "-q", *options),
    ]


def _conformance_run(
    report_dir: Path, image: str, *options: str
) -> tuple[subprocess.CompletedProcess[str], Any]:
    """Run the suite against ``image``; the run and its report."""
    done = subprocess.run(
        _suite_command(report_dir, image, *options), cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    report_file = report_dir / "conformance.json"
    assert report_file.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(report_file.read_text())


# --- clients that speak the protocol ------------------------------------------------------------


@pytest.mark.usefixtures("no_leftovers")
def test_the_reference_image_passes_the_smoke_check(reference_image: dict[str, str | None]) -> None:
    out = io.StringIO()
    assert smoke(f"container:{REFERENCE}", 30.0, out) == 0, out.getvalue()
    assert "reference 0.1.0 (python) speaks protocol v1" in out.getvalue()


@pytest.mark.usefixtures("no_leftovers")
def test_the_node_example_image_passes_the_smoke_check(docker_engine: DockerClient) -> None:
    _image(docker_engine, NODE_EXAMPLE)
    out = io.StringIO()
    assert smoke(f"container:{NODE_EXAMPLE}", 30.0, out) == 0, out.getvalue()
    assert "node-example 0.1.0 (javascript) speaks protocol v1" in out.getvalue()


@pytest.mark.slow
@pytest.mark.usefixtures("no_leftovers")
def test_the_whole_suite_passes_against_the_reference_client_in_a_container(
    reference_image: dict[str, str | None], tmp_path: Path
) -> None:
    done, report = _conformance_run(tmp_path, REFERENCE, "-n", "2")
    assert done.returncode == 0, done.stdout[-5000:]
    assert report["verdict"] == "conformant"
    assert report["client"]["name"] == "reference"
    assert report["client"]["image"] == reference_image
    assert str(report["client"]["image"]["id"]).startswith("sha256:")


# --- clients that do not ------------------------------------------------------------------------

TWO_SCENARIOS = ("-m", "MO-ENT-001", "-k", "create or read", "--client-timeout", "3")


@pytest.mark.parametrize(
    ("mode", "kind", "says"),
    [
        ("crash", "crashed", "boom: sync fell over"),
        ("silent", "timed_out", "did not answer 'handshake' within 3s"),
        ("garbage", "protocol_error", "not JSON"),
    ],
)
@pytest.mark.usefixtures("no_leftovers")
def test_a_misbehaving_container_is_a_client_error_and_the_run_goes_on(
    misbehaving: dict[str, str], tmp_path: Path, mode: str, kind: str, says: str
) -> None:
    done, report = _conformance_run(tmp_path, misbehaving[mode], *TWO_SCENARIOS)
    assert done.returncode == 1, done.stdout[-3000:]
    assert report["verdict"] == "not_conformant"
    scenarios = report["scenarios"]
    assert len(scenarios) == 2  # the second scenario ran, with a fresh container
    for scenario in scenarios:
        assert (scenario["outcome"], scenario["error_kind"]) == ("error", kind), scenario
        assert says in scenario["message"], scenario["message"]
    if mode == "garbage":  # the container outlived the failure: pytest shows what it logged meanwhile
        assert "- client log -" in done.stdout and "garbling the reply to sync" in done.stdout


@pytest.mark.usefixtures("no_leftovers")
def test_the_crash_report_quotes_the_container_log_and_exit_code(misbehaving: dict[str, str]) -> None:
    with start_client(f"container:{misbehaving['crash']}") as session, pytest.raises(ClientError) as caught:
        session.connection.request({"cmd": "sync", "id": 1})
    assert caught.value.kind == "crashed"
    assert "the container exited while answering 'sync' (exit code 3)" in caught.value.message
    assert "client log (last lines):" in caught.value.message
    assert caught.value.message.endswith("boom: sync fell over")


@pytest.mark.usefixtures("no_leftovers")
def test_a_container_that_never_listens_fails_to_start(misbehaving: dict[str, str]) -> None:
    settings = ContainerSettings(start_timeout=2.0)
    with pytest.raises(ClientStartFailed, match=r"nothing answered 'handshake' .* within 2s"):
        start_client(f"container:{misbehaving['absent']}", timeout=5.0, container=settings)


def test_an_image_the_engine_lacks_is_never_pulled(docker_engine: DockerClient) -> None:
    with pytest.raises(ClientStartFailed, match="the harness never pulls images"):
        start_client("container:offline-conformance/no-such-image:never")


# --- networks and interruptions -----------------------------------------------------------------


@pytest.fixture
def bridge_network(docker_engine: DockerClient) -> Iterator[str]:
    """A bridge network of its own (the engine may have no default ``bridge``)."""
    network = docker_engine.client.networks.create("offline-conformance-test", driver="bridge")
    try:
        yield str(network.name)
    finally:
        network.remove()


@pytest.mark.usefixtures("no_leftovers")
def test_a_container_on_a_bridge_network_reaches_the_mock_at_the_gateway(
    reference_image: dict[str, str | None], bridge_network: str, tmp_path: Path
) -> None:
    done, report = _conformance_run(
        tmp_path, REFERENCE, "-m", "MO-ENT-001", "--container-network", bridge_network
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert [s["outcome"] for s in report["scenarios"]] == ["passed"] * 4
    assert report["run"]["mock"]["url"].startswith(f"http://{gateway_address(bridge_network)}:")


@pytest.mark.usefixtures("docker_engine")
def test_a_network_the_engine_lacks_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    command = _suite_command(tmp_path, REFERENCE, "--container-network", "offline-conformance-none")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "the Docker engine has no network 'offline-conformance-none'" in done.stderr


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
@pytest.mark.usefixtures("no_leftovers")
def test_an_interrupted_run_removes_its_containers(
    docker_engine: DockerClient, reference_image: dict[str, str | None], tmp_path: Path, workers: int
) -> None:
    before = _our_containers(docker_engine)
    command = _suite_command(tmp_path, REFERENCE, *(("-n", str(workers)) if workers else ()))
    output = (tmp_path / "run.log").open("w")
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # A shell running this in the background ignores SIGINT, and children inherit that: give
        # the run the terminal's default, so that the signal below is the Ctrl-C it stands for.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while len(_our_containers(docker_engine) - before) < max(workers, 1):
            assert run.poll() is None and time.monotonic() < deadline, "no container was started"
            time.sleep(0.5)
        time.sleep(2)  # a scenario or two under way
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: every process of the run
        returncode = run.wait(timeout=60)
        assert returncode == pytest.ExitCode.INTERRUPTED, (tmp_path / "run.log").read_text()[-4000:]
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        output.close()
