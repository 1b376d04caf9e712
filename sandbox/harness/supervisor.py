"""Supervisor: the sandbox container's main process (also runnable bare: ``python3 supervisor.py < request``).

It alone knows the run's nonce and writes frames to stdout. It never runs candidate code: it spawns a
fresh zygote interpreter that loads the solution and forks per test, drives it one test at a time,
enforces its own deadlines, and re-checks every record the zygote sends before framing it.
It makes itself non-dumpable so that same-uid candidate processes cannot read its memory or fds.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import protocol  # noqa: E402

ZYGOTE = os.path.join(HERE, "zygote.py")
SCRATCH = "/tmp"  # noqa: S108 - the container's own tmpfs
CHILD_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": SCRATCH, "PYTHONHASHSEED": "0"}
TEST_GRACE_SECONDS = 1.0
TEXT_FIELDS = {"exc_type": 200, "message": 4000, "traceback": 8000, "stdout": None, "stderr": None}
NUMBER_FIELDS = ("stdout_bytes", "stderr_bytes", "cpu_seconds", "wall_seconds", "peak_memory_kb", "exit_signal")


class ZygoteGone(Exception):
    """The zygote died or broke the protocol."""


def make_undumpable() -> bool:
    """PR_SET_DUMPABLE=0: no ptrace or /proc/<pid>/{mem,fd} access from same-uid processes."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def read_request(fd: int = 0) -> dict[str, Any]:
    """Read the length-prefixed JSON request from ``fd``."""
    header = b""
    while not header.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte or len(header) > 20:
            raise ValueError("no request header on stdin")
        header += byte
    length, body = int(header), bytearray()
    if length > protocol.MAX_REQUEST_BYTES:
        raise ValueError("request too large")
    while len(body) < length:
        chunk = os.read(fd, min(1 << 20, length - len(body)))
        if not chunk:
            raise ValueError("request truncated")
        body += chunk
    return json.loads(body)


class Zygote:
    """The zygote process and its JSON-lines pipes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=CHILD_ENV,
            cwd=SCRATCH if os.path.isdir(SCRATCH) else None,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.in_fd, self.out_fd, self.buffer = self.proc.stdin.fileno(), self.proc.stdout.fileno(), b""

    def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode() + b"\n"
        try:
            while data:
                data = data[os.write(self.in_fd, data) :]
        except OSError as exc:
            raise ZygoteGone("the zygote stopped reading") from exc

    def receive(self, deadline: float, cap: int) -> dict[str, Any]:
        """Next record; TimeoutError past ``deadline``; ZygoteGone on EOF, overflow or garbage."""
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if not select.select([self.out_fd], [], [], remaining)[0]:
                continue
            chunk = os.read(self.out_fd, 1 << 20)
            if not chunk:
                raise ZygoteGone(self.describe_exit())
            self.buffer += chunk
            if len(self.buffer) > cap:
                raise ZygoteGone("the test process sent an oversized record")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ZygoteGone("the test process sent a malformed record") from exc
        if not isinstance(record, dict):
            raise ZygoteGone("the test process sent a malformed record")
        return record

    def describe_exit(self) -> str:
        try:
            code = self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return "the solution's process stopped answering"
        if code < 0:
            return f"the solution's process was killed by signal {signal.Signals(-code).name}"
        return f"the solution's process exited with code {code}"

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass


class Frames:
    """Nonce-framed writes to the container's stdout."""

    def __init__(self, nonce: str) -> None:
        self.nonce = nonce

    def emit(self, payload: dict[str, Any]) -> None:
        data = protocol.encode_frame(self.nonce, payload)
        while data:
            data = data[os.write(1, data) :]


def clean_test_record(record: dict[str, Any], limits: dict[str, Any]) -> dict[str, Any]:
    """Keep only known fields of the right types from a zygote record."""
    status = record.get("status")
    clean: dict[str, Any] = {"status": status if status in protocol.TEST_STATUSES else "crashed"}
    if clean["status"] == "ok":
        try:
            clean["value"] = json.loads(str(record.get("value_json")))
        except ValueError:
            clean = {"status": "crashed", "message": "the returned value could not be decoded"}
    for field, cap in TEXT_FIELDS.items():
        value = record.get(field)
        if isinstance(value, str):
            clean[field] = value[: cap or limits["excerpt_bytes"]]
    for field in NUMBER_FIELDS:
        value = record.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            clean[field] = value
    return clean


def clean_compile_record(record: dict[str, Any]) -> dict[str, Any]:
    """Known fields of a compile record."""
    status = record.get("status")
    clean: dict[str, Any] = {"status": status if status in protocol.COMPILE_STATUSES else "import_error"}
    for field in ("exc_type", "message", "traceback"):
        if isinstance(record.get(field), str):
            clean[field] = record[field][:4000]
    for field in ("line", "column"):
        if isinstance(record.get(field), int) and not isinstance(record.get(field), bool):
            clean[field] = record[field]
    return clean


def load(zygote: Zygote, request: dict[str, Any]) -> dict[str, Any]:
    """Hand the job to the zygote and wait (bounded) for its import to finish."""
    limits = request["limits"]
    job = {key: request[key] for key in ("source", "entry_point", "limits")}
    try:
        zygote.send(job | {"reap_strays": bool(request.get("reap_strays"))})
        deadline = time.monotonic() + limits["load_seconds"]
        return clean_compile_record(zygote.receive(deadline, 1 << 20))
    except TimeoutError:
        return {"status": "import_timeout", "message": f"importing the solution took over {limits['load_seconds']}s"}
    except ZygoteGone as exc:
        return {"status": "import_error", "message": f"{exc} while the solution was imported"}


def run_tests(zygote: Zygote, request: dict[str, Any], frames: Frames) -> None:
    """Drive the zygote one test at a time, framing each outcome."""
    limits, alive = request["limits"], True
    cap = 6 * (limits["return_bytes"] + 2 * limits["excerpt_bytes"]) + (64 << 10)
    for index, test in enumerate(request["tests"]):
        head = {"kind": "test", "index": index, "id": test["id"]}
        if not alive:
            frames.emit(head | {"status": "not_run", "message": "an earlier test took the sandbox down"})
            continue
        started = time.monotonic()
        try:
            zygote.send({"args": test["args"]})
            record = clean_test_record(
                zygote.receive(started + limits["wall_seconds"] + TEST_GRACE_SECONDS, cap), limits
            )
        except TimeoutError:
            alive, record = False, {"status": "timeout", "message": "the test overran its wall-clock limit"}
            record["wall_seconds"] = round(time.monotonic() - started, 4)
        except ZygoteGone as exc:
            alive, record = False, {"status": "crashed", "message": str(exc)}
        frames.emit(head | record)
        if not alive:
            zygote.kill()


def main() -> int:
    """Serve one request from stdin; always finish with a ``done`` frame once the nonce is known."""
    undumpable = make_undumpable()
    zygote = Zygote()  # spawned before the request arrives: it never sees the nonce
    request = read_request()
    frames = Frames(str(request["nonce"]))
    try:
        if not undumpable:
            raise RuntimeError("could not make the supervisor non-dumpable")
        compiled = load(zygote, request)
        frames.emit({"kind": "compile", **compiled})
        if compiled["status"] == "ok":
            run_tests(zygote, request, frames)
    except Exception as exc:
        frames.emit({"kind": "harness_error", "message": f"{type(exc).__name__}: {exc}"[:2000]})
    finally:
        zygote.kill()
        frames.emit({"kind": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
