"""The outbox: an event and its deliveries are written in the caller's transaction, sent after commit."""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt, Invitation, Organisation
from common.exceptions import ApplicationError
from common.links import site_url
from integrations.ids import new_webhook_secret
from integrations.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEvent, WebhookEventType
from integrations.services.queue import delivery_enqueue_on_commit


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


@transaction.atomic
def event_record(*, organisation: Organisation, type: str, payload: dict[str, Any]) -> WebhookEvent | None:
    """Record an event for every active endpoint subscribed to ``type``, in the caller's transaction.

    ``payload`` is the event's ``data`` object; it is sent as ``{"type", "timestamp", "data"}``.
    If the caller's transaction rolls back, the event and its deliveries vanish with it; if it
    commits, a delivery task per endpoint is sent (and the sweep re-sends any that gets lost).
    With no subscribed endpoint nothing is written.
    """
    if type not in WebhookEventType.values:
        raise ApplicationError(f"Unknown webhook event type {type!r}.", code="unknown_event_type")
    endpoints = subscribed_endpoints(organisation_id=organisation.pk, type=type)
    if not endpoints:
        return None
    now = timezone.now()
    event = WebhookEvent(
        organisation=organisation,
        type=type,
        payload={"type": type, "timestamp": iso(now), "data": payload},
        created_at=now,
    )
    event.full_clean(validate_unique=False)  # the id is fresh; the insert would fail loudly on a clash
    event.save(force_insert=True)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            event=event, endpoint=endpoint, status=WebhookDeliveryStatus.PENDING, next_attempt_at=now, enqueued_for=now
        )
        for endpoint in endpoints
    )
    for delivery in deliveries:
        delivery_enqueue_on_commit(delivery.pk)
    return event


def invitation_event_record(*, invitation: Invitation, type: str) -> WebhookEvent | None:
    return event_record(organisation=invitation.organisation, type=type, payload=invitation_data(invitation))


def attempt_event_record(*, attempt_id: int, type: str) -> WebhookEvent | None:
    attempt = Attempt.objects.select_related("organisation", "invitation__candidate").get(pk=attempt_id)
    return event_record(organisation=attempt.organisation, type=type, payload=attempt_data(attempt))


def invitation_data(invitation: Invitation) -> dict[str, Any]:
    """Ids, times and the API URL. Not the candidate link: it is a credential; the API returns it."""
    return {
        "invitation_id": invitation.pk,
        "candidate_id": invitation.candidate_id,
        "candidate_external_id": invitation.candidate.external_id,
        "question_set_id": invitation.question_set_id,
        "stage_id": invitation.stage_id,
        "opens_at": iso(invitation.opens_at),
        "expires_at": iso(invitation.expires_at),
        "duration_minutes": invitation.duration_minutes,
        "invitation_url": site_url("invitation-detail", invitation.pk),
    }


def attempt_data(attempt: Attempt) -> dict[str, Any]:
    """Status and times of the attempt. Never answers, code, tests or scores."""
    invitation = attempt.invitation
    return {
        "attempt_id": attempt.pk,
        "status": attempt.status,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at),
        "finalised_by_deadline": attempt.finalised_by_deadline,
        "invitation_id": invitation.pk,
        "candidate_id": invitation.candidate_id,
        "candidate_external_id": invitation.candidate.external_id,
        "question_set_id": invitation.question_set_id,
        "stage_id": invitation.stage_id,
        "invitation_url": site_url("invitation-detail", invitation.pk),
        "attempt_url": site_url("attempt-detail", attempt.pk),
        "result_url": site_url("attempt-result", attempt.pk),
    }


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``, as the API writes times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
