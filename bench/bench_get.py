"""Single-record GET throughput of the mock against a bare Starlette JSON endpoint, each served by
the same stack (uvicorn, one process, loopback) in the same run. Prints both rates and their
ratio (target: the mock reaches at least 0.5 of the bare endpoint).

The bare endpoint answers with the very record the mock serves (the same JSON document), so
the ratio measures what the mock does per request, not a difference in payload size.

The load comes from a few keep-alive connections speaking plain HTTP/1.1 over sockets, so the
client costs little CPU next to the servers on a 2-core machine. The two servers are measured in
alternating rounds and compared by their median rates, so a noisy moment hurts neither alone.

    python bench/bench_get.py [--seconds 3] [--rounds 5] [--connections 4]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from mock_server.auth import DEFAULT_ADMIN_TOKEN

BARE_APP = """
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

RECORD = json.loads((Path(__file__).parent / "record.json").read_text())


async def record(request):
    return JSONResponse(RECORD)

app = Starlette(routes=[Route("/record", record)])
"""


def start(command: list[str], marker: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if marker in line:
            port = int(line.split("127.0.0.1:", 1)[1].split("/")[0].split()[0])
            # keep reading what the server prints, so a full pipe never blocks it
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, port
    raise RuntimeError(f"{command[0]} did not start")


def request_bytes(path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {DEFAULT_ADMIN_TOKEN}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


def read_response(sock: socket.socket, buffer: bytearray) -> bytes:
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
    )
    while len(rest) < length:
        rest += sock.recv(65536)
    buffer[:] = rest[length:]
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.decode())
    return rest[:length]


def rate(port: int, path: str, seconds: float, connections: int) -> float:
    counts = [0] * connections
    stop = time.perf_counter() + seconds
    payload = request_bytes(path)

    def worker(index: int) -> None:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffer = bytearray()
            while time.perf_counter() < stop:
                sock.sendall(payload)
                read_response(sock, buffer)
                counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    mock, mock_port = start(
        [sys.executable, "-m", "mock_server.cli", "serve", "--port", "0", "--scale", "100"], "serving"
    )
    with socket.create_connection(("127.0.0.1", mock_port)) as sock:
        sock.sendall(request_bytes("/api/data/v9.2/accounts?$select=accountid&$top=1"))
        account_id = json.loads(read_response(sock, bytearray()))["value"][0]["accountid"]
        record = f"/api/data/v9.2/accounts({account_id})"
        sock.sendall(request_bytes(record))
        document = read_response(sock, bytearray())
    bare_dir = Path(__file__).parent / ".bare_app"
    bare_dir.mkdir(exist_ok=True)
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    (bare_dir / "record.json").write_bytes(document)
    bare, bare_port = start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(bare_dir),
            "bare_app:app",
            "--port",
            "0",
            "--log-level",
            "info",
            "--no-access-log",
        ],
        "Uvicorn running",
    )
    try:
        rate(mock_port, record, 1, args.connections)  # warm up both
        rate(bare_port, "/record", 1, args.connections)
        mock_rates, bare_rates = [], []
        for _ in range(args.rounds):
            mock_rates.append(rate(mock_port, record, args.seconds, args.connections))
            bare_rates.append(rate(bare_port, "/record", args.seconds, args.connections))
        mock_rate, bare_rate = statistics.median(mock_rates), statistics.median(bare_rates)
    finally:
        for process in (mock, bare):
            process.terminate()
            process.wait()
    print(f"payload: the same {len(document)}-byte account record from both")
    print(f"bare Starlette JSON endpoint: {bare_rate:8.0f} requests/s (median of {args.rounds} rounds)")
    print(f"mock single-record GET:       {mock_rate:8.0f} requests/s")
    print(f"ratio mock/bare: {mock_rate / bare_rate:.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
