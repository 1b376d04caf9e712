"""The one event writer: a domain service records what happened in its own transaction; subscribers react.

``common`` knows no subscriber. An upper layer registers a handler (``integrations`` does, in its
``AppConfig.ready``), so the domain never imports whoever listens. Handlers run inside the causing
transaction: what they write commits or rolls back with the change, and whatever they send waits for
``transaction.on_commit``. An exception in a handler reaches the emitter, like any other failed write.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction


@dataclass(frozen=True)
class Event:
    organisation_id: int
    type: str  # "attempt.graded": the names are the webhook event types (docs/webhooks.md)
    payload: dict[str, Any]  # built by the emitter: ids, times and links, never a secret


EventHandler = Callable[[Event], None]

# Events only subscribers inside the platform hear (e-mail): no webhook carries them, and no endpoint can
# subscribe to them. Every other type must be a webhook event type (docs/webhooks.md), or recording fails.
INTERNAL_EVENT_TYPES = frozenset({"stage.interviewer_assigned", "attempt.grading_failed"})

_handlers: list[EventHandler] = []


def event_subscribe(handler: EventHandler) -> None:
    """Call ``handler`` with every event recorded from now on; subscribing twice still calls it once."""
    if handler not in _handlers:
        _handlers.append(handler)


@transaction.atomic
def event_record(*, organisation_id: int, type: str, payload: dict[str, Any]) -> None:
    """Hand the event to every subscriber, in subscription order, inside the caller's transaction."""
    event = Event(organisation_id=organisation_id, type=type, payload=payload)
    for handler in tuple(_handlers):
        handler(event)


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``, as the API writes times: the form of every time in a payload."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
