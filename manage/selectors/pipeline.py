"""The hiring pipeline: which candidates are in which loop, and how far each has got.

A candidate is in a loop when they hold an invitation that puts them in it
(``assessments.selectors.candidates.loop_invitations``, the one definition the report shares: to one of
its stages, or, without a stage, to a question set one of its stages uses), a scorecard in one of its
stages, or a decision on it. Their
status is the furthest step reached, in this order: invited, in progress, submitted, graded, scored
(at least one submitted scorecard in the loop), decided (a decision on the loop; the latest one's
outcome is shown). A withdrawn invitation nobody started does not put a candidate in the loop.

Every read is a fixed number of queries whatever the number of loops or candidates.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import Q

from assessments.models import AttemptStatus, Candidate, Decision, DecisionOutcome, Loop
from assessments.selectors.candidates import invitation_loop_ids, loop_invitations, loop_question_sets
from organisations.models import Organisation
from rubrics.models import Scorecard, ScorecardStatus


class PipelineStatus:
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    GRADED = "graded"
    SCORED = "scored"
    DECIDED = "decided"


STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (PipelineStatus.INVITED, "Invited"),
    (PipelineStatus.IN_PROGRESS, "In progress"),
    (PipelineStatus.SUBMITTED, "Submitted"),
    (PipelineStatus.GRADED, "Graded"),
    (PipelineStatus.SCORED, "Scored"),
    (PipelineStatus.DECIDED, "Decided"),
)
STATUSES = tuple(value for value, _ in STATUS_CHOICES)
STATUS_LABELS = dict(STATUS_CHOICES)
_RANK = {status: rank for rank, status in enumerate(STATUSES)}
_ATTEMPT_STATUS: dict[str | None, str] = {
    None: PipelineStatus.INVITED,
    AttemptStatus.IN_PROGRESS: PipelineStatus.IN_PROGRESS,
    AttemptStatus.SUBMITTED: PipelineStatus.SUBMITTED,
    AttemptStatus.GRADED: PipelineStatus.GRADED,
}


@dataclass
class PipelineEntry:
    candidate: Candidate
    status: str
    status_label: str
    decision_outcome: str  # "" unless decided
    decision_label: str


def loop_status_counts(*, organisation: Organisation, loops: Iterable[Loop]) -> dict[int, dict[str, int]]:
    """Per loop id: how many candidates are at each status (every status present, zeros included)."""
    statuses = _statuses(organisation=organisation, loop_ids=[loop.pk for loop in loops])
    counts: dict[int, dict[str, int]] = {}
    for loop_id, per_candidate in statuses.items():
        row = dict.fromkeys(STATUSES, 0)
        for status, _outcome in per_candidate.values():
            row[status] += 1
        counts[loop_id] = row
    return counts


def loop_pipeline(
    *, organisation: Organisation, loop: Loop, status: str | None = None, search: str = ""
) -> list[PipelineEntry]:
    """The loop's candidates with their status, optionally only one status and/or matching name or email."""
    per_candidate = _statuses(organisation=organisation, loop_ids=[loop.pk])[loop.pk]
    if status:
        per_candidate = {pk: value for pk, value in per_candidate.items() if value[0] == status}
    if not per_candidate:
        return []
    candidates = Candidate.objects.filter(organisation=organisation, pk__in=list(per_candidate))
    search = search.strip()
    if search:
        candidates = candidates.filter(Q(name__icontains=search) | Q(email__icontains=search))
    outcome_labels = dict(DecisionOutcome.choices)
    entries = []
    for candidate in candidates.order_by("name", "pk"):
        current, outcome = per_candidate[candidate.pk]
        entries.append(
            PipelineEntry(
                candidate=candidate,
                status=current,
                status_label=STATUS_LABELS[current],
                decision_outcome=outcome,
                decision_label=str(outcome_labels.get(outcome, "")),
            )
        )
    return entries


def candidate_statuses(
    *, organisation: Organisation, loop_ids: list[int], candidate_ids: Collection[int] | None = None
) -> dict[int, dict[int, tuple[str, str]]]:
    """loop id → candidate id → (status, latest decision outcome or ""), for these candidates only if given."""
    return _statuses(organisation=organisation, loop_ids=loop_ids, candidate_ids=candidate_ids)


def _statuses(
    *, organisation: Organisation, loop_ids: list[int], candidate_ids: Collection[int] | None = None
) -> dict[int, dict[int, tuple[str, str]]]:
    """loop id → candidate id → (status, latest decision outcome or ""). Four queries."""
    result: dict[int, dict[int, tuple[str, str]]] = {loop_id: {} for loop_id in loop_ids}
    if not loop_ids:
        return result
    only = Q() if candidate_ids is None else Q(candidate_id__in=candidate_ids)

    def advance(loop_id: int, candidate_id: int, status: str, outcome: str = "") -> None:
        current = result[loop_id].get(candidate_id)
        if current is None or _RANK[status] > _RANK[current[0]]:
            result[loop_id][candidate_id] = (status, outcome)

    set_loops = loop_question_sets(loop_ids=loop_ids)
    invitations = loop_invitations(organisation_id=organisation.pk, loop_ids=loop_ids, set_loops=set_loops)
    rows = invitations.filter(only).values_list("candidate_id", "stage__loop_id", "question_set_id", "attempt__status")
    for candidate_id, stage_loop_id, set_id, attempt_status in rows:
        status = _ATTEMPT_STATUS.get(attempt_status, PipelineStatus.INVITED)
        for loop_id in invitation_loop_ids(stage_loop_id=stage_loop_id, question_set_id=set_id, set_loops=set_loops):
            advance(loop_id, candidate_id, status)

    scorecards = (
        Scorecard.objects.filter(only, organisation=organisation, stage__loop_id__in=loop_ids)
        .values_list("candidate_id", "stage__loop_id", "status")
        .distinct()
    )
    for candidate_id, loop_id, scorecard_status in scorecards:
        # A draft scorecard means an interview is under way: the candidate is in the loop, not yet scored.
        advance(
            loop_id,
            candidate_id,
            PipelineStatus.SCORED if scorecard_status == ScorecardStatus.SUBMITTED else PipelineStatus.INVITED,
        )

    seen: set[tuple[int, int]] = set()
    decisions = (
        Decision.objects.filter(only, organisation=organisation, loop_id__in=loop_ids)
        .order_by("-created_at", "-pk")
        .values_list("candidate_id", "loop_id", "outcome")
    )
    for candidate_id, loop_id, outcome in decisions:
        if (loop_id, candidate_id) not in seen:  # newest first: the first seen is the latest
            seen.add((loop_id, candidate_id))
            advance(loop_id, candidate_id, PipelineStatus.DECIDED, outcome)
    return result
