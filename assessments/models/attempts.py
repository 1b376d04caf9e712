import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.models import BaseModel


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(BaseModel):
    """A candidate's link to one timed assessment: an unguessable token, a window and a duration."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="invitations")
    candidate = models.ForeignKey("assessments.Candidate", on_delete=models.PROTECT, related_name="invitations")
    question_set = models.ForeignKey("assessments.QuestionSet", on_delete=models.PROTECT, related_name="invitations")
    stage = models.ForeignKey(
        "assessments.Stage", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    opens_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    extra_minutes = models.PositiveIntegerField(
        default=0, help_text="Extra time (an accommodation) on top of the duration; the window still bounds it."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "updated_at", "id"], name="invitation_org_updated"),
            # The clock sweep (services.invitations.invitations_touch_clock_changes) reads only the
            # unrevoked links not yet touched since their window opened or expired.
            models.Index(
                fields=["opens_at"],
                condition=models.Q(revoked_at__isnull=True, updated_at__lt=models.F("opens_at")),
                name="invitation_opens_untouched",
            ),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(revoked_at__isnull=True, updated_at__lt=models.F("expires_at")),
                name="invitation_expires_untouched",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("opens_at")), name="invitation_window"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=1), name="invitation_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.question_set}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    GRADED = "graded", "Graded"


class Attempt(BaseModel):
    """A started invitation. The deadline is fixed on the server when the candidate starts."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="attempts")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="attempt")
    status = models.CharField(max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_by_deadline = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "updated_at", "id"], name="attempt_org_updated")]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gt=models.F("started_at")), name="attempt_deadline"),
            models.CheckConstraint(
                condition=models.Q(status="in_progress") | models.Q(submitted_at__isnull=False),
                name="attempt_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk} ({self.status})"


class AttemptQuestion(BaseModel):
    """The exact revision of each question this attempt was given, in order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    revision = models.ForeignKey("assessments.QuestionRevision", on_delete=models.PROTECT, related_name="attempt_uses")
    position = models.PositiveIntegerField()
    section_title = models.CharField(max_length=200, blank=True, default="")
    points = models.FloatField(default=1.0)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptquestion_unique_position"),
            models.UniqueConstraint(fields=["attempt", "revision"], name="attemptquestion_unique_revision"),
        ]


class Answer(BaseModel):
    """The candidate's current written answer or code for one question; ``version`` guards stale writes."""

    attempt_question = models.OneToOneField(AttemptQuestion, on_delete=models.CASCADE, related_name="answer")
    body = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Answer to {self.attempt_question_id} v{self.version}"


class SubmissionPurpose(models.TextChoices):
    SAMPLES = "samples", "Run samples"
    FINAL = "final", "Final submission"


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    GRADED = "graded", "Graded"
    FAILED = "failed", "Failed (platform error, retries exhausted)"


class CodeSubmission(BaseModel):
    """Code sent for grading. Always in exactly one state; the worker claims it with a lease."""

    attempt_question = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="submissions")
    purpose = models.CharField(max_length=8, choices=SubmissionPurpose.choices)
    source = models.TextField()
    status = models.CharField(max_length=8, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    delivery_count = models.PositiveIntegerField(default=0)
    requeued_deliveries = models.PositiveIntegerField(default=0, help_text="Deliveries spent before a manual requeue.")
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="submission_status_lease")]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt_question"], condition=models.Q(purpose="final"), name="submission_one_final"
            ),
            models.CheckConstraint(condition=models.Q(status__in=SubmissionStatus.values), name="submission_status"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.purpose}, {self.status})"


class IntegrityEventKind(models.TextChoices):
    PASTE = "paste", "Paste"
    BLUR = "blur", "Left the page"
    FOCUS = "focus", "Returned to the page"
    QUESTION_TIME = "question_time", "Time on question"


# The number each kind carries and its plausible range (a day on one question; a paste fifty times the
# longest answer): the candidate API refuses values outside it, the report ignores stored ones outside it.
INTEGRITY_EVENT_NUMBERS: dict[str, tuple[str, int]] = {
    IntegrityEventKind.QUESTION_TIME: ("seconds", 86_400),
    IntegrityEventKind.PASTE: ("chars", 1_000_000),
}


class IntegrityEvent(BaseModel):
    """Evidence for reviewers, never an automatic decision."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="integrity_events")
    attempt_question = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=IntegrityEventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(help_text="The candidate's clock, as sent: evidence, not the truth.")
    received_at = models.DateTimeField(default=timezone.now, help_text="The server's clock when it was recorded.")

    class Meta:
        ordering = ["occurred_at"]

    @property
    def number(self) -> float:
        """The kind's number when it lies in its plausible range, else 0: stored data never breaks a sum."""
        field, maximum = INTEGRITY_EVENT_NUMBERS.get(self.kind, ("", 0))
        value = self.data.get(field) if field and isinstance(self.data, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return 0.0
        return float(value) if 0 <= value <= maximum else 0.0  # NaN compares false: left out too


class DecisionOutcome(models.TextChoices):
    ADVANCE = "advance", "Advance"
    REJECT = "reject", "Reject"
    HOLD = "hold", "Hold"


class Decision(BaseModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="decisions")
    candidate = models.ForeignKey("assessments.Candidate", on_delete=models.PROTECT, related_name="decisions")
    loop = models.ForeignKey("assessments.Loop", on_delete=models.PROTECT, related_name="decisions")  # kept: archive
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)

    class Meta:
        ordering = ["-created_at"]
