"""Invitations and timed attempts. The deadline is stored on the server and every write checks it."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Candidate,
    CodeSubmission,
    CodingSpec,
    Invitation,
    Organisation,
    QuestionKind,
    QuestionSet,
    SectionItem,
    Stage,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.events import attempt_event_record, invitation_event_record
from assessments.services.questions import revisions_lock
from common.exceptions import ApplicationError, ConflictError, PermissionDeniedError


class LinkState:
    OPEN = "open"
    STARTED = "started"
    NOT_OPEN = "not_open"
    EXPIRED = "expired"
    REVOKED = "revoked"


def invitation_link_state(invitation: Invitation, now: datetime | None = None) -> str:
    return link_state(
        revoked=invitation.revoked_at is not None,
        started=hasattr(invitation, "attempt"),
        opens_at=invitation.opens_at,
        expires_at=invitation.expires_at,
        now=now,
    )


def link_state(
    *, revoked: bool, started: bool, opens_at: datetime, expires_at: datetime, now: datetime | None = None
) -> str:
    """The rule, on the invitation's fields (``selectors.invitation_state_q`` is the same rule in SQL)."""
    if revoked:
        return LinkState.REVOKED
    if started:
        return LinkState.STARTED
    now = now or timezone.now()
    if now < opens_at:
        return LinkState.NOT_OPEN
    if now >= expires_at:
        return LinkState.EXPIRED
    return LinkState.OPEN


def invitation_touch(*, invitation_id: int, now: datetime | None = None) -> None:
    """Move the invitation's ``updated_at`` when what the API shows of it changed elsewhere (its attempt).

    Call it in the same transaction as the change, so a client syncing with ``updated_since`` sees both.
    """
    Invitation.objects.filter(pk=invitation_id).update(updated_at=now or timezone.now())


# How far back the sweep looks; a beat outage longer than this leaves only ``expires_at`` to tell.
CLOCK_SWEEP_LOOKBACK = timedelta(days=1)


def invitations_touch_clock_changes(*, now: datetime | None = None) -> int:
    """Touch the unused links whose state the clock alone changed: opened (opens_at) or expired (expires_at).

    One statement whatever the number of rows. Idempotent: a touched row has ``updated_at`` at or
    after the moment, so it no longer matches (migration 0005's partial indexes hold the rest).
    """
    now = now or timezone.now()
    since = now - CLOCK_SWEEP_LOOKBACK
    opened = Q(opens_at__gt=since, opens_at__lte=now, updated_at__lt=F("opens_at"))
    expired = Q(expires_at__gt=since, expires_at__lte=now, updated_at__lt=F("expires_at"))
    unused = Invitation.objects.filter(revoked_at__isnull=True, attempt__isnull=True)
    return unused.filter(opened | expired).update(updated_at=now)


def _unpublished_coding_titles(question_set: QuestionSet) -> list[str]:
    items = SectionItem.objects.filter(section__question_set=question_set, question__kind=QuestionKind.CODING)
    titles = []
    for item in items.select_related("question"):
        revision = item.question.current_revision
        spec = CodingSpec.objects.filter(revision=revision).first() if revision else None
        if spec is None or spec.published_at is None:
            titles.append(item.question.title)
    return titles


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    candidate: Candidate,
    question_set: QuestionSet,
    duration_minutes: int,
    expires_at: datetime,
    opens_at: datetime | None = None,
    stage: Stage | None = None,
    created_by: User | AnonymousUser | None = None,
) -> Invitation:
    """Invite a candidate to a question set. Every coding question in it must be published."""
    if candidate.organisation_id != organisation.pk or question_set.organisation_id != organisation.pk:
        raise ApplicationError("Candidate and question set must belong to your organisation.", code="not_found")
    if stage is not None and stage.loop.organisation_id != organisation.pk:
        raise ApplicationError("The stage must belong to your organisation.", code="not_found")
    if expires_at <= (opens_at or timezone.now()):
        raise ApplicationError("The invitation must expire after it opens.", code="invalid_window")
    unpublished = _unpublished_coding_titles(question_set)
    if unpublished:
        raise ConflictError(
            "Some coding questions are not published: their reference solutions have not passed in the sandbox.",
            code="unpublished_questions",
            details={"questions": unpublished},
        )
    invitation = Invitation(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        opens_at=opens_at or timezone.now(),
        expires_at=expires_at,
        duration_minutes=duration_minutes,
        created_by=created_by if isinstance(created_by, User) else None,
    )
    # The related objects were just read and checked above, and the token is 256 random bits (the
    # database's unique index stays the guard): skip the five existence and uniqueness queries.
    invitation.full_clean(
        exclude=["organisation", "candidate", "question_set", "stage", "created_by"], validate_unique=False
    )
    invitation.save()
    invitation_event_record(invitation=invitation, type="invitation.created")
    return invitation


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if hasattr(invitation, "attempt"):
        raise ConflictError("The candidate has started; an attempt cannot be revoked.", code="already_started")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def invitation_extend(*, invitation: Invitation, expires_at: datetime) -> Invitation:
    """Move the window's end later. A started attempt's deadline stays as it was fixed at start."""
    if expires_at <= invitation.expires_at:
        raise ApplicationError("The new expiry must be later than the current one.", code="not_later")
    invitation.expires_at = expires_at
    invitation.save(update_fields=["expires_at", "updated_at"])
    return invitation


@transaction.atomic
def attempt_start(*, invitation: Invitation, now: datetime | None = None) -> Attempt:
    """Start (or resume) the attempt. The deadline is fixed once: min(started + duration, expires)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Attempt.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    state = invitation_link_state(invitation, now)
    if state != LinkState.OPEN:
        raise PermissionDeniedError(f"This link cannot be started: it is {state.replace('_', ' ')}.", code=state)
    deadline = min(now + timedelta(minutes=invitation.duration_minutes), invitation.expires_at)
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
