"""Every outgoing delivery's life, written once: pending → claimed under a lease → succeeded, back to pending
with a backoff, or dead; a periodic sweep sends whatever is due with no task message on its way.

Every status change is a guarded update, so a task delivered twice sends at most once per claim, and only
the current claim may finish a delivery. Receivers may still get one twice (a worker killed after the call,
before recording it): delivery is at least once.

A kind of delivery (a webhook to an endpoint, Greenhouse's completion PATCH, an e-mail, …) is an :class:`Outgoing`:
the model that holds its state and the names of those fields, how one try is sent, and the Celery task
that sends it. Adding a kind: a model (subclass ``integrations.models.OutgoingDelivery`` and its fields are
the defaults here), a send function, an ``Outgoing(...)``, a deliver task calling ``kind.deliver`` and a
sweep task calling ``kind.sweep`` (routed to the ``sweeps`` queue and in ``CELERY_BEAT_SCHEDULE``).
"""

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from celery import current_app
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from common.queueing import after_commit
from integrations.models import OutgoingStatus
from integrations.services.http import PostResult

# Waits after the 1st, 2nd, … failed try of a cycle: 11 tries over about 24 hours, then dead.
RETRY_SCHEDULE = tuple(
    timedelta(seconds=s) for s in (5, 30, 120, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 8 * 3600)
)
JITTER = 0.1  # ±10 %: receivers that fail together are not retried in lockstep
# A retry due sooner than this gets its own delayed message; later ones are sent by the sweep when due
# (long countdowns sit badly with Redis' visibility timeout).
COUNTDOWN_MAX = timedelta(seconds=60)
RETRYABLE_STATUS = frozenset({408, 429})
SWEEP_BATCH = 500
ERROR_MAX_CHARS = 2000

Row = TypeVar("Row", bound=models.Model)


