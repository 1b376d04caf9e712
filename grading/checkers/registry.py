"""Finding checkers by name and running them so that bad candidate data never raises."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from grading.checkers import exact, exception, floats, unordered
from grading.checkers.base import CheckerError, CheckInput, CheckResult, json_normalise, reject
from grading.checkers.custom import coerce_result, load_custom_checker

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


def get_checker(name: str, custom_source: str | None = None) -> Checker:
    """The check function registered as ``name``; ``"custom"`` compiles ``custom_source``."""
    if name == CUSTOM:
        if not custom_source:
            raise CheckerError("test uses the custom checker but the question has no checker source")
        return load_custom_checker(custom_source)
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
        probe = coerce_result(check(_reference_input(name, expected), expected, **kwargs))
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


def run_checker(
    name: str,
    actual: CheckInput | Any,
    expected: Any,
    options: Mapping[str, Any] | None = None,
    custom_source: str | None = None,
    *,
    args: Any = None,
) -> CheckResult:
    """Run checker ``name``; return its CheckResult and never raise because of the candidate's answer.

    ``actual`` is a CheckInput (a plain value is taken as returned). A returned value is
    JSON-normalised first, so checkers see lists (not tuples) and plain numbers whether the answer
    came from the sandbox or straight from Python. ``args`` (the test's input arguments) reach
    checkers whose signature takes ``args`` or ``**options``. A broken or unknown checker, an
    option it does not take, or a test spec it cannot use raises ``CheckerError``.
    """
    check = get_checker(name, custom_source)
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
    return coerce_result(result)


def run_test_checker(
    test: Mapping[str, Any], actual: CheckInput | Any, custom_source: str | None = None
) -> CheckResult:
    """Run the checker a test declares (tests.json / TestCase fields) on one answer."""
    name = test.get("checker") or "exact"
    expected = test.get("expected_exception") or test.get("expected")
    return run_checker(name, actual, expected, test.get("checker_options") or {}, custom_source, args=test.get("args"))
