"""Outgoing webhooks: endpoints, the outbox of events, deliveries and their attempt log."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from common.models import BaseModel
from integrations.ids import SECRET_PREFIX, new_message_id
from integrations.models.outgoing import OutgoingDelivery, OutgoingStatus, outgoing_constraints, outgoing_indexes


class WebhookEventType(models.TextChoices):
    INVITATION_CREATED = "invitation.created", "Invitation created"
    ATTEMPT_STARTED = "attempt.started", "Attempt started"
    ATTEMPT_SUBMITTED = "attempt.submitted", "Attempt submitted"
    ATTEMPT_GRADED = "attempt.graded", "Attempt graded"
    ATTEMPT_UPDATED = "attempt.updated", "Attempt updated (deadline extended, score overridden, re-graded)"
    SCORECARD_SUBMITTED = "scorecard.submitted", "Scorecard submitted"
    CANDIDATE_DECIDED = "candidate.decided", "Candidate decided"


class WebhookEndpoint(BaseModel):
    """A receiver URL of one organisation, with its own signing secret and the events it wants.

    The secret is kept as issued (``whsec_`` + base64): signing needs the key itself, so it cannot
    be hashed. It is shown in full once, when the endpoint is created. After a rotation the one
    before it is kept with the time it was retired: tries sign with both until the overlap ends.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000, help_text="HTTPS URL that receives a POST per event.")
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, default="", editable=False)
    previous_secret_retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    events = models.JSONField(default=list, help_text="The event types this endpoint receives.")
    is_active = models.BooleanField(default=True, help_text="Inactive endpoints get no new events; delivery pauses.")
    description = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["organisation", "url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"), name="webhookendpoint_http_url"
            ),
            models.CheckConstraint(condition=Q(secret__startswith=SECRET_PREFIX), name="webhookendpoint_secret_format"),
            models.CheckConstraint(
                condition=Q(previous_secret="", previous_secret_retired_at__isnull=True)
                | Q(previous_secret__startswith=SECRET_PREFIX, previous_secret_retired_at__isnull=False),
                name="webhookendpoint_previous_secret",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        if not isinstance(self.events, list) or not self.events:
            raise ValidationError({"events": "Choose at least one event type."})
        unknown = sorted({str(event) for event in self.events} - set(WebhookEventType.values))
        if unknown:
            raise ValidationError({"events": f"Unknown event types: {', '.join(unknown)}."})
        self.events = sorted(set(self.events))

    def subscribes_to(self, event_type: str) -> bool:
        return self.is_active and event_type in self.events

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…" if self.secret else ""

    @property
    def previous_secret_hint(self) -> str:
        return f"{self.previous_secret[:10]}…" if self.previous_secret else ""


class WebhookEvent(models.Model):
    """The outbox: written in the transaction of the change it describes, never changed afterwards."""

    id = models.CharField(primary_key=True, max_length=40, default=new_message_id, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="webhook_events"
    )
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    payload = models.JSONField(help_text="The exact JSON document sent: type, timestamp and data.")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(id__startswith="msg_"), name="webhookevent_id_format"),
            models.CheckConstraint(condition=Q(type__in=WebhookEventType.values), name="webhookevent_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


WebhookDeliveryStatus = OutgoingStatus  # a delivery's states are every outgoing delivery's


class WebhookDelivery(OutgoingDelivery):
    """One event to one endpoint (its state and its life: ``OutgoingDelivery``)."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = outgoing_indexes("webhookdelivery")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhookdelivery_unique_event_endpoint"),
            *outgoing_constraints("webhookdelivery"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class WebhookAttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    RETRY = "retry", "Failed, will retry"
    FAILED = "failed", "Failed, no retry"


class WebhookDeliveryAttempt(models.Model):
    """One HTTP try, for the delivery log. ``number`` is the claim that made it (one row per claim)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=WebhookAttemptOutcome.choices)
    error = models.TextField(blank=True, default="")
    response_excerpt = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-attempted_at"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhookattempt_unique_number"),
            models.CheckConstraint(
                condition=Q(outcome__in=WebhookAttemptOutcome.values), name="webhookattempt_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Try {self.number} of delivery {self.delivery_id}: {self.status_code or self.error[:40]}"
