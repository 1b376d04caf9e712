"""gunicorn for the API benchmark: started on a free loopback port with ``bench.settings``, stopped by its pid."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ServerConfig:
    workers: int
    threads: int
    worker_class: str  # "gthread" or "sync"

    def describe(self) -> str:
        if self.worker_class == "sync":
            return f"gunicorn sync, {self.workers} workers"
        return f"gunicorn {self.worker_class}, {self.workers} workers x {self.threads} threads"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_command(config: ServerConfig, port: int) -> list[str]:
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(config.workers), "--worker-class", config.worker_class]
    if config.worker_class == "gthread":
        command += ["--threads", str(config.threads)]
    return [*command, "--log-level", "warning", "--backlog", "256"]


def request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> tuple:
    """One request without following redirects: (status, body). A 3xx is an answer to report, not to follow."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sent = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_ready(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before it answered")
        with contextlib.suppress(OSError):
            if request(port, "GET", "/bench/bare/")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /bench/bare/ within {READY_TIMEOUT_S:.0f} s")


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master


@contextlib.contextmanager
def gunicorn(config: ServerConfig, env: dict[str, str]) -> Iterator[Server]:
    """Run gunicorn for the duration of the block."""
    port = free_port()
    process = subprocess.Popen(gunicorn_command(config, port), cwd=ROOT, env={**os.environ, **env})
    try:
        _wait_ready(process, port)
        yield Server(port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the master ends its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
