"""Checkers: how a candidate's answer to one test is compared with the expected one (DMOJ-style).

Every checker has the same shape, ``check(actual: CheckInput, expected, **options) -> CheckResult``,
and runs in the worker, never in the sandbox. Call them through ``run_checker``, which never raises
because of what the candidate returned and raises ``CheckerError`` when a checker itself is broken
(the platform's fault: internal_error).
"""

from grading.checkers.base import CheckerError, CheckInput, CheckResult, RaisedException, json_normalise
from grading.checkers.custom import load_custom_checker, source_hash
from grading.checkers.registry import CHECKERS, CUSTOM, get_checker, run_checker, run_test_checker

__all__ = [
    "CHECKERS",
    "CUSTOM",
    "CheckInput",
    "CheckResult",
    "CheckerError",
    "RaisedException",
    "get_checker",
    "json_normalise",
    "load_custom_checker",
    "run_checker",
    "run_test_checker",
    "source_hash",
]
