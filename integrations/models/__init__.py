"""Integrations' models: webhooks, API keys and idempotency, Greenhouse interviews."""

from integrations.models.greenhouse import GreenhouseCallbackStatus, GreenhouseInterview, new_interview_id
from integrations.models.keys import ApiKey, ApiKeyScope, IdempotencyRecord, SpentFormNonce
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
    "SpentFormNonce",
    "WebhookAttemptOutcome",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookEventType",
    "new_interview_id",
]
