from integrations.services.delivery import (
    DeliverOutcome,
    deliveries_sweep,
    delivery_claim,
    delivery_deliver,
    delivery_record,
    delivery_replay,
    retry_delay,
)
from integrations.services.events import (
    attempt_event_record,
    event_record,
    invitation_event_record,
    webhook_endpoint_create,
)
from integrations.services.signing import payload_body, signed_headers

__all__ = [
    "DeliverOutcome",
    "attempt_event_record",
    "deliveries_sweep",
    "delivery_claim",
    "delivery_deliver",
    "delivery_record",
    "delivery_replay",
    "event_record",
    "invitation_event_record",
    "payload_body",
    "retry_delay",
    "signed_headers",
    "webhook_endpoint_create",
]
