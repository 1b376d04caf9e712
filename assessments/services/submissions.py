"""A code submission's start: created queued, and the grading task asked for once the transaction commits.

Grading sits above assessments, so its task is sent by name (routed as ``grading.tasks`` routes it) and
never imported. ``grading`` claims, grades, releases and sweeps submissions from there on.
"""

from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction

from assessments.models import AttemptQuestion, CodeSubmission, QuestionKind, SubmissionPurpose
from common.exceptions import ApplicationError, size_check

GRADE_TASK = "grading.tasks.grade_submission"


def submission_enqueue(submission_id: int) -> None:
    """Send the grading task once this transaction commits (at once outside one)."""
    transaction.on_commit(partial(current_app.send_task, GRADE_TASK, args=(submission_id,)))


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
    submission_enqueue(submission.pk)
    return submission
