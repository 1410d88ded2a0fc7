"""Client images that misbehave, for the container transport's tests, and the means to build them.

One small Python program (the standard library's HTTP server, nothing else) misbehaves in the way
its ``MODE`` names; ``build_misbehaving(engine, mode, context)`` makes it an image of the Python
base image of ``scripts/build-images``, with no network and in about a second.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from testcontainers.core.docker_client import DockerClient

PYTHON_BASE = "offline-conformance/python-base:bookworm"
MODES = ("crash", "silent", "garbage", "absent")

MISBEHAVING = r'''
"""A client that misbehaves as its argument, MODE, says:
crash: answers the handshake and configure, then dies on the next command, with a last word;
garbage: answers the handshake and configure, then answers with a body that is not JSON;
silent: accepts every request and never answers;
absent: never listens at all."""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE = sys.argv[1]
IMPLEMENTATION = {"name": "misbehaving-" + MODE, "version": "1.0", "language": "python"}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if MODE == "silent":
            time.sleep(3600)
        if message["cmd"] == "handshake":
            result = {"protocol_version": 1, "implementation": IMPLEMENTATION}
        elif message["cmd"] in ("configure", "shutdown"):
            result = {}
        elif MODE == "garbage":
            print("garbling the reply to " + message["cmd"], file=sys.stderr, flush=True)
            return self.answer(b"hello, I am not JSON")
        else:
            print("boom: " + message["cmd"] + " fell over", file=sys.stderr, flush=True)
            os._exit(3)
        self.answer(json.dumps({"id": message["id"], "result": result}).encode())

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if MODE == "absent":
    time.sleep(3600)
HTTPServer((os.environ["CONFORMANCE_HOST"], int(os.environ["CONFORMANCE_PORT"])), Handler).serve_forever()
'''


def misbehaving_image(mode: str) -> str:
    return f"offline-conformance/test-misbehaving:{mode}"


def build_misbehaving(engine: DockerClient, mode: str, context: Path) -> str:
    """The image of the client misbehaving as ``mode`` says, built in ``context``. The program is
    its command line, so the image adds no layer to the base image, and its one instruction is
    the one step the build takes (each step costs a copy of the base image on the vfs driver)."""
    context.mkdir(parents=True, exist_ok=True)
    command = json.dumps(["python3", "-u", "-c", MISBEHAVING, mode])
    (context / "Dockerfile").write_text(f"FROM {PYTHON_BASE}\nCMD {command}\n")
    tag = misbehaving_image(mode)
    engine.build(str(context), tag=tag)
    return tag
