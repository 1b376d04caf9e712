from django.conf import settings
from django.db import models

from common.models import BaseModel


class QuestionKind(models.TextChoices):
    CODING = "coding", "Coding"
    CONCEPTUAL = "conceptual", "Conceptual"
    BEHAVIOURAL = "behavioural", "Behavioural"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Question(BaseModel):
    """A bank entry. Its content lives in revisions; attempts pin the revision they were given."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=120, help_text="Stable identifier within the organisation (imports use it).")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = models.JSONField(default=list, blank=True)
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="question_unique_key_per_org"),
            models.CheckConstraint(condition=models.Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_revision(self) -> "QuestionRevision | None":
        return self.revisions.order_by("-number").first()


class QuestionRevision(BaseModel):
    """One immutable-once-used version of a question's content.

    ``is_locked`` becomes true the first time an attempt pins the revision; from then on an edit
    makes a new revision instead of changing this one.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    prompt = models.TextField(help_text="Markdown shown to the candidate.")
    rubric = models.ForeignKey(
        "rubrics.Rubric", on_delete=models.PROTECT, null=True, blank=True, related_name="question_revisions"
    )
    interviewer_notes = models.TextField(blank=True, default="", help_text="Never shown to candidates.")
    is_locked = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="revision_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.question} (r{self.number})"


class Language(models.TextChoices):
    PYTHON = "python", "Python 3"


class CodingSpec(BaseModel):
    revision = models.OneToOneField(QuestionRevision, on_delete=models.CASCADE, related_name="coding_spec")
    language = models.CharField(max_length=16, choices=Language.choices, default=Language.PYTHON)
    function_name = models.CharField(max_length=100)
    signature = models.CharField(max_length=500)
    starter_code = models.TextField()
    reference_solution = models.TextField(help_text="Must pass every test before the question is published.")
    custom_checker_source = models.TextField(
        blank=True,
        default="",
        help_text="Untrusted checker code (a check function); runs in the sandbox, never in the worker.",
    )
    cpu_seconds = models.FloatField(default=2.0)
    wall_seconds = models.FloatField(default=5.0)
    memory_mb = models.PositiveIntegerField(default=256)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set once the reference passed in the sandbox."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(cpu_seconds__gt=0, cpu_seconds__lte=60), name="spec_cpu_range"),
            models.CheckConstraint(
                condition=models.Q(wall_seconds__gt=0, wall_seconds__lte=120), name="spec_wall_range"
            ),
            models.CheckConstraint(
                condition=models.Q(memory_mb__gte=16, memory_mb__lte=4096), name="spec_memory_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function_name} — {self.revision}"


class Visibility(models.TextChoices):
    SAMPLE = "sample", "Sample (shown to the candidate)"
    HIDDEN = "hidden", "Hidden"


class TestCase(BaseModel):
    __test__ = False  # not a pytest class

    spec = models.ForeignKey(CodingSpec, on_delete=models.CASCADE, related_name="test_cases")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    args = models.JSONField(help_text="Positional arguments, as a JSON list.")
    expected = models.JSONField(null=True, blank=True)
    expected_exception = models.CharField(max_length=100, blank=True, default="")
    checker = models.CharField(max_length=32, default="exact")
    checker_options = models.JSONField(default=dict, blank=True)
    weight = models.FloatField(default=1.0)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.HIDDEN)

    class Meta:
        ordering = ["spec", "position"]
        constraints = [
            models.UniqueConstraint(fields=["spec", "position"], name="testcase_unique_position"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="testcase_weight_positive"),
            models.CheckConstraint(condition=models.Q(visibility__in=Visibility.values), name="testcase_visibility"),
            models.CheckConstraint(
                condition=models.Q(expected_exception="") | models.Q(checker="exception"),
                name="testcase_exception_needs_exception_checker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.visibility})"
