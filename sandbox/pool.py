"""Sessions for ``run``: fresh by default, or from a small pool of pre-started containers.

A pooled container is started ahead of time with its supervisor waiting on stdin and its zygote
already holding numpy, so a job pays neither container start nor ``import numpy``. Each container
still serves exactly one job and is removed afterwards.

With a pool, nothing but the job itself is on a run's critical path: removing the used container
and starting its replacement happen on background threads after the job's result is in (a removal
is queued for a janitor thread, which then tops the pool up), so they neither delay the result nor
compete for the CPU while the job runs. ``drain_pools`` waits for that background work.
"""

from __future__ import annotations

import atexit
import collections
import threading
import time

import docker

from sandbox.container import Session
from sandbox.errors import SandboxError
from sandbox.types import Limits, SandboxConfig

_PoolKey = tuple[str | None, str, str, Limits]
_Refill = tuple[docker.DockerClient, SandboxConfig, Limits, _PoolKey]
_pools: dict[_PoolKey, collections.deque[Session]] = {}
_lock = threading.Lock()
_refills: dict[_PoolKey, threading.Thread] = {}
MAX_IDLE_SECONDS = 600.0


class _PoolSession(Session):
    """A session served by the pool path: ``remove`` queues the removal (and a refill) for the janitor."""

    refill: _Refill | None = None

    def remove(self) -> None:
        _janitor.submit(self)

    def remove_now(self) -> None:
        super().remove()


class _Janitor:
    """One daemon thread that removes used pool-path containers, then tops their pool up."""

    def __init__(self) -> None:
        self._queue: collections.deque[_PoolSession] = collections.deque()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def submit(self, session: _PoolSession) -> None:
        with self._idle:
            self._queue.append(session)
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, daemon=True, name="sandbox-pool-janitor")
                self._thread.start()
            self._idle.notify_all()

    def _work(self) -> None:
        while True:
            with self._idle:
                if not self._queue and not self._idle.wait_for(lambda: bool(self._queue), timeout=30.0):
                    self._thread = None
                    return
                session = self._queue.popleft()
            try:
                session.remove_now()  # a failure is left to sweep_leftovers, as on the synchronous path
                if session.refill is not None:
                    _refill_async(*session.refill)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)


_janitor = _Janitor()


def _fresh(client: docker.DockerClient, config: SandboxConfig, limits: Limits) -> Session:
    session = Session(client, config, limits)
    session.start()
    return session


def _pool_session(client: docker.DockerClient, config: SandboxConfig, limits: Limits, *, pooled: bool) -> _PoolSession:
    session = _PoolSession(client, config, limits, pooled=pooled)
    session.start()
    return session


def take_session(client: docker.DockerClient, config: SandboxConfig, limits: Limits) -> Session:
    """A started session for one job: pooled if one is ready and alive, else a fresh one.

    The pool is topped up after the job (when the session is removed); an empty pool starts
    refilling at once.
    """
    if config.pool_size <= 0:
        return _fresh(client, config, limits)
    key: _PoolKey = (config.base_url, config.image, str(config.runtime), limits)
    session = _pop_alive(key)
    if session is None:
        _refill_async(client, config, limits, key)
        session = _pool_session(client, config, limits, pooled=False)
    session.refill = (client, config, limits, key)
    session.started_at = time.monotonic()
    return session


def _pop_alive(key: _PoolKey) -> _PoolSession | None:
    while True:
        with _lock:
            queue = _pools.get(key)
            session = queue.popleft() if queue else None
        if session is None:
            return None
        assert isinstance(session, _PoolSession)
        if time.monotonic() - session.started_at < MAX_IDLE_SECONDS and session.is_running():
            return session
        session.remove()


def _refill_async(client: docker.DockerClient, config: SandboxConfig, limits: Limits, key: _PoolKey) -> None:
    def refill() -> None:
        while True:
            with _lock:
                if len(_pools.setdefault(key, collections.deque())) >= config.pool_size:
                    return
            try:
                session = _pool_session(client, config, limits, pooled=True)
            except SandboxError:
                return  # the next run will create its own container and report the engine's state
            with _lock:
                _pools.setdefault(key, collections.deque()).append(session)

    with _lock:
        running = _refills.get(key)
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=refill, daemon=True, name="sandbox-pool-refill")
        _refills[key] = thread
    thread.start()


def wait_for_pools(timeout: float = 60.0) -> bool:
    """Wait until queued removals and pool refills have finished; False if ``timeout`` passed first.

    For benchmarks and tests that want background work to land off the clock.
    """
    deadline = time.monotonic() + timeout
    if not _janitor.wait_idle(timeout):
        return False
    with _lock:
        threads = list(_refills.values())
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.0))
    return not any(thread.is_alive() for thread in threads)


def drain_pools() -> None:
    """Remove every pooled container of this process (at shutdown, and in tests)."""
    wait_for_pools()
    with _lock:
        sessions = [session for queue in _pools.values() for session in queue]
        _pools.clear()
    for session in sessions:
        if isinstance(session, _PoolSession):
            session.remove_now()
        else:
            session.remove()


# A short-lived process (a management command publishing questions) must not leave its pool running.
atexit.register(drain_pools)
