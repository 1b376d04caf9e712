"""The candidates pages: the organisation's candidates with their loops and statuses, and everything about one.

A candidate's status in a loop is the pipeline's (``manage.selectors.pipeline``), so the list, the page,
the pipeline and the report agree.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from assessments.models import Candidate, Decision, DecisionOutcome, Invitation, Loop
from assessments.selectors.candidates import candidate_list
from assessments.selectors.loops import loop_list
from assessments.services.invitations import invitation_link_state
from manage.selectors.pipeline import STATUS_LABELS, candidate_statuses
from organisations.models import Organisation
from rubrics.selectors.attempt_results import attempt_coding_score

NO_LOOP = "no_loop"  # the status filter's value for candidates in no loop


@dataclass
class LoopStatus:
    loop: Loop
    status: str
    label: str
    decision: str  # the latest decision's label, "" before one
    report_url: str = ""  # set by the page


@dataclass
class CandidateRow:
    candidate: Candidate
    loops: list[LoopStatus] = field(default_factory=list)


Statuses = dict[int, dict[int, tuple[str, str]]]  # loop id → candidate id → (status, outcome)


def _loop_statuses(loops: list[Loop], statuses: Statuses, candidate_id: int) -> list[LoopStatus]:
    outcomes = dict(DecisionOutcome.choices)
    found = []
    for loop in loops:
        status, outcome = statuses[loop.pk].get(candidate_id, ("", ""))
        if status:
            found.append(LoopStatus(loop, status, STATUS_LABELS[status], str(outcomes.get(outcome, ""))))
    return found


def _filtered(candidates: QuerySet[Candidate], statuses: Statuses, loop: Loop | None, status: str) -> QuerySet:
    """The candidates in ``loop`` (else in any loop) at ``status`` (any if ""); with NO_LOOP, those in none."""
    if status == NO_LOOP:
        return (
            candidates.none() if loop else candidates.exclude(pk__in={pk for rows in statuses.values() for pk in rows})
        )
    per_loop = [statuses[loop.pk]] if loop else list(statuses.values())
    keep = {pk for rows in per_loop for pk, (current, _) in rows.items() if not status or current == status}
    return candidates.filter(pk__in=keep)


def candidate_directory(
    *, organisation: Organisation, loops: list[Loop], search: str = "", loop: Loop | None = None, status: str = ""
) -> tuple[QuerySet[Candidate], Statuses | None]:
    """The candidates matching the search (name, e-mail or external id), the loop and the status filter.

    ``loops`` are the organisation's (``loop_list``). Returns the candidates (by name, for a page of them)
    and the statuses when a filter needed every loop's (else ``directory_rows`` reads only a page's).
    """
    candidates = candidate_list(organisation=organisation).order_by("name", "pk")
    search = search.strip()
    if search:
        found = Q(name__icontains=search) | Q(email__icontains=search) | Q(external_id__iexact=search)
        candidates = candidates.filter(found)
    statuses = None
    if loop is not None or status:
        statuses = candidate_statuses(organisation=organisation, loop_ids=[each.pk for each in loops])
        candidates = _filtered(candidates, statuses, loop, status)
    return candidates, statuses


def directory_rows(
    *, organisation: Organisation, candidates: list[Candidate], loops: list[Loop], statuses: Statuses | None
) -> list[CandidateRow]:
    """A page of the directory: each candidate with their loops and status in each."""
    if statuses is None:
        ids = [candidate.pk for candidate in candidates]
        statuses = candidate_statuses(
            organisation=organisation, loop_ids=[loop.pk for loop in loops], candidate_ids=ids
        )
    return [CandidateRow(candidate, _loop_statuses(loops, statuses, candidate.pk)) for candidate in candidates]


@dataclass
class CandidateOverview:
    loops: list[LoopStatus]  # the loops the candidate is in, with their status
    invitations: list[dict[str, Any]]  # newest first: invitation, state, attempt, score (and the page's links)
    decisions: list[Decision]


def candidate_overview(*, organisation: Organisation, candidate: Candidate) -> CandidateOverview:
    """Every loop the candidate is in (with status), every invitation and its attempt, every decision."""
    loops = list(loop_list(organisation=organisation))
    statuses = candidate_statuses(
        organisation=organisation, loop_ids=[loop.pk for loop in loops], candidate_ids=[candidate.pk]
    )
    invitations = list(
        Invitation.objects.filter(organisation=organisation, candidate=candidate)
        .select_related("stage__loop", "question_set", "attempt")
        .order_by("-created_at", "-pk")
    )
    decisions = Decision.objects.filter(organisation=organisation, candidate=candidate)
    return CandidateOverview(
        loops=_loop_statuses(loops, statuses, candidate.pk),
        invitations=[_invitation_row(invitation) for invitation in invitations],
        decisions=list(decisions.select_related("loop", "decided_by").order_by("-created_at", "-pk")),
    )


def _invitation_row(invitation: Invitation) -> dict[str, Any]:
    attempt = getattr(invitation, "attempt", None)
    return {
        "invitation": invitation,
        "state": invitation_link_state(invitation),
        "attempt": attempt,
        "score": attempt_coding_score(attempt_id=attempt.pk) if attempt else None,
    }
