"""E-mail tasks: deliver one (``mail`` queue) and beat's sweeps (``sweeps`` queue). Take ids, call one service."""

from celery import shared_task
from django.conf import settings

from notifications.services.digests import digests_record
from notifications.services.outbox import email_deliver, emails_sweep
from notifications.services.reminders import reminders_record, scorecard_reminders_record


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.EMAIL_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.EMAIL_TASK_TIME_LIMIT,
    ignore_result=True,
)
def deliver_email(email_id: int) -> str:
    return str(email_deliver(email_id=email_id))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def sweep_emails() -> int:
    return len(emails_sweep())


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def record_reminders() -> int:
    """The window-closing reminders, the scorecard-due reminders and the daily digests the clock now calls for."""
    return reminders_record() + scorecard_reminders_record() + digests_record()
