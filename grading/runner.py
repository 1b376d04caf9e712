"""The one place the platform calls the sandbox: a coding spec's tests become a sandbox job."""

from collections.abc import Sequence

from django.conf import settings

import sandbox
from assessments.models import CodingSpec, TestCase
from sandbox.types import Job, Limits, RunResult, Runtime, SandboxConfig, TestInput


def sandbox_config(image: str | None = None) -> SandboxConfig:
    """The configured sandbox; ``image`` (a recorded digest, for a pinned re-grade) instead of the configured one."""
    return SandboxConfig(
        image=image or settings.SANDBOX_IMAGE,
        runtime=Runtime(settings.SANDBOX_RUNTIME),
        base_url=settings.DOCKER_HOST or None,
        pool_size=settings.SANDBOX_POOL_SIZE,
    )


def spec_limits(spec: CodingSpec) -> Limits:
    return Limits(cpu_seconds=spec.cpu_seconds, wall_seconds=spec.wall_seconds, memory_mb=spec.memory_mb)


def run_job(job: Job) -> RunResult:
    """Run a prepared job (a custom checker run) with the platform's sandbox configuration."""
    return sandbox.run(job, config=sandbox_config())


def image_available(image: str) -> bool:
    """Whether this grading host's engine still holds ``image`` (``EngineUnavailable`` if it does not answer)."""
    return sandbox.image_present(image, config=sandbox_config(image))


def run_tests(spec: CodingSpec, source: str, tests: Sequence[TestCase], image: str | None = None) -> RunResult:
    """Run ``source`` on the inputs of ``tests`` (in ``image``, if given). Expected values stay here."""
    job = Job(
        source=source,
        entry_point=spec.function_name,
        tests=[TestInput(id=str(test.pk), args=list(test.args)) for test in tests],
        limits=spec_limits(spec),
        language=spec.language,
    )
    return sandbox.run(job, config=sandbox_config(image))
