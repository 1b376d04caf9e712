"""Markdown imports too large for a request run as jobs (docs/api.md, "Importing a question set").

A job is created in the request and sent by task name to the ``imports`` queue once that commits; a
worker runs it with ``import_job_run``. Running is idempotent: a claim (a short transaction) marks the
job running and counts the delivery; the import itself runs in one transaction that holds the job's
row lock from start to finish and records the result in it. A duplicated or retried task finds the
row locked (someone is importing it: it steps aside) or finished (nothing to do), and a claim that is
no longer the latest records nothing, so a document is never imported twice and never half-imported.
"""

from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.importing import MarkdownImportError, parse_question_set
from assessments.models import ImportJob, ImportJobStatus
from assessments.services.importing import ImportReport, question_set_import
from common.exceptions import ApplicationError, size_check
from common.queueing import send_task_on_commit
from organisations.models import Organisation

IMPORT_TASK = "assessments.tasks.run_import_job"
UNFINISHED = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


class ImportOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # finished already, being imported by another worker, or a stale claim


def import_runs_inline(text: str) -> bool:
    """Whether a document is small enough to import in the request (well within a second).

    At most ``IMPORT_INLINE_MAX_CHARS`` characters and ``IMPORT_INLINE_MAX_QUESTIONS`` questions: the
    questions are what costs (a few milliseconds each), and parsing a document that short takes
    milliseconds. A short document that does not parse runs inline too, so its error comes at once.
    """
    if len(text) > settings.IMPORT_INLINE_MAX_CHARS:
        return False
    try:
        parsed = parse_question_set(text)
    except MarkdownImportError:
        return True
    return len(parsed.questions) <= settings.IMPORT_INLINE_MAX_QUESTIONS


def import_job_enqueue(job_id: int) -> None:
    """Send the job's task (routed to the ``imports`` queue) once this transaction commits."""
    send_task_on_commit(IMPORT_TASK, args=(job_id,))


@transaction.atomic
def import_job_create(
    *,
    organisation: Organisation,
    source: str,
    slug: str = "",
    title: str = "",
    created_by: AbstractBaseUser | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """A queued job for the document, sent to a worker once the caller's transaction commits."""
    size_check("The Markdown", size=len(source), limit=settings.MARKDOWN_IMPORT_MAX_CHARS, unit="characters")
    job = ImportJob(
        organisation=organisation, source=source, slug=slug, title=title, created_by_id=getattr(created_by, "pk", None)
    )
    try:
        job.full_clean()
    except ValidationError as exc:
        raise ApplicationError("The import is invalid.", details=exc.message_dict) from exc
    job.save()
    if enqueue:
        import_job_enqueue(job.pk)
    return job


def import_job_start(
    *, organisation: Organisation, source: str, slug: str = "", title: str = "", created_by: AbstractBaseUser | None
) -> ImportJob:
    """A job for the document, run at once when it is small (``import_runs_inline``), else by a worker."""
    inline = import_runs_inline(source)
    job = import_job_create(
        organisation=organisation, source=source, slug=slug, title=title, created_by=created_by, enqueue=not inline
    )
    if inline:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportOutcome:
    """Import the job's document once, whoever else runs it; record the question set or the error."""
    claim = _claim(job_id)
    if claim is None:
        return ImportOutcome.SKIPPED
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("organisation").get(pk=job_id)
            if not _holds(job, claim):
                return ImportOutcome.SKIPPED
            report = question_set_import(organisation=job.organisation, text=job.source, slug=job.slug, title=job.title)
            _finish(job, ImportJobStatus.SUCCEEDED, question_set=report.question_set, report=report_json(report))
    except (MarkdownImportError, ApplicationError, ValidationError) as exc:
        return _fail(job_id, claim, import_error(exc))
    return ImportOutcome.SUCCEEDED


@transaction.atomic
def _claim(job_id: int) -> int | None:
    """Mark the job running and count the delivery; ``None`` when it is finished or locked by its importer."""
    job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, status__in=UNFINISHED).first()
    if job is None:
        return None
    if job.deliveries >= settings.IMPORT_MAX_DELIVERIES:
        message = f"The import did not finish in {job.deliveries} tries; the fault is the platform's. Try again later."
        _finish(job, ImportJobStatus.FAILED, error=_error("import_abandoned", message))
        return None
    job.status, job.deliveries, job.started_at = ImportJobStatus.RUNNING, job.deliveries + 1, timezone.now()
    job.save(update_fields=["status", "deliveries", "started_at", "updated_at"])
    return job.deliveries


def _holds(job: ImportJob, claim: int) -> bool:
    return job.status == ImportJobStatus.RUNNING and job.deliveries == claim


@transaction.atomic
def _fail(job_id: int, claim: int, error: dict[str, Any]) -> ImportOutcome:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if not _holds(job, claim):
        return ImportOutcome.SKIPPED
    _finish(job, ImportJobStatus.FAILED, error=error)
    return ImportOutcome.FAILED


def _finish(job: ImportJob, status: str, **result: Any) -> None:
    for field, value in result.items():
        setattr(job, field, value)
    job.status, job.finished_at = status, timezone.now()
    job.save(update_fields=[*result, "status", "finished_at", "updated_at"])


def _error(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details if details is not None else {}}


def import_error(exc: Exception) -> dict[str, Any]:
    """The error a failed import records, in the API's error shape (the codes an inline import answers)."""
    if isinstance(exc, MarkdownImportError):
        return _error("no_questions", str(exc))
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, exc.details)
    assert isinstance(exc, ValidationError)
    details = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return _error("invalid", "The question set is invalid.", details)


def report_json(report: ImportReport) -> dict[str, Any]:
    """What an import did, as the job keeps it (its question set is the job's foreign key)."""
    return {
        "unchanged": report.unchanged,
        "sections": report.sections,
        "questions": report.questions,
        "created_questions": report.created_questions,
        "skipped": report.skipped,
    }


def import_jobs_sweep() -> list[int]:
    """Re-send the unfinished jobs nobody is importing whose task was sent too long ago (a lost message)."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        stuck = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=UNFINISHED, enqueued_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        ImportJob.objects.filter(pk__in=stuck).update(enqueued_at=timezone.now(), updated_at=timezone.now())
        for job_id in stuck:
            import_job_enqueue(job_id)
    return stuck
