"""Sessions for ``run``: fresh by default, or from a small pool of pre-started containers.

A pooled container is started ahead of time with its supervisor waiting on stdin and its zygote
already holding numpy, so a job pays neither container start nor ``import numpy``. Each container
still serves exactly one job and is removed afterwards; the pool refills in the background.
"""

from __future__ import annotations

import collections
import threading
import time

import docker

from sandbox.container import Session
from sandbox.errors import SandboxError
from sandbox.types import Limits, SandboxConfig

_PoolKey = tuple[str | None, str, str, Limits]
_pools: dict[_PoolKey, collections.deque[Session]] = {}
_lock = threading.Lock()
_refills: dict[_PoolKey, threading.Thread] = {}
MAX_IDLE_SECONDS = 600.0


def _fresh(client: docker.DockerClient, config: SandboxConfig, limits: Limits, *, pooled: bool = False) -> Session:
    session = Session(client, config, limits, pooled=pooled)
    session.start()
    return session


def take_session(client: docker.DockerClient, config: SandboxConfig, limits: Limits) -> Session:
    """A started session for one job: pooled if one is ready and alive, else a fresh one."""
    if config.pool_size <= 0:
        return _fresh(client, config, limits)
    key: _PoolKey = (config.base_url, config.image, str(config.runtime), limits)
    session = _pop_alive(key)
    _refill_async(client, config, limits, key)
    if session is None:
        return _fresh(client, config, limits)
    session.started_at = time.monotonic()
    return session


def _pop_alive(key: _PoolKey) -> Session | None:
    while True:
        with _lock:
            queue = _pools.get(key)
            session = queue.popleft() if queue else None
        if session is None:
            return None
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
                session = _fresh(client, config, limits, pooled=True)
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


def drain_pools() -> None:
    """Remove every pooled container of this process (at shutdown, and in tests)."""
    with _lock:
        threads = list(_refills.values())
    for thread in threads:
        thread.join(timeout=60)
    with _lock:
        sessions = [session for queue in _pools.values() for session in queue]
        _pools.clear()
    for session in sessions:
        session.remove()
