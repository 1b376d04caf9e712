"""A code submission's start: created queued, and the grading task asked for once the transaction commits.

Grading sits above assessments, so its task is sent by name and never imported: a final submission on the
``grading`` queue, a sample run on ``samples``, so final grading never waits behind sample runs (DESIGN.md,
grading point 8). ``grading`` claims, grades, releases and sweeps submissions from there on.
"""

from django.conf import settings
from django.db import transaction

from assessments.models import AttemptQuestion, CodeSubmission, QuestionKind, SubmissionPurpose
from common.exceptions import ApplicationError, size_check
from common.queueing import send_task_on_commit

GRADE_TASK = "grading.tasks.grade_submission"


def submission_queue(purpose: str) -> str:
    """The queue a submission's grading goes to: its own for final grading, another for sample runs."""
    return settings.SAMPLES_QUEUE if purpose == SubmissionPurpose.SAMPLES else settings.GRADING_QUEUE


def submission_enqueue(submission_id: int, *, purpose: str) -> None:
    """Send the grading task to the purpose's queue once this transaction commits (at once outside one)."""
    send_task_on_commit(GRADE_TASK, args=(submission_id,), queue=submission_queue(purpose))


@transaction.atomic
def submission_create(*, attempt_question: AttemptQuestion, source: str, purpose: str) -> CodeSubmission:
    """Queue code for grading; the grading task is sent only once this transaction commits."""
    if attempt_question.revision.question.kind != QuestionKind.CODING:
        raise ApplicationError("Only coding questions take code submissions.", code="not_a_coding_question")
    size_check("The code", size=len(source.encode()), limit=settings.SUBMISSION_MAX_SOURCE_BYTES, unit="bytes")
    if purpose not in SubmissionPurpose.values:
        raise ApplicationError(f"Unknown purpose {purpose!r}.")
    submission = CodeSubmission(attempt_question=attempt_question, source=source, purpose=purpose)
    submission.full_clean(validate_constraints=False)
    submission.save()
    submission_enqueue(submission.pk, purpose=submission.purpose)
    return submission
