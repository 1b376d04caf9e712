"""Zygote: loads the candidate's module once, then runs each test in a fresh forked child.

Started by the supervisor as a fresh interpreter (so it never holds the frame nonce). It speaks JSON
lines over two private descriptors (commands in, records out); fds 0-2 point at /dev/null so that
nothing the candidate prints at import time reaches them. After the import, candidate code runs in
this process: the supervisor treats what it reports as claims and enforces deadlines itself.
"""

from __future__ import annotations

import contextlib
import json
import linecache
import os
import signal
import sys
import traceback
import types
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import protocol  # noqa: E402
import runner  # noqa: E402

sys.path.pop(0)

with contextlib.suppress(ImportError):  # paid once per container (before the job when pooled), not per test
    import numpy  # noqa: F401

SOURCE_NAME = protocol.SOURCE_NAME


class LineChannel:
    """JSON objects, one per line, over a pair of raw descriptors."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd, self._buffer = read_fd, write_fd, b""

    def receive(self) -> dict[str, Any] | None:
        while b"\n" not in self._buffer:
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode() + b"\n"
        while data:
            data = data[os.write(self.write_fd, data) :]


def _error_line(exc: BaseException) -> int | None:
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == SOURCE_NAME]
    return frames[-1].lineno if frames else None


def load_solution(source: str, entry_point: str) -> tuple[dict[str, Any], Any]:
    """Compile and import the candidate's source; return (compile record, entry function or None)."""
    try:
        code = compile(source, SOURCE_NAME, "exec")
    except SyntaxError as exc:  # the line and column are in the candidate's own code: it is compiled as is
        record = {"status": "syntax_error", "exc_type": type(exc).__name__, "message": exc.msg}
        return record | {"line": exc.lineno, "column": exc.offset}, None
    except ValueError as exc:  # e.g. a NUL byte in the source
        return {"status": "syntax_error", "exc_type": "ValueError", "message": str(exc), "line": None}, None
    linecache.cache[SOURCE_NAME] = (len(source), None, source.splitlines(True), SOURCE_NAME)
    module = types.ModuleType("solution")
    module.__file__ = SOURCE_NAME
    sys.modules["solution"] = module
    try:
        exec(code, module.__dict__)  # noqa: S102 - the whole point; isolated by container and supervisor
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import are the candidate's too
        message = runner.cap_text(str(exc), 2000)
        record = {"status": "import_error", "exc_type": type(exc).__name__, "message": message}
        return record | {"line": _error_line(exc), "traceback": runner.format_traceback(exc)}, None
    function = module.__dict__.get(entry_point)
    if not callable(function):
        message = f"the solution defines no function named {entry_point!r}"
        return {"status": "missing_entry_point", "exc_type": None, "message": message, "line": None}, None
    return {"status": "ok"}, function


def _private_channel() -> LineChannel:
    """Move the protocol pipes off fds 0/1 and point 0-2 at /dev/null."""
    channel = LineChannel(os.dup(0), os.dup(1))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    return channel


def main() -> int:
    """Serve one job: load it, then run one test per command until the supervisor closes the pipe."""
    channel = _private_channel()
    job = channel.receive()
    if job is None:
        return 0
    wakeup = runner.install_sigchld_wakeup()
    record, function = load_solution(job["source"], job["entry_point"])
    channel.send(record)
    if function is None:
        return 0
    limits = job["limits"]
    private_fds = (channel.read_fd, channel.write_fd, *wakeup)
    while (command := channel.receive()) is not None:
        channel.send(runner.run_test(function, command["args"], limits, wakeup[0], private_fds))
        if job.get("reap_strays"):
            runner.reap_strays()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
