"""``python -m clients.reference`` speaks newline-delimited JSON on stdin/stdout, and with
``--http`` one request per POST (the container transport)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys

import httpx
import pytest

from clients.reference import ReferenceClient
from clients.reference.__main__ import serve


def test_the_stdio_entry_point_answers_a_handshake() -> None:
    requests = [
        {"id": 1, "cmd": "handshake", "protocol_version": 1},
        {"id": 2, "cmd": "shutdown"},
    ]
    done = subprocess.run(
        [sys.executable, "-m", "clients.reference"],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert replies == [
        {
            "id": 1,
            "result": {
                "protocol_version": 1,
                "implementation": {"name": "reference", "version": "0.1.0", "language": "python"},
            },
        },
        {"id": 2, "result": {}},
    ]


def test_the_http_entry_point_answers_each_post_and_stops_after_shutdown() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "CONFORMANCE_HOST": "127.0.0.1", "CONFORMANCE_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "clients.reference", "--http"],
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        assert server.stderr.readline().strip() == f"reference client: listening on http://127.0.0.1:{port}/"
        url = f"http://127.0.0.1:{port}/"
        handshake = httpx.post(url, json={"id": "a", "cmd": "handshake", "protocol_version": 1}).json()
        assert handshake["id"] == "a" and handshake["result"]["protocol_version"] == 1
        garbled = httpx.post(url, content=b"not json").json()
        assert (garbled["id"], garbled["error"]["code"]) == (None, "invalid_request")
        assert httpx.post(url, json={"id": 2, "cmd": "shutdown"}).json() == {"id": 2, "result": {}}
        assert server.wait(timeout=10) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stderr is not None:
            server.stderr.close()


def test_bad_lines_get_typed_errors_and_the_loop_goes_on() -> None:
    stdin = io.StringIO('not json\n\n{"id": 7, "cmd": "teleport"}\n[1]\n{"id": 8, "cmd": "go_offline"}\n')
    stdout = io.StringIO()
    serve(stdin, stdout)
    replies = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [r["id"] for r in replies] == [None, 7, None, 8]
    assert [r.get("error", {}).get("code") for r in replies] == [
        "invalid_request",
        "unsupported_command",
        "invalid_request",
        None,
    ]


@pytest.mark.parametrize(
    "request_",
    [
        {"cmd": "create", "id": 1, "entity": "contact"},
        {"cmd": "create", "id": 1, "entity": 7, "values": {}},
        {"cmd": "retrieve", "id": 1, "entity": "contact", "record_id": "x", "colour": "red"},
        {"cmd": "disqualify", "id": 1, "record_id": "x", "status": True},
        {"cmd": "qualify", "id": 1, "record_id": "x", "create_account": 1},
        {"cmd": "sync", "id": 1, "now": True},
    ],
)
def test_malformed_requests_are_invalid_even_before_configure(request_: dict[str, object]) -> None:
    reply = ReferenceClient().handle(request_)
    assert reply["error"]["code"] == "invalid_request", reply


def test_well_formed_requests_before_configure_are_not_configured() -> None:
    client = ReferenceClient()
    for request_ in (
        {"cmd": "create", "id": 1, "entity": "contact", "values": {}},
        {"cmd": "query", "id": 2, "entity": "lead", "filter": {"statecode": 0}, "columns": ["subject"]},
        {"cmd": "sync", "id": 3},
    ):
        assert client.handle(request_)["error"]["code"] == "not_configured"
    assert client.handle({"cmd": "go_offline", "id": 4}) == {"id": 4, "result": {}}
