"""Greenhouse callback tasks (``webhooks`` queue). Registered in workers through ``integrations.tasks``."""

from celery import shared_task
from django.conf import settings

from integrations.greenhouse.services import callback_deliver, callbacks_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.WEBHOOK_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.WEBHOOK_TASK_TIME_LIMIT,
    ignore_result=True,
)
def deliver_greenhouse_callback(interview_id: int) -> str:
    return str(callback_deliver(interview_id=interview_id))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def sweep_greenhouse_callbacks() -> int:
    return len(callbacks_sweep())
