"""The stdio transport: a client as a child process speaking newline-delimited JSON.

The harness writes one request per line to the child's stdin and reads one reply per line from
its stdout; the child's stderr is free for logs (its last lines are kept for crash reports). A
reader thread moves stdout lines into a queue, so every request can wait with a timeout. Whatever
goes wrong becomes a typed error, and the child is always reaped:

- the command is not found or not executable -> ``ClientStartFailed``
- the child exits (stdout closes) before answering -> ``ClientCrashed``, with its exit code
- a line that is not a JSON object, or a reply breaking the schema -> ``ProtocolError``
- no line within the timeout -> ``ClientTimedOut``

After a crash, a timeout or an unreadable line the stream can no longer be trusted (a late reply
would answer the wrong request), so the child is stopped and every later request raises
``ClientCrashed``. A schema violation leaves the stream in step and the connection usable.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import threading
from collections import deque
from typing import IO, TYPE_CHECKING, Any

from harness.adapters.connection import check_response, encode_request
from harness.errors import ClientCrashed, ClientError, ClientStartFailed, ClientTimedOut, ProtocolError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["DEFAULT_TIMEOUT", "ProcessConnection"]

DEFAULT_TIMEOUT = 30.0
_STDERR_LINES = 20
_GRACE = 2.0  # seconds a child gets to exit on its own once stdin closes, before it is killed

JSONObject = dict[str, Any]


class ProcessConnection:
    """A ``Connection`` to a child process started from a command line."""

    def __init__(self, argv: Sequence[str] | str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.argv = shlex.split(argv) if isinstance(argv, str) else list(argv)
        self.timeout = timeout
        if not self.argv:
            raise ClientStartFailed("the client command line is empty; give e.g. 'process:python client.py'")
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                start_new_session=True,
            )
        except OSError as exc:
            raise ClientStartFailed(f"could not start the client {shlex.join(self.argv)!r}: {exc}") from exc
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        self._failure: ClientError | None = None
        self._stopped = False
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True, name="client-stdout"),
            threading.Thread(target=self._read_stderr, daemon=True, name="client-stderr"),
        ]
        for thread in self._threads:
            thread.start()

    def __repr__(self) -> str:
        return f"ProcessConnection({shlex.join(self.argv)!r}, pid={self._process.pid})"

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        """Whether the child process is still alive."""
        return self._process.poll() is None

    def __enter__(self) -> ProcessConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- Connection ------------------------------------------------------------------------------

    def request(self, message: JSONObject) -> JSONObject:
        cmd, line = encode_request(message, self._failure)
        self._write(cmd, line)
        raw = self._read_line(cmd)
        try:
            response = json.loads(raw)
        except ValueError:
            raise self._give_up(
                ProtocolError(f"the client answered {cmd!r} with a line that is not JSON: {raw[:200]!r}")
            ) from None
        return check_response(message, response)

    def close(self) -> None:
        """Stop the child: close stdin, give it a moment to exit, then terminate and kill it."""
        self._stop(grace=_GRACE)

    # -- internals -------------------------------------------------------------------------------

    def _stop(self, grace: float) -> None:
        if self._stopped:
            return
        self._stopped = True
        process = self._process
        if process.stdin is not None and not process.stdin.closed:
            # OSError: the child is already gone, so closing its pipe has nothing left to flush.
            with contextlib.suppress(OSError):
                process.stdin.close()
        for signal_number in (None, signal.SIGTERM, signal.SIGKILL):
            if signal_number is not None:
                self._signal_group(signal_number)
            try:
                process.wait(timeout=grace if signal_number is None else _GRACE)
                break
            except subprocess.TimeoutExpired:
                continue
        # The child led its own process group; stop any grandchildren a shell wrapper left behind.
        self._signal_group(signal.SIGKILL)
        for thread, stream in zip(self._threads, (process.stdout, process.stderr), strict=True):
            thread.join(timeout=_GRACE)
            # Closing a pipe a reader thread still blocks on could deadlock on the buffer's lock.
            if stream is not None and not thread.is_alive():
                stream.close()
        if self._failure is None:
            self._failure = ClientCrashed("the connection is closed")

    def _signal_group(self, signal_number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already gone
            os.killpg(self._process.pid, signal_number)

    def _write(self, cmd: str, line: str) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(line + "\n")
            stdin.flush()
        except (OSError, ValueError):
            raise self._crashed(f"the client stopped reading its stdin before {cmd!r}") from None

    def _read_line(self, cmd: str) -> str:
        while True:
            try:
                raw = self._lines.get(timeout=self.timeout)
            except queue.Empty:
                raise self._give_up(ClientTimedOut(cmd, self.timeout)) from None
            if raw is None:
                raise self._crashed(f"the client exited while answering {cmd!r}")
            if raw.strip():
                return raw
            # Blank lines carry nothing; tolerating them costs nothing and helps hand-written clients.

    def _crashed(self, what: str) -> ClientCrashed:
        try:
            returncode: int | None = self._process.wait(timeout=_GRACE)
        except subprocess.TimeoutExpired:
            returncode = None
        for thread in self._threads[1:]:
            thread.join(timeout=_GRACE)  # let the stderr reader catch the last words
        suffix = f" (exit code {returncode})" if returncode is not None else ""
        error = ClientCrashed(what + suffix, returncode, "\n".join(self._stderr))
        self._give_up(error)
        return error

    def _give_up(self, error: ClientError) -> ClientError:
        self._failure = error
        self._stop(grace=0.0)  # a child that hung or babbled gets no polite exit
        return error

    def _read_stdout(self) -> None:
        self._pump(self._process.stdout, self._lines.put)
        self._lines.put(None)

    def _read_stderr(self) -> None:
        self._pump(self._process.stderr, self._stderr.append)

    @staticmethod
    def _pump(stream: IO[str] | None, sink: Callable[[str], None]) -> None:
        if stream is None:
            return
        try:
            for line in stream:
                sink(line.rstrip("\n"))
        except (OSError, ValueError):
            return  # the pipe was closed under us by close(); nothing more to read
