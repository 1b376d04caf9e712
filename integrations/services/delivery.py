"""A webhook delivery: one event to one endpoint, signed and POSTed, on the one outgoing machinery.

Its life (claim under a lease, retries with backoff, dead, the sweep) is ``integrations.services.outgoing``'s;
here is what is particular to webhooks: the signed POST, the log of every try, the pause while the endpoint
is inactive, and a manual replay. Receivers may see an event twice; the ``webhook-id`` is the deduplication key.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from common.exceptions import ConflictError
from integrations.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint
from integrations.services import http
from integrations.services.endpoints import previous_signing_secret
from integrations.services.outgoing import ERROR_MAX_CHARS, DeliverOutcome, Outgoing
from integrations.services.signing import payload_body, signed_headers


def _post(delivery: WebhookDelivery) -> http.PostResult:
    body = payload_body(delivery.event.payload)
    endpoint = delivery.endpoint
    previous = previous_signing_secret(endpoint)
    headers = signed_headers(secret=endpoint.secret, previous_secret=previous, msg_id=delivery.event_id, body=body)
    return http.post(url=endpoint.url, body=body, headers=headers)


def _log(delivery: WebhookDelivery, result: http.PostResult, outcome: DeliverOutcome, attempted_at: datetime) -> None:
    WebhookDeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_count,
        attempted_at=attempted_at,
        duration_ms=result.duration_ms,
        status_code=result.status_code,
        outcome=outcome.value,
        error=result.error[:ERROR_MAX_CHARS],
        response_excerpt=result.excerpt,
    )


WEBHOOK_DELIVERIES: Outgoing[WebhookDelivery] = Outgoing(
    model=WebhookDelivery,
    task="integrations.tasks.deliver_webhook",
    send=_post,
    active=Q(endpoint__is_active=True),
    related=("event", "endpoint"),
    log=_log,
)


def delivery_claim(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Take a due delivery (or one whose worker's lease ran out). None when there is nothing to do."""
    return WEBHOOK_DELIVERIES.claim(delivery_id, now=now)


def delivery_deliver(*, delivery_id: int) -> DeliverOutcome:
    """Claim, sign and POST once, then record what happened."""
    return WEBHOOK_DELIVERIES.deliver(delivery_id)


def delivery_record(*, delivery: WebhookDelivery, result: http.PostResult, attempted_at: datetime) -> DeliverOutcome:
    """Log the try and move the delivery on. A claim that is no longer current only adds to the log."""
    return WEBHOOK_DELIVERIES.record(delivery, result, attempted_at=attempted_at)


def deliveries_sweep(*, now: datetime | None = None) -> list[int]:
    """Send a task for every delivery that is due with no message on its way, and for expired leases."""
    return WEBHOOK_DELIVERIES.sweep(now=now)


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again now, with a fresh retry schedule and the same ``webhook-id`` (receivers dedupe on it)."""
    if not WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise ConflictError("The endpoint is inactive; activate it before replaying.", code="endpoint_inactive")
    if not WEBHOOK_DELIVERIES.restart(delivery.pk):
        raise ConflictError("This delivery is being sent right now; replay it once it has finished.", code="in_flight")
    delivery.refresh_from_db()
    return delivery
