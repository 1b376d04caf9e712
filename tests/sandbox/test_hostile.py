"""The hostile suite: each program's asserted outcome, under runc and under runsc (real engine)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from sandbox import (
    CompileStatus,
    Job,
    JobRejected,
    RunResult,
    SandboxConfig,
    TestInput,
    TestOutcome,
    TestStatus,
    run,
)
from tests.sandbox import hostile_programs as hp
from tests.sandbox.conftest import FAST_LIMITS, own_containers

pytestmark = pytest.mark.sandbox

S = TestStatus
TESTS = [TestInput("attack", ["attack"]), TestInput("after", ["after"])]


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    attack: set[TestStatus] | None  # None: the compile step fails, no test runs
    after: TestStatus | None = S.OK  # None: not asserted
    check: Callable[[RunResult], None] | None = None


def _attack(result: RunResult) -> TestOutcome:
    return result.outcomes[0]


def _exc(*names: str) -> Callable[[RunResult], None]:
    def check(result: RunResult) -> None:
        assert _attack(result).exc_type in names, _attack(result)

    return check


def _value(expected: object) -> Callable[[RunResult], None]:
    def check(result: RunResult) -> None:
        assert _attack(result).value == expected, _attack(result)

    return check


def _compile(status: CompileStatus, exc_type: str | None = None) -> Callable[[RunResult], None]:
    def check(result: RunResult) -> None:
        assert result.compile_status == status, result.compile_error
        assert result.outcomes == []
        assert result.compile_error is not None and (exc_type is None or result.compile_error.exc_type == exc_type)

    return check


def _check_env(result: RunResult) -> None:
    leaked = str(_attack(result).value)
    assert _attack(result).status == S.OK
    assert "LOOPWRIGHT_CANARY_SECRET" not in leaked and "canary-value-91" not in leaked
    assert set(_attack(result).value) & {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY"} == set()


def _check_flood(result: RunResult) -> None:
    outcome = _attack(result)
    assert len(outcome.stdout) + len(outcome.stderr) <= FAST_LIMITS.excerpt_bytes * 2
    assert outcome.stdout_bytes + outcome.stderr_bytes > FAST_LIMITS.output_bytes


def _check_forgery(result: RunResult) -> None:
    assert _attack(result).value == "honest"
    assert "@@loopwright:" in _attack(result).stdout  # its prints stayed prints


def _check_no_daemon(result: RunResult) -> None:
    # init, supervisor, zygote and the "after" test process itself: the daemon was reaped
    assert result.outcomes[1].value <= 4, result.outcomes[1]


def _check_memory(result: RunResult) -> None:
    assert _attack(result).peak_memory_kb < (FAST_LIMITS.memory_mb + 160) * 1024


CASES = [
    Case("fork_bomb", hp.FORK_BOMB, {S.TIMEOUT}),
    Case("thread_bomb", hp.THREAD_BOMB, {S.EXCEPTION, S.MEMORY}),
    Case("memory_bomb", hp.MEMORY_BOMB, {S.MEMORY}, check=_check_memory),
    Case("numpy_memory_bomb", hp.NUMPY_MEMORY_BOMB, {S.MEMORY}),
    Case("cpu_spin", hp.CPU_SPIN, {S.TIMEOUT}),
    Case("sleep_past_wall", hp.SLEEP_PAST_WALL, {S.TIMEOUT}),
    Case("stdout_flood", hp.STDOUT_FLOOD, {S.OUTPUT_LIMIT}, check=_check_flood),
    Case("stderr_flood", hp.STDERR_FLOOD, {S.OUTPUT_LIMIT}, check=_check_flood),
    Case("disk_fill_scratch", hp.DISK_FILL_SCRATCH, {S.EXCEPTION}, check=_exc("OSError")),
    Case("writes_outside_scratch", hp.WRITES_OUTSIDE_SCRATCH, {S.OK}, check=lambda r: len(_attack(r).value) == 5),
    Case("exec_from_scratch", hp.EXEC_FROM_SCRATCH, {S.EXCEPTION}, check=_exc("PermissionError")),
    Case("loopback_postgres", hp.loopback_connect(5432), {S.EXCEPTION}, check=_exc("ConnectionRefusedError")),
    Case("loopback_redis", hp.loopback_connect(6379), {S.EXCEPTION}, check=_exc("ConnectionRefusedError")),
    Case("loopback_web", hp.loopback_connect(8000), {S.EXCEPTION}, check=_exc("ConnectionRefusedError")),
    Case("network_interfaces", hp.NETWORK_INTERFACES, {S.OK}, check=_value(["lo"])),
    Case("read_environment", hp.READ_ENVIRONMENT, {S.OK}, check=_check_env),
    Case("search_for_expected", hp.SEARCH_FOR_EXPECTED, {S.OK}, check=_value([])),
    Case("steal_supervisor_secrets", hp.STEAL_SUPERVISOR_SECRETS, {S.OK}, check=_value([])),
    Case("forge_frames", hp.FORGE_FRAMES, {S.OK}, check=_check_forgery),
    Case("exit_at_import", hp.EXIT_AT_IMPORT, None, check=_compile(CompileStatus.IMPORT_ERROR)),
    Case(
        "system_exit_at_import",
        hp.SYSTEM_EXIT_AT_IMPORT,
        None,
        check=_compile(CompileStatus.IMPORT_ERROR, "SystemExit"),
    ),
    Case("loop_at_import", hp.LOOP_AT_IMPORT, None, check=_compile(CompileStatus.IMPORT_TIMEOUT)),
    Case("kill_parent", hp.KILL_PARENT, {S.CRASHED}, after=S.NOT_RUN),
    Case("kill_everything", hp.KILL_EVERYTHING, {S.CRASHED}, after=S.CRASHED),
    Case("daemon_survivor", hp.DAEMON_SURVIVOR, {S.OK}, check=_check_no_daemon),
    Case("segfault", hp.SEGFAULT, {S.CRASHED}, check=lambda r: _attack(r).exit_signal == 11),
    Case("deep_recursion", hp.DEEP_RECURSION, {S.EXCEPTION}, check=_exc("RecursionError")),
    Case("unbounded_recursion", hp.UNBOUNDED_RECURSION, {S.EXCEPTION, S.CRASHED, S.MEMORY, S.TIMEOUT}),
    Case("huge_return", hp.HUGE_RETURN, {S.OUTPUT_LIMIT}),
    Case("close_stdout_stderr", hp.CLOSE_STDOUT_STDERR, {S.OK}, check=_value(7)),
    Case("setuid_root", hp.SETUID_ROOT, {S.EXCEPTION}, check=_exc("PermissionError")),
    Case("read_shadow", hp.READ_SHADOW, {S.EXCEPTION}, check=_exc("PermissionError")),
    Case("fd_exhaustion", hp.FD_EXHAUSTION, {S.EXCEPTION}, check=_exc("OSError")),
    Case("unserialisable_return", hp.UNSERIALISABLE, {S.BAD_RETURN}),
]


@pytest.fixture(scope="module")
def web_port_listener() -> Iterator[None]:
    """Something listening on the host's loopback :8000 (if free), so 'refused' means isolation."""
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 8000))
        listener.listen(1)
    except OSError:
        pass  # already served by the platform's own web server
    yield
    listener.close()


