"""A code submission's life in grading: claimed under a lease, released, requeued, re-graded, swept; one state at once.

It is created queued by ``assessments.services.submissions``, whose ``submission_enqueue`` sends every
grading task message.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from assessments.models import CodeSubmission, SubmissionPurpose, SubmissionStatus
from assessments.services.submissions import submission_enqueue
from common.exceptions import ApplicationError, ConflictError
from grading.models import GradingRequest, GradingRequestKind
from grading.services.grading_requests import grading_request_open


def submission_claim(*, submission_id: int) -> CodeSubmission | None:
    """Take a queued (or abandoned) submission for grading. Returns None when another worker has it.

    The guarded update is the whole protocol: of two deliveries of the same task, exactly one
    moves the row to running; ``delivery_count`` then identifies this claim.
    """
    now = timezone.now()
    claimable = Q(status=SubmissionStatus.QUEUED) | Q(status=SubmissionStatus.RUNNING, lease_expires_at__lt=now)
    claimed = CodeSubmission.objects.filter(claimable, pk=submission_id).update(
        status=SubmissionStatus.RUNNING,
        lease_expires_at=now + timedelta(seconds=settings.GRADING_LEASE_SECONDS),
        delivery_count=F("delivery_count") + 1,
        updated_at=now,
    )
    if not claimed:
        return None
    return CodeSubmission.objects.select_related(
        "attempt_question__revision__coding_spec", "attempt_question__attempt"
    ).get(pk=submission_id)


def submission_release(*, submission: CodeSubmission, error: str, counts: bool = True) -> bool:
    """Give a claimed submission back to the queue after a platform failure.

    Returns False when it has used up its deliveries and is now failed (visible, re-queueable).
    A failure that says nothing about the job (no Docker engine) does not count as a delivery.
    A claim that is no longer current (its lease ran out and another delivery took it) changes
    nothing and returns True: failing the submission is for the current claim alone.
    """
    spent = submission.delivery_count - submission.requeued_deliveries
    exhausted = counts and spent >= settings.GRADING_MAX_DELIVERIES
    released = CodeSubmission.objects.filter(
        pk=submission.pk, status=SubmissionStatus.RUNNING, delivery_count=submission.delivery_count
    ).update(
        status=SubmissionStatus.FAILED if exhausted else SubmissionStatus.QUEUED,
        lease_expires_at=None,
        last_error=error[:2000],
        delivery_count=F("delivery_count") - (0 if counts else 1),
        updated_at=timezone.now(),
    )
    return not (exhausted and released)


@transaction.atomic
def submission_requeue(*, submission: CodeSubmission, by: Any = None, reason: str = "") -> bool:
    """Send a failed submission round again (operators and managers, once the platform is fixed).

    False when it is not failed (any more). Recorded as a grading request (who, when, why).
    """
    if not _reopen(submission, SubmissionStatus.FAILED):
        return False
    grading_request_open(submission=submission, kind=GradingRequestKind.REQUEUE, reason=reason, by=by)
    return True


@transaction.atomic
def submission_regrade(*, submission: CodeSubmission, reason: str, by: Any) -> GradingRequest:
    """Grade a final submission again on demand, through the normal pipeline: queued, claimed under a lease.

    Only a graded (or failed) one: while it is queued or running it is refused (409 ``grading_in_progress``),
    so it is never graded twice at once. Pinned to the image digest its last grading recorded, where it
    still exists (``services.grading_requests``). Until the new grading is recorded the question does not
    count towards the attempt's score, as for any submission being graded.
    """
    if submission.purpose != SubmissionPurpose.FINAL:
        raise ApplicationError(
            "Only a final submission is re-graded; sample runs are the candidate's.", code="not_final"
        )
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the submission is re-graded.", code="reason_required")
    if not _reopen(submission, SubmissionStatus.GRADED, SubmissionStatus.FAILED):
        raise ConflictError("This submission is being graded now; wait for its result.", code="grading_in_progress")
    return grading_request_open(submission=submission, kind=GradingRequestKind.REGRADE, reason=reason, by=by)


def _reopen(submission: CodeSubmission, *statuses: str) -> bool:
    """Queue the submission again if it is in one of ``statuses``: the guarded update is the whole protocol.

    ``delivery_count`` keeps counting (it identifies claims; a reset could let a long-dead worker's
    claim match a new one); the retry budget restarts from here instead.
    """
    reopened = CodeSubmission.objects.filter(pk=submission.pk, status__in=statuses).update(
        status=SubmissionStatus.QUEUED,
        lease_expires_at=None,
        requeued_deliveries=F("delivery_count"),
        last_error="",
        updated_at=timezone.now(),
    )
    if reopened:
        submission_enqueue(submission.pk, purpose=submission.purpose)
    return bool(reopened)


def submissions_sweep() -> list[int]:
    """Re-enqueue what is stuck: expired leases (a worker died) and queued rows nobody picked up.

    Safe to run any time: the grading task claims with a guarded update, so an extra message
    for a submission that is being graded is a no-op.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GRADING_REQUEUE_AFTER_SECONDS)
    stuck = CodeSubmission.objects.filter(
        Q(status=SubmissionStatus.RUNNING, lease_expires_at__lt=now)
        | Q(status=SubmissionStatus.QUEUED, updated_at__lt=stale)
    )
    found = list(stuck.values_list("pk", "purpose")[:1000])
    ids = [submission_id for submission_id, _ in found]
    CodeSubmission.objects.filter(pk__in=ids, status=SubmissionStatus.QUEUED).update(updated_at=now)
    for submission_id, purpose in found:
        submission_enqueue(submission_id, purpose=purpose)
    return ids
