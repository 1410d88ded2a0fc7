"""``python -m clients.reference``: the reference client over stdio, for the process adapter.

Newline-delimited JSON: one request per input line, one response per output line, flushed at
once. A line that is not JSON gets an ``invalid_request`` error with a null id. The loop ends
after ``shutdown`` or at the end of the input.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from clients.reference.driver import ReferenceClient


def serve(stdin: TextIO, stdout: TextIO) -> None:
    client = ReferenceClient()
    for line in stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as error:
            response = {"id": None, "error": {"code": "invalid_request", "message": f"Not JSON: {error}"}}
        else:
            response = client.handle(message)
        stdout.write(json.dumps(response) + "\n")
        stdout.flush()
        if client.stopped:
            break


def main() -> None:
    serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
