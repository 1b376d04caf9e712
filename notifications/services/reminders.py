"""E-mails the clock calls for, found by beat's sweeps: the window-closing reminder and the scorecard due.

Each is once-only by its key, so a sweep can run any time, twice, or after an outage and send nothing twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus, Invitation, StageInterviewer, StageKind
from notifications.models import EmailKind, OutgoingEmail
from notifications.services.outbox import email_record
from rubrics.models import Scorecard, ScorecardStatus

BATCH = 500
# How far back the scorecard sweep looks: older graded attempts are not reminded of after an outage this long.
SCORECARD_LOOKBACK = timedelta(days=14)


def reminders_due(now: datetime | None = None) -> list[Invitation]:
    """Unused, unrevoked open links closing within EMAIL_REMINDER_HOURS, whose window was at least twice that long
    (a link made the day it closes needs no reminder), not yet reminded."""
    now = now or timezone.now()
    hours = timedelta(hours=settings.EMAIL_REMINDER_HOURS)
    reminded = OutgoingEmail.objects.filter(invitation=OuterRef("pk"), kind=EmailKind.REMINDER)
    due = Invitation.objects.filter(
        revoked_at__isnull=True,
        attempt__isnull=True,
        opens_at__lte=now,
        expires_at__gt=now,
        expires_at__lte=now + hours,
        created_at__lte=now - hours,
    ).exclude(Exists(reminded))
    return list(due.select_related("candidate").order_by("expires_at")[:BATCH])


@transaction.atomic
def reminders_record(now: datetime | None = None) -> int:
    """Record a reminder for every link closing soon (beat, ``sweeps`` queue)."""
    recorded = 0
    for invitation in reminders_due(now):
        candidate = invitation.candidate
        email = email_record(
            kind=EmailKind.REMINDER,
            key=f"reminder:{invitation.pk}",
            to_email=candidate.email,
            to_name=candidate.name,
            organisation_id=invitation.organisation_id,
            invitation=invitation,
        )
        recorded += email is not None
    return recorded


def _unscored(candidate: OuterRef, loop: OuterRef) -> QuerySet[StageInterviewer]:
    """Interviewers of the loop's interview stages with no submitted scorecard for the candidate."""
    submitted = Scorecard.objects.filter(
        candidate_id=candidate,
        stage_id=OuterRef("stage_id"),
        interviewer_id=OuterRef("user_id"),
        status=ScorecardStatus.SUBMITTED,
    )
    assigned = StageInterviewer.objects.filter(
        stage__loop_id=loop, stage__kind=StageKind.INTERVIEW, user__is_active=True
    )
    return assigned.exclude(Exists(submitted))


def scorecards_due(now: datetime | None = None) -> list[tuple[Attempt, StageInterviewer]]:
    """(graded attempt, interviewer assignment) pairs: the attempt was graded over EMAIL_SCORECARD_DUE_HOURS ago,
    the interviewer is assigned to an interview stage of the attempt's loop and has not submitted a scorecard,
    and the attempt's reminders have not been recorded (all of an attempt's are recorded at once)."""
    now = now or timezone.now()
    due_before = now - timedelta(hours=settings.EMAIL_SCORECARD_DUE_HOURS)
    reminded = OutgoingEmail.objects.filter(kind=EmailKind.SCORECARD_DUE, invitation_id=OuterRef("invitation_id"))
    unscored = _unscored(OuterRef(OuterRef("invitation__candidate_id")), OuterRef("invitation__stage__loop_id"))
    attempts = (
        Attempt.objects.filter(
            status=AttemptStatus.GRADED,
            updated_at__lte=due_before,
            updated_at__gt=due_before - SCORECARD_LOOKBACK,
            invitation__stage__isnull=False,
        )
        .filter(Exists(unscored))
        .exclude(Exists(reminded))
        .select_related("invitation__candidate", "invitation__stage")
    )
    pairs = []
    for attempt in attempts.order_by("updated_at")[:BATCH]:
        invitation = attempt.invitation
        assert invitation.stage is not None
        assignments = _unscored(invitation.candidate_id, invitation.stage.loop_id)  # type: ignore[arg-type]
        pairs += [(attempt, assignment) for assignment in assignments.select_related("user").order_by("pk")]
    return pairs


@transaction.atomic
def scorecard_reminders_record(now: datetime | None = None) -> int:
    """Record one scorecard-due reminder per graded attempt, stage and interviewer (beat, ``sweeps`` queue)."""
    recorded = 0
    for attempt, assignment in scorecards_due(now):
        user = assignment.user
        email = email_record(
            kind=EmailKind.SCORECARD_DUE,
            key=f"scorecard_due:{attempt.pk}:{assignment.stage_id}:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
            organisation_id=attempt.organisation_id,
            invitation=attempt.invitation,
            user_id=user.pk,
            data={"stage_id": assignment.stage_id},
        )
        recorded += email is not None
    return recorded
