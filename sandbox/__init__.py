"""Run untrusted code in hardened containers and report what it did (no Django import).

``run(job, config=...)`` is the whole interface; see ``sandbox.types`` for the dataclasses and
``sandbox.errors`` for the exceptions. DESIGN.md ("Grading: the security model") is the contract.
"""

from sandbox.api import image_present, run, sweep_leftovers, validate_job
from sandbox.errors import ContainerFailed, EngineUnavailable, HarnessError, ImageMissing, JobRejected, SandboxError
from sandbox.pool import drain_pools
from sandbox.types import (
    CompileError,
    CompileStatus,
    Job,
    Limits,
    RunResult,
    Runtime,
    SandboxConfig,
    TestInput,
    TestOutcome,
    TestStatus,
)

__all__ = [
    "CompileError",
    "CompileStatus",
    "ContainerFailed",
    "EngineUnavailable",
    "HarnessError",
    "ImageMissing",
    "Job",
    "JobRejected",
    "Limits",
    "RunResult",
    "Runtime",
    "SandboxConfig",
    "SandboxError",
    "TestInput",
    "TestOutcome",
    "TestStatus",
    "drain_pools",
    "image_present",
    "run",
    "sweep_leftovers",
    "validate_job",
]
