from django.conf import settings
from django.db import models

from common.models import BaseModel


class Verdict(models.TextChoices):
    """One vocabulary everywhere (DESIGN.md, point 5)."""

    ACCEPTED = "accepted", "Accepted"
    WRONG_ANSWER = "wrong_answer", "Wrong answer"
    TIME_LIMIT_EXCEEDED = "time_limit_exceeded", "Time limit exceeded"
    MEMORY_LIMIT_EXCEEDED = "memory_limit_exceeded", "Memory limit exceeded"
    OUTPUT_LIMIT_EXCEEDED = "output_limit_exceeded", "Output limit exceeded"
    RUNTIME_ERROR = "runtime_error", "Runtime error"
    COMPILE_ERROR = "compile_error", "Compile error"
    INTERNAL_ERROR = "internal_error", "Internal error"


class GradingResult(BaseModel):
    """What one grading run of a submission found, and everything needed to explain or repeat it."""

    submission = models.ForeignKey("assessments.CodeSubmission", on_delete=models.CASCADE, related_name="results")
    verdict = models.CharField(max_length=24, choices=Verdict.choices)
    score = models.FloatField(help_text="Weighted share of accepted tests, 0..1.")
    compile_message = models.TextField(blank=True, default="")
    image_digest = models.CharField(max_length=100, blank=True, default="")
    runtime = models.CharField(max_length=16, blank=True, default="")
    test_revision = models.CharField(max_length=80, help_text="Question revision and hash of its test set.")
    limits = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="result_score_range"),
            models.CheckConstraint(condition=models.Q(verdict__in=Verdict.values), name="result_verdict_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} {self.score:.2f}"


class TestResult(BaseModel):
    __test__ = False

    result = models.ForeignKey(GradingResult, on_delete=models.CASCADE, related_name="test_results")
    test_case = models.ForeignKey("assessments.TestCase", on_delete=models.PROTECT, related_name="results")
    verdict = models.CharField(max_length=24, choices=Verdict.choices)
    actual = models.JSONField(null=True, blank=True, help_text="What the code returned or raised (reviewers only).")
    checker_message = models.TextField(blank=True, default="")
    summary = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why the test failed, for the report: never its input, its expected value or the code's output.",
    )
    stdout = models.TextField(blank=True, default="")
    stderr = models.TextField(blank=True, default="")
    cpu_ms = models.PositiveIntegerField(default=0)
    wall_ms = models.PositiveIntegerField(default=0)
    memory_kb = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["result", "test_case__position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "test_case"], name="testresult_unique"),
            models.CheckConstraint(condition=models.Q(verdict__in=Verdict.values), name="testresult_verdict_valid"),
        ]


class ValidationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"  # the reference solution did not pass every test
    ERROR = "error", "Error"  # the platform could not run it (no sandbox, a broken checker): try again


class SpecValidation(BaseModel):
    """One run of a coding spec's reference solution on every test, asked for by an author before publishing.

    ``fingerprint`` is the spec content the run saw (``spec_fingerprint``): a pass allows publishing only
    while the spec still has that content.
    """

    spec = models.ForeignKey("assessments.CodingSpec", on_delete=models.CASCADE, related_name="validations")
    status = models.CharField(max_length=16, choices=ValidationStatus.choices, default=ValidationStatus.QUEUED)
    fingerprint = models.CharField(max_length=64)
    results = models.JSONField(default=list, blank=True, help_text="Per test: name, visibility, verdict, message.")
    error = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ValidationStatus.values), name="specvalidation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spec}: {self.status}"


class ScoreOverride(BaseModel):
    """A reviewer's score for a coding question in one attempt, with why. The graded score stays as graded.

    Never edited: each change is a new row and the newest counts; one with no ``score`` withdraws the
    override (the graded score counts again). ``graded_score`` is the grading's score when it was made.
    """

    attempt_question = models.ForeignKey(
        "assessments.AttemptQuestion", on_delete=models.CASCADE, related_name="score_overrides"
    )
    score = models.FloatField(null=True, blank=True, help_text="0..1 like a graded score; empty: override withdrawn.")
    graded_score = models.FloatField(null=True, blank=True, help_text="The graded score when the override was made.")
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_by_label = models.CharField(max_length=200, help_text="Who, as named at the time (an API key too).")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="scoreoverride_score_range",
            ),
        ]

    def __str__(self) -> str:
        return "override withdrawn" if self.score is None else f"override {self.score:.2f}"


class GradingRequestKind(models.TextChoices):
    REGRADE = "regrade", "Re-grade on request"
    REQUEUE = "requeue", "Requeue after a failed grading"


class GradingRequest(BaseModel):
    """Someone sent a final submission round again: who, when, why, and what the new grading found.

    A re-grade asks for the image the last grading used (``pinned_image_digest``); the grading that
    answers it (``result``) says whether that image still existed (``image_pinned``) and, if not, why.
    """

    submission = models.ForeignKey(
        "assessments.CodeSubmission", on_delete=models.CASCADE, related_name="grading_requests"
    )
    kind = models.CharField(max_length=8, choices=GradingRequestKind.choices)
    reason = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    requested_by_label = models.CharField(max_length=200)
    previous_result = models.ForeignKey(
        GradingResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded_by_requests"
    )
    pinned_image_digest = models.CharField(max_length=100, blank=True, default="")
    result = models.OneToOneField(
        GradingResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers_request"
    )
    image_pinned = models.BooleanField(null=True, blank=True, help_text="Graded on the pinned image; empty: none.")
    note = models.TextField(blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=models.Q(completed_at__isnull=True), name="gradingrequest_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of submission {self.submission_id}"
