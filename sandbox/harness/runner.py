"""Run one test in a fresh forked child under its own CPU, memory, wall and output limits."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import selectors
import signal
import sys
import time
import traceback
from typing import Any

import protocol

MB = 1024 * 1024
DRAIN_GRACE_SECONDS = 0.05


def cap_text(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, saying so."""
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more characters]"


def format_traceback(exc: BaseException) -> str:
    """The last frames of a traceback without the harness's own calling frame, capped."""
    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    return cap_text("".join(traceback.format_exception(type(exc), exc, tb, limit=-8)), 4000)


def install_sigchld_wakeup() -> tuple[int, int]:
    """Make SIGCHLD readable on a pipe so the collector can select() on child exit."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    return read_fd, write_fd


def _vm_size_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# ---------------------------------------------------------------- child side
def _set_limits(limits: dict[str, Any], vm_baseline: int) -> None:
    cpu = max(1, math.ceil(limits["cpu_seconds"]))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    address_space = vm_baseline + limits["memory_mb"] * MB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _result_record(function: Any, args: list[Any], limits: dict[str, Any]) -> dict[str, Any]:
    try:
        value = function(*args)
    except MemoryError:
        return {"status": "memory", "message": "MemoryError: the test ran out of memory"}
    except BaseException as exc:
        message = cap_text(str(exc), 2000)
        return {"status": "exception", "exc_type": type(exc).__name__, "message": message, **_tb(exc)}
    try:
        encoded = json.dumps(protocol.to_jsonable(value), separators=(",", ":"), allow_nan=False)
    except MemoryError:
        return {"status": "memory", "message": "MemoryError while serialising the returned value"}
    except (protocol.UnserializableError, RecursionError, ValueError) as exc:
        return {"status": "bad_return", "exc_type": type(exc).__name__, "message": cap_text(str(exc), 2000)}
    if len(encoded) > limits["return_bytes"]:
        message = f"the returned value is {len(encoded)} bytes as JSON, over the limit of {limits['return_bytes']}"
        return {"status": "output_limit", "message": message}
    return {"status": "ok", "value_json": encoded}


def _tb(exc: BaseException) -> dict[str, str]:
    try:
        return {"traceback": format_traceback(exc)}
    except BaseException:  # a hostile __str__ or a blown stack must not cost the record
        return {}


def _child(function: Any, args: list[Any], limits: dict[str, Any], fds: dict[str, int], vm: int) -> None:
    os.setsid()
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.dup2(fds["out_w"], 1)
    os.dup2(fds["err_w"], 2)
    for name, fd in fds.items():
        if name != "res_w":
            os.close(fd)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
    _set_limits(limits, vm)
    record = _result_record(function, args, limits)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):  # the candidate may have closed or replaced it
            stream.flush()
    data = json.dumps(record, separators=(",", ":")).encode()
    while data:
        data = data[os.write(fds["res_w"], data) :]


# ---------------------------------------------------------------- zygote side
class Sink:
    """Bytes from one pipe: an excerpt is kept, everything is counted."""

    def __init__(self, keep: int) -> None:
        self.keep, self.data, self.total = keep, bytearray(), 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.keep - len(self.data)
        if room > 0:
            self.data += chunk[:room]

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


class Collector:
    """Drain a child's pipes until it exits, killing it at the wall deadline or an output cap."""

    def __init__(self, pid: int, limits: dict[str, Any], pipes: dict[str, int], wakeup_fd: int) -> None:
        self.pid, self.limits, self.kill_reason = pid, limits, ""
        excerpt = limits["excerpt_bytes"]
        self.sinks = {pipes["out_r"]: Sink(excerpt), pipes["err_r"]: Sink(excerpt)}
        self.sinks[pipes["res_r"]] = Sink(limits["return_bytes"] + 64 * 1024)
        self.stdout, self.stderr, self.result = (self.sinks[pipes[k]] for k in ("out_r", "err_r", "res_r"))
        self.selector = selectors.DefaultSelector()
        for fd in (*self.sinks, wakeup_fd):
            self.selector.register(fd, selectors.EVENT_READ)
        self.wakeup_fd = wakeup_fd

    def kill(self, reason: str) -> None:
        self.kill_reason = self.kill_reason or reason
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            with contextlib.suppress(OSError):
                target()

    def _read(self, fd: int) -> None:
        if fd == self.wakeup_fd:
            while True:
                try:
                    if not os.read(fd, 512):
                        return
                except BlockingIOError:
                    return
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            self.selector.unregister(fd)
            os.close(fd)
            return
        self.sinks[fd].feed(chunk)
        if self.stdout.total + self.stderr.total > self.limits["output_bytes"] or self.result.total > self.result.keep:
            self.kill("output_limit")

    def collect(self, started: float) -> tuple[int, Any, float]:
        deadline, exited_at, status = started + self.limits["wall_seconds"], 0.0, None
        while True:
            now = time.monotonic()
            if status is None:
                pid, raw_status, usage = os.wait4(self.pid, os.WNOHANG)
                if pid == self.pid:
                    status, exited_at = (raw_status, usage), now
            open_pipes = len(self.selector.get_map()) > 1
            if status is not None and (not open_pipes or now > exited_at + DRAIN_GRACE_SECONDS):
                break
            if status is None and now >= deadline:
                self.kill("timeout")
                pid, raw_status, usage = os.wait4(self.pid, 0)
                status, exited_at = (raw_status, usage), time.monotonic()
                continue
            timeout = deadline - now if status is None else exited_at + DRAIN_GRACE_SECONDS - now
            for key, _ in self.selector.select(max(timeout, 0.0)):
                self._read(key.fd)
        self.kill("")  # whatever is left of its process group
        self.close()
        return status[0], status[1], exited_at - started

    def close(self) -> None:
        for key in list(self.selector.get_map().values()):
            self.selector.unregister(key.fd)
            if key.fd != self.wakeup_fd:
                os.close(key.fd)
        self.selector.close()


