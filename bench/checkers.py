"""Cost of a custom checker run: one submission's N custom-checked tests, checked in the sandbox.

Run: ``.venv/bin/python -m bench.checkers [--repeat R] [--sizes 1,10,50,200]`` after
scripts/docker-setup. No Django. Not a test: it prints one table.

The checker is the beam-search seed question's; the answers are its reference solution's outputs on
the question's tests (cycled up to N), so every case is accepted and the checker does its full work.
Per N, sequentially, R times each:
  in-process    ``custom_entry.check_all`` in this process: what the old worker-side exec cost;
  runc fresh    ``run_custom_checks`` through ``sandbox.run`` with a new container (the default);
  runc pooled   the same with a pool of 2 pre-started containers (``LOOPWRIGHT_SANDBOX_POOL_SIZE``).
Pooled runs wait, off the clock, for the used container's removal and the pool's refill.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

from assessments.seed.coding import load_coding_seed
from grading.checkers import CheckInput, CustomCase, checker_job, custom_entry, expected_of, run_custom_checks
from grading.checkers.custom import results_from_value
from sandbox import Job, RunResult, Runtime, SandboxConfig, run
from sandbox.api import get_client, image_digest
from sandbox.pool import drain_pools, wait_for_pools

Checker = Callable[[list[CustomCase]], None]


def beam_cases(count: int) -> tuple[str, list[CustomCase]]:
    """The beam-search checker and ``count`` of its tests answered by the reference solution."""
    seed = load_coding_seed("beam_search")
    namespace: dict[str, Any] = {}
    exec(compile(seed["reference"], "<reference>", "exec"), namespace)  # noqa: S102 - our own seed reference
    reference = namespace["beam_search"]
    tests = [test for test in seed["tests"] if test["checker"] == "custom"]
    cases = []
    for index in range(count):
        test = tests[index % len(tests)]
        answer = json.loads(json.dumps(reference(*test["args"])))
        cases.append(CustomCase(CheckInput.returned(answer), expected_of(test), test["checker_options"], test["args"]))
    return seed["checker_source"], cases


def in_process(source: str) -> Checker:
    def check(cases: list[CustomCase]) -> None:
        checker_source, wired = json.loads(json.dumps(checker_job(source, cases).tests[0].args))
        results = results_from_value(custom_entry.check_all(checker_source, wired), len(cases))
        assert all(result.passed for result in results), results

    return check


def sandboxed(source: str, config: SandboxConfig) -> Checker:
    def sandbox_run(job: Job) -> RunResult:
        return run(job, config=config)

    def check(cases: list[CustomCase]) -> None:
        results = run_custom_checks(source, cases, run=sandbox_run)
        assert all(result.passed for result in results), results

    return check


def measure(check: Checker, cases: list[CustomCase], repeat: int, *, pooled: bool) -> list[float]:
    check(cases)  # warm up: the client, the pool, the page cache
    samples = []
    for _ in range(repeat):
        if pooled:
            wait_for_pools()
        started = time.perf_counter()
        check(cases)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", default="1,10,50,200")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    fresh, pooled = SandboxConfig(runtime=Runtime.RUNC), SandboxConfig(runtime=Runtime.RUNC, pool_size=2)
    digest = image_digest(get_client(fresh), fresh.image)
    print(f"cores: {os.cpu_count()}; python {platform.python_version()}; load average: {os.getloadavg()}")
    print(f"image {fresh.image} {digest[:19]}; {options.repeat} runs per cell, sequential\n")
    print(f"{'tests':>5}  {'mode':<12} {'p50 ms':>8} {'p95 ms':>8} {'p50 per test':>13}")
    try:
        for size in sizes:
            source, cases = beam_cases(size)
            modes = [("in-process", in_process(source), False), ("runc fresh", sandboxed(source, fresh), False)]
            modes.append(("runc pooled", sandboxed(source, pooled), True))
            for label, check, is_pooled in modes:
                samples = measure(check, cases, options.repeat, pooled=is_pooled)
                p50 = statistics.median(samples)
                p95 = percentile(samples, 0.95)
                print(f"{size:>5}  {label:<12} {p50:8.1f} {p95:8.1f} {p50 / size:10.2f} ms")
    finally:
        drain_pools()
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
