"""``python -m clients.reference``: the reference client over stdio (the process adapter) or, with
``--http``, over HTTP (the container adapter).

stdio: newline-delimited JSON, one request per input line, one response per output line, flushed
at once; the loop ends after ``shutdown`` or at the end of the input.

HTTP: one request per ``POST`` (the JSON body), the reply as the response body, on the address
and port the container is given in ``CONFORMANCE_HOST`` and ``CONFORMANCE_PORT`` (127.0.0.1:8080
when unset); the server stops after answering ``shutdown``.

On both, a message that is not JSON gets an ``invalid_request`` error with a null id.
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, TextIO

from clients.reference.driver import ReferenceClient


def answer(client: ReferenceClient, text: str | bytes) -> dict[str, Any]:
    """The reply to one raw message."""
    try:
        message = json.loads(text)
    except ValueError as error:
        return {"id": None, "error": {"code": "invalid_request", "message": f"Not JSON: {error}"}}
    return client.handle(message)


def serve(stdin: TextIO, stdout: TextIO) -> None:
    client = ReferenceClient()
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(json.dumps(answer(client, line)) + "\n")
        stdout.flush()
        if client.stopped:
            break


def serve_http(host: str, port: int) -> None:
    """Answer one protocol request per ``POST`` until ``shutdown``."""
    client = ReferenceClient()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            reply = json.dumps(answer(client, body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: one line per request would drown the log lines that explain a failure."""

    with HTTPServer((host, port), Handler) as server:
        print(f"reference client: listening on http://{host}:{port}/", file=sys.stderr, flush=True)
        while not client.stopped:
            server.handle_request()


def main() -> None:
    if sys.argv[1:] == ["--http"]:
        serve_http(
            os.environ.get("CONFORMANCE_HOST", "127.0.0.1"), int(os.environ.get("CONFORMANCE_PORT", "8080"))
        )
    else:
        serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
