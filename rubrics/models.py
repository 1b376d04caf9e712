from django.conf import settings
from django.db import models

from common.models import BaseModel

MIN_LEVEL = 1
MAX_LEVEL = 4


class RubricKind(models.TextChoices):
    QUESTION = "question", "Per question"
    STAR = "star", "Behavioural (STAR)"
    GENERAL = "general", "General"


class Rubric(BaseModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="rubrics")
    key = models.SlugField(max_length=120)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=RubricKind.choices, default=RubricKind.QUESTION)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="rubric_unique_key_per_org")]

    def __str__(self) -> str:
        return self.title


class Criterion(BaseModel):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    weight = models.FloatField(default=1.0)

    class Meta:
        ordering = ["rubric", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="criterion_unique_position"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Level(BaseModel):
    """An anchor: what an answer at this score on this criterion shows (BARS, 1–4)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40)
    description = models.TextField()

    class Meta:
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="level_unique_score"),
            models.CheckConstraint(condition=models.Q(score__gte=MIN_LEVEL, score__lte=MAX_LEVEL), name="level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Scorecard(BaseModel):
    """One interviewer's judgement of one candidate in one stage. Blind until the owner submits."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="scorecards")
    candidate = models.ForeignKey("assessments.Candidate", on_delete=models.PROTECT, related_name="scorecards")
    # PROTECT: removing a stage or deleting a loop never takes interview feedback with it (loop_stage_remove: 409).
    stage = models.ForeignKey("assessments.Stage", on_delete=models.PROTECT, related_name="scorecards")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    status = models.CharField(max_length=16, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True, default="")
    key_takeaways = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organisation", "updated_at", "id"], name="scorecard_org_updated")]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "stage", "interviewer"], name="scorecard_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(submitted_at__isnull=False) & ~models.Q(recommendation="")),
                name="scorecard_submitted_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.candidate} ({self.status})"


class Rating(BaseModel):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ratings")
    question = models.ForeignKey("assessments.Question", on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion", "question"], name="rating_unique"),
            models.CheckConstraint(condition=models.Q(score__gte=MIN_LEVEL, score__lte=MAX_LEVEL), name="rating_range"),
        ]


class ScorecardAmendment(BaseModel):
    """A change to a submitted scorecard: the previous content is kept, with who and why."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.TextField()
    previous = models.JSONField()

    class Meta:
        ordering = ["created_at"]
