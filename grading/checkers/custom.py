"""Custom checkers: question authors' Python, untrusted, run in the sandbox and never in the worker.

The source defines ``check(actual, expected, **options)``. It receives a ``CheckInput`` (``.value``
and ``.raised``), the expected value, the test's checker options and, when its signature accepts
it, ``args=`` (the test's input arguments). It returns a ``CheckResult``, a bool, or a
``(passed, message)`` pair. It may import what the sandbox image holds (the standard library, numpy).

All custom-checked tests of one submission go to the sandbox as one *checker run* (more only when
answers of megabytes would make its request too large): a separate job whose source is
``custom_entry.py`` (sent as text) and whose one test calls ``check_all(checker_source, cases)``
under ``CHECKER_LIMITS``, in a container hardened like a candidate's. A case holds the candidate's
output, the expected value, the options and the input args; never the candidate's code. The result
comes back in the harness's nonce-framed protocol, so nothing the checker prints can pass for it,
and is re-checked here: a checker that is broken, runs out of time or memory, floods its output or
returns junk raises ``CheckerError`` (an internal error, retried, never ``accepted``), exactly as a
broken built-in checker does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.checkers.base import CheckerError, CheckInput, CheckResult
from sandbox.harness.protocol import to_jsonable
from sandbox.types import Job, Limits, RunResult, TestInput, TestStatus

ENTRY_SOURCE = (Path(__file__).parent / "custom_entry.py").read_text(encoding="utf-8")
ENTRY_POINT = "check_all"
RUN_ID = "checker"
# One checker run covers every custom-checked test of a submission: the limits are for all of them.
CHECKER_LIMITS = Limits(
    cpu_seconds=5.0,
    wall_seconds=10.0,
    memory_mb=256,
    output_bytes=64 << 10,
    excerpt_bytes=1024,
    return_bytes=256 << 10,
    load_seconds=5.0,
)
MAX_SOURCE_BYTES = 256 << 10
# Cases per checker run, as JSON: well under the harness's request cap (64 MB) and the run's memory.
MAX_BATCH_BYTES = 8 << 20
_FAILURES = {
    TestStatus.TIMEOUT: "ran past its time limit",
    TestStatus.MEMORY: "went over its memory limit",
    TestStatus.OUTPUT_LIMIT: "printed or returned more than its output limit",
}


@dataclass(frozen=True)
class CustomCase:
    """One custom-checked test: what the candidate's code produced and what the test says about it."""

    actual: CheckInput
    expected: Any
    options: dict[str, Any]
    args: Any = None


def _wire(case: CustomCase) -> dict[str, Any]:
    raised = case.actual.raised
    if raised is None:
        actual: dict[str, Any] = {"value": to_jsonable(case.actual.value)}
    else:
        actual = {"raised": {"type_name": raised.type_name, "message": raised.message, "bases": list(raised.bases)}}
    return {"actual": actual, "expected": to_jsonable(case.expected), "options": to_jsonable(case.options or {})} | {
        "args": to_jsonable(case.args)
    }


def checker_job(source: str, cases: Sequence[CustomCase]) -> Job:
    """The sandbox job of one checker run: the entry program, the checker's source and the cases as data."""
    if not source:
        raise CheckerError("test uses the custom checker but the question has no checker source")
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise CheckerError(f"custom checker source is over {MAX_SOURCE_BYTES} bytes")
    try:
        wired = [_wire(case) for case in cases]
    except (TypeError, ValueError, RecursionError) as exc:
        raise CheckerError(f"a custom-checked test cannot be sent to the checker: {exc}") from exc
    tests = [TestInput(id=RUN_ID, args=[source, wired])]
    return Job(source=ENTRY_SOURCE, entry_point=ENTRY_POINT, tests=tests, limits=CHECKER_LIMITS)


def checker_results(run: RunResult, count: int) -> list[CheckResult]:
    """The ``count`` results of a checker run; ``CheckerError`` for anything but a well-formed answer."""
    if not run.compiled:
        message = run.compile_error.summary() if run.compile_error else str(run.compile_status)
        raise CheckerError(f"the checker run did not start: {message}")
    if len(run.outcomes) != 1:
        raise CheckerError("the checker run did not report its one test")
    outcome = run.outcomes[0]
    if outcome.status in _FAILURES:
        raise CheckerError(f"custom checker {_FAILURES[outcome.status]}: {outcome.message}")
    if outcome.status != TestStatus.OK:
        raise CheckerError(f"custom checker failed ({outcome.status}): {outcome.exc_type or ''} {outcome.message}")
    return results_from_value(outcome.value, count)


def results_from_value(value: Any, count: int) -> list[CheckResult]:
    """What ``check_all`` returned, re-checked: exactly ``count`` (bool, str) results, or its error."""
    if isinstance(value, dict) and set(value) == {"error"} and isinstance(value["error"], str):
        raise CheckerError(value["error"])
    results = value.get("results") if isinstance(value, dict) and set(value) == {"results"} else None
    if not isinstance(results, list) or len(results) != count or not all(map(_well_formed, results)):
        raise CheckerError(f"the checker run returned something other than {count} results")
    return [CheckResult(item["passed"], item["message"]) for item in results]


def _well_formed(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"passed", "message"}
        and isinstance(item["passed"], bool)
        and isinstance(item["message"], str)
    )


def batches(cases: Sequence[CustomCase], max_bytes: int = MAX_BATCH_BYTES) -> list[list[CustomCase]]:
    """``cases`` in order, cut where their JSON would pass ``max_bytes``: one batch unless answers are huge."""
    cut: list[list[CustomCase]] = []
    size = 0
    for case in cases:
        try:
            case_bytes = len(json.dumps(_wire(case), allow_nan=False))
        except (TypeError, ValueError, RecursionError) as exc:
            raise CheckerError(f"a custom-checked test cannot be sent to the checker: {exc}") from exc
        if not cut or size + case_bytes > max_bytes:
            cut.append([])
            size = 0
        cut[-1].append(case)
        size += case_bytes
    return cut


def run_custom_checks(
    source: str, cases: Sequence[CustomCase], *, run: Callable[[Job], RunResult]
) -> list[CheckResult]:
    """Check ``cases`` with the custom checker ``source`` through ``run`` (a sandbox call).

    One checker run for all of them; only answers of several megabytes make more than one.
    """
    results: list[CheckResult] = []
    for batch in batches(cases):
        results += checker_results(run(checker_job(source, batch)), len(batch))
    return results
