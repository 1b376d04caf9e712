"""What needs a hiring manager's attention (the home page, the daily digest e-mail): fixed queries, a few rows each.

- graded attempts still waiting for scorecards: the candidate's attempt in a loop is graded, some
  interviewer assigned to one of the loop's interview stages has not submitted a scorecard for them,
  and the loop has no decision on them yet (attempts whose invitation names no stage are left out);
- final gradings that failed (the platform's fault, retries spent): they need requeueing;
- invitations nobody started whose window closes within ``EXPIRING_WITHIN``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from assessments.models import (
    Attempt,
    AttemptStatus,
    Candidate,
    CodeSubmission,
    Decision,
    Invitation,
    Loop,
    StageInterviewer,
    StageKind,
    SubmissionPurpose,
    SubmissionStatus,
)
from organisations.models import Organisation
from rubrics.models import Scorecard, ScorecardStatus

ROWS = 20
EXPIRING_WITHIN = timedelta(hours=48)
_SCANNED = 200  # graded attempts looked at for missing scorecards


@dataclass(frozen=True)
class AwaitingScorecards:
    candidate: Candidate
    loop: Loop
    missing: int  # assigned (stage, interviewer) pairs without a submitted scorecard
    assigned: int


@dataclass(frozen=True)
class Attention:
    awaiting_scorecards: list[AwaitingScorecards]
    failed_gradings: list[CodeSubmission]
    expiring_invitations: list[Invitation]


def attention(*, organisation: Organisation, now: datetime) -> Attention:
    return Attention(
        awaiting_scorecards=_awaiting_scorecards(organisation),
        failed_gradings=_failed_gradings(organisation),
        expiring_invitations=_expiring_invitations(organisation, now),
    )


def _awaiting_scorecards(organisation: Organisation) -> list[AwaitingScorecards]:
    attempts = list(
        Attempt.objects.filter(
            organisation=organisation,
            status=AttemptStatus.GRADED,
            invitation__stage__isnull=False,
            invitation__stage__loop__is_archived=False,
        )
        .select_related("invitation__candidate", "invitation__stage__loop")
        .order_by("-submitted_at", "-pk")[:_SCANNED]
    )
    loop_ids = {attempt.invitation.stage.loop_id for attempt in attempts if attempt.invitation.stage}
    candidate_ids = {attempt.invitation.candidate_id for attempt in attempts}
    assigned: dict[int, set[tuple[int, int]]] = {}
    for loop_id, stage_id, user_id in StageInterviewer.objects.filter(
        stage__loop_id__in=loop_ids, stage__kind=StageKind.INTERVIEW
    ).values_list("stage__loop_id", "stage_id", "user_id"):
        assigned.setdefault(loop_id, set()).add((stage_id, user_id))
    submitted = set(
        Scorecard.objects.filter(
            stage__loop_id__in=loop_ids, candidate_id__in=candidate_ids, status=ScorecardStatus.SUBMITTED
        ).values_list("candidate_id", "stage_id", "interviewer_id")
    )
    decisions = Decision.objects.filter(loop_id__in=loop_ids, candidate_id__in=candidate_ids)
    decided = set(decisions.values_list("loop_id", "candidate_id"))
    rows: dict[tuple[int, int], AwaitingScorecards] = {}
    for attempt in attempts:
        candidate, loop = attempt.invitation.candidate, attempt.invitation.stage.loop  # type: ignore[union-attr]
        pairs = assigned.get(loop.pk, set())
        missing = sum((candidate.pk, stage_id, user_id) not in submitted for stage_id, user_id in pairs)
        if missing and (loop.pk, candidate.pk) not in decided:
            rows.setdefault((loop.pk, candidate.pk), AwaitingScorecards(candidate, loop, missing, len(pairs)))
    return list(rows.values())[:ROWS]


def _failed_gradings(organisation: Organisation) -> list[CodeSubmission]:
    return list(
        CodeSubmission.objects.filter(
            attempt_question__attempt__organisation=organisation,
            purpose=SubmissionPurpose.FINAL,
            status=SubmissionStatus.FAILED,
        )
        .select_related("attempt_question__attempt__invitation__candidate")
        .select_related("attempt_question__attempt__invitation__stage", "attempt_question__attempt__organisation")
        .order_by("-updated_at", "-pk")[:ROWS]
    )


def _expiring_invitations(organisation: Organisation, now: datetime) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            organisation=organisation,
            revoked_at__isnull=True,
            attempt__isnull=True,
            opens_at__lte=now,
            expires_at__gt=now,
            expires_at__lte=now + EXPIRING_WITHIN,
        )
        .select_related("candidate", "stage__loop")
        .order_by("expires_at", "pk")[:ROWS]
    )
