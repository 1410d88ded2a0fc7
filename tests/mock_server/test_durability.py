"""A file-backed server killed with SIGKILL during a stream of writes keeps every write it
acknowledged, and its database stays consistent."""

from __future__ import annotations

import signal
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.slow


def write_until_killed(server: LiveServer, acknowledged: list[str], stop: threading.Event) -> None:
    with server.http() as http:
        i = 0
        while not stop.is_set():
            subject = f"durable-{i}"
            try:
                response = http.post("tasks", json={"subject": subject, "description": "x" * 200})
            except httpx.HTTPError:
                return  # the server is gone
            if response.status_code == 204:
                acknowledged.append(subject)
            i += 1


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "org.sqlite"
    server = start_server(tmp_path, "--db", str(db), "--scale", "5")
    acknowledged: list[str] = []
    stop = threading.Event()
    writer = threading.Thread(target=write_until_killed, args=(server, acknowledged, stop))
    writer.start()
    while len(acknowledged) < 150 and writer.is_alive():
        threading.Event().wait(0.02)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    stop.set()
    writer.join(timeout=10)
    stop_server(server)
    assert len(acknowledged) >= 150

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restarted = start_server(tmp_path, "--db", str(db), "--scale", "5")
    try:
        with restarted.http() as http:
            stored = http.get("tasks?$select=subject&$filter=startswith(subject,'durable-')").json()["value"]
            subjects = {t["subject"] for t in stored}
            assert set(acknowledged) <= subjects
            # every task has its activitypointer copy: no half-written activity survived
            pointers = http.get("activitypointers/$count?$filter=startswith(subject,'durable-')").text
            assert int(pointers) == len(subjects)
            # the restarted server keeps its data rather than re-seeding, and still takes writes
            assert http.post("tasks", json={"subject": "after restart"}).status_code == 204
    finally:
        stop_server(restarted)
