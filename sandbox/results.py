"""Turning the harness's frames into a ``RunResult``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.errors import HarnessError
from sandbox.harness import protocol
from sandbox.types import CompileError, CompileStatus, Job, Limits, RunResult, TestOutcome, TestStatus

_TEXT = ("exc_type", "message", "traceback", "stdout", "stderr")
_NUMBERS = ("stdout_bytes", "stderr_bytes", "peak_memory_kb", "cpu_seconds", "wall_seconds")


@dataclass(frozen=True)
class Ending:
    """How the container's run ended, as seen from the host."""

    overran: bool = False  # killed at the host's wall-clock budget
    overflowed: bool = False  # killed for flooding its output
    oom_killed: bool = False  # the container hit its memory limit and lost a harness process


_FLOAT_TAGS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def decoded_value(value: Any) -> Any:
    """A returned value as the harness encoded it (:func:`protocol.to_jsonable`), with its float tags undone.

    Only the tags the harness writes are undone; a dict of the candidate's own that merely looks like
    one (``{"__float__": "abc"}``) stays the dict it was, so no returned value can make decoding fail.
    """
    if isinstance(value, list):
        return [decoded_value(item) for item in value]
    if isinstance(value, dict):
        tag = value.get(protocol.FLOAT_TAG) if len(value) == 1 else None
        if isinstance(tag, str) and tag in _FLOAT_TAGS:
            return _FLOAT_TAGS[tag]
        return {key: decoded_value(item) for key, item in value.items()}
    return value


def outcome_from_frame(test_id: str, frame: dict[str, Any]) -> TestOutcome:
    """One ``test`` frame to a ``TestOutcome`` (types re-checked; the frame came from a container)."""
    fields: dict[str, Any] = {}
    for name in _TEXT:
        if isinstance(frame.get(name), str):
            fields[name] = frame[name]
    for name in _NUMBERS:
        if isinstance(frame.get(name), int | float) and not isinstance(frame.get(name), bool):
            fields[name] = int(frame[name]) if name.endswith(("_bytes", "_kb")) else float(frame[name])
    if isinstance(frame.get("exit_signal"), int):
        fields["exit_signal"] = frame["exit_signal"]
    status = TestStatus(frame["status"]) if frame.get("status") in set(TestStatus) else TestStatus.CRASHED
    value = decoded_value(frame.get("value")) if status == TestStatus.OK else None
    return TestOutcome(test_id=test_id, status=status, value=value, **fields)


def _missing_outcome(test_id: str, ending: Ending) -> TestOutcome:
    if ending.overran:
        return TestOutcome(test_id, TestStatus.TIMEOUT, message="the run overran its total wall-clock budget")
    if ending.overflowed:
        return TestOutcome(test_id, TestStatus.OUTPUT_LIMIT, message="the run flooded its output and was stopped")
    if ending.oom_killed:
        return TestOutcome(test_id, TestStatus.MEMORY, message="the sandbox ran out of memory and was stopped")
    message = "the sandbox's supervisor stopped before reporting this test (was it killed?)"
    return TestOutcome(test_id, TestStatus.CRASHED, message=message)


def _compile_part(frames: list[dict[str, Any]], ending: Ending) -> tuple[CompileStatus, CompileError | None]:
    frame = next((f for f in frames if f.get("kind") == "compile"), None)
    if frame is None:
        if ending.overran:
            return CompileStatus.IMPORT_TIMEOUT, CompileError(CompileStatus.IMPORT_TIMEOUT, "the import never finished")
        message = "the sandbox stopped before the solution was loaded (did its import kill the harness?)"
        return CompileStatus.IMPORT_ERROR, CompileError(CompileStatus.IMPORT_ERROR, message)
    status = CompileStatus(frame["status"]) if frame.get("status") in set(CompileStatus) else CompileStatus.IMPORT_ERROR
    if status == CompileStatus.OK:
        return status, None
    line = frame.get("line") if isinstance(frame.get("line"), int) else None
    error = CompileError(
        status=status,
        message=str(frame.get("message", "")),
        line=line,
        column=frame.get("column") if line and isinstance(frame.get("column"), int) else None,
        exc_type=frame.get("exc_type") if isinstance(frame.get("exc_type"), str) else None,
        traceback=str(frame.get("traceback", "")),
    )
    return status, error


def build_result(
    job: Job, frames: list[dict[str, Any]], ending: Ending, *, image: str, digest: str, runtime: str, wall: float
) -> RunResult:
    """Assemble the result; a ``harness_error`` frame is the platform's fault and raises."""
    for frame in frames:
        if frame.get("kind") == "harness_error":
            raise HarnessError(str(frame.get("message", "harness error")))
    status, error = _compile_part(frames, ending)
    outcomes: list[TestOutcome] = []
    if status == CompileStatus.OK:
        by_index = {f.get("index"): f for f in frames if f.get("kind") == "test"}
        for index, test in enumerate(job.tests):
            test_frame = by_index.get(index)
            outcome = outcome_from_frame(test.id, test_frame) if test_frame else _missing_outcome(test.id, ending)
            outcomes.append(outcome)
    return RunResult(status, error, outcomes, image, digest, runtime, job.limits, wall_seconds=round(wall, 4))


def limits_for_harness(limits: Limits) -> dict[str, Any]:
    """The subset of limits the in-container harness enforces per test."""
    keys = ("cpu_seconds", "wall_seconds", "memory_mb", "output_bytes", "excerpt_bytes", "return_bytes", "load_seconds")
    return {key: getattr(limits, key) for key in keys}
