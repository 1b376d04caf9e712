"""Changing a webhook endpoint after it was created: its settings, its active flag, its signing secret."""

from django.db import transaction

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


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A fresh signing secret, used from the next try on (also for retries of older events). No overlap."""
    endpoint.secret = new_webhook_secret()
    endpoint.full_clean()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint
