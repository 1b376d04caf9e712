"""Timed attempts. The deadline is stored on the server and every write checks it; graded once every final
submission is."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    CodingSpec,
    Invitation,
    QuestionSet,
    SectionItem,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.accommodations import MAX_EXTRA_MINUTES, accommodation_record_extension, reason_check
from assessments.services.events import AttemptChange, attempt_event_record
from assessments.services.invitations import LinkState, invitation_link_state, invitation_touch
from assessments.services.questions import revisions_lock
from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError


@transaction.atomic
def attempt_start(*, invitation: Invitation, now: datetime | None = None) -> Attempt:
    """Start (or resume) the attempt. The deadline is fixed at start: min(started + duration + extra, expires).

    Only an extension (``attempt_extend``) moves it afterwards.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Attempt.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    state = invitation_link_state(invitation, now)
    if state != LinkState.OPEN:
        raise PermissionDeniedError(f"This link cannot be started: it is {state.replace('_', ' ')}.", code=state)
    minutes = invitation.duration_minutes + invitation.extra_minutes
    deadline = min(now + timedelta(minutes=minutes), invitation.expires_at)
    attempt = Attempt.objects.create(
        organisation=invitation.organisation, invitation=invitation, started_at=now, deadline=deadline
    )
    _pin_questions(attempt, invitation.question_set)
    invitation_touch(invitation_id=invitation.pk, now=attempt.updated_at)
    attempt_event_record(attempt_id=attempt.pk, type="attempt.started")
    return attempt


def _pin_questions(attempt: Attempt, question_set: QuestionSet) -> None:
    items = SectionItem.objects.filter(section__question_set=question_set).select_related("section", "question")
    revision_ids = []
    for position, item in enumerate(items.order_by("section__position", "position"), start=1):
        revision = item.question.current_revision
        assert revision is not None
        pinned = AttemptQuestion.objects.create(
            attempt=attempt, revision=revision, position=position, section_title=item.section.title, points=item.points
        )
        spec = CodingSpec.objects.filter(revision=revision).first()
        Answer.objects.create(attempt_question=pinned, body=spec.starter_code if spec else "")
        revision_ids.append(revision.pk)
    revisions_lock(revision_ids=revision_ids)


def attempt_is_writable(attempt: Attempt, now: datetime | None = None) -> None:
    """Raise unless the candidate may still write: in progress and before the stored deadline."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise PermissionDeniedError("This assessment has been submitted; answers are frozen.", code="attempt_closed")
    if (now or timezone.now()) >= attempt.deadline:
        raise PermissionDeniedError(
            "Time is up: the deadline has passed. Your saved work is kept.", code="deadline_passed"
        )


@transaction.atomic
def attempt_extend(*, attempt: Attempt, minutes: int, reason: str, by: Any, now: datetime | None = None) -> Attempt:
    """Give a started attempt more time: its deadline moves ``minutes`` later, recorded with who and why.

    Only while it is in progress and before its deadline (409 ``attempt_closed``, ``deadline_passed``):
    after the deadline the server is submitting the saved work. The grant is given in full, past the
    window's end if need be, and the window then ends at the new deadline (``services.accommodations``).
    Locks the attempt, then its invitation, as submitting does. The candidate's page reads the new
    deadline from ``api/clock/``; webhooks get ``attempt.updated``.
    """
    if not 1 <= minutes <= MAX_EXTRA_MINUTES:
        raise ApplicationError(f"Extend by 1 to {MAX_EXTRA_MINUTES} minutes.", code="invalid")
    reason = reason_check(reason)
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("invitation").get(pk=attempt.pk)
    _extendable_check(attempt, now)
    deadline_before = attempt.deadline
    attempt.deadline = deadline_before + timedelta(minutes=minutes)
    attempt.save(update_fields=["deadline", "updated_at"])
    invitation = Invitation.objects.select_for_update().get(pk=attempt.invitation_id)
    window_end_before = invitation.expires_at
    invitation.expires_at = max(invitation.expires_at, attempt.deadline)
    invitation.save(update_fields=["expires_at", "updated_at"])  # its attempt's deadline is shown with it
    attempt.invitation = invitation
    accommodation_record_extension(
        attempt=attempt,
        minutes=minutes,
        reason=reason,
        deadline_before=deadline_before,
        window_end_before=window_end_before,
        by=by,
    )
    attempt_event_record(attempt_id=attempt.pk, type="attempt.updated", change=AttemptChange.DEADLINE_EXTENDED)
    return attempt


def _extendable_check(attempt: Attempt, now: datetime) -> None:
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ConflictError("This attempt has been submitted; its time can no longer change.", code="attempt_closed")
    if now >= attempt.deadline:
        raise ConflictError(
            "The deadline has passed: the saved work is being submitted, so the time cannot be extended.",
            code="deadline_passed",
        )


@transaction.atomic
def attempt_mark_graded(*, attempt_id: int) -> bool:
    """A submitted attempt is graded once every final code submission in it is graded.

    Called by grading as each final submission's result is recorded, by ``attempt_submit`` when nothing
    needs grading, and by the grading sweep (``attempts_repair_graded``). The attempt row is locked
    before the count: when an attempt's last two submissions finish at once in two workers, the second
    to take the lock sees the first one's committed result, so the last to finish always marks the
    attempt (without the lock, under read committed, each could still see the other as running and
    neither would mark it).
    """
    attempt = (
        Attempt.objects.select_for_update()
        .only("pk", "status", "invitation_id")
        .filter(pk=attempt_id, status=AttemptStatus.SUBMITTED)
        .first()
    )
    if attempt is None:
        return False
    pending = CodeSubmission.objects.filter(
        attempt_question__attempt_id=attempt_id, purpose=SubmissionPurpose.FINAL
    ).exclude(status=SubmissionStatus.GRADED)
    if pending.exists():
        return False
    now = timezone.now()
    Attempt.objects.filter(pk=attempt_id).update(status=AttemptStatus.GRADED, updated_at=now)
    invitation_touch(invitation_id=attempt.invitation_id, now=now)
    attempt_event_record(attempt_id=attempt_id, type="attempt.graded")  # its webhooks and Greenhouse PATCH
    return True


def attempt_regraded(*, attempt_id: int) -> bool:
    """A final submission of an attempt already graded has a new result (a re-grade): ``attempt.updated``.

    Nothing for an attempt still waiting for its other submissions: ``attempt.graded`` will say it.
    """
    if not Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.GRADED).exists():
        return False
    attempt_event_record(attempt_id=attempt_id, type="attempt.updated", change=AttemptChange.REGRADED)
    return True


def attempts_repair_graded(*, limit: int = 500) -> list[int]:
    """Mark graded every submitted attempt whose final submissions are all graded (the grading sweep's repair).

    Attempts left behind by the race ``attempt_mark_graded`` now locks against, or by any other
    lost update, would otherwise stay submitted for good. Each goes through ``attempt_mark_graded``,
    which re-checks under the lock, so its webhook and Greenhouse callback are recorded once.
    """
    unfinished = CodeSubmission.objects.filter(
        attempt_question__attempt=OuterRef("pk"), purpose=SubmissionPurpose.FINAL
    ).exclude(status=SubmissionStatus.GRADED)
    stuck = Attempt.objects.filter(status=AttemptStatus.SUBMITTED).exclude(Exists(unfinished))
    ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:limit])
    return [attempt_id for attempt_id in ids if attempt_mark_graded(attempt_id=attempt_id)]
