"""Validating a coding question from the bank's pages, then publishing it.

Validation runs the reference solution on every test (samples and hidden) in the sandbox as a job:
the page asks (``spec_validation_request``), a worker on the ``samples`` queue runs it
(``spec_validation_run``), the page shows each test's result. A run may take up to the spec's limits
per test plus a container start, far more than a request may hold a web worker. Publishing takes a
passed validation of the spec's current content (``spec_validation_publish``).
"""

import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import CodingSpec, TestCase
from assessments.services.coding import spec_fingerprint
from common.exceptions import ConflictError
from common.queueing import send_task_on_commit
from grading.checkers import CheckerError
from grading.models import SpecValidation, ValidationStatus, Verdict
from grading.services.publish import reference_verdicts
from grading.verdicts import TestVerdict, failure_summary
from sandbox.errors import SandboxError
from sandbox.types import RunResult

VALIDATE_TASK = "grading.tasks.validate_coding_spec"
SHOWN_CHARS = 300
FINISHED = (ValidationStatus.PASSED, ValidationStatus.FAILED, ValidationStatus.ERROR)


@transaction.atomic
def spec_validation_request(*, spec: CodingSpec, requested_by: User | None = None) -> SpecValidation:
    """Queue a run of the reference on every test; the job is sent once this transaction commits."""
    validation = SpecValidation.objects.create(spec=spec, fingerprint=spec_fingerprint(spec), requested_by=requested_by)
    send_task_on_commit(VALIDATE_TASK, args=(validation.pk,), queue=settings.SAMPLES_QUEUE)
    return validation


def spec_validation_run(*, validation_id: int) -> str:
    """Run one validation; a finished one is left alone, so a duplicate delivery changes nothing."""
    token = _claim(validation_id)
    if token is None:
        return "not_claimed"
    validation = SpecValidation.objects.select_related("spec__revision").get(pk=validation_id)
    spec = validation.spec
    tests = list(spec.test_cases.order_by("position"))
    fingerprint = spec_fingerprint(spec, tests)
    if not tests:
        return _finish(validation, token, ValidationStatus.FAILED, fingerprint, error="The question has no tests yet.")
    started = time.monotonic()
    try:
        run, verdicts = reference_verdicts(spec, tests)
    except (SandboxError, CheckerError, SoftTimeLimitExceeded) as exc:
        return _finish(validation, token, ValidationStatus.ERROR, fingerprint, error=f"{type(exc).__name__}: {exc}")
    passed = all(v.verdict == Verdict.ACCEPTED for v in verdicts)
    status = ValidationStatus.PASSED if passed else ValidationStatus.FAILED
    results = _results(tests, run, verdicts)
    elapsed = int((time.monotonic() - started) * 1000)
    return _finish(validation, token, status, fingerprint, results=results, duration_ms=elapsed)


def _claim(validation_id: int) -> Any:
    """Mark it running under a fresh start time, the token that alone may finish it (a redelivery after a
    lost worker takes it over); ``None`` when it is finished or gone."""
    token = timezone.now()
    unfinished = Q(status=ValidationStatus.QUEUED) | Q(status=ValidationStatus.RUNNING)
    claimed = SpecValidation.objects.filter(unfinished, pk=validation_id).update(
        status=ValidationStatus.RUNNING, started_at=token, updated_at=token
    )
    return token if claimed else None


def _finish(validation: SpecValidation, token: Any, status: str, fingerprint: str, **fields: Any) -> str:
    finished = SpecValidation.objects.filter(
        pk=validation.pk, status=ValidationStatus.RUNNING, started_at=token
    ).update(status=status, fingerprint=fingerprint, finished_at=timezone.now(), updated_at=timezone.now(), **fields)
    return str(status) if finished else "not_claimed"


def _results(tests: list[TestCase], run: RunResult, verdicts: list[TestVerdict]) -> list[dict[str, Any]]:
    """What the author sees of each test: the reference's own answer may be shown to its author."""
    outcomes = {outcome.test_id: outcome for outcome in run.outcomes}
    compile_summary = run.compile_error.summary() if run.compile_error else ""
    rows = []
    for test, verdict in zip(tests, verdicts, strict=True):
        outcome = outcomes.get(str(test.pk))
        returned = repr(outcome.value) if outcome is not None and not outcome.exc_type else ""
        rows.append(
            {
                "name": test.name,
                "visibility": test.visibility,
                "verdict": str(verdict.verdict),
                "summary": failure_summary(verdict.verdict, outcome, compile_summary),
                "message": verdict.message[:SHOWN_CHARS],
                "returned": returned[:SHOWN_CHARS],
                "wall_ms": int(outcome.wall_seconds * 1000) if outcome is not None else 0,
            }
        )
    return rows


@transaction.atomic
def spec_validation_publish(*, spec: CodingSpec) -> CodingSpec:
    """Publish a spec whose latest validation passed on exactly its current content."""
    spec = CodingSpec.objects.select_for_update().get(pk=spec.pk)
    latest = SpecValidation.objects.filter(spec=spec).order_by("-created_at", "-pk").first()
    if latest is None or latest.status != ValidationStatus.PASSED:
        raise ConflictError("Validate the question first: its reference must pass every test.", code="not_validated")
    if latest.fingerprint != spec_fingerprint(spec):
        raise ConflictError("The question changed since it was validated; validate it again.", code="not_validated")
    if spec.published_at is None:
        spec.published_at = timezone.now()
        spec.save(update_fields=["published_at", "updated_at"])
    return spec
