"""Celery tasks: take ids, call one service, idempotent (DESIGN.md, reliability rules)."""

from celery import shared_task
from celery.signals import worker_process_shutdown
from django.conf import settings

import sandbox
from assessments.services.attempts import attempts_repair_graded
from grading.runner import sandbox_config
from grading.services import GradeOutcome, spec_validation_run, submission_grade, submissions_sweep

RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 300


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.GRADING_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.GRADING_TASK_TIME_LIMIT,
    max_retries=None,
)
def grade_submission(self, submission_id: int) -> str:
    outcome = submission_grade(submission_id=submission_id)
    if outcome == GradeOutcome.RETRY:
        countdown = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** min(self.request.retries, 6))
        raise self.retry(countdown=countdown)
    return str(outcome)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_submissions() -> int:
    """Re-enqueue stuck submissions, and mark graded the attempts whose submissions all are."""
    return len(submissions_sweep()) + len(attempts_repair_graded())


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_sandbox_containers() -> int:
    """Remove sandbox containers a crashed worker left behind (older than any run may take)."""
    older_than = settings.GRADING_TASK_TIME_LIMIT + 60
    try:
        return len(sandbox.sweep_leftovers(sandbox_config(), older_than_seconds=older_than, include_pooled=False))
    except sandbox.EngineUnavailable:
        return 0


@worker_process_shutdown.connect
def _drain_sandbox_pools(**_: object) -> None:
    sandbox.drain_pools()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.GRADING_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.GRADING_TASK_TIME_LIMIT,
)
def validate_coding_spec(validation_id: int) -> str:
    """Run a coding question's reference on every test for its author (``samples`` queue, never ``grading``)."""
    return spec_validation_run(validation_id=validation_id)
