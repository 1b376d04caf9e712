"""Typed jobs, limits and results of the sandbox (plain dataclasses, JSON-friendly)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DEFAULT_IMAGE = "loopwright-sandbox-python:offline"
GVISOR_MB_PER_PROCESS = 12  # measured: a fork bomb at nproc 24 OOMs a 292 MB gVisor sandbox, 32 fits 452 MB


class Runtime(StrEnum):
    RUNC = "runc"
    RUNSC = "runsc"


class TestStatus(StrEnum):
    """What one test did. ``ok`` carries a value; the caller's checker decides if it is right."""

    __test__ = False  # not a pytest class

    OK = "ok"
    EXCEPTION = "exception"  # the function raised (type and message recorded)
    BAD_RETURN = "bad_return"  # returned something with no lossless JSON form
    TIMEOUT = "timeout"  # CPU or wall-clock limit
    MEMORY = "memory"  # memory limit
    OUTPUT_LIMIT = "output_limit"  # stdout/stderr or returned value over its cap
    CRASHED = "crashed"  # died by a signal, exited, or took the harness down
    NOT_RUN = "not_run"  # an earlier test took the sandbox down


class CompileStatus(StrEnum):
    OK = "ok"
    SYNTAX_ERROR = "syntax_error"
    MISSING_ENTRY_POINT = "missing_entry_point"
    IMPORT_ERROR = "import_error"  # top-level code raised, exited or crashed
    IMPORT_TIMEOUT = "import_timeout"


@dataclass(frozen=True)
class Limits:
    """Per-test limits (CPU, wall, memory, output) and per-container limits (the rest)."""

    cpu_seconds: float = 2.0
    wall_seconds: float = 5.0
    memory_mb: int = 256  # address space a test may add on top of the loaded solution
    output_bytes: int = 1 << 20  # stdout + stderr of one test
    excerpt_bytes: int = 4096  # kept of each stream
    return_bytes: int = 1 << 20  # JSON size of a returned value
    load_seconds: float = 10.0  # importing the solution
    source_bytes: int = 256 << 10
    max_tests: int = 200
    pids: int = 32  # processes and threads of the candidate
    open_files: int = 64
    file_size_mb: int = 8
    tmpfs_mb: int = 16
    cpus: float = 1.0

    @property
    def container_memory_mb(self) -> int:
        """Memory (and memory+swap) of the whole container: a test, the harness, numpy, the tmpfs."""
        return self.memory_mb + self.tmpfs_mb + 192

    def container_memory_mb_for(self, runtime: str) -> int:
        """Under gVisor every process's copied pages live in the sandbox's memory: leave room for ``pids``."""
        extra = GVISOR_MB_PER_PROCESS * self.pids if runtime == Runtime.RUNSC else 0
        return self.container_memory_mb + extra

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TestInput:
    """One test's inputs: ``entry_point(*args)``. No expected value exists on this side."""

    __test__ = False

    id: str
    args: list[Any]


@dataclass(frozen=True)
class Job:
    source: str
    entry_point: str
    tests: list[TestInput]
    limits: Limits = field(default_factory=Limits)
    language: str = "python"


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False

    test_id: str
    status: TestStatus
    value: Any = None  # the returned value (JSON data; non-finite floats restored) when status is ok
    exc_type: str | None = None
    message: str = ""
    traceback: str = ""
    stdout: str = ""  # excerpt
    stderr: str = ""  # excerpt
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_memory_kb: int = 0
    exit_signal: int | None = None


@dataclass(frozen=True)
class CompileError:
    status: CompileStatus
    message: str
    line: int | None = None
    exc_type: str | None = None
    traceback: str = ""
    column: int | None = None  # 1-based, where the compiler knows it (syntax errors)

    def summary(self) -> str:
        """What the candidate and the reviewers read: the error, with its place in the candidate's code."""
        where = f"line {self.line}" if self.line else ""
        if where and self.column:
            where += f", column {self.column}"
        head = " on ".join(part for part in (self.exc_type or "", where) if part)
        return f"{head}: {self.message}" if head else self.message


@dataclass(frozen=True)
class RunResult:
    compile_status: CompileStatus
    compile_error: CompileError | None
    outcomes: list[TestOutcome]
    image: str
    image_digest: str
    runtime: str
    limits: Limits
    wall_seconds: float = 0.0
    diagnostics: str = ""  # the harness's stderr excerpt, for operators

    @property
    def compiled(self) -> bool:
        return self.compile_status == CompileStatus.OK


@dataclass(frozen=True)
class SandboxConfig:
    image: str = DEFAULT_IMAGE
    runtime: Runtime = Runtime.RUNC
    base_url: str | None = None  # None: DOCKER_HOST or the default socket
    api_timeout_seconds: float = 60.0
    start_budget_seconds: float = 20.0  # container start, on top of the job's own time budget
    pool_size: int = 0  # pre-started containers per (image, runtime, limits); 0 disables the pool
