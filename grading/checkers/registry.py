"""Finding the built-in checkers by name and running them in the worker so that bad candidate data never raises.

Custom checkers are not run here: their code is untrusted and runs in the sandbox (``custom``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from grading.checkers import exact, exception, floats, unordered
from grading.checkers.base import CheckerError, CheckInput, CheckResult, json_normalise, reject

try:  # a Celery soft time limit must stop a slow checker, not become a failed check
    from celery.exceptions import SoftTimeLimitExceeded as _SoftTimeLimit
except ImportError:  # pragma: no cover - celery is a dependency of the platform, not of the checkers
    _SoftTimeLimit = MemoryError  # type: ignore[misc,assignment]

Checker = Callable[..., Any]

CHECKERS: dict[str, Checker] = {
    "exact": exact.check,
    "float": floats.check,
    "unordered": unordered.check,
    "exception": exception.check,
}
CUSTOM = "custom"


def get_checker(name: str) -> Checker:
    """The built-in check function registered as ``name``."""
    if name == CUSTOM:
        raise CheckerError("custom checkers never run in the worker: grading.checkers.custom runs them in the sandbox")
    try:
        return CHECKERS[name]
    except KeyError:
        raise CheckerError(f"unknown checker {name!r}; known: {', '.join([*CHECKERS, CUSTOM])}") from None


def _bind_options(check: Checker, name: str, options: Mapping[str, Any], args: Any) -> dict[str, Any]:
    params = inspect.signature(check).parameters
    takes_args = "args" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = dict(options)
    if args is not None and takes_args:
        kwargs["args"] = args
    try:
        inspect.signature(check).bind(None, None, **kwargs)
    except TypeError as exc:
        raise CheckerError(f"checker {name!r} cannot be called with options {sorted(kwargs)}: {exc}") from None
    return kwargs


def _reference_input(name: str, expected: Any) -> CheckInput:
    if name == "exception":
        return CheckInput.raising(expected if isinstance(expected, str) else str(expected[0]))
    return CheckInput.returned(expected)


def _blame(check: Checker, name: str, crash: Exception, expected: Any, kwargs: dict[str, Any]) -> CheckResult:
    """A checker crashed: on the candidate's answer (a failed check) or on anything (CheckerError)?

    The test: give the checker the expected value as the answer. A sound checker accepts it; one
    that crashes on it or rejects it is broken, whatever the candidate returned.
    """
    try:
        probe = _checked(check(_reference_input(name, expected), expected, **kwargs))
    except (CheckerError, _SoftTimeLimit, MemoryError):
        raise
    except Exception as exc:
        raise CheckerError(f"checker {name!r} crashes on the expected value: {type(exc).__name__}: {exc}") from exc
    if not probe.passed:
        raise CheckerError(f"checker {name!r} rejects the expected value: {probe.message}") from crash
    return reject(f"checker could not read the answer: {type(crash).__name__}: {crash}")


def _as_answer(actual: CheckInput | Any) -> CheckInput | CheckResult:
    """The answer as the sandbox would deliver it (JSON-normalised), or the failure to report."""
    answer = actual if isinstance(actual, CheckInput) else CheckInput.returned(actual)
    if answer.raised is not None:
        return answer
    try:
        return CheckInput.returned(json_normalise(answer.value))
    except (TypeError, ValueError, RecursionError) as exc:
        return reject(f"answer is not JSON-representable: {type(exc).__name__}: {exc}")


def _checked(result: Any) -> CheckResult:
    if not isinstance(result, CheckResult):
        raise CheckerError(f"checker returned {type(result).__name__}, not a CheckResult")
    return result


def run_checker(
    name: str,
    actual: CheckInput | Any,
    expected: Any,
    options: Mapping[str, Any] | None = None,
    *,
    args: Any = None,
) -> CheckResult:
    """Run built-in checker ``name``; return its CheckResult, never raising because of the candidate's answer.

    ``actual`` is a CheckInput (a plain value is taken as returned). A returned value is
    JSON-normalised first, so checkers see lists (not tuples) and plain numbers whether the answer
    came from the sandbox or straight from Python. ``args`` (the test's input arguments) reach
    checkers whose signature takes ``args`` or ``**options``. A broken or unknown checker, an
    option it does not take, or a test spec it cannot use raises ``CheckerError``.
    """
    check = get_checker(name)
    kwargs = _bind_options(check, name, options or {}, args)
    answer = _as_answer(actual)
    if isinstance(answer, CheckResult):
        return answer
    try:
        result = check(answer, expected, **kwargs)
    except (CheckerError, _SoftTimeLimit, MemoryError):
        raise
    except Exception as exc:
        return _blame(check, name, exc, expected, kwargs)
    return _checked(result)


def checker_name_of(test: Mapping[str, Any]) -> str:
    return str(test.get("checker") or "exact")


def expected_of(test: Mapping[str, Any]) -> Any:
    """What a test's checker compares with: the expected exception's name, or the expected value."""
    return test.get("expected_exception") or test.get("expected")


def run_test_checker(test: Mapping[str, Any], actual: CheckInput | Any) -> CheckResult:
    """Run the built-in checker a test declares (tests.json / TestCase fields) on one answer."""
    options = test.get("checker_options") or {}
    return run_checker(checker_name_of(test), actual, expected_of(test), options, args=test.get("args"))
