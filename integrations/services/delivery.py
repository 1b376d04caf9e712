"""A delivery's life: pending → claimed under a lease → succeeded, back to pending with a backoff, or dead.

Every status change is a guarded update, so a task delivered twice sends at most once per claim,
and only the current claim may finish a delivery. Receivers may still see an event twice (a
worker killed after the POST, before recording it): delivery is at least once, and the
``webhook-id`` is the deduplication key.
"""

import enum
import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common.exceptions import ConflictError
from integrations.models import (
    WebhookAttemptOutcome,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from integrations.services import http
from integrations.services.endpoints import previous_signing_secret
from integrations.services.queue import delivery_enqueue, delivery_enqueue_on_commit
from integrations.services.signing import payload_body, signed_headers

# Waits after the 1st, 2nd, … failed try of a cycle: 11 tries over about 24 hours, then dead.
RETRY_SCHEDULE = tuple(
    timedelta(seconds=s) for s in (5, 30, 120, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 8 * 3600)
)
JITTER = 0.1  # ±10 %: receivers that fail together are not retried in lockstep
# A retry due sooner than this gets its own delayed message; later ones are sent by the sweep when due
# (long countdowns sit badly with Redis' visibility timeout).
COUNTDOWN_MAX = timedelta(seconds=60)
RETRYABLE_STATUS = frozenset({408, 429})
SWEEP_BATCH = 500


class DeliverOutcome(enum.StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"  # not due, in flight elsewhere, finished, or the endpoint is inactive


def retry_delay(try_number: int) -> timedelta | None:
    """How long to wait after the ``try_number``-th failed try of a cycle; None once the schedule is spent."""
    if try_number > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[try_number - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not crypto


def attempt_outcome(result: http.PostResult) -> WebhookAttemptOutcome:
    """2xx: delivered. No answer, 408, 429 or 5xx: try again. Anything else (3xx, 4xx): the receiver said no."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        return WebhookAttemptOutcome.SUCCEEDED
    if result.permanent:
        return WebhookAttemptOutcome.FAILED
    if code is None or code in RETRYABLE_STATUS or code >= 500:
        return WebhookAttemptOutcome.RETRY
    return WebhookAttemptOutcome.FAILED


def delivery_claim(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Take a due delivery (or one whose worker's lease ran out). None when there is nothing to do."""
    now = now or timezone.now()
    if not WebhookEndpoint.objects.filter(deliveries=delivery_id, is_active=True).exists():
        return None
    # Conditions on the row's own columns only, so the database re-checks them under the row lock.
    due = Q(status=WebhookDeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDeliveryStatus.DELIVERING, lease_expires_at__lt=now
    )
    claimed = WebhookDelivery.objects.filter(due, pk=delivery_id).update(
        status=WebhookDeliveryStatus.DELIVERING,
        lease_expires_at=now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
        attempt_count=F("attempt_count") + 1,
        enqueued_for=None,  # its message is consumed: if this worker dies, the sweep sends another
        updated_at=now,
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def delivery_deliver(*, delivery_id: int) -> DeliverOutcome:
    """Claim, sign and POST once, then record what happened."""
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return DeliverOutcome.NOT_CLAIMED
    body = payload_body(delivery.event.payload)
    endpoint = delivery.endpoint
    previous = previous_signing_secret(endpoint)
    headers = signed_headers(secret=endpoint.secret, previous_secret=previous, msg_id=delivery.event_id, body=body)
    attempted_at = timezone.now()
    result = http.post(url=delivery.endpoint.url, body=body, headers=headers)
    return delivery_record(delivery=delivery, result=result, attempted_at=attempted_at)


@transaction.atomic
def delivery_record(*, delivery: WebhookDelivery, result: http.PostResult, attempted_at: datetime) -> DeliverOutcome:
    """Log the try and move the delivery on. A claim that is no longer current only adds to the log."""
    now = timezone.now()
    outcome = attempt_outcome(result)
    delay = None
    if outcome == WebhookAttemptOutcome.RETRY:
        delay = retry_delay(delivery.attempt_count - delivery.cycle_start_count)
        if delay is None:
            outcome = WebhookAttemptOutcome.FAILED  # the schedule is spent: dead
    WebhookDeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_count,
        attempted_at=attempted_at,
        duration_ms=result.duration_ms,
        status_code=result.status_code,
        outcome=outcome,
        error=result.error[:2000],
        response_excerpt=result.excerpt,
    )
    current = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDeliveryStatus.DELIVERING, attempt_count=delivery.attempt_count
    ).update(**_next_state(result, delay, now), updated_at=now)
    if current and delay is not None and delay <= COUNTDOWN_MAX:
        delivery_enqueue_on_commit(delivery.pk, countdown=delay.total_seconds())
    return DeliverOutcome(outcome.value)


def _next_state(result: http.PostResult, delay: timedelta | None, now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {"lease_expires_at": None, "last_status_code": result.status_code}
    changes["last_error"] = result.error[:2000]
    if attempt_outcome(result) == WebhookAttemptOutcome.SUCCEEDED:
        return changes | {"status": WebhookDeliveryStatus.SUCCEEDED, "delivered_at": now, "next_attempt_at": None}
    if delay is None:
        return changes | {"status": WebhookDeliveryStatus.FAILED, "next_attempt_at": None}
    # A retry due soon has its own delayed message; the sweep sends the later ones when they are due.
    enqueued_for = now + delay if delay <= COUNTDOWN_MAX else None
    return changes | {
        "status": WebhookDeliveryStatus.PENDING,
        "next_attempt_at": now + delay,
        "enqueued_for": enqueued_for,
    }


def deliveries_sweep(*, now: datetime | None = None) -> list[int]:
    """Send a task for every delivery that is due but has no message on its way, and for expired leases.

    Safe to run any time: the task claims with a guarded update, so an extra message is a no-op.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS)
    due = Q(status=WebhookDeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDeliveryStatus.DELIVERING, lease_expires_at__lt=now
    )
    no_message = Q(enqueued_for__isnull=True) | Q(enqueued_for__lt=stale)
    stuck = WebhookDelivery.objects.filter(due, no_message, endpoint__is_active=True).order_by("next_attempt_at")
    ids = list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH])
    WebhookDelivery.objects.filter(pk__in=ids).update(enqueued_for=now)
    for delivery_id in ids:
        delivery_enqueue(delivery_id)
    return ids


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again now, with a fresh retry schedule and the same ``webhook-id`` (receivers dedupe on it)."""
    if not WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise ConflictError("The endpoint is inactive; activate it before replaying.", code="endpoint_inactive")
    now = timezone.now()
    replayed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status__in=[WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.SUCCEEDED, WebhookDeliveryStatus.FAILED],
    ).update(
        status=WebhookDeliveryStatus.PENDING,
        next_attempt_at=now,
        cycle_start_count=F("attempt_count"),
        enqueued_for=now,
        lease_expires_at=None,
        updated_at=now,
    )
    if not replayed:
        raise ConflictError("This delivery is being sent right now; replay it once it has finished.", code="in_flight")
    delivery_enqueue_on_commit(delivery.pk)
    delivery.refresh_from_db()
    return delivery
