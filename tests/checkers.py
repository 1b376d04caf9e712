"""Custom checkers run in-process for tests of trusted checkers (the seeds): the checker run's own code.

The platform never does this: it sends the same ``custom_entry`` program to the sandbox
(``grading.checkers.run_custom_checks``). Here the job is built, its arguments travel through JSON
as they do to the container, and ``check_all``'s answer is read back by the worker's own parser, so
everything but the container is the real path. For the container see tests/grading/test_custom_checkers.py.
"""

import json
from collections.abc import Mapping
from typing import Any

from grading.checkers import (
    CUSTOM,
    CheckInput,
    CheckResult,
    CustomCase,
    checker_job,
    custom_entry,
    expected_of,
    run_test_checker,
)
from grading.checkers.custom import results_from_value


def check_custom(
    actual: Any, expected: Any, options: Mapping | None = None, *, source: str, args: Any = None
) -> CheckResult:
    """One answer judged by the custom checker ``source``, as a checker run would judge it."""
    answer = actual if isinstance(actual, CheckInput) else CheckInput.returned(actual)
    job = checker_job(source, [CustomCase(answer, expected, dict(options or {}), args)])
    (test,) = job.tests
    checker_source, cases = json.loads(json.dumps(test.args, allow_nan=False))
    return results_from_value(custom_entry.check_all(checker_source, cases), 1)[0]


def check_test(test: Mapping[str, Any], actual: Any, checker_source: str = "") -> CheckResult:
    """The checker a test declares on one answer: built-ins as the worker runs them, custom ones as above."""
    if test.get("checker") != CUSTOM:
        return run_test_checker(test, actual)
    options = test.get("checker_options") or {}
    return check_custom(actual, expected_of(test), options, source=checker_source, args=test.get("args"))
