"""Invitations: a candidate's link to a loop's timed assessment stage, its window and its state (open, started...).

Every invitation is made for an assessment stage: its question set is the stage's, so the attempt belongs
to the loop (its pipeline, its report, the ``report_url`` the API and Greenhouse hand out). Only rows made
before this rule may lack a stage (a data migration attached those it could; docs/api.md).
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from assessments.models import (
    Candidate,
    CodingSpec,
    Invitation,
    QuestionKind,
    QuestionSet,
    SectionItem,
    Stage,
    StageKind,
)
from assessments.services.accommodations import ExtraTime, accommodation_record_invitation
from assessments.services.events import invitation_event_record
from common.exceptions import ApplicationError, ConflictError
from organisations.models import Organisation


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
    """The rule, on the invitation's fields (``selectors.invitations.invitation_state_q`` is the same rule in SQL)."""
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


def _check_email(candidate: Candidate) -> None:
    """The invitation is e-mailed to the candidate: an address no mail server could take is refused now."""
    try:
        validate_email(candidate.email)
    except ValidationError as exc:
        raise ApplicationError(
            f"The candidate's e-mail address {candidate.email!r} is not valid; correct it before inviting.",
            code="invalid_email",
            details={"candidate_id": candidate.pk},
        ) from exc


def invitation_stage_check(*, organisation: Organisation, stage: Stage) -> QuestionSet:
    """The stage's question set, when candidates may be invited to the stage: a timed assessment of a live loop."""
    if stage.loop.organisation_id != organisation.pk:
        raise ApplicationError("The stage must belong to your organisation.", code="not_found")
    if stage.kind != StageKind.ASSESSMENT or stage.question_set is None:
        raise ApplicationError(
            f"Stage {stage.pk} ({stage.title}) is not a timed assessment; invite candidates to an assessment stage.",
            code="not_an_assessment_stage",
        )
    if stage.loop.is_archived:
        raise ConflictError(
            f"The loop {stage.loop.title!r} is archived; it takes no new invitations.", code="loop_archived"
        )
    unpublished = _unpublished_coding_titles(stage.question_set)
    if unpublished:
        raise ConflictError(
            "Some coding questions are not published: their reference solutions have not passed in the sandbox.",
            code="unpublished_questions",
            details={"questions": unpublished},
        )
    return stage.question_set


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    candidate: Candidate,
    stage: Stage,
    expires_at: datetime,
    duration_minutes: int | None = None,
    opens_at: datetime | None = None,
    created_by: User | AnonymousUser | None = None,
    extra_time: ExtraTime | None = None,
) -> Invitation:
    """Invite a candidate to a loop's assessment stage: its question set, for ``duration_minutes`` (else the stage's).

    Every coding question in the set must be published. ``extra_time`` (an accommodation) lengthens the
    candidate's duration and is recorded with its reason and ``created_by`` (``services.accommodations``).
    """
    invitation_stage_check(organisation=organisation, stage=stage)
    return invitation_insert(
        organisation=organisation,
        candidate=candidate,
        stage=stage,
        expires_at=expires_at,
        duration_minutes=duration_minutes,
        opens_at=opens_at,
        created_by=created_by,
        extra_time=extra_time,
    )


def invitation_insert(
    *,
    organisation: Organisation,
    candidate: Candidate,
    stage: Stage,
    expires_at: datetime,
    duration_minutes: int | None = None,
    opens_at: datetime | None = None,
    created_by: User | AnonymousUser | None = None,
    extra_time: ExtraTime | None = None,
) -> Invitation:
    """``invitation_create`` for a stage that has passed ``invitation_stage_check`` (a bulk invite checks it once)."""
    if candidate.organisation_id != organisation.pk:
        raise ApplicationError("The candidate must belong to your organisation.", code="not_found")
    if expires_at <= (opens_at or timezone.now()):
        raise ApplicationError("The invitation must expire after it opens.", code="invalid_window")
    duration = duration_minutes or stage.duration_minutes or 0  # a stage checked has one
    if duration < 1:
        raise ApplicationError("The duration must be at least a minute.", code="invalid_duration")
    _check_email(candidate)
    invitation = Invitation(
        organisation=organisation,
        candidate=candidate,
        question_set=stage.question_set,
        stage=stage,
        opens_at=opens_at or timezone.now(),
        expires_at=expires_at,
        duration_minutes=duration,
        extra_minutes=extra_time.for_duration(duration) if extra_time else 0,
        created_by=created_by if isinstance(created_by, User) else None,
    )
    # The related objects were just read and checked above, the token is 256 random bits, and the two
    # check constraints (window, duration) were checked just above (the database's unique index and
    # constraints stay the guard): skip the seven existence, uniqueness and constraint queries.
    invitation.full_clean(
        exclude=["organisation", "candidate", "question_set", "stage", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    invitation.save()
    if extra_time is not None:
        accommodation_record_invitation(
            invitation=invitation, extra=extra_time, minutes=invitation.extra_minutes, by=created_by
        )
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
