"""The state every outgoing delivery keeps (``integrations.services.outgoing`` moves it on): one abstract model."""

from django.db import models
from django.db.models import Q

from common.models import BaseModel


class OutgoingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERING = "delivering", "Delivering"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (dead)"


class OutgoingDelivery(BaseModel):
    """One thing to send, always in exactly one state; a worker claims it under a lease.

    ``attempt_count`` counts claims and identifies the current one; ``cycle_start_count`` is where
    the current retry schedule began (0, or the count at the last manual replay). A kind of delivery
    subclasses this with what it sends (``WebhookDelivery``: an event to an endpoint) and declares
    ``outgoing_indexes`` and ``outgoing_constraints`` under its own name.
    """

    status = models.CharField(max_length=12, choices=OutgoingStatus.choices, default=OutgoingStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    cycle_start_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_for = models.DateTimeField(
        null=True, blank=True, help_text="When the last task message was due; the sweep re-sends a lost one."
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def outgoing_indexes(name: str) -> list[models.Index]:
    """What the claim and the sweep look rows up by: due pending ones, expired leases."""
    return [
        models.Index(fields=["status", "next_attempt_at"], name=f"{name}_due"),
        models.Index(fields=["status", "lease_expires_at"], name=f"{name}_lease"),
    ]


def outgoing_constraints(name: str) -> list[models.BaseConstraint]:
    """The states the database accepts: a pending row is due some time, a delivering one is leased."""
    return [
        models.CheckConstraint(condition=Q(status__in=OutgoingStatus.values), name=f"{name}_status_valid"),
        models.CheckConstraint(
            condition=~Q(status="pending") | Q(next_attempt_at__isnull=False), name=f"{name}_pending_due"
        ),
        models.CheckConstraint(
            condition=~Q(status="delivering") | Q(lease_expires_at__isnull=False), name=f"{name}_delivering_leased"
        ),
        models.CheckConstraint(
            condition=~Q(status="succeeded") | Q(delivered_at__isnull=False), name=f"{name}_succeeded_when"
        ),
        models.CheckConstraint(
            condition=Q(cycle_start_count__lte=models.F("attempt_count")), name=f"{name}_cycle_counts"
        ),
    ]
