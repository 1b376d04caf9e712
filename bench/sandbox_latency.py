"""Per-job latency of the sandbox layer: bare harness vs containers (runc/runsc, fresh/pooled).

Run: ``.venv/bin/python -m bench.sandbox_latency [N]`` after scripts/docker-setup. Not a test.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sandbox import Job, Runtime, SandboxConfig, TestInput, drain_pools, run
from sandbox.harness import protocol
from sandbox.results import limits_for_harness

SUPERVISOR = Path(__file__).resolve().parents[1] / "sandbox" / "harness" / "supervisor.py"
SOURCE = "import numpy as np\n\ndef cosine(a, b):\n    a, b = np.asarray(a), np.asarray(b)\n    return float(a @ b)\n"
JOB = Job(source=SOURCE, entry_point="cosine", tests=[TestInput(str(i), [[i, 1.0], [1.0, i]]) for i in range(5)])


def bare_once() -> None:
    """The harness alone, as a local subprocess (no container)."""
    request: dict[str, Any] = {
        "nonce": "bench",
        "source": JOB.source,
        "entry_point": JOB.entry_point,
        "limits": limits_for_harness(JOB.limits),
    }
    request["tests"] = [{"id": test.id, "args": test.args} for test in JOB.tests]
    subprocess.run(
        [sys.executable, "-I", str(SUPERVISOR)], input=protocol.encode_request(request), capture_output=True, check=True
    )


def measure(label: str, once: object, count: int, settle: float = 0.0) -> None:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        once()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
        time.sleep(settle)  # sequential runs: let a pool refill land off the clock
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(f"{label:<16} p50 {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   (n={count}, 5 tests/job)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    measure("bare", bare_once, count)
    for runtime in (Runtime.RUNC, Runtime.RUNSC):
        for pool in (0, 2):
            config = SandboxConfig(runtime=runtime, pool_size=pool)
            run(JOB, config=config)  # warm the client (and the pool)
            time.sleep(3 if pool else 0)
            settle = (1.5 if runtime == Runtime.RUNSC else 0.6) if pool else 0.0
            measure(
                f"{runtime}{' pooled' if pool else ''}", lambda config=config: run(JOB, config=config), count, settle
            )
            drain_pools()


if __name__ == "__main__":
    main()
