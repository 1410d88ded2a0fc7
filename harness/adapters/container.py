"""The container transport: a client shipped as an image, started with testcontainers, spoken to
over HTTP.

A client team certifies what it ships, and what it ships is an image. ``--client
container:<image>`` starts the image with testcontainers-python and sends it the protocol's
messages, one request per ``POST /`` (a JSON object in, the JSON reply out), so a container needs
no attached terminal and its stdout and stderr stay free for logs. The contract an image follows
(the address it listens on, the environment it is given, how it reaches the mock) is in
``harness/protocol/PROTOCOL.md``.

Two networks:

- ``host`` (the default): the container shares the host's network; the client listens on a free
  127.0.0.1 port the harness picks and reaches the mock where the harness does, on loopback.
- any other name is a bridge network (``bridge``, Docker's default one, or one of your own): the
  client listens on port 8080 of every container address, published on a free port of the host's
  loopback, and reaches the mock at the network's gateway address (``gateway_address``), where
  the plugin then has the mock listen.

What goes wrong becomes the harness's usual typed errors, each carrying the container's last log
lines (``ClientError.with_log``), and the container is removed:

- no engine, no such image (images are never pulled) -> ``ClientStartFailed``
- nothing answers within the start timeout -> ``ClientStartFailed``
- the container exits -> ``ClientCrashed``, with its exit code (before the handshake,
  ``start_client`` turns it into ``ClientStartFailed``)
- no reply within the timeout -> ``ClientTimedOut``
- a reply that is not HTTP 200, not JSON, or breaks the schema -> ``ProtocolError``

Testcontainers' Ryuk reaper is switched off (its image cannot be assumed pullable): the harness
removes its own containers when a connection closes, and any still running when the interpreter
exits. Each carries the label ``offline-conformance.client`` so a CI job can sweep up after a
killed run.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import socket
import time
import warnings
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import httpx
from docker.models.containers import Container
from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.docker_client import DockerClient

from harness.adapters.connection import check_response, encode_request
from harness.errors import ClientCrashed, ClientError, ClientStartFailed, ClientTimedOut, ProtocolError

__all__ = [
    "BRIDGE_PORT",
    "DEFAULT_START_TIMEOUT",
    "HOST_NETWORK",
    "LABEL",
    "ContainerConnection",
    "ContainerSettings",
    "check_engine",
    "engine",
    "gateway_address",
    "image_facts",
]

HOST_NETWORK = "host"
BRIDGE_PORT = 8080  # where a client on a bridge network listens, inside its container
LABEL = "offline-conformance.client"
DEFAULT_START_TIMEOUT = 60.0
_LOG_LINES = 20
_POLL = 0.2  # seconds between attempts to reach a client that is still starting
_EXIT_GRACE = 2.0  # seconds a container gets to be seen as exited after a dropped connection
_ENGINE_ERRORS = (docker.errors.DockerException, OSError)
_PROBE_API = "1.41"

JSONObject = dict[str, Any]

testcontainers_config.ryuk_disabled = True


@dataclass(frozen=True)
class ContainerSettings:
    """How to run a client's container: its network, the mock it is told about, how long it may
    take to come up."""

    network: str = HOST_NETWORK
    dataverse_url: str = ""  # the mock's Web API base, as the container reaches it
    dataverse_token: str = ""  # a bearer token for it
    start_timeout: float = DEFAULT_START_TIMEOUT


def engine() -> DockerClient:
    """A client of the Docker engine (``DOCKER_HOST``, or the local socket); ``ClientStartFailed``
    when no engine answers."""
    check_engine()
    return DockerClient()


def check_engine() -> None:
    """``ClientStartFailed`` unless a Docker engine answers."""
    # A fixed API version, so that nothing is sent before the ping (a client that negotiates its
    # version fails in its constructor, beyond reach of close()).
    probe = docker.from_env(version=_PROBE_API)
    failure = None
    try:
        probe.ping()
    except docker.errors.APIError:
        pass  # the engine answered, if only to refuse this API version: DockerClient negotiates one
    except _ENGINE_ERRORS as exc:
        failure = str(exc)
    finally:
        probe.close()
    if failure is None:
        return
    # docker-py leaves the socket of a refused connection open, held in a reference cycle of the
    # exception chain: collect it now, quietly, rather than warn at some later, random moment.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    raise ClientStartFailed(
        f"no Docker engine answers ({failure}); start one, or set DOCKER_HOST to reach one"
    )


def image_facts(client: DockerClient, reference: str) -> dict[str, str | None]:
    """What names an image for good: the reference given, its id and its registry digest (``None``
    for an image built or imported locally and never pushed)."""
    try:
        image = client.client.images.get(reference)
    except docker.errors.ImageNotFound:
        raise ClientStartFailed(
            f"no image {reference!r} in the Docker engine; build or load it first "
            f"(the harness never pulls images)"
        ) from None
    except _ENGINE_ERRORS as exc:
        raise ClientStartFailed(f"could not inspect the image {reference!r}: {exc}") from exc
    digests = image.attrs.get("RepoDigests") or [""]
    return {"reference": reference, "id": str(image.id), "digest": digests[0].partition("@")[2] or None}


def gateway_address(network: str) -> str:
    """The host's address on a bridge network: where its containers reach services of the host."""
    client = engine()
    try:
        found = client.client.networks.get(network)
    except docker.errors.NotFound:
        raise ClientStartFailed(f"the Docker engine has no network {network!r}") from None
    except _ENGINE_ERRORS as exc:
        raise ClientStartFailed(f"could not inspect the network {network!r}: {exc}") from exc
    finally:
        client.client.close()
    for config in (found.attrs.get("IPAM") or {}).get("Config") or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
    raise ClientStartFailed(
        f"the network {network!r} has no gateway address, so its containers cannot reach the host; "
        f"use a bridge network, or --container-network host"
    )


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ContainerConnection:
    """A ``Connection`` to a client running in a container started from ``image``."""

    def __init__(self, image: str, *, timeout: float, settings: ContainerSettings | None = None) -> None:
        self.settings = settings or ContainerSettings()
        self.timeout = timeout
        on_host = self.settings.network == HOST_NETWORK
        port = _free_loopback_port() if on_host else BRIDGE_PORT
        environment = {
            "CONFORMANCE_HOST": "127.0.0.1" if on_host else "0.0.0.0",
            "CONFORMANCE_PORT": str(port),
            "CONFORMANCE_DATAVERSE_URL": self.settings.dataverse_url,
            "CONFORMANCE_DATAVERSE_TOKEN": self.settings.dataverse_token,
        }
        check_engine()
        self._container = DockerContainer(image, env=environment).with_kwargs(
            network=self.settings.network, labels={LABEL: image}
        )
        if not on_host:
            # Published on the host's loopback only, on a free port; docker-py takes an (address,
            # port) pair where testcontainers' annotation says a port.
            self._container.ports[f"{port}/tcp"] = ("127.0.0.1", None)  # type: ignore[assignment]
        self._failure: ClientError | None = None
        self._answered = False
        client = self._container.get_docker_client()
        try:
            self.image = image_facts(client, image)
            self._container.start()
            _LIVE[id(self)] = self
            published = port if on_host else int(client.port(self.container_id, port))
        except ClientStartFailed:
            self._remove()
            raise
        except _ENGINE_ERRORS as exc:
            self._remove()
            raise ClientStartFailed(f"could not start a container from {image!r}: {exc}") from exc
        self.url = f"http://127.0.0.1:{published}/"
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    def __repr__(self) -> str:
        return f"ContainerConnection({self.image['reference']!r}, url={self.url!r})"

    def __enter__(self) -> ContainerConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def container_id(self) -> str:
        return self._container.get_container_id()

    @property
    def _wrapped(self) -> Container:
        return self._container.get_wrapped_container()

    # -- Connection ------------------------------------------------------------------------------

    def request(self, message: JSONObject) -> JSONObject:
        cmd, body = encode_request(message, self._failure)
        response = self._post(cmd, body) if self._answered else self._first_contact(cmd, body)
        self._answered = True
        if response.status_code != 200:
            raise ProtocolError(
                f"the client answered {cmd!r} with HTTP {response.status_code}, not 200: "
                f"{response.text[:200]!r}"
            ).with_log(self.logs())
        try:
            reply = json.loads(response.content)
        except ValueError:
            raise ProtocolError(
                f"the client answered {cmd!r} with a body that is not JSON: {response.text[:200]!r}"
            ).with_log(self.logs()) from None
        try:
            return check_response(message, reply)
        except ProtocolError as exc:
            raise exc.with_log(self.logs()) from None

    def close(self) -> None:
        """Remove the container (stopping it first if it still runs); safe to call twice."""
        if self._failure is None:
            self._failure = ClientCrashed("the connection is closed")
        self._http.close()
        self._remove()

    # -- what else a container tells ---------------------------------------------------------------

    def logs(self, since: float | None = None) -> str:
        """The container's last log lines (stdout and stderr), from ``since`` (a Unix time) when
        given; empty once the container is gone."""
        options: dict[str, Any] = {"tail": _LOG_LINES} if since is None else {"since": int(since)}
        try:
            raw: bytes = self._wrapped.logs(**options)
        except _ENGINE_ERRORS:
            return ""
        return raw.decode("utf-8", errors="replace")

    # -- internals -------------------------------------------------------------------------------

    def _first_contact(self, cmd: str, body: str) -> httpx.Response:
        """The first request, repeated until the client listens: a container takes a moment to
        start, and its port may accept connections (a published port always does) before any
        client is behind it."""
        deadline = time.monotonic() + self.settings.start_timeout
        while True:
            try:
                return self._http.post(self.url, content=body, headers={"Content-Type": "application/json"})
            except (httpx.ReadTimeout, httpx.WriteTimeout):
                raise self._give_up(ClientTimedOut(cmd, self.timeout)) from None
            except httpx.TransportError:  # refused, or dropped: nothing listens yet
                exit_code = self._exit_code(wait=0.0)
                if exit_code is not None:
                    raise self._give_up(self._exited(f"before answering {cmd!r}", exit_code)) from None
                if time.monotonic() >= deadline:
                    raise self._give_up(
                        ClientStartFailed(
                            f"nothing answered {cmd!r} at {self.url} within "
                            f"{self.settings.start_timeout:g}s of the container's start; the image must "
                            f"listen on CONFORMANCE_HOST:CONFORMANCE_PORT (raise "
                            f"--container-start-timeout if it is merely slow)"
                        )
                    ) from None
                time.sleep(_POLL)

    def _post(self, cmd: str, body: str) -> httpx.Response:
        try:
            return self._http.post(self.url, content=body, headers={"Content-Type": "application/json"})
        except httpx.TimeoutException:
            raise self._give_up(ClientTimedOut(cmd, self.timeout)) from None
        except httpx.TransportError as exc:
            exit_code = self._exit_code(wait=_EXIT_GRACE)
            if exit_code is None:
                raise self._give_up(
                    ProtocolError(f"the client dropped the connection while answering {cmd!r}: {exc}")
                ) from None
            raise self._give_up(self._exited(f"while answering {cmd!r}", exit_code)) from None

    @staticmethod
    def _exited(when: str, exit_code: int) -> ClientCrashed:
        return ClientCrashed(f"the container exited {when} (exit code {exit_code})", exit_code)

    def _exit_code(self, wait: float) -> int | None:
        """The container's exit code once it has stopped (waiting up to ``wait`` seconds for it);
        ``None`` while it runs."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self._wrapped.reload()
                state = self._wrapped.attrs.get("State") or {}
            except _ENGINE_ERRORS:
                return None
            if not state.get("Running", True):
                return int(state.get("ExitCode", -1))
            if time.monotonic() >= deadline:
                return None
            time.sleep(_POLL)

    def _give_up(self, error: ClientError) -> ClientError:
        """Remember the failure, add the container's last words to it and remove the container:
        after a hang or a crash nothing it says can be trusted."""
        error.with_log(self.logs())
        self._failure = error
        self._remove()
        return error

    def _remove(self) -> None:
        _LIVE.pop(id(self), None)
        with contextlib.suppress(*_ENGINE_ERRORS):  # the engine may be gone; nothing more to do
            self._container.stop()


_LIVE: dict[int, ContainerConnection] = {}


@atexit.register
def _remove_leftovers() -> None:
    """Remove the containers still running when the interpreter exits (an interrupted run)."""
    for connection in list(_LIVE.values()):
        connection.close()
