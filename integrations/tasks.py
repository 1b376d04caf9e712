"""Webhook tasks and the idempotency-record expiry: take ids, call one service, idempotent (DESIGN.md)."""

from celery import shared_task
from django.conf import settings

from api.idempotency import idempotency_records_expire
from integrations.greenhouse.tasks import deliver_greenhouse_callback, sweep_greenhouse_callbacks
from integrations.services import deliveries_sweep, delivery_deliver
from integrations.services.endpoints import previous_secrets_forget

# Celery autodiscovery imports ``integrations.tasks`` only: re-exporting registers the Greenhouse tasks.
__all__ = ["deliver_greenhouse_callback", "sweep_greenhouse_callbacks"]


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.WEBHOOK_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.WEBHOOK_TASK_TIME_LIMIT,
    ignore_result=True,
)
def deliver_webhook(delivery_id: int) -> str:
    return str(delivery_deliver(delivery_id=delivery_id))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def sweep_webhook_deliveries() -> int:
    previous_secrets_forget()
    return len(deliveries_sweep())


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def expire_idempotency_records() -> int:
    return idempotency_records_expire()