class DeliverOutcome(enum.StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"  # not due, in flight elsewhere, finished, or paused (an inactive endpoint)


def retry_delay(try_number: int) -> timedelta | None:
    """How long to wait after the ``try_number``-th failed try of a cycle; None once the schedule is spent."""
    if try_number > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[try_number - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not crypto


def attempt_outcome(result: PostResult) -> DeliverOutcome:
    """2xx: delivered. No answer, 408, 429 or 5xx: try again. Anything else (3xx, 4xx): the receiver said no."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        return DeliverOutcome.SUCCEEDED
    if result.permanent:
        return DeliverOutcome.FAILED
    if code is None or code in RETRYABLE_STATUS or code >= 500:
        return DeliverOutcome.RETRY
    return DeliverOutcome.FAILED


@dataclass(frozen=True)
class OutgoingFields:
    """Where a kind keeps its state. The defaults are ``OutgoingDelivery``'s fields."""

    status: str = "status"
    attempts: str = "attempt_count"  # claims so far; identifies the current one
    cycle_start: str | None = "cycle_start_count"  # None: the schedule never restarts (no replay)
    due: str = "next_attempt_at"
    # May name the ``due`` field: one column, the due time while pending and the lease's end while delivering.
    lease: str = "lease_expires_at"
    # None: no record of a message on its way, so every sweep sends every due row (the claim dedupes).
    enqueued: str | None = "enqueued_for"
    last_status_code: str = "last_status_code"
    last_error: str = "last_error"
    delivered: str = "delivered_at"


DEFAULT_FIELDS = OutgoingFields()


@dataclass(kw_only=True, eq=False)
class Outgoing(Generic[Row]):
    """One kind of outgoing delivery and the machinery every kind shares (claim, record, sweep, restart)."""

    model: type[Row]
    task: str  # the deliver task's name: messages are sent by name, so services never import their tasks
    send: Callable[[Row], PostResult]  # one try: what the receiver answered
    fields: OutgoingFields = DEFAULT_FIELDS
    active: Q | None = None  # rows outside it are paused, neither claimed nor swept (an inactive endpoint)
    related: tuple[str, ...] = ()  # what ``send`` reads of the claimed row, fetched with it
    # Keeps each try (the webhook delivery log), in the transaction that records it.
    log: Callable[[Row, PostResult, DeliverOutcome, datetime], None] | None = None
    queue: str = "webhooks"
    # How one try's result is judged: HTTP's rules by default; e-mail judges SMTP reply codes (4xx: try again).
    classify: Callable[[PostResult], DeliverOutcome] = attempt_outcome

    # --- task messages -------------------------------------------------------------------------

    def enqueue(self, pk: int, countdown: float | None = None) -> None:
        current_app.send_task(self.task, args=(pk,), queue=self.queue, countdown=countdown)

    def enqueue_on_commit(self, pk: int, countdown: float | None = None) -> None:
        # The change that caused the delivery is committed; if Redis is down, the sweep sends it later.
        after_commit(lambda: self.enqueue(pk, countdown), what=f"{self.task}({pk},)")

    def due_now(self, now: datetime) -> dict[str, Any]:
        """The fields of a delivery due at once whose message is sent on commit (``enqueue_on_commit``)."""
        changes = {self.fields.status: OutgoingStatus.PENDING, self.fields.due: now}
        if self.fields.enqueued:
            changes[self.fields.enqueued] = now
        return changes

    # --- one try ---------------------------------------------------------------------------------

    def claim(self, pk: int, now: datetime | None = None) -> Row | None:
        """Take a due delivery (or one whose worker's lease ran out). None when there is nothing to do."""
        now = now or timezone.now()
        if self.active is not None and not self.model._default_manager.filter(self.active, pk=pk).exists():
            return None
        # Conditions on the row's own columns only, so the database re-checks them under the row lock.
        fields = self.fields
        changes: dict[str, Any] = {
            fields.status: OutgoingStatus.DELIVERING,
            fields.lease: now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
            fields.attempts: F(fields.attempts) + 1,
        }
        if fields.enqueued:
            changes[fields.enqueued] = None  # its message is consumed: if this worker dies, the sweep sends another
        if not self.model._default_manager.filter(self._due(now), pk=pk).update(**changes, updated_at=now):
            return None
        return self.model._default_manager.select_related(*self.related).get(pk=pk)

    def deliver(self, pk: int, now: datetime | None = None) -> DeliverOutcome:
        """Claim, send once, record what happened."""
        row = self.claim(pk, now=now)
        if row is None:
            return DeliverOutcome.NOT_CLAIMED
        attempted_at = timezone.now()
        return self.record(row, self.send(row), attempted_at=attempted_at)

    @transaction.atomic
    def record(self, row: Row, result: PostResult, *, attempted_at: datetime) -> DeliverOutcome:
        """Log the try and move the delivery on. A claim that is no longer current only adds to the log."""
        now = timezone.now()
        outcome, delay = self._outcome(row, result)
        if self.log is not None:
            self.log(row, result, outcome, attempted_at)
        claim = {self.fields.status: OutgoingStatus.DELIVERING, self.fields.attempts: self._attempts(row)}
        changes = self._next_state(result, outcome, delay, now)
        current = self.model._default_manager.filter(pk=row.pk, **claim).update(**changes, updated_at=now)
        if current and delay is not None and delay <= COUNTDOWN_MAX:
            self.enqueue_on_commit(row.pk, countdown=delay.total_seconds())
        return outcome

    def _outcome(self, row: Row, result: PostResult) -> tuple[DeliverOutcome, timedelta | None]:
        outcome = self.classify(result)
        if outcome != DeliverOutcome.RETRY:
            return outcome, None
        cycle_start = getattr(row, self.fields.cycle_start) if self.fields.cycle_start else 0
        delay = retry_delay(self._attempts(row) - cycle_start)
        return (DeliverOutcome.FAILED, None) if delay is None else (outcome, delay)  # a spent schedule: dead

    def _next_state(
        self, result: PostResult, outcome: DeliverOutcome, delay: timedelta | None, now: datetime
    ) -> dict[str, Any]:
        fields = self.fields
        # The lease first: when it shares the due time's column, the due time below is what stays.
        changes: dict[str, Any] = {fields.lease: None, fields.last_status_code: result.status_code}
        changes[fields.last_error] = result.error[:ERROR_MAX_CHARS]
        if outcome == DeliverOutcome.SUCCEEDED:
            return changes | {fields.status: OutgoingStatus.SUCCEEDED, fields.delivered: now, fields.due: None}
        if delay is None:
            return changes | {fields.status: OutgoingStatus.FAILED, fields.due: None}
        changes |= {fields.status: OutgoingStatus.PENDING, fields.due: now + delay}
        if fields.enqueued:
            # A retry due soon has its own delayed message; the sweep sends the later ones when they are due.
            changes[fields.enqueued] = now + delay if delay <= COUNTDOWN_MAX else None
        return changes

    # --- what nothing else will send -------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> list[int]:
        """Send a task for every delivery that is due but has no message on its way, and for expired leases.

        Safe to run any time: the task claims with a guarded update, so an extra message is a no-op.
        """
        now = now or timezone.now()
        stuck = self.model._default_manager.filter(self._due(now))
        if self.active is not None:
            stuck = stuck.filter(self.active)
        if self.fields.enqueued:
            stale = now - timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS)
            no_message = Q(**{f"{self.fields.enqueued}__isnull": True}) | Q(**{f"{self.fields.enqueued}__lt": stale})
            stuck = stuck.filter(no_message)
        ids = list(stuck.order_by(self.fields.due).values_list("pk", flat=True)[:SWEEP_BATCH])
        if self.fields.enqueued:
            self.model._default_manager.filter(pk__in=ids).update(**{self.fields.enqueued: now})
        for pk in ids:
            self.enqueue(pk)
        return ids

    def restart(self, pk: int, now: datetime | None = None) -> bool:
        """Due again now with a fresh retry schedule, unless a worker holds it (False then). Sent on commit."""
        now = now or timezone.now()
        fields = self.fields
        idle = [OutgoingStatus.PENDING, OutgoingStatus.SUCCEEDED, OutgoingStatus.FAILED]
        changes = {fields.lease: None, **self.due_now(now)}
        if fields.cycle_start:
            changes[fields.cycle_start] = F(fields.attempts)
        rows = self.model._default_manager.filter(pk=pk, **{f"{fields.status}__in": idle})
        if not rows.update(**changes, updated_at=now):
            return False
        self.enqueue_on_commit(pk)
        return True

    def _due(self, now: datetime) -> Q:
        fields = self.fields
        pending = Q(**{fields.status: OutgoingStatus.PENDING, f"{fields.due}__lte": now})
        return pending | Q(**{fields.status: OutgoingStatus.DELIVERING, f"{fields.lease}__lt": now})

    def _attempts(self, row: Row) -> int:
        return int(getattr(row, self.fields.attempts))
