"""Who may read which scorecard, and what the scorecard page reads. Blind feedback is enforced here, not only in the UI.

An interviewer forms their judgement without seeing anyone else's: they see other interviewers'
scorecards for a candidate in a loop only after submitting their own for that candidate in a stage of
that loop, and not while they have another scorecard for that candidate in that loop still in draft
(say, a later stage they also run). Submitting in one loop opens nothing of another loop.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.models import Candidate, Loop, Question, QuestionRevision, Stage
from common.lookups import one_or_not_found
from common.markdown import render_markdown
from organisations.models import Membership
from organisations.selectors import MANAGER_ROLES
from rubrics.models import Criterion, Scorecard, ScorecardAmendment, ScorecardStatus
from rubrics.services.scorecards import scorecard_criteria


def scorecard_list_visible(
    *, membership: Membership, candidate: Candidate | None = None, stage: Stage | None = None
) -> QuerySet[Scorecard]:
    scorecards = Scorecard.objects.filter(organisation_id=membership.organisation_id)
    own = Q(interviewer_id=membership.user_id)
    others_submitted = Q(status=ScorecardStatus.SUBMITTED) & ~own
    if membership.role in MANAGER_ROLES:
        visible = own | others_submitted
    else:
        submitted_own_here = _own_in_same_loop(membership, ScorecardStatus.SUBMITTED)
        no_own_draft_here = ~_own_in_same_loop(membership, ScorecardStatus.DRAFT)
        visible = own | (others_submitted & submitted_own_here & no_own_draft_here)
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


def _own_in_same_loop(membership: Membership, status: str) -> Exists:
    """The member has a scorecard in ``status`` for the row's candidate in a stage of the row's loop."""
    return Exists(
        Scorecard.objects.filter(
            interviewer_id=membership.user_id,
            candidate_id=OuterRef("candidate_id"),
            stage__loop_id=OuterRef("stage__loop_id"),
            status=status,
        )
    )


def scorecard_get_visible(*, membership: Membership, pk: int) -> Scorecard:
    # A scorecard the caller may not see and one that does not exist look the same: no existence leak.
    return one_or_not_found(scorecard_list_visible(membership=membership), pk, "scorecard")


def scorecard_own_get(*, stage: Stage, candidate: Candidate, interviewer_id: int) -> Scorecard | None:
    """The interviewer's own scorecard for the candidate in the stage, if they started one."""
    return Scorecard.objects.filter(stage=stage, candidate=candidate, interviewer_id=interviewer_id).first()


def scorecard_list_others_submitted(*, membership: Membership, candidate: Candidate, loop: Loop) -> list[Scorecard]:
    """Others' submitted scorecards for the candidate in the loop that the member may see (blind feedback)."""
    visible = scorecard_list_visible(membership=membership, candidate=candidate).filter(stage__loop=loop)
    return [
        card
        for card in visible.select_related("stage")
        if card.interviewer_id != membership.user_id and card.status == ScorecardStatus.SUBMITTED
    ]


def scorecard_amendment_list(*, scorecard: Scorecard) -> list[ScorecardAmendment]:
    return list(scorecard.amendments.select_related("author"))


def scorecard_sections(*, stage: Stage, interviewer_id: int, scorecard: Scorecard | None) -> list[dict[str, Any]]:
    """Each focus question of this interviewer with its rubric's criteria, anchors and the current ratings."""
    required = scorecard_criteria(stage=stage, interviewer_id=interviewer_id)
    questions = Question.objects.in_bulk(list(required))
    revisions: dict[int, QuestionRevision] = {}
    for current in QuestionRevision.objects.filter(question_id__in=list(required)).order_by("number"):
        revisions[current.question_id] = current  # the highest number wins
    criterion_ids = [pk for ids in required.values() for pk in ids]
    criteria = Criterion.objects.prefetch_related("levels").in_bulk(criterion_ids)
    ratings = {(r.question_id, r.criterion_id): r for r in (scorecard.ratings.all() if scorecard else [])}
    sections = []
    for question_id, ids in required.items():
        revision = revisions.get(question_id)
        rows = []
        for criterion_id in ids:
            rating = ratings.get((question_id, criterion_id))
            rows.append(
                {
                    "criterion": criteria[criterion_id],
                    "levels": list(criteria[criterion_id].levels.all()),
                    "score": rating.score if rating else None,
                    "notes": rating.notes if rating else "",
                }
            )
        sections.append(
            {
                "question": questions[question_id],
                "prompt": render_markdown(revision.prompt) if revision else "",
                "interviewer_notes": revision.interviewer_notes if revision else "",
                "criteria": rows,
            }
        )
    return sections
