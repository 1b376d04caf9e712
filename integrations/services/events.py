"""The outbox: a domain event's deliveries are written in the causing transaction and sent after commit."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from common.events import INTERNAL_EVENT_TYPES, Event, iso
from common.exceptions import ApplicationError
from integrations.greenhouse.services import callback_record as greenhouse_callback_record
from integrations.ids import new_webhook_secret
from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType
from integrations.services.delivery import WEBHOOK_DELIVERIES
from organisations.models import Organisation


@transaction.atomic
def webhook_endpoint_create(
    *, organisation: Organisation, url: str, events: list[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """Register a receiver with a fresh signing secret (return it to the caller once; it is not shown again)."""
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=list(events),
        description=description,
        is_active=is_active,
        secret=new_webhook_secret(),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def subscribed_endpoints(*, organisation_id: int, type: str) -> list[WebhookEndpoint]:
    # Filtered here rather than with a JSON lookup: SQLite (the embedded default) has no JSON containment.
    endpoints = WebhookEndpoint.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")
    return [endpoint for endpoint in endpoints if endpoint.subscribes_to(type)]


def event_fan_out(event: Event) -> None:
    """The subscriber to the domain's events (``common.events``): each becomes the deliveries it calls for.

    Runs in the causing transaction, so a rolled-back change leaves nothing and sends nothing: a
    webhook delivery per subscribed endpoint, and for ``attempt.graded`` Greenhouse's completion PATCH.
    Internal events (``common.events.INTERNAL_EVENT_TYPES``: e-mail's) are no webhooks; any other type
    that is no webhook type is refused (a misspelt event fails loudly).
    """
    if event.type in INTERNAL_EVENT_TYPES:
        return
    webhook_event_record(organisation_id=event.organisation_id, type=event.type, payload=event.payload)
    if event.type == WebhookEventType.ATTEMPT_GRADED:
        greenhouse_callback_record(attempt_id=event.payload["attempt_id"])


@transaction.atomic
def webhook_event_record(*, organisation_id: int, type: str, payload: dict[str, Any]) -> WebhookEvent | None:
    """Record an event for every active endpoint subscribed to ``type``, in the caller's transaction.

    ``payload`` is the event's ``data`` object; it is sent as ``{"type", "timestamp", "data"}``.
    If the caller's transaction rolls back, the event and its deliveries vanish with it; if it
    commits, a delivery task per endpoint is sent (and the sweep re-sends any that gets lost).
    With no subscribed endpoint nothing is written.
    """
    if type not in WebhookEventType.values:
        raise ApplicationError(f"Unknown webhook event type {type!r}.", code="unknown_event_type")
    endpoints = subscribed_endpoints(organisation_id=organisation_id, type=type)
    if not endpoints:
        return None
    now = timezone.now()
    event = WebhookEvent(
        organisation_id=organisation_id,
        type=type,
        payload={"type": type, "timestamp": iso(now), "data": payload},
        created_at=now,
    )
    event.full_clean(validate_unique=False)  # the id is fresh; the insert would fail loudly on a clash
    event.save(force_insert=True)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, **WEBHOOK_DELIVERIES.due_now(now)) for endpoint in endpoints
    )
    for delivery in deliveries:
        WEBHOOK_DELIVERIES.enqueue_on_commit(delivery.pk)
    return event
