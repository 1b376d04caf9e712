"""Real processes for the reliability tests: a private Redis, Celery workers and beat.

Every process starts in a new session, so one ``killpg`` reaches a worker's pool children too;
``stop`` always ends with SIGKILL if a polite signal is ignored; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from kombu import pools as kombu_pools

REPO_ROOT = Path(__file__).resolve().parents[2]
CELERY = REPO_ROOT / ".venv" / "bin" / "celery"
GRADING_QUEUES = "grading,samples,sweeps"  # config/settings.py: GRADING_QUEUE, SAMPLES_QUEUE, SWEEPS_QUEUE


def wait_for(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_env(broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or beat process: this test database, a private broker, ``extra``."""
    from django.conf import settings
    from django.db import connection

    return {
        **os.environ,
        **extra,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": broker_url,
        "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "1",  # the tests' receivers listen on loopback
    }


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database this test runs against (the *test* database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


class Process:
    """A child process in its own session (process group), output to a log file."""

    def __init__(
        self, name: str, argv: list[str], log: Path, env: dict[str, str] | None = None, ready_marker: str = ""
    ) -> None:
        self.name, self.argv, self.log, self.env, self.ready_marker = name, argv, log, env, ready_marker
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def ready(self) -> bool:
        """Whether the ready marker is in the log yet; raises if the process died first."""
        if not self.alive:
            raise AssertionError(f"{self.name} exited before it was ready\n{self.tail()}")
        return self.ready_marker in self.output()

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, chars: int = 3000) -> str:
        return f"--- {self.name} ({self.log}) ---\n{self.output()[-chars:]}"

    def signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole group (main process and pool children) and reap the main process."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (a Celery worker's warm shutdown), then SIGKILL whatever is left of the group."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self.kill()  # the group may outlive its leader: pool children, a stuck shutdown


class RedisServer:
    """A non-persistent redis-server on a spare loopback port, in its own directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> RedisServer:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.directory), "--daemonize", "no"]
        self.process = Process("redis", argv, self.directory / "redis.log").start()
        wait_for(self._answers, timeout=10, interval=0.05, what=f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if not self.process.alive:
            raise AssertionError(f"redis-server exited\n{self.process.tail()}")
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=5)

    def restart(self) -> None:
        """Stop and start on the same port. Nothing is saved, so every message in it is gone."""
        self.stop()
        self.start()

    def queued(self, queue: str = "grading") -> int:
        with self.client() as client:
            return int(client.llen(queue))


class CeleryProcesses:
    """Celery worker and beat processes sharing one environment; all stopped by ``stop_all``."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.processes: list[Process] = []

    def worker(
        self, name: str, *, queues: str = GRADING_QUEUES, wait: bool = True, app: str = "config", **overrides: str
    ) -> Process:
        """Start a prefork worker (one child, prefetch 1) on ``queues``; by default wait until it consumes.

        The default is every queue of grading's work (final grading, sample runs, the sweeps); production
        gives final grading a worker of its own (``scripts/run``), which ``bench/fairness.py`` measures.
        """
        argv = [str(CELERY), "-A", app, "worker", "--pool=prefork", "--concurrency=1"]
        argv += ["--prefetch-multiplier=1", "-Q", queues, "--without-heartbeat", "--without-gossip"]
        argv += ["--without-mingle", "--loglevel=INFO", "-n", f"{name}@%h"]
        process = self._start(name, argv, overrides, ready_marker=" ready.")
        if wait:
            self.wait_ready(process)
        return process

    def beat(self, *, wait: bool = True, **overrides: str) -> Process:
        """Start celery beat (it sends the periodic sweep) with a fresh schedule file."""
        schedule = self.directory / f"beat-schedule-{len(self.processes)}"
        argv = [str(CELERY), "-A", "config", "beat", "--loglevel=INFO", "-s", str(schedule)]
        process = self._start("beat", argv, overrides, ready_marker="beat: Starting")
        if wait:
            self.wait_ready(process)
        return process

    @staticmethod
    def wait_ready(*processes: Process, timeout: float = 60) -> None:
        for process in processes:
            wait_for(process.ready, timeout=timeout, what=f"{process.name} to be ready")

    def _start(self, name: str, argv: list[str], overrides: dict[str, str], ready_marker: str) -> Process:
        log = self.directory / f"{name}-{len(self.processes)}.log"
        process = Process(name, argv, log, env={**self.env, **overrides}, ready_marker=ready_marker)
        self.processes.append(process.start())
        return process

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.processes)

    def stop_all(self) -> None:
        """SIGTERM every group at once, wait (bounded), then SIGKILL what is left."""
        for process in self.processes:
            process.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            if process.popen is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
            process.kill()


@contextlib.contextmanager
def celery_app_pointed_at(app: Any, broker_url: str) -> Iterator[None]:
    """Make this (the test) process send its tasks to ``broker_url``: on-commit enqueues and sweeps.

    Celery reads the CELERY_BROKER_URL environment variable before its configuration, so both change.
    """

    def drop_pools() -> None:
        if app._pool is not None:
            with contextlib.suppress(Exception):
                app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # kombu keeps its pools by broker URL in a global registry: the closed one would be handed out
        # again for this URL ("Acquire on closed pool" in a later test that sends a task).
        kombu_pools.reset()

    names = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")
    saved_env = {name: os.environ.get(name) for name in names}
    saved_url = app.conf.broker_url
    drop_pools()
    for name in names:
        os.environ.pop(name, None)
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.broker_url = broker_url
    try:
        assert app.conf.broker_write_url == broker_url, app.conf.broker_write_url
        yield
    finally:
        drop_pools()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        app.conf.broker_url = saved_url
