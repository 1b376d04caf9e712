from integrations.services.delivery import (
    WEBHOOK_DELIVERIES,
    deliveries_sweep,
    delivery_claim,
    delivery_deliver,
    delivery_record,
    delivery_replay,
)
from integrations.services.events import event_fan_out, webhook_endpoint_create, webhook_event_record
from integrations.services.outgoing import DeliverOutcome, Outgoing, retry_delay
from integrations.services.signing import payload_body, signed_headers

__all__ = [
    "WEBHOOK_DELIVERIES",
    "DeliverOutcome",
    "Outgoing",
    "deliveries_sweep",
    "delivery_claim",
    "delivery_deliver",
    "delivery_record",
    "delivery_replay",
    "event_fan_out",
    "payload_body",
    "retry_delay",
    "signed_headers",
    "webhook_endpoint_create",
    "webhook_event_record",
]
