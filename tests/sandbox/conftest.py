"""Sandbox tests run against the real Docker engine; a missing engine or image fails loudly."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import docker
import pytest

from sandbox import Limits, Runtime, SandboxConfig, SandboxError
from sandbox.api import get_client, image_digest
from sandbox.container import LABEL, OWNER_LABEL, owner_id

REPO_ROOT = Path(__file__).resolve().parents[2]
SETUP = REPO_ROOT / "scripts" / "docker-setup"
RUNTIMES = [Runtime.RUNC, Runtime.RUNSC]
# Small limits keep the suite fast on a 2-core machine.
FAST_LIMITS = Limits(
    cpu_seconds=1.0,
    wall_seconds=2.0,
    memory_mb=96,
    output_bytes=64 << 10,
    excerpt_bytes=1024,
    return_bytes=256 << 10,
    load_seconds=4.0,
    pids=16,
    tmpfs_mb=4,
    file_size_mb=2,
)


@pytest.fixture(scope="session")
def docker_engine() -> SandboxConfig:
    """Run scripts/docker-setup (idempotent: installs, starts dockerd, builds the image if stale)."""
    completed = subprocess.run([str(SETUP)], capture_output=True, text=True, timeout=1200, check=False)
    if completed.returncode != 0:
        pytest.fail(
            f"scripts/docker-setup failed (exit {completed.returncode}); sandbox tests need a Docker engine "
            f"and the sandbox image.\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}",
            pytrace=False,
        )
    config = SandboxConfig()
    try:
        image_digest(get_client(config), config.image)
    except SandboxError as exc:
        pytest.fail(f"sandbox engine or image unavailable after scripts/docker-setup: {exc}", pytrace=False)
    return config


@pytest.fixture(params=RUNTIMES, ids=str)
def sandbox_config(request: pytest.FixtureRequest, docker_engine: SandboxConfig) -> SandboxConfig:
    return SandboxConfig(image=docker_engine.image, runtime=request.param)


def own_containers(pid: int | None = None) -> list[Any]:
    """Sandbox containers started by this process (or ``pid``): the engine may be shared with other Loopwrights."""
    owner = f"{OWNER_LABEL}={owner_id(pid)}"
    return docker.from_env().containers.list(all=True, filters={"label": [LABEL, owner]})
