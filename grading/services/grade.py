"""Grade one claimed submission: run it in the sandbox, check outside it, record the result once.

Built-in checkers run in the worker; a custom checker runs in a separate checker run in the sandbox
(``grading.checkers.custom``). A broken checker of either kind (``CheckerError``: it does not load,
crashes on the expected value, runs out of time or memory, returns junk) is the platform's fault: the
submission is released for another delivery and, once its deliveries are used up, recorded as
``internal_error``. It never counts against the candidate and never yields ``accepted``.
"""

import enum
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import (
    CodeSubmission,
    CodingSpec,
    SubmissionPurpose,
    SubmissionStatus,
    TestCase,
    Visibility,
)
from assessments.services.attempts import attempt_mark_graded, attempt_regraded
from assessments.services.coding import spec_test_revision
from assessments.services.events import attempt_event_record
from grading.checkers import CheckerError
from grading.models import GradingResult, TestResult, Verdict
from grading.runner import run_job, run_tests
from grading.services.grading_requests import (
    GradingImage,
    grading_image,
    grading_request_complete,
    grading_request_pending,
)
from grading.services.submissions import submission_claim, submission_release
from grading.verdicts import (
    COMPILE_VERDICTS,
    TestVerdict,
    failure_summary,
    overall_verdict,
    verdicts_for,
    weighted_score,
)
from sandbox.errors import EngineUnavailable, ImageMissing, SandboxError
from sandbox.types import RunResult, TestOutcome

EXCERPT = 4000


class GradeOutcome(enum.StrEnum):
    GRADED = "graded"
    NOT_CLAIMED = "not_claimed"  # another delivery has it, or it is already graded
    RETRY = "retry"  # platform failure; back in the queue
    FAILED = "failed"  # platform failure, deliveries used up


def tests_for(spec: CodingSpec, purpose: str) -> QuerySet[TestCase]:
    """Run samples: the visible tests. Submit: the hidden tests, which alone make the score."""
    visibility = Visibility.SAMPLE if purpose == SubmissionPurpose.SAMPLES else Visibility.HIDDEN
    return spec.test_cases.filter(visibility=visibility).order_by("position")


def submission_grade(*, submission_id: int) -> GradeOutcome:
    submission = submission_claim(submission_id=submission_id)
    if submission is None:
        return GradeOutcome.NOT_CLAIMED
    spec = submission.attempt_question.revision.coding_spec
    tests = list(tests_for(spec, submission.purpose))
    started = time.monotonic()
    try:
        image = grading_image(grading_request_pending(submission_id=submission.pk))
        run = run_tests(spec, submission.source, tests, image.image)
        verdicts = _verdicts(spec, tests, run)
    except (EngineUnavailable, ImageMissing) as exc:
        submission_release(submission=submission, error=f"waiting for the sandbox: {exc}", counts=False)
        return GradeOutcome.RETRY
    except (SandboxError, CheckerError, SoftTimeLimitExceeded) as exc:
        return _platform_failure(submission, exc)
    duration_ms = int((time.monotonic() - started) * 1000)
    recorded = _record(submission, spec, tests, run, verdicts, duration_ms, image)
    return GradeOutcome.GRADED if recorded else GradeOutcome.NOT_CLAIMED


def _verdicts(spec: CodingSpec, tests: list[TestCase], run: RunResult) -> list[TestVerdict]:
    if not run.compiled:
        verdict = COMPILE_VERDICTS.get(run.compile_status, Verdict.COMPILE_ERROR)
        message = run.compile_error.summary() if run.compile_error else ""
        return [TestVerdict(verdict, message) for _ in tests]
    by_id = {outcome.test_id: outcome for outcome in run.outcomes}
    if set(by_id) != {str(test.pk) for test in tests}:
        raise SandboxError("the sandbox did not report every test")
    outcomes = [by_id[str(test.pk)] for test in tests]
    return verdicts_for([_test_dict(t) for t in tests], outcomes, spec.custom_checker_source, run=run_job)


def _test_dict(test: TestCase) -> dict:
    return {
        "args": test.args,
        "expected": test.expected,
        "expected_exception": test.expected_exception,
        "checker": test.checker,
        "checker_options": test.checker_options,
    }


