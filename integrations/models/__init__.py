"""Integrations' models: webhooks, API keys and idempotency, Greenhouse interviews, every delivery's state."""

from integrations.models.greenhouse import GreenhouseCallbackStatus, GreenhouseInterview, new_interview_id
from integrations.models.keys import ApiKey, ApiKeyScope, IdempotencyRecord, SpentFormNonce
from integrations.models.outgoing import OutgoingDelivery, OutgoingStatus, outgoing_constraints, outgoing_indexes
from integrations.models.webhooks import (
    WebhookAttemptOutcome,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)

__all__ = [
    "ApiKey",
    "ApiKeyScope",
    "GreenhouseCallbackStatus",
    "GreenhouseInterview",
    "IdempotencyRecord",
    "OutgoingDelivery",
    "OutgoingStatus",
    "SpentFormNonce",
    "WebhookAttemptOutcome",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookEventType",
    "new_interview_id",
    "outgoing_constraints",
    "outgoing_indexes",
]
