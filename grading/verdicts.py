"""From what the sandbox saw and what the checker decided to a verdict (one vocabulary everywhere)."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from grading.checkers import (
    CUSTOM,
    CheckInput,
    CheckResult,
    CustomCase,
    checker_name_of,
    expected_of,
    run_custom_checks,
    run_test_checker,
)
from grading.models import Verdict
from sandbox.harness.protocol import SOURCE_NAME
from sandbox.types import CompileStatus, Job, RunResult, TestOutcome, TestStatus

STATUS_VERDICTS = {
    TestStatus.TIMEOUT: Verdict.TIME_LIMIT_EXCEEDED,
    TestStatus.MEMORY: Verdict.MEMORY_LIMIT_EXCEEDED,
    TestStatus.OUTPUT_LIMIT: Verdict.OUTPUT_LIMIT_EXCEEDED,
    TestStatus.BAD_RETURN: Verdict.RUNTIME_ERROR,
    TestStatus.CRASHED: Verdict.RUNTIME_ERROR,
    TestStatus.NOT_RUN: Verdict.RUNTIME_ERROR,
}
COMPILE_VERDICTS = {
    CompileStatus.SYNTAX_ERROR: Verdict.COMPILE_ERROR,
    CompileStatus.MISSING_ENTRY_POINT: Verdict.COMPILE_ERROR,
    CompileStatus.IMPORT_ERROR: Verdict.RUNTIME_ERROR,
    CompileStatus.IMPORT_TIMEOUT: Verdict.TIME_LIMIT_EXCEEDED,
}


# What a failure says in the report. Never the checker's message (it may name the expected value),
# the exception's message or what the code returned or printed (either may echo the hidden input).
SUMMARIES = {
    Verdict.WRONG_ANSWER: "returned an answer the test does not accept",
    Verdict.TIME_LIMIT_EXCEEDED: "ran past the time limit",
    Verdict.MEMORY_LIMIT_EXCEEDED: "went over the memory limit",
    Verdict.OUTPUT_LIMIT_EXCEEDED: "printed more than the output limit",
    Verdict.RUNTIME_ERROR: "stopped without returning an answer",
}
_CANDIDATE_FRAME = re.compile(rf'File "{re.escape(SOURCE_NAME)}", line (\d+)')


def failure_summary(verdict: str, outcome: TestOutcome | None, compile_summary: str = "") -> str:
    """Why one test failed, for reviewers: the kind of failure and, for an exception, its type and line."""
    if verdict == Verdict.ACCEPTED:
        return ""
    if outcome is None:  # nothing ran: the code did not compile or import
        return compile_summary[:300] or SUMMARIES.get(Verdict(verdict), "")
    if outcome.status == TestStatus.EXCEPTION and outcome.exc_type:
        lines = _CANDIDATE_FRAME.findall(outcome.traceback)
        where = f" on line {lines[-1]}" if lines else ""
        return f"raised {outcome.exc_type[:100]}{where}"
    return SUMMARIES.get(Verdict(verdict), "")


@dataclass(frozen=True)
class TestVerdict:
    __test__ = False

    verdict: Verdict
    message: str = ""


def _answer(test: dict[str, Any], outcome: TestOutcome) -> TestVerdict | CheckInput:
    """The verdict the sandbox's status decides, or else the answer the test's checker must judge."""
    if outcome.status in STATUS_VERDICTS:
        return TestVerdict(STATUS_VERDICTS[outcome.status], outcome.message)
    expects_exception = bool(test.get("expected_exception"))
    if outcome.status == TestStatus.EXCEPTION:
        if not expects_exception:
            return TestVerdict(Verdict.RUNTIME_ERROR, f"{outcome.exc_type}: {outcome.message}")
        return CheckInput.raising(outcome.exc_type or "Exception", outcome.message)
    if expects_exception:
        return TestVerdict(Verdict.WRONG_ANSWER, f"expected {test['expected_exception']} to be raised")
    return CheckInput.returned(outcome.value)


def _judged(result: CheckResult) -> TestVerdict:
    return TestVerdict(Verdict.ACCEPTED if result.passed else Verdict.WRONG_ANSWER, result.message)


def verdicts_for(
    tests: Sequence[dict[str, Any]],
    outcomes: Sequence[TestOutcome],
    custom_source: str,
    *,
    run: Callable[[Job], RunResult],
) -> list[TestVerdict]:
    """The verdict of each test: the sandbox's status first, then the test's checker.

    Built-in checkers run here; every custom-checked answer goes to one checker run in the sandbox
    through ``run``. Raises grading.checkers.CheckerError when a checker itself is broken (an
    internal error), and the sandbox's errors when the checker run could not happen.
    """
    answers = [_answer(test, outcome) for test, outcome in zip(tests, outcomes, strict=True)]
    custom = [i for i, answer in enumerate(answers) if isinstance(answer, CheckInput) and _is_custom(tests[i])]
    cases = [_custom_case(tests[i], answers[i]) for i in custom]
    custom_results = dict(zip(custom, run_custom_checks(custom_source, cases, run=run), strict=True))
    verdicts = []
    for index, (test, answer) in enumerate(zip(tests, answers, strict=True)):
        if isinstance(answer, TestVerdict):
            verdicts.append(answer)
        else:
            verdicts.append(_judged(custom_results.get(index) or run_test_checker(test, answer)))
    return verdicts


def _is_custom(test: dict[str, Any]) -> bool:
    return checker_name_of(test) == CUSTOM


def _custom_case(test: dict[str, Any], answer: Any) -> CustomCase:
    return CustomCase(answer, expected_of(test), test.get("checker_options") or {}, test.get("args"))


def overall_verdict(verdicts: Sequence[Verdict]) -> Verdict:
    """Accepted when every test is; otherwise the first test's failure, in test order."""
    return next((verdict for verdict in verdicts if verdict != Verdict.ACCEPTED), Verdict.ACCEPTED)


def weighted_score(weights: Sequence[float], verdicts: Sequence[Verdict]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    accepted = sum(weight for weight, verdict in zip(weights, verdicts, strict=True) if verdict == Verdict.ACCEPTED)
    return round(accepted / total, 6)
