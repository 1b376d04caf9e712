"""Extra time for a candidate (an accommodation): given with the invitation or to an attempt under way."""

from django.conf import settings
from django.db import models

from common.models import BaseModel


class AccommodationKind(models.TextChoices):
    INVITATION = "invitation", "Extra time with the invitation"
    EXTENSION = "extension", "Extension of a started attempt"


class Accommodation(BaseModel):
    """One grant of extra time: how much, why and by whom, and what it moved. Never edited afterwards."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="accommodations"
    )
    invitation = models.ForeignKey("assessments.Invitation", on_delete=models.CASCADE, related_name="accommodations")
    attempt = models.ForeignKey(
        "assessments.Attempt", on_delete=models.CASCADE, null=True, blank=True, related_name="accommodations"
    )
    kind = models.CharField(max_length=12, choices=AccommodationKind.choices)
    minutes = models.PositiveIntegerField(help_text="Extra minutes granted.")
    percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When asked for as a percentage of the duration: that percentage."
    )
    reason = models.TextField()
    deadline_before = models.DateTimeField(null=True, blank=True)
    deadline_after = models.DateTimeField(null=True, blank=True)
    window_end_before = models.DateTimeField(null=True, blank=True, help_text="Set when the window had to move.")
    window_end_after = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    granted_by_label = models.CharField(max_length=200, help_text="Who, as named when granted (an API key too).")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="accommodation_minutes_positive"),
            models.CheckConstraint(
                condition=models.Q(kind="invitation", attempt__isnull=True)
                | models.Q(kind="extension", attempt__isnull=False, deadline_after__gt=models.F("deadline_before")),
                name="accommodation_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.minutes} min ({self.get_kind_display()})"
