"""Celery tasks of assessments: take ids, call one service, idempotent (DESIGN.md, reliability rules)."""

from celery import shared_task
from django.conf import settings

from assessments.services.answers import attempts_finalise_expired
from assessments.services.import_jobs import import_job_run, import_jobs_sweep
from assessments.services.invitations import invitations_touch_clock_changes


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def finalise_expired_attempts() -> int:
    """At the deadline the server submits the attempt itself: none stays open after the candidate leaves.

    The same beat touches the links the clock opened or expired, so ``updated_since`` syncs see them.
    """
    invitations_touch_clock_changes()
    return len(attempts_finalise_expired())


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.IMPORT_TASK_TIME_LIMIT,
    autoretry_for=(Exception,),  # the platform's fault (a database error, a time limit): the job is tried again
    retry_backoff=5,
    max_retries=settings.IMPORT_MAX_DELIVERIES,  # one more than the job's tries: the last one records the failure
)
def run_import_job(job_id: int) -> str:
    """Import a large Markdown document (``imports`` queue); a duplicate or a retry never imports twice."""
    return str(import_job_run(job_id=job_id))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_import_jobs() -> int:
    """Re-send import jobs whose task was lost (PostgreSQL is the truth, not the broker)."""
    return len(import_jobs_sweep())
