"""An interviewer's queue: the candidates of every interview stage they are assigned to, with their scorecard's status.

A candidate is in a loop when invited to one of its stages (or, without a stage, to a question set one
of its stages uses); a withdrawn invitation nobody started does not count. A scorecard already started
keeps its row even if the invitation went away.
"""

from dataclasses import dataclass

from django.db.models import Q

from assessments.models import Candidate, Invitation, Stage, StageInterviewer, StageKind
from organisations.models import Membership
from rubrics.models import Scorecard, ScorecardStatus


@dataclass(frozen=True)
class Interview:
    stage: Stage
    candidate: Candidate
    status: str  # the interviewer's scorecard's: "" (not started), draft or submitted


def interview_queue(*, membership: Membership) -> list[Interview]:
    """The member's interviews on unarchived loops: not yet submitted first, then by candidate and stage."""
    stages = [
        assignment.stage
        for assignment in StageInterviewer.objects.filter(
            user_id=membership.user_id,
            stage__kind=StageKind.INTERVIEW,
            stage__loop__organisation_id=membership.organisation_id,
            stage__loop__is_archived=False,
        ).select_related("stage__loop")
    ]
    own = Scorecard.objects.filter(interviewer_id=membership.user_id, stage__in=stages).select_related("candidate")
    status_of = {(card.stage_id, card.candidate_id): card.status for card in own}
    per_loop = _loop_candidates(membership, {stage.loop_id for stage in stages})
    for card in own:
        if all(c.pk != card.candidate_id for c in per_loop[card.stage.loop_id]):
            per_loop[card.stage.loop_id].append(card.candidate)
    interviews = [
        Interview(stage=stage, candidate=candidate, status=status_of.get((stage.pk, candidate.pk), ""))
        for stage in stages
        for candidate in per_loop.get(stage.loop_id, [])
    ]
    interviews.sort(key=lambda row: (row.status == ScorecardStatus.SUBMITTED, row.candidate.name, row.stage.position))
    return interviews


def _loop_candidates(membership: Membership, loop_ids: set[int]) -> dict[int, list[Candidate]]:
    """Candidates invited to each loop (a withdrawn invitation nobody started does not count)."""
    set_loops: dict[int, set[int]] = {}
    for set_id, loop_id in Stage.objects.filter(loop_id__in=loop_ids, question_set__isnull=False).values_list(
        "question_set_id", "loop_id"
    ):
        set_loops.setdefault(set_id, set()).add(loop_id)
    invitations = (
        Invitation.objects.filter(organisation_id=membership.organisation_id)
        .filter(Q(stage__loop_id__in=loop_ids) | Q(stage__isnull=True, question_set_id__in=list(set_loops)))
        .filter(Q(revoked_at__isnull=True) | Q(attempt__isnull=False))
        .select_related("candidate", "stage")
    )
    found: dict[int, dict[int, Candidate]] = {loop_id: {} for loop_id in loop_ids}
    for invitation in invitations:
        loops = {invitation.stage.loop_id} if invitation.stage else set_loops.get(invitation.question_set_id, set())
        for loop_id in loops:
            found[loop_id][invitation.candidate_id] = invitation.candidate
    return {loop_id: list(candidates.values()) for loop_id, candidates in found.items()}
