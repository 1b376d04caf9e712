"""One hardened sandbox container: its spec, and a single run through its attach socket."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import docker
from docker.errors import APIError, DockerException, NotFound
from docker.types import LogConfig, Ulimit

from sandbox.errors import ContainerFailed
from sandbox.stream import STDERR, STDOUT, Demuxer, Excerpt, FrameReader
from sandbox.types import Limits, Runtime, SandboxConfig

LABEL = "org.loopwright.sandbox"
OWNER_LABEL = f"{LABEL}.owner"


def owner_id(pid: int | None = None) -> str:
    """Which process started a container: host and pid (several Loopwrights may share one engine)."""
    return f"{socket.gethostname()}:{pid if pid is not None else os.getpid()}"


def owner_is_alive(owner: str) -> bool | None:
    """Whether the owning process still runs; None when that cannot be told from here (another host)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return not _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed process nobody has reaped yet still answers signal 0; Linux says it is a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


SANDBOX_USER = "10001:10001"
HARNESS_COMMAND = ["/usr/bin/python3", "-I", "/opt/loopwright/harness/supervisor.py"]
GVISOR_MIN_PIDS = 1024  # gVisor's own threads count against the pids cgroup: keep it a backstop only
MB = 1024 * 1024


def container_spec(config: SandboxConfig, limits: Limits, run_label: str, *, pooled: bool = False) -> dict[str, Any]:
    """``containers.create`` keyword arguments for one hardened, network-less sandbox container."""
    memory = f"{limits.container_memory_mb_for(config.runtime)}m"
    ulimits = [
        Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
        Ulimit(name="fsize", soft=limits.file_size_mb * MB, hard=limits.file_size_mb * MB),
        Ulimit(name="core", soft=0, hard=0),
    ]
    if config.runtime == Runtime.RUNSC:  # under runc nproc counts per host uid across containers
        ulimits.append(Ulimit(name="nproc", soft=limits.pids, hard=limits.pids))
    pids = max(limits.pids, GVISOR_MIN_PIDS) if config.runtime == Runtime.RUNSC else limits.pids
    return {
        "image": config.image,
        "command": HARNESS_COMMAND,
        "user": SANDBOX_USER,
        "working_dir": "/tmp",  # noqa: S108 - the container's own tmpfs
        "environment": {},
        "stdin_open": True,
        "tty": False,
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,noexec,nosuid,nodev,size={limits.tmpfs_mb}m,mode=1777"},  # noqa: S108
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "pids_limit": pids,
        "mem_limit": memory,
        "memswap_limit": memory,
        "nano_cpus": int(limits.cpus * 1e9),
        "ulimits": ulimits,
        "init": True,
        "log_config": LogConfig(type="none"),
        "labels": {
            LABEL: "1",
            f"{LABEL}.run": run_label,
            f"{LABEL}.pooled": "1" if pooled else "0",
            OWNER_LABEL: owner_id(),
        },
        "runtime": str(config.runtime),
        "hostname": "sandbox",
        "detach": True,
    }


@dataclass
class Drained:
    """What came out of one container run."""

    reader: FrameReader
    stderr: Excerpt
    wall_seconds: float = 0.0
    overran: bool = False
    overflowed: bool = False
    ended: bool = False  # the drain thread has stopped
    errors: list[str] = field(default_factory=list)


class Session:
    """A created container with its attach socket open; run once, then ``remove``."""

    def __init__(
        self, client: docker.DockerClient, config: SandboxConfig, limits: Limits, *, pooled: bool = False
    ) -> None:
        self.client, self.config, self.limits = client, config, limits
        self.run_label = uuid.uuid4().hex
        try:
            spec = container_spec(config, limits, self.run_label, pooled=pooled)
            self.container = client.containers.create(**spec)
        except DockerException as exc:
            raise ContainerFailed(f"could not create a sandbox container: {exc}") from exc
        self._socket: socket.socket | None = None
        self.started_at = 0.0

    def start(self) -> None:
        """Attach (before start: nothing is missed) and start the container."""
        try:
            params = {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            attached = self.client.api.attach_socket(str(self.container.id), params=params)
            self._socket = attached._sock
            self.container.start()
        except DockerException as exc:
            self.remove()
            raise ContainerFailed(f"could not start a sandbox container: {exc}") from exc
        self.started_at = time.monotonic()

    def run(self, request: bytes, reader: FrameReader, budget_seconds: float) -> Drained:
        """Send the request, drain output on a thread, kill from here at the budget or on a flood."""
        assert self._socket is not None, "start() first"
        drained = Drained(reader=reader, stderr=Excerpt(8192))
        wake = threading.Event()
        thread = threading.Thread(target=self._drain, args=(drained, wake), daemon=True)
        thread.start()
        try:
            self._socket.sendall(request)
        except OSError as exc:  # the container may already have ended; its output says why
            drained.errors.append(f"sending the job failed: {exc}")
        deadline = self.started_at + budget_seconds
        while True:
            wake.wait(max(deadline - time.monotonic(), 0.0))
            wake.clear()
            if drained.ended:
                break
            drained.overflowed = reader.overflowed or drained.stderr.total > reader.max_noise
            drained.overran = not drained.overflowed and time.monotonic() >= deadline
            if drained.overflowed or drained.overran:
                self.kill()  # never from the draining thread: it must keep reading meanwhile
                thread.join(timeout=30)
                break
        drained.wall_seconds = time.monotonic() - self.started_at
        return drained

    def _drain(self, drained: Drained, wake: threading.Event) -> None:
        demuxer = Demuxer()
        try:
            assert self._socket is not None
            while not drained.reader.done:
                chunk = self._socket.recv(1 << 16)
                if not chunk:
                    break
                for stream, payload in demuxer.feed(chunk):
                    if stream == STDOUT:
                        drained.reader.feed(payload)
                    elif stream == STDERR:
                        drained.stderr.feed(payload)
                if drained.reader.overflowed or drained.stderr.total > drained.reader.max_noise:
                    wake.set()
        except OSError as exc:
            drained.errors.append(f"reading the container's output failed: {exc}")
        finally:
            drained.ended = True
            wake.set()

    def oom_killed(self) -> bool:
        """Whether the kernel killed something in the container for memory (checked after a short run)."""
        try:
            self.container.reload()
        except DockerException:
            return False
        return bool(self.container.attrs.get("State", {}).get("OOMKilled"))

    def is_running(self) -> bool:
        try:
            self.container.reload()
        except DockerException:
            return False
        return bool(self.container.status == "running")

    def kill(self) -> None:
        with contextlib.suppress(NotFound, APIError):  # already stopped
            self.container.kill()

    def remove(self) -> None:
        """Force-remove the container; a failure is left to ``sweep_leftovers``."""
        if self._socket is not None:
            self._socket.close()
        with contextlib.suppress(DockerException):
            self.container.remove(force=True)