@transaction.atomic
def _platform_failure(submission: CodeSubmission, exc: BaseException) -> GradeOutcome:
    # One transaction: a submission marked failed always has its internal_error result.
    error = f"{type(exc).__name__}: {exc}"
    if submission_release(submission=submission, error=error):
        return GradeOutcome.RETRY
    result = GradingResult.objects.create(
        submission=submission,
        verdict=Verdict.INTERNAL_ERROR,
        score=0.0,
        compile_message=error[:EXCERPT],
        test_revision=spec_test_revision(submission.attempt_question.revision.coding_spec),
    )
    failed = GradingImage(note=f"The grading failed: {error}"[:EXCERPT])
    grading_request_complete(submission_id=submission.pk, result=result, image=failed)
    if submission.purpose == SubmissionPurpose.FINAL:
        # Internal (not a webhook type): the invitation's creator is told by e-mail (docs/email.md).
        attempt_event_record(attempt_id=submission.attempt_question.attempt_id, type="attempt.grading_failed")
    return GradeOutcome.FAILED


@transaction.atomic
def _record(
    submission: CodeSubmission,
    spec: CodingSpec,
    tests: list[TestCase],
    run: RunResult,
    verdicts: list[TestVerdict],
    duration_ms: int,
    image: GradingImage,
) -> bool:
    """Store the result, once: only the claim that is still current may finish the submission.

    The grading answers the submission's open request (a re-grade, a requeue), if any; a final
    submission's result marks its attempt graded, or, for an attempt graded already (a re-grade),
    records ``attempt.updated``.
    """
    finished = CodeSubmission.objects.filter(
        pk=submission.pk, status=SubmissionStatus.RUNNING, delivery_count=submission.delivery_count
    ).update(status=SubmissionStatus.GRADED, lease_expires_at=None, last_error="", updated_at=timezone.now())
    if not finished:
        return False
    plain = [v.verdict for v in verdicts]
    result = GradingResult.objects.create(
        submission=submission,
        verdict=overall_verdict(plain) if tests else Verdict.ACCEPTED,
        score=weighted_score([t.weight for t in tests], plain),
        compile_message=(run.compile_error.summary() if run.compile_error else "")[:EXCERPT],
        image_digest=run.image_digest,
        runtime=str(run.runtime),
        test_revision=spec_test_revision(spec),
        limits=run.limits.as_dict(),
        duration_ms=duration_ms,
    )
    grading_request_complete(submission_id=submission.pk, result=result, image=image)
    if submission.purpose == SubmissionPurpose.FINAL:
        attempt_id = submission.attempt_question.attempt_id
        if not attempt_mark_graded(attempt_id=attempt_id):
            attempt_regraded(attempt_id=attempt_id)
    outcomes = {outcome.test_id: outcome for outcome in run.outcomes}
    TestResult.objects.bulk_create(
        [
            _test_result(result, test, verdict, outcomes.get(str(test.pk)))
            for test, verdict in zip(tests, verdicts, strict=True)
        ]
    )
    return True


def _test_result(
    result: GradingResult, test: TestCase, verdict: TestVerdict, outcome: TestOutcome | None
) -> TestResult:
    summary = failure_summary(verdict.verdict, outcome, verdict.message)
    if outcome is None:
        return TestResult(
            result=result, test_case=test, verdict=verdict.verdict, checker_message=verdict.message, summary=summary
        )
    actual = {"raised": outcome.exc_type, "message": outcome.message} if outcome.exc_type else {"value": outcome.value}
    return TestResult(
        result=result,
        test_case=test,
        verdict=verdict.verdict,
        actual=actual,
        checker_message=verdict.message[:EXCERPT],
        summary=summary,
        stdout=outcome.stdout[:EXCERPT],
        stderr=outcome.stderr[:EXCERPT],
        cpu_ms=int(outcome.cpu_seconds * 1000),
        wall_ms=int(outcome.wall_seconds * 1000),
        memory_kb=outcome.peak_memory_kb,
    )
