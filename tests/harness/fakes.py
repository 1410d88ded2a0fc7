"""Tiny fake clients for the transport and smoke tests, as the source of small Python scripts.

Each fake is a complete program: a test writes it into ``tmp_path`` and starts it with
``process:<python> <script>``, or imports it for ``inprocess:<module>:FakeClient``. ``WELL_BEHAVED``
speaks the protocol properly (validating requests with the harness's own schema); the others each
misbehave in exactly one way.
"""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

WELL_BEHAVED = r'''
"""A well-behaved fake client: echoes ids, validates requests, keeps records in a dict."""
import json
import sys

from harness.protocol.registry import command_names, request_validator

class FakeClient:
    def __init__(self):
        self.configured = False
        self.records = {}

    def handle(self, message):
        mid = message.get("id") if isinstance(message, dict) else None
        if not isinstance(mid, (int, str)) or isinstance(mid, bool):
            mid = None
        cmd = message.get("cmd") if isinstance(message, dict) else None
        if cmd not in command_names():
            return error(mid, "unsupported_command", f"no command {cmd!r}")
        if not request_validator(cmd).is_valid(message):
            return error(mid, "invalid_request", "the request does not match the schema")
        if cmd == "handshake":
            implementation = {"name": "fake", "version": "1.0", "language": "python"}
            return ok(mid, {"protocol_version": 1, "implementation": implementation})
        if cmd == "configure":
            self.configured = True
        if cmd in ("configure", "go_offline", "go_online", "shutdown"):
            return ok(mid, {})
        if not self.configured:
            return error(mid, "not_configured", "send configure first")
        if cmd == "create":
            record_id = f"local-{len(self.records) + 1}"
            self.records[record_id] = dict(message["values"])
            return ok(mid, {"record_id": record_id})
        if cmd == "retrieve":
            if message["record_id"] not in self.records:
                return error(mid, "not_found", "no such record")
            return ok(mid, {"record": self.records[message["record_id"]]})
        if cmd in ("query", "local_records"):
            return ok(mid, {"records": list(self.records.values())})
        if cmd == "sync":
            return ok(mid, {"uploaded": len(self.records), "downloaded": 0, "errors": []})
        return error(mid, "command_not_offered", f"the fake does not do {cmd}")

def ok(mid, result):
    return {"id": mid, "result": result}

def error(mid, code, message):
    return {"id": mid, "error": {"code": code, "message": message}}

if __name__ == "__main__":
    client = FakeClient()
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            reply = error(None, "invalid_request", "not JSON")
            message = None
        else:
            reply = client.handle(message)
        print(json.dumps(reply), flush=True)
        if isinstance(message, dict) and message.get("cmd") == "shutdown" and "result" in reply:
            break
'''

GARBAGE = r"""
import sys
for line in sys.stdin:
    print("hello, I am not JSON", flush=True)
"""

HANGS = r"""
import sys, time
for line in sys.stdin:
    time.sleep(3600)
"""

# Answers the handshake, then dies on the next request with a last word on stderr.
EXITS_MID_CONVERSATION = r"""
import json, sys
line = sys.stdin.readline()
implementation = {"name": "exits", "version": "1.0", "language": "python"}
reply = {"id": json.loads(line)["id"], "result": {"protocol_version": 1, "implementation": implementation}}
print(json.dumps(reply), flush=True)
sys.stdin.readline()
print("boom: out of cheese", file=sys.stderr, flush=True)
sys.exit(3)
"""

EXITS_AT_ONCE = r"""
import sys
print("cannot start: no config", file=sys.stderr, flush=True)
sys.exit(7)
"""

WRONG_VERSION = r"""
import json, sys
for line in sys.stdin:
    implementation = {"name": "future", "version": "9.0", "language": "python"}
    result = {"protocol_version": 2, "implementation": implementation}
    print(json.dumps({"id": json.loads(line)["id"], "result": result}), flush=True)
"""

# Valid JSON, wrong shape: every reply carries a result the schema does not allow.
BREAKS_SCHEMA = r"""
import json, sys
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "result": {"bogus": True}}), flush=True)
"""

WRONG_ID = r"""
import json, sys
for line in sys.stdin:
    implementation = {"name": "wrong-id", "version": "1.0", "language": "python"}
    result = {"protocol_version": 1, "implementation": implementation}
    print(json.dumps({"id": "not-" + str(json.loads(line)["id"]), "result": result}), flush=True)
"""

# Speaks the protocol for valid requests but accepts malformed ones too (smoke must catch it).
ACCEPTS_ANYTHING = WELL_BEHAVED.replace(
    'return error(mid, "invalid_request", "the request does not match the schema")', "pass"
)


def write_client(directory: Path, name: str, source: str) -> Path:
    """Write a fake client script and return its path."""
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def process_spec(script: Path) -> str:
    """The ``--client`` spec that runs ``script`` with this interpreter."""
    return "process:" + shlex.join([sys.executable, str(script)])
