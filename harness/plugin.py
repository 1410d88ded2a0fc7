"""The pytest plugin that turns ``pytest features/`` into a conformance run.

Installed with the package (entry point ``pytest11``), it adds:

- options: ``--client`` (``reference`` by default, or ``inprocess:<module>:<attribute>``,
  ``process:<command line>``, ``container:<image>``), ``--dataverse-url`` (a mock already
  running, instead of the embedded one), ``--dataverse-admin-token``, ``--dataverse-ca``,
  ``--client-timeout``, ``--container-network``, ``--container-start-timeout``,
  ``--report-dir``, ``--baseline``, ``--expectations`` (declared exceptions);
- requirement tags: ``@MO-ENT-001`` on a scenario becomes the marker ``MO-ENT-001`` (so
  ``-m MO-ENT-001`` selects it) and ``requirement("MO-ENT-001")``, which reports read. Every ID
  of the catalogue is registered; a tag shaped like an ID that the catalogue does not know stops
  the collection;
- fixtures: ``dataverse`` (one organization per session, embedded unless ``--dataverse-url``),
  ``organization`` (the same, reset to its seeded state for each scenario and serving the
  client) and ``device`` (the client under test, started once per session and started again
  after it failed);
- reports: ``harness.report.ReportCollector`` builds one record per scenario from the test
  reports (merged at the controller under pytest-xdist) and writes ``conformance.json``,
  ``junit.xml`` and ``summary.md`` to ``--report-dir``, or to ``reports/`` when scenarios ran or
  ``--baseline`` was given.

The embedded organization is in this process for an in-process client (respx routes its calls)
and on loopback for a client in another process or in a container on the host network; for a
container on a bridge network it listens on the network's gateway address instead, the host's
address its containers reach. A container client's image is recorded as its identity, and a
scenario it fails gets the container's log lines of that scenario as a report section.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import replace
from typing import Any

import pytest

from harness.adapters.connect import ClientSession, resolve, start_client
from harness.adapters.container import (
    DEFAULT_START_TIMEOUT,
    HOST_NETWORK,
    ContainerConnection,
    ContainerSettings,
    gateway_address,
)
from harness.adapters.process import DEFAULT_TIMEOUT
from harness.dataverse import (
    DEFAULT_SCALE,
    LOOPBACK,
    Dataverse,
    embedded_inprocess,
    embedded_loopback,
    remote,
)
from harness.device import Device
from harness.errors import ClientError
from harness.report import ReportCollector, note_client, note_mock
from harness.report.diff import ReportInputError, load_report
from harness.report.expectations import Expectations, ExpectationsError
from harness.requirements import catalogue
from mock_server.auth import DEFAULT_ADMIN_TOKEN

ALIASES = {"reference": "inprocess:clients.reference:ReferenceClient"}
REQUIREMENT_TAG = re.compile(r"^MO-[A-Z]+-\d+$")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("offline-conformance", "offline client conformance")
    group.addoption(
        "--client",
        default="reference",
        help="the client under test: 'reference', 'inprocess:<module>:<attribute>', "
        "'process:<command line>' or 'container:<image>' (default: reference)",
    )
    group.addoption(
        "--dataverse-url",
        default=None,
        help="Web API base URL of a mock already running (default: an embedded mock per session)",
    )
    group.addoption(
        "--dataverse-admin-token", default=DEFAULT_ADMIN_TOKEN, help="admin token of --dataverse-url"
    )
    group.addoption("--dataverse-ca", default=None, help="PEM file of the CA that signed --dataverse-url")
    group.addoption(
        "--dataverse-scale",
        type=int,
        default=DEFAULT_SCALE,
        help=f"scale of the embedded mock's seeded data (default {DEFAULT_SCALE})",
    )
    group.addoption(
        "--client-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a process or container client may take to answer one request "
        f"(default {DEFAULT_TIMEOUT:g})",
    )
    group.addoption(
        "--container-network",
        default=HOST_NETWORK,
        metavar="NAME",
        help="the Docker network of a container client: 'host' (default; the mock listens on "
        "127.0.0.1), or a bridge network such as 'bridge' (the mock listens on its gateway address)",
    )
    group.addoption(
        "--container-start-timeout",
        type=float,
        default=DEFAULT_START_TIMEOUT,
        help=f"seconds a container client may take to answer its first request "
        f"(default {DEFAULT_START_TIMEOUT:g})",
    )
    group.addoption(
        "--report-dir",
        default=None,
        help="where to write conformance.json, junit.xml and summary.md "
        "(default: reports/ under the root directory, when scenarios ran or --baseline is given)",
    )
    group.addoption(
        "--baseline",
        default=None,
        metavar="FILE",
        help="a conformance.json from an earlier run: print what changed, and fail the run when a "
        "scenario or requirement that passed there does not pass now",
    )


    group.addoption(
        "--expectations",
        default=None,
        metavar="FILE",
        help="a YAML file of declared exceptions (requirement or scenario ids the client knowingly "
        "fails, each with a reason, an issue link and an expiry date); see harness/report/REPORT.md",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(id): the scenario checks this requirement of the catalogue"
    )
    for requirement in catalogue().requirements:
        config.addinivalue_line("markers", f"{requirement.id}: {requirement.statement}")
    collector = ReportCollector(config, baseline=_baseline(config), expectations=_expectations(config))
    config.pluginmanager.register(collector, "offline-conformance-report")
    config.stash[MOCK_HOST] = _mock_host(config)


MOCK_HOST = pytest.StashKey[str]()


def _mock_host(config: pytest.Config) -> str:
    """Where an embedded mock on the network listens: loopback, or the gateway of a container
    client's bridge network, found now so that a network the engine lacks stops the run at once."""
    network = config.getoption("container_network")
    kind = resolve(config.getoption("client"), ALIASES).partition(":")[0]
    if kind != "container" or network == HOST_NETWORK or config.getoption("dataverse_url"):
        return LOOPBACK
    try:
        return gateway_address(network)
    except ClientError as exc:
        raise pytest.UsageError(f"--container-network {network}: {exc.message}") from None


