"""Public entry points: ``run``, ``sweep_leftovers``, ``check_engine``."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from datetime import datetime
from typing import Any

import docker
from docker.errors import DockerException, ImageNotFound

from sandbox.container import LABEL, OWNER_LABEL, Session, owner_is_alive
from sandbox.errors import ContainerFailed, EngineUnavailable, ImageMissing, JobRejected
from sandbox.harness import protocol
from sandbox.results import Ending, build_result, limits_for_harness
from sandbox.stream import FrameReader
from sandbox.types import Job, RunResult, SandboxConfig

SUPPORTED_LANGUAGES = ("python",)
MAX_NOISE_BYTES = 1 << 20
_clients: dict[tuple[str | None, float], docker.DockerClient] = {}
_clients_lock = threading.Lock()


def validate_job(job: Job) -> None:
    """Reject a job that must not reach a container (raises ``JobRejected``)."""
    limits = job.limits
    if job.language not in SUPPORTED_LANGUAGES:
        raise JobRejected(f"language {job.language!r} is not supported")
    size = len(job.source.encode("utf-8", "surrogatepass"))
    if size > limits.source_bytes:
        raise JobRejected(f"source is {size} bytes, over the limit of {limits.source_bytes}")
    if not job.entry_point.isidentifier():
        raise JobRejected(f"entry point {job.entry_point!r} is not a Python identifier")
    if len(job.tests) > limits.max_tests:
        raise JobRejected(f"{len(job.tests)} tests, over the limit of {limits.max_tests}")
    if len({test.id for test in job.tests}) != len(job.tests):
        raise JobRejected("test ids are not unique")
    if min(limits.cpu_seconds, limits.wall_seconds, limits.memory_mb, limits.load_seconds) <= 0:
        raise JobRejected("limits must be positive")


def get_client(config: SandboxConfig) -> docker.DockerClient:
    """A cached Docker client for ``config.base_url`` that has answered a ping."""
    key = (config.base_url, config.api_timeout_seconds)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            try:
                if config.base_url:
                    client = docker.DockerClient(base_url=config.base_url, timeout=int(config.api_timeout_seconds))
                else:
                    client = docker.from_env(timeout=int(config.api_timeout_seconds))
                client.ping()
            except DockerException as exc:
                raise EngineUnavailable(f"no Docker engine answers ({exc}); run scripts/docker-setup") from exc
            _clients[key] = client
    return client


def image_digest(client: docker.DockerClient, image: str) -> str:
    """The local image id (content digest) of ``image``; ``ImageMissing`` if absent."""
    try:
        return str(client.images.get(image).id)
    except ImageNotFound as exc:
        raise ImageMissing(f"sandbox image {image!r} is missing; run scripts/docker-setup") from exc
    except DockerException as exc:
        raise EngineUnavailable(f"the Docker engine failed to answer: {exc}") from exc


def image_present(image: str, *, config: SandboxConfig | None = None) -> bool:
    """Whether the engine holds ``image`` (a name or an image id such as a recorded digest).

    ``EngineUnavailable`` when the engine does not answer: absence is only said when it does.
    """
    try:
        image_digest(get_client(config or SandboxConfig()), image)
    except ImageMissing:
        return False
    return True


def _request(job: Job, nonce: str) -> bytes:
    tests = [{"id": test.id, "args": test.args} for test in job.tests]
    body: dict[str, Any] = {"nonce": nonce, "source": job.source, "entry_point": job.entry_point, "tests": tests}
    body |= {"limits": limits_for_harness(job.limits), "reap_strays": True}
    try:
        return protocol.encode_request(body)
    except (TypeError, ValueError) as exc:
        raise JobRejected(f"test inputs must be finite JSON data: {exc}") from exc


def _budget(job: Job, config: SandboxConfig) -> float:
    per_test = job.limits.wall_seconds + 1.5
    return config.start_budget_seconds + job.limits.load_seconds + per_test * len(job.tests) + 5.0


def _reader(job: Job, nonce: str) -> FrameReader:
    limits = job.limits
    max_frame = 6 * (limits.return_bytes + 2 * limits.excerpt_bytes) + (64 << 10)
    return FrameReader(nonce, max_frame_bytes=max_frame, max_noise_bytes=MAX_NOISE_BYTES)


def run(job: Job, *, config: SandboxConfig | None = None) -> RunResult:
    """Run ``job`` in a fresh sandbox container and report what each test did.

    Raises ``JobRejected`` before any container starts, and another ``SandboxError`` when the
    platform (engine, image, harness) failed; the candidate's own failures are outcomes.
    """
    config = config or SandboxConfig()
    validate_job(job)
    nonce = secrets.token_hex(16)
    request = _request(job, nonce)
    client = get_client(config)
    digest = image_digest(client, config.image)
    session = _acquire_session(client, config, job)
    try:
        drained = session.run(request, _reader(job, nonce), _budget(job, config))
        oom = not drained.reader.done and session.oom_killed()
    finally:
        session.remove()
    if not drained.reader.frames and drained.errors and not drained.overran:
        raise ContainerFailed("; ".join(drained.errors))
    ending = Ending(overran=drained.overran, overflowed=drained.overflowed, oom_killed=oom)
    return build_result(
        job,
        drained.reader.frames,
        ending,
        image=config.image,
        digest=digest,
        runtime=str(config.runtime),
        wall=drained.wall_seconds,
    )


def _acquire_session(client: docker.DockerClient, config: SandboxConfig, job: Job) -> Session:
    from sandbox.pool import take_session  # local: the pool module imports this one's helpers

    return take_session(client, config, job.limits)


def sweep_leftovers(
    config: SandboxConfig | None = None, *, older_than_seconds: float = 0.0, include_pooled: bool = True
) -> list[str]:
    """Force-remove sandbox containers left behind by crashes; return their ids.

    A container whose owner (the process that started it, on this host) is gone is removed at once,
    pooled or not. One whose owner is alive is left to it, unless it is an unpooled run older than
    ``older_than_seconds`` (an in-flight run never is, when that is above the longest run budget).
    One whose owner cannot be judged here (another host's, or unlabelled) goes by the same age rule,
    and a pooled one only with ``include_pooled``. Other Loopwrights sharing the engine keep theirs.
    """
    config = config or SandboxConfig()
    client = get_client(config)
    removed: list[str] = []
    cutoff = time.time() - older_than_seconds
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        if _is_leftover(container, cutoff, include_pooled=include_pooled):
            with contextlib.suppress(DockerException):
                container.remove(force=True)
                removed.append(str(container.id))
    return removed


def _is_leftover(container: Any, cutoff: float, *, include_pooled: bool) -> bool:
    owner_alive = owner_is_alive(container.labels.get(OWNER_LABEL, ""))
    if owner_alive is False:
        return True
    if container.labels.get(f"{LABEL}.pooled") == "1" and (owner_alive or not include_pooled):
        return False
    return _created(container.attrs.get("Created", "")) <= cutoff


def _created(stamp: str) -> float:
    """Docker's RFC 3339 creation time (nanoseconds) as a POSIX timestamp; unknown counts as new."""
    try:
        return datetime.fromisoformat(stamp[:26].rstrip("Z") + "+00:00").timestamp()
    except ValueError:
        return time.time()
