"""The program a custom checker run executes inside the sandbox; the worker only reads it as text.

``grading.checkers.custom`` sends this file as the source of a sandbox job whose one test calls
``check_all(checker_source, cases)``. Here, under the job's CPU, wall, memory and output limits, it
compiles the question author's checker, calls its ``check(actual, expected, **options)`` on every
case (one per custom-checked test of a submission: the candidate's output, the expected value, the
checker options, the test's input arguments; never the candidate's code) and returns
``{"results": [{"passed", "message"}, ...]}``, or ``{"error": ...}`` when the checker is broken.

Standard library only (it runs on the image's Python 3.11). A hostile checker can change anything in
this process; the worker therefore re-checks what comes back and treats anything else as broken.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHECKER_FILE = "checker.py"  # tracebacks of the author's code name it
MESSAGE_LIMIT = 300
_REPR_LIMIT = 80
_FLOAT_TAG = "__float__"
_FLOATS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


class CheckerBroken(Exception):
    """The checker cannot decide: it does not load, does not take its options, or fails a sound answer."""


@dataclass(frozen=True, slots=True)
class RaisedException:
    """An exception the candidate's code raised: its type name, message and base class names."""

    type_name: str
    message: str = ""
    bases: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What one test of the candidate's code produced: ``.value`` returned, or ``.raised``."""

    value: Any = None
    raised: RaisedException | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A checker's decision; the message is for reviewers only."""

    passed: bool
    message: str = ""

    def __post_init__(self) -> None:
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", self.message[: MESSAGE_LIMIT - 1] + "…")


def coerce_result(result: Any) -> CheckResult:
    """Accept what a custom checker may return: CheckResult, bool, or (passed, message)."""
    if isinstance(result, CheckResult) and isinstance(result.passed, bool):
        return CheckResult(result.passed, str(result.message))
    if isinstance(result, bool):
        return CheckResult(result)
    if isinstance(result, tuple | list) and len(result) == 2 and isinstance(result[0], bool):
        return CheckResult(result[0], str(result[1]))
    kind = type(result).__name__
    raise CheckerBroken(f"custom checker returned {kind}, not a CheckResult(bool, str), bool or (bool, str)")


def decode(value: Any) -> Any:
    """JSON data as sent, with the non-finite float tags ({"__float__": "nan"}) turned back into floats."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and value.get(_FLOAT_TAG) in _FLOATS:
            return _FLOATS[value[_FLOAT_TAG]]
        return {key: decode(item) for key, item in value.items()}
    return value


def load(source: str) -> Callable[..., Any]:
    """The ``check`` function the author's source defines."""
    namespace: dict[str, Any] = {"__name__": "checker", "__file__": CHECKER_FILE}
    namespace |= {"CheckInput": CheckInput, "CheckResult": CheckResult, "RaisedException": RaisedException}
    try:
        exec(compile(source, CHECKER_FILE, "exec"), namespace)  # noqa: S102 - in the sandbox, under its limits
    except MemoryError:
        raise
    except Exception as exc:
        raise CheckerBroken(f"custom checker does not load: {_described(exc)}") from exc
    check = namespace.get("check")
    if not callable(check):
        raise CheckerBroken("custom checker source defines no check(actual, expected, **options) function")
    return check


def bind(check: Callable[..., Any], options: dict[str, Any], args: Any) -> dict[str, Any]:
    """Keyword arguments for ``check``: the options, and ``args=`` when its signature takes it."""
    try:
        params = inspect.signature(check).parameters
        takes_args = "args" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        kwargs = dict(options) | ({"args": args} if args is not None and takes_args else {})
        inspect.signature(check).bind(None, None, **kwargs)
    except (TypeError, ValueError) as exc:
        raise CheckerBroken(f"custom checker cannot be called with options {sorted(options)}: {exc}") from None
    return kwargs


def answer_of(case: dict[str, Any]) -> CheckInput:
    raised = case["actual"].get("raised")
    if raised is None:
        return CheckInput(value=decode(case["actual"].get("value")))
    bases = tuple(str(base) for base in raised.get("bases", ()))
    return CheckInput(raised=RaisedException(str(raised["type_name"]), str(raised.get("message", "")), bases))


def check_one(check: Callable[..., Any], case: dict[str, Any]) -> CheckResult:
    """Run ``check`` on one case; a crash is blamed on the answer only if the checker accepts the expected value."""
    expected = decode(case["expected"])
    kwargs = bind(check, case.get("options") or {}, decode(case.get("args")))
    try:
        return coerce_result(check(answer_of(case), expected, **kwargs))
    except (CheckerBroken, MemoryError):
        raise
    except Exception as crash:
        _blame(check, expected, kwargs)
        return CheckResult(False, f"checker could not read the answer: {_described(crash)}")


def _blame(check: Callable[..., Any], expected: Any, kwargs: dict[str, Any]) -> None:
    try:
        probe = coerce_result(check(CheckInput(value=expected), expected, **kwargs))  # what a sound checker accepts
    except (CheckerBroken, MemoryError):
        raise
    except Exception as exc:
        raise CheckerBroken(f"custom checker crashes on the expected value: {_described(exc)}") from exc
    if not probe.passed:
        raise CheckerBroken(f"custom checker rejects the expected value: {probe.message}")


def _described(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    line = _checker_line(exc)
    text = f"{text} ({CHECKER_FILE}, line {line})" if line else text
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def _checker_line(exc: BaseException) -> int | None:
    if isinstance(exc, SyntaxError) and exc.filename == CHECKER_FILE:
        return exc.lineno
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == CHECKER_FILE]
    return frames[-1].lineno if frames else None


def check_all(source: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Every case's result, or the first reason the checker is broken (the entry point of a checker run)."""
    try:
        check = load(source)
        results = [check_one(check, case) for case in cases]
    except CheckerBroken as exc:
        return {"error": str(exc)}
    return {"results": [{"passed": result.passed, "message": result.message} for result in results]}
