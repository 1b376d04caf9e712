"""Sending delivery tasks to the broker. Only after commit, and a broker outage never fails the caller."""

from functools import partial

from django.db import transaction


def delivery_enqueue(delivery_id: int, countdown: float | None = None) -> None:
    from integrations.tasks import deliver_webhook  # tasks import services

    if countdown is None:
        deliver_webhook.delay(delivery_id)
    else:
        deliver_webhook.apply_async((delivery_id,), countdown=countdown)


def delivery_enqueue_on_commit(delivery_id: int, countdown: float | None = None) -> None:
    # robust: the change that caused the event is committed; if Redis is down, the sweep sends it later.
    transaction.on_commit(partial(delivery_enqueue, delivery_id, countdown), robust=True)
