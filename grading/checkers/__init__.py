"""Checkers: how a candidate's answer to one test is compared with the expected one (DMOJ-style).

Every checker has the same shape, ``check(actual: CheckInput, expected, **options) -> CheckResult``.
The built-in ones (exact, float, unordered, exception) are the platform's own code and run in the
worker: call them through ``run_checker``, which never raises because of what the candidate returned
and raises ``CheckerError`` when a checker itself is broken (the platform's fault: internal_error).
A question's custom checker is untrusted code: it never runs in the worker but in the sandbox, one
checker run per submission (``run_custom_checks``; see ``custom``), and fails the same way.
"""

from grading.checkers.base import CheckerError, CheckInput, CheckResult, RaisedException, json_normalise
from grading.checkers.custom import CHECKER_LIMITS, CustomCase, checker_job, checker_results, run_custom_checks
from grading.checkers.registry import (
    CHECKERS,
    CUSTOM,
    checker_name_of,
    expected_of,
    get_checker,
    run_checker,
    run_test_checker,
)

__all__ = [
    "CHECKERS",
    "CHECKER_LIMITS",
    "CUSTOM",
    "CheckInput",
    "CheckResult",
    "CheckerError",
    "CustomCase",
    "RaisedException",
    "checker_job",
    "checker_name_of",
    "checker_results",
    "expected_of",
    "get_checker",
    "json_normalise",
    "run_checker",
    "run_custom_checks",
    "run_test_checker",
]