def _classify(collector: Collector, raw_status: int, usage: Any, limits: dict[str, Any]) -> dict[str, Any]:
    cpu = usage.ru_utime + usage.ru_stime
    signum = os.WTERMSIG(raw_status) if os.WIFSIGNALED(raw_status) else None
    if collector.kill_reason == "timeout":
        return {"status": "timeout", "message": f"wall-clock limit of {limits['wall_seconds']}s exceeded"}
    if collector.kill_reason == "output_limit":
        return {"status": "output_limit", "message": f"output over the limit of {limits['output_bytes']} bytes"}
    if signum == signal.SIGXCPU or cpu > limits["cpu_seconds"]:
        return {"status": "timeout", "message": f"CPU time limit of {limits['cpu_seconds']}s exceeded"}
    record = _parse_record(bytes(collector.result.data))
    if record is not None:
        return record
    if signum == signal.SIGKILL:
        return {"status": "memory", "message": "killed by the kernel (out of memory)"}
    if signum is not None:
        return {"status": "crashed", "message": f"killed by signal {signal.Signals(signum).name}"}
    return {"status": "crashed", "message": f"exited with code {os.WEXITSTATUS(raw_status)} before returning"}


def _parse_record(data: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(data) if data else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("status") in protocol.TEST_STATUSES else None


def run_test(
    function: Any, args: list[Any], limits: dict[str, Any], wakeup_fd: int, private_fds: tuple[int, ...]
) -> dict[str, Any]:
    """Fork a child that calls ``function(*args)``; return its outcome record."""
    _occupy_std_fds()
    fds: dict[str, int] = {}
    for name in ("out", "err", "res"):
        fds[f"{name}_r"], fds[f"{name}_w"] = os.pipe()
    vm_baseline = _vm_size_bytes()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            for fd in private_fds:
                os.close(fd)
            _child(function, args, limits, fds, vm_baseline)
            code = 0
        finally:
            os._exit(code)
    for name in ("out_w", "err_w", "res_w"):
        os.close(fds[name])
    collector = Collector(pid, limits, fds, wakeup_fd)
    raw_status, usage, wall = collector.collect(started)
    record = _classify(collector, raw_status, usage, limits)
    signum = os.WTERMSIG(raw_status) if os.WIFSIGNALED(raw_status) else None
    return record | {
        "stdout": collector.stdout.text(),
        "stderr": collector.stderr.text(),
        "stdout_bytes": collector.stdout.total,
        "stderr_bytes": collector.stderr.total,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
        "wall_seconds": round(wall, 4),
        "peak_memory_kb": usage.ru_maxrss,
        "exit_signal": signum,
    }


def _occupy_std_fds() -> None:
    """Reopen /dev/null on any of fds 0-2 the candidate closed, so new pipes never land there."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def reap_strays(timeout: float = 1.0) -> None:
    """SIGKILL every process but init, the supervisor and this zygote (container use only).

    Waits (bounded) until init has reaped them, so the next test starts with none left over.
    """
    if os.getuid() == 0:
        # Only ever inside a sandbox (uid 10001): run bare as root it would kill the whole machine.
        return
    keep = {1, os.getpid(), os.getppid()}
    deadline = time.monotonic() + timeout
    while True:
        strays = [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and int(entry) not in keep]
        if not strays or time.monotonic() > deadline:
            return
        for pid in strays:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
