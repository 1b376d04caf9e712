from django.conf import settings
from django.db import models

from common.models import BaseModel


class HiddenFeedback(models.TextChoices):
    """What a candidate sees of their final grading on the hidden tests. Sample runs are always shown in full.

    Per-test verdicts are a side channel: code can encode a bit of each hidden input in each verdict.
    """

    PER_TEST = "per_test", "Each hidden test's verdict"
    COUNT = "count", "Only how many hidden tests were accepted"
    NONE = "none", "Only that the code was submitted"


class QuestionSet(BaseModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="question_sets"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True, default="")
    source_sha256 = models.CharField(max_length=64, blank=True, default="", help_text="Hash of the imported file.")
    hidden_feedback = models.CharField(
        max_length=8,
        choices=HiddenFeedback.choices,
        default=HiddenFeedback.COUNT,
        help_text="What candidates see of their final grading on the hidden tests (sample runs are always in full).",
    )

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="questionset_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Section(BaseModel):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["question_set", "position"]
        constraints = [models.UniqueConstraint(fields=["question_set", "position"], name="section_unique_position")]

    def __str__(self) -> str:
        return self.title


class SectionItem(BaseModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey("assessments.Question", on_delete=models.PROTECT, related_name="section_items")
    position = models.PositiveIntegerField()
    points = models.FloatField(default=1.0, help_text="Weight of this question in the set's total.")

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="sectionitem_unique_position"),
            models.UniqueConstraint(fields=["section", "question"], name="sectionitem_unique_question"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="sectionitem_points_positive"),
        ]


class Loop(BaseModel):
    """An interview loop for a role: ordered stages (a timed assessment, live interviews)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="loops")
    title = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class StageKind(models.TextChoices):
    ASSESSMENT = "assessment", "Timed assessment"
    INTERVIEW = "interview", "Live interview"


class Stage(BaseModel):
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=StageKind.choices)
    title = models.CharField(max_length=200)
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, null=True, blank=True, related_name="stages"
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    weight = models.FloatField(default=1.0)
    interviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="StageInterviewer", blank=True)

    class Meta:
        ordering = ["loop", "position"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "position"], name="stage_unique_position"),
            models.CheckConstraint(
                condition=~models.Q(kind="assessment") | models.Q(question_set__isnull=False, duration_minutes__gte=1),
                name="stage_assessment_needs_set_and_duration",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="stage_weight_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.loop}: {self.title}"


class StageInterviewer(BaseModel):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="interviewer_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "user"], name="stageinterviewer_unique")]


class FocusQuestion(BaseModel):
    """A question an interview stage covers; its rubric is what the interviewer scores against."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="focus_questions")
    question = models.ForeignKey("assessments.Question", on_delete=models.PROTECT, related_name="focus_uses")
    position = models.PositiveIntegerField()
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="focus_questions"
    )

    class Meta:
        ordering = ["stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "position"], name="focus_unique_position"),
            models.UniqueConstraint(fields=["stage", "question"], name="focus_unique_question"),
        ]
