"""Single-record GET throughput of the mock against a bare Starlette JSON endpoint, both served by
the same uvicorn stack on loopback in the same run. Prints both rates and their ratio (target:
the mock reaches at least 0.5 of the bare endpoint).

    python bench/bench_get.py [--requests 3000] [--clients 4]
"""

from __future__ import annotations

import argparse
import socket
import threading
import time

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN

HEADERS = {"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}", "Accept": "application/json"}
RECORD = {"@odata.etag": 'W/"1001"', "name": "Contoso", "accountid": "7d577253-3ef0-4a0a-bb7f-8335c2596e70"}


async def bare(_request: Request) -> Response:
    return JSONResponse(RECORD)


def serve(app: Starlette) -> tuple[uvicorn.Server, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, sock.getsockname()[1]


def rate(url: str, requests: int, clients: int) -> float:
    def worker(count: int) -> None:
        with httpx.Client(headers=HEADERS) as http:
            for _ in range(count):
                http.get(url).raise_for_status()

    worker(50)  # warm up
    threads = [threading.Thread(target=worker, args=(requests // clients,)) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (requests // clients * clients) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    mock_server, mock_port = serve(create_app(Settings(scale=100)))
    bare_server, bare_port = serve(Starlette(routes=[Route("/record", bare)]))
    with httpx.Client(headers=HEADERS) as http:
        first = http.get(
            f"http://127.0.0.1:{mock_port}/api/data/v9.2/accounts?$select=accountid&$top=1"
        ).json()
    record_url = f"http://127.0.0.1:{mock_port}/api/data/v9.2/accounts({first['value'][0]['accountid']})"
    mock_rate = rate(record_url, args.requests, args.clients)
    bare_rate = rate(f"http://127.0.0.1:{bare_port}/record", args.requests, args.clients)
    print(f"bare Starlette JSON endpoint: {bare_rate:8.0f} requests/s")
    print(f"mock single-record GET:       {mock_rate:8.0f} requests/s")
    print(f"ratio mock/bare: {mock_rate / bare_rate:.2f} (target >= 0.50)")
    mock_server.should_exit = bare_server.should_exit = True


if __name__ == "__main__":
    main()
