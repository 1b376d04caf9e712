"""Normal and erroneous solutions through the real engine, under runc and runsc, fresh and pooled."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import time

import pytest

from sandbox import CompileStatus, Job, SandboxConfig, TestInput, TestStatus, drain_pools, run, sweep_leftovers
from tests.sandbox.conftest import FAST_LIMITS, own_containers

pytestmark = pytest.mark.sandbox

COSINE = """
import numpy as np

def cosine(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return 0.0
    print("norm", norm)
    return float(a @ b / norm)
"""


def _job(source: str, tests: list[TestInput], entry_point: str = "cosine") -> Job:
    return Job(source=source, entry_point=entry_point, tests=tests, limits=FAST_LIMITS)


def test_values_prints_and_measurements(sandbox_config: SandboxConfig) -> None:
    tests = [TestInput("same", [[1, 2], [2, 4]]), TestInput("zero", [[0, 0], [1, 1]])]
    result = run(_job(COSINE, tests), config=sandbox_config)
    same, zero = result.outcomes
    assert result.compiled and result.runtime == str(sandbox_config.runtime) and result.limits == FAST_LIMITS
    assert math.isclose(same.value, 1.0) and zero.value == 0.0
    assert same.stdout.startswith("norm ") and zero.stdout == ""
    assert same.wall_seconds > 0 and same.peak_memory_kb > 0 and same.status == TestStatus.OK


def test_syntax_error_reports_the_line(sandbox_config: SandboxConfig) -> None:
    result = run(_job("import numpy\n\ndef cosine(a, b)\n    return 1\n", []), config=sandbox_config)
    assert result.compile_status == CompileStatus.SYNTAX_ERROR
    assert result.compile_error is not None and result.compile_error.line == 3
    assert result.compile_error.column == 17  # just after "def cosine(a, b)", where the colon is missing
    assert result.compile_error.summary() == "SyntaxError on line 3, column 17: expected ':'"


def test_missing_entry_point(sandbox_config: SandboxConfig) -> None:
    result = run(_job("def cosin(a, b):\n    return 1\n", [TestInput("1", [1, 2])]), config=sandbox_config)
    assert result.compile_status == CompileStatus.MISSING_ENTRY_POINT and result.outcomes == []
    assert result.compile_error is not None and "cosine" in result.compile_error.message


def test_raised_exception_type_and_message(sandbox_config: SandboxConfig) -> None:
    source = "def f(x):\n    raise KeyError(x)\n"
    outcome = run(_job(source, [TestInput("1", ["k"])], "f"), config=sandbox_config).outcomes[0]
    assert (outcome.status, outcome.exc_type, outcome.message) == (TestStatus.EXCEPTION, "KeyError", "'k'")
    assert 'File "solution.py", line 2' in outcome.traceback and "runner.py" not in outcome.traceback


def test_one_test_state_does_not_leak_into_the_next(sandbox_config: SandboxConfig) -> None:
    source = "seen = []\n\ndef f(x):\n    seen.append(x)\n    return len(seen)\n"
    result = run(_job(source, [TestInput("1", [1]), TestInput("2", [2])], "f"), config=sandbox_config)
    assert [outcome.value for outcome in result.outcomes] == [1, 1]


def test_pooled_runs_are_correct_and_cleaned_up(sandbox_config: SandboxConfig) -> None:
    config = dataclasses.replace(sandbox_config, pool_size=2)
    try:
        for index in range(3):
            result = run(_job(COSINE, [TestInput(str(index), [[index + 1, 0], [1, 0]])]), config=config)
            assert result.outcomes[0].value == 1.0
    finally:
        drain_pools()
    assert own_containers() == []


def pooled_run_script(sandbox_config: SandboxConfig, then: str = "") -> str:
    """A process that runs one job with a pool of two, then ``then``."""
    return (
        "from sandbox import Job, SandboxConfig, TestInput, run\n"
        f"config = SandboxConfig(image={sandbox_config.image!r}, runtime={str(sandbox_config.runtime)!r})\n"
        "config = SandboxConfig(image=config.image, runtime=config.runtime, pool_size=2)\n"
        "job = Job(source='def f():\\n    return 1\\n', entry_point='f', tests=[TestInput('t', [])])\n"
        "assert run(job, config=config).outcomes[0].value == 1\n"
    ) + then


def run_child(script: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child.communicate(timeout=180)
    return child


def test_a_process_that_exits_leaves_no_pooled_container(sandbox_config: SandboxConfig) -> None:
    # A management command (publishing questions) uses the pool and exits without draining it.
    child = run_child(pooled_run_script(sandbox_config))
    assert child.returncode == 0
    assert own_containers(child.pid) == []


def settled_pool(size: int = 1) -> set[str]:
    """This process's pooled containers once the pool holds ``size`` and the one just used is removed."""
    for _ in range(100):
        found = {container.id for container in own_containers()}
        if len(found) == size:
            return found
        time.sleep(0.1)
    raise AssertionError(f"the pool did not settle at {size}: {found}")


def test_the_sweep_removes_a_killed_owners_pool_and_spares_a_live_one(sandbox_config: SandboxConfig) -> None:
    wait_and_die = "import os, signal, time\ntime.sleep(3)\nos.kill(os.getpid(), signal.SIGKILL)\n"
    child = run_child(pooled_run_script(sandbox_config, then=wait_and_die))  # its pool refilled, then SIGKILL
    assert child.returncode == -9
    orphans = {container.id for container in own_containers(child.pid)}
    assert orphans, "the killed process left no pooled container: nothing to sweep"
    try:
        result = run(
            _job(COSINE, [TestInput("1", [[1, 0], [1, 0]])]), config=dataclasses.replace(sandbox_config, pool_size=1)
        )
        assert result.outcomes[0].value == 1.0
        mine = settled_pool()  # this live process's pool, once the used container is gone
        removed = set(sweep_leftovers(older_than_seconds=3600, include_pooled=False))
        assert orphans <= removed and not mine & removed
        assert own_containers(child.pid) == []
        assert {container.id for container in own_containers()} == mine
    finally:
        drain_pools()
