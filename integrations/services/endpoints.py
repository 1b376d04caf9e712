"""Changing a webhook endpoint after it was created: its settings, its active flag, its signing secret."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.ids import new_webhook_secret
from integrations.models import WebhookEndpoint


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str, is_active: bool
) -> WebhookEndpoint:
    """Change what and where it receives. Queued deliveries go to the new URL, signed as before."""
    endpoint.url, endpoint.events, endpoint.description, endpoint.is_active = url, list(events), description, is_active
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "events", "description", "is_active", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_deactivate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """No new events; queued deliveries wait until it is active again (the delivery claim checks the flag)."""
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active", "updated_at"])
    return endpoint


def secret_overlap_ends_at(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> datetime | None:
    """Until when the previous secret signs too; None when no overlap is running (over, ended early, or none)."""
    if not endpoint.previous_secret or endpoint.previous_secret_retired_at is None:
        return None
    ends_at = endpoint.previous_secret_retired_at + timedelta(hours=settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS)
    return ends_at if (now or timezone.now()) < ends_at else None


def previous_signing_secret(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> str:
    """The previous secret while the rotation's overlap lasts (a try then carries both signatures), else ""."""
    return endpoint.previous_secret if secret_overlap_ends_at(endpoint, now=now) else ""


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A fresh signing secret, used from the next try on (also for retries of older events).

    The secret it replaces keeps signing too until the overlap ends
    (``WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS``), so a receiver can switch without refusing anything.
    Only the immediately previous secret is kept: rotating again drops the one before it.
    """
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)  # two rotations in a row, not at once
    endpoint.previous_secret, endpoint.previous_secret_retired_at = endpoint.secret, timezone.now()
    endpoint.secret = new_webhook_secret()
    endpoint.full_clean()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_retired_at", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_overlap_end(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop signing with the previous secret now (the receiver has the new one); the old secret is deleted."""
    if endpoint.previous_secret or endpoint.previous_secret_retired_at is not None:
        endpoint.previous_secret, endpoint.previous_secret_retired_at = "", None
        endpoint.save(update_fields=["previous_secret", "previous_secret_retired_at", "updated_at"])
    return endpoint


def previous_secrets_forget(*, now: datetime | None = None) -> int:
    """Delete the previous secrets whose overlap is over (they sign nothing any more); one statement.

    Run by the webhook sweep, so an old secret is not kept in the database longer than it is needed.
    """
    retired_before = (now or timezone.now()) - timedelta(hours=settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS)
    over = WebhookEndpoint.objects.filter(previous_secret_retired_at__lte=retired_before)
    return over.update(previous_secret="", previous_secret_retired_at=None, updated_at=timezone.now())
