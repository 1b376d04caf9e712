"""A Markdown import run in the background: the document, who sent it, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.models import BaseModel


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportJob(BaseModel):
    """One import of a Markdown question set, too large to run in a request (docs/api.md, "Imports").

    ``deliveries`` counts the claims of the job: a claim that is no longer the latest never records a
    result, and a job claimed ``IMPORT_MAX_DELIVERIES`` times without finishing is failed.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    source = models.TextField(help_text="The Markdown document as it was sent.")
    slug = models.SlugField(max_length=120, blank=True, default="", help_text="The question set's slug, if given.")
    title = models.CharField(max_length=200, blank=True, default="", help_text="The question set's title, if given.")
    question_set = models.ForeignKey(
        "assessments.QuestionSet", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_jobs"
    )
    report = models.JSONField(default=dict, blank=True, help_text="What the import did: counts and skipped blocks.")
    error = models.JSONField(null=True, blank=True, help_text="Why it failed, in the API's error shape.")
    deliveries = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep (services.import_jobs.import_jobs_sweep) reads only the unfinished jobs.
            models.Index(
                fields=["enqueued_at"], condition=models.Q(status__in=["queued", "running"]), name="importjob_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
