"""Greenhouse Assessment Partner API: the interviews Greenhouse asked for and their callbacks' outbox state."""

import secrets

from django.db import models
from django.db.models import Q

from common.models import BaseModel


def new_interview_id() -> str:
    return f"ghi_{secrets.token_urlsafe(16)}"


class GreenhouseCallbackStatus(models.TextChoices):
    NONE = "none", "Not due (attempt not graded)"
    PENDING = "pending", "Pending"
    DELIVERING = "delivering", "Delivering"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (dead)"


class GreenhouseInterview(BaseModel):
    """An invitation Greenhouse asked for with ``send_test``, its callback URL and the callback's outbox state.

    ``callback_url`` is unique per organisation: Greenhouse sends one per application and test,
    so a retried ``send_test`` finds the first interview. ``callback_next_at`` is the due time
    while pending and the lease's end while delivering.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="greenhouse_interviews"
    )
    public_id = models.CharField(max_length=40, unique=True, default=new_interview_id, editable=False)
    invitation = models.OneToOneField(
        "assessments.Invitation", on_delete=models.CASCADE, related_name="greenhouse_interview"
    )
    callback_url = models.URLField(max_length=2000)
    callback_credential = models.TextField(
        blank=True,
        default="",
        help_text="Greenhouse's Authorization header from send_test, sealed (integrations.sealing).",
    )
    callback_status = models.CharField(
        max_length=12, choices=GreenhouseCallbackStatus.choices, default=GreenhouseCallbackStatus.NONE
    )
    callback_attempts = models.PositiveIntegerField(default=0)
    callback_next_at = models.DateTimeField(null=True, blank=True)
    callback_last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    callback_last_error = models.TextField(blank=True, default="")
    callback_delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["callback_status", "callback_next_at"], name="ghinterview_callback_due")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "callback_url"], name="ghinterview_unique_callback"),
            models.CheckConstraint(
                condition=Q(callback_status__in=GreenhouseCallbackStatus.values), name="ghinterview_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id
