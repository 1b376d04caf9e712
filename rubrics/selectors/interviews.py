"""An interviewer's queue: the candidates of every interview stage they are assigned to, with their scorecard's status.

Who is in a loop is ``assessments.selectors.candidates.loop_candidate_ids`` (the one definition). A
scorecard the interviewer already started keeps its row even if the invitation went away.
"""

from dataclasses import dataclass

from assessments.models import Candidate, Stage, StageInterviewer, StageKind
from assessments.selectors.candidates import loop_candidate_ids
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
    own = Scorecard.objects.filter(interviewer_id=membership.user_id, stage__in=stages)
    status_of = {(card.stage_id, card.candidate_id): card.status for card in own}
    per_loop = loop_candidate_ids(
        organisation_id=membership.organisation_id, loop_ids={stage.loop_id for stage in stages}
    )
    loop_of = {stage.pk: stage.loop_id for stage in stages}
    for stage_id, candidate_id in status_of:
        per_loop[loop_of[stage_id]].add(candidate_id)
    candidates = Candidate.objects.in_bulk({pk for ids in per_loop.values() for pk in ids})
    interviews = [
        Interview(stage=stage, candidate=candidates[pk], status=status_of.get((stage.pk, pk), ""))
        for stage in stages
        for pk in per_loop.get(stage.loop_id, set())
    ]
    interviews.sort(
        key=lambda row: (
            row.status == ScorecardStatus.SUBMITTED,
            row.candidate.name,
            row.stage.position,
            row.candidate.pk,
        )
    )
    return interviews