def _baseline(config: pytest.Config) -> dict[str, Any] | None:
    """The ``--baseline`` report, checked before anything runs; a usage error if it is unusable."""
    option = config.getoption("baseline")
    if option is None:
        return None
    try:
        return load_report(config.invocation_params.dir / option)
    except ReportInputError as exc:
        raise pytest.UsageError(f"--baseline: {exc}") from None


def _expectations(config: pytest.Config) -> Expectations | None:
    """The ``--expectations`` file, checked before anything runs; a usage error if it is unusable."""
    option = config.getoption("expectations")
    if option is None:
        return None
    try:
        return Expectations.load(config.invocation_params.dir / option, dt.datetime.now(dt.UTC).date())
    except ExpectationsError as exc:
        raise pytest.UsageError(f"--expectations: {exc}") from None


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: object) -> object:
    """A requirement tag becomes its own marker plus ``requirement(id)``; other tags are left to
    pytest-bdd (and ``--strict-markers``)."""
    if not REQUIREMENT_TAG.match(tag):
        return None
    if catalogue().get(tag) is None:
        pytest.fail(f"the tag @{tag} names no requirement of the catalogue", pytrace=False)
    getattr(pytest.mark, tag)(function)
    pytest.mark.requirement(tag)(function)
    return True


class ClientUnderTest:
    """The session's client: started on first use, started again after a failure."""

    def __init__(self, spec: str, timeout: float, container: ContainerSettings) -> None:
        self.spec, self.timeout, self.container = spec, timeout, container
        self.session: ClientSession | None = None

    @property
    def kind(self) -> str:
        return resolve(self.spec, ALIASES).partition(":")[0]

    def start(self, dataverse: Dataverse) -> ClientSession:
        """The running client, started first if need be; a container is told where ``dataverse`` is."""
        if self.session is None:
            container = replace(
                self.container, dataverse_url=dataverse.server_url, dataverse_token=dataverse.reader_token()
            )
            self.session = start_client(self.spec, timeout=self.timeout, aliases=ALIASES, container=container)
        return self.session

    @property
    def in_container(self) -> ContainerConnection | None:
        """The running client's container, when it runs in one."""
        connection = self.session.connection if self.session is not None else None
        return connection if isinstance(connection, ContainerConnection) else None

    def discard(self) -> None:
        """Drop a client that failed, so the next scenario starts a fresh one."""
        if self.session is not None:
            self.session.close()
            self.session = None


@pytest.fixture(scope="session")
def client_under_test(request: pytest.FixtureRequest) -> Iterator[ClientUnderTest]:
    option = request.config.getoption
    container = ContainerSettings(
        network=option("--container-network"), start_timeout=option("--container-start-timeout")
    )
    client = ClientUnderTest(option("--client"), option("--client-timeout"), container)
    yield client
    client.discard()


@pytest.fixture(scope="session")
def dataverse(request: pytest.FixtureRequest, client_under_test: ClientUnderTest) -> Iterator[Dataverse]:
    """The organization of this session (of this worker, under pytest-xdist)."""
    option = request.config.getoption
    url = option("--dataverse-url")
    if url:
        reached = remote(url, option("--dataverse-admin-token"), option("--dataverse-ca"))
    elif client_under_test.kind == "inprocess":
        reached = embedded_inprocess(option("--dataverse-scale"))
    else:
        reached = embedded_loopback(option("--dataverse-scale"), host=request.config.stash[MOCK_HOST])
    with reached as organization:
        note_mock(request.config, organization, embedded=not url)
        yield organization


@pytest.fixture
def organization(dataverse: Dataverse) -> Iterator[Dataverse]:
    """The organization, freshly reset, serving the client for the length of one scenario."""
    with dataverse.serving_clients():
        dataverse.reset()
        yield dataverse


@pytest.fixture
def device(
    request: pytest.FixtureRequest, organization: Dataverse, client_under_test: ClientUnderTest
) -> Iterator[Device]:
    """The client under test as one scenario's device (not yet signed in)."""
    session = client_under_test.start(organization)
    container = client_under_test.in_container
    note_client(request.config, session.implementation, image=container.image if container else None)
    if container is not None:
        request.node.stash[SCENARIO_CONTAINER] = (container, time.time())
    device = Device(session, organization)
    yield device
    if device.failed:
        client_under_test.discard()


SCENARIO_CONTAINER = pytest.StashKey[tuple[ContainerConnection, float]]()  # and when the scenario began


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A scenario that failed with a client in a container gets the container's log lines of that
    scenario as a report section ("client log")."""
    report = yield
    if report.failed and SCENARIO_CONTAINER in item.stash:
        container, began = item.stash[SCENARIO_CONTAINER]
        log = container.logs(since=began)
        if log.strip():
            report.sections.append(("client log", log))
    return report
