"""Who may read which scorecard. Blind feedback is enforced here, not only hidden in the UI.

An interviewer forms their judgement without seeing anyone else's: they see other interviewers'
scorecards for a candidate only after submitting their own for that candidate, and not while they
have another scorecard for that candidate still in draft (say, a later stage they also run).
"""

from django.db.models import Q, QuerySet

from assessments.models import Candidate, Membership, Stage
from assessments.selectors.memberships import MANAGER_ROLES
from common.exceptions import NotFoundError
from rubrics.models import Scorecard, ScorecardStatus


def scorecard_list_visible(
    *, membership: Membership, candidate: Candidate | None = None, stage: Stage | None = None
) -> QuerySet[Scorecard]:
    scorecards = Scorecard.objects.filter(organisation_id=membership.organisation_id)
    mine = scorecards.filter(interviewer_id=membership.user_id)
    own = Q(interviewer_id=membership.user_id)
    others_submitted = Q(status=ScorecardStatus.SUBMITTED) & ~own
    if membership.role in MANAGER_ROLES:
        visible = own | others_submitted
    else:
        submitted_own_for_candidate = Q(candidate__in=mine.filter(status=ScorecardStatus.SUBMITTED).values("candidate"))
        no_own_draft_for_candidate = ~Q(candidate__in=mine.filter(status=ScorecardStatus.DRAFT).values("candidate"))
        visible = own | (others_submitted & submitted_own_for_candidate & no_own_draft_for_candidate)
    scorecards = scorecards.filter(visible)
    if candidate is not None:
        scorecards = scorecards.filter(candidate=candidate)
    if stage is not None:
        scorecards = scorecards.filter(stage=stage)
    return (
        scorecards.select_related("interviewer")
        .prefetch_related("ratings", "amendments__author")
        .order_by("candidate_id", "stage_id", "pk")
    )


def scorecard_get_visible(*, membership: Membership, pk: int) -> Scorecard:
    # A scorecard the caller may not see and one that does not exist look the same: no existence leak.
    scorecard = scorecard_list_visible(membership=membership).filter(pk=pk).first()
    if scorecard is None:
        raise NotFoundError(f"No scorecard with id {pk}.")
    return scorecard