@pytest.fixture(autouse=True)
def canary_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPWRIGHT_CANARY_SECRET", "canary-value-91")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_program(case: Case, sandbox_config: SandboxConfig, web_port_listener: None) -> None:
    result = run(Job(source=case.source, entry_point="solve", tests=TESTS, limits=FAST_LIMITS), config=sandbox_config)
    if case.attack is not None:
        assert result.compile_status == CompileStatus.OK, result.compile_error
        assert _attack(result).status in case.attack, _attack(result)
        if case.after is not None:
            assert result.outcomes[1].status == case.after, result.outcomes[1]
    if case.check is not None:
        case.check(result)
    assert result.image_digest.startswith("sha256:")


def test_twenty_megabyte_source_is_rejected_before_any_container(sandbox_config: SandboxConfig) -> None:
    before = len(own_containers())
    source = "x = 1\n" * (20 * 1024 * 1024 // 6)
    started = time.monotonic()
    with pytest.raises(JobRejected, match="source is"):
        run(Job(source=source, entry_point="solve", tests=TESTS, limits=FAST_LIMITS), config=sandbox_config)
    assert time.monotonic() - started < 1.0
    assert len(own_containers()) == before


def test_after_the_suite_nothing_is_left_and_a_normal_job_is_graded(sandbox_config: SandboxConfig) -> None:
    assert own_containers() == []
    source = "import numpy as np\n\ndef add(a, b):\n    return np.add(a, b)\n"
    tests = [TestInput("1", [1, 2]), TestInput("2", [[1.5, 2.0], [0.5, 1.0]])]
    result = run(Job(source=source, entry_point="add", tests=tests, limits=FAST_LIMITS), config=sandbox_config)
    assert [outcome.value for outcome in result.outcomes] == [3, [2.0, 3.0]]
    assert os.getpid() > 0  # the worker (this process) is alive and well
