"""The organisation's candidates, which of them are in which loop, and which of them a member may see.

A candidate is in a loop when invited to one of its stages, or, without a stage, to a question set
one of its stages uses; a withdrawn invitation nobody started does not count. This is the one
definition: the interviewer's queue, the candidate API, the scorecard page and ``scorecard_start``
all ask here, and the pipeline and the report too. Interviewers see only the candidates of the loops
where they are assigned to a stage; managers (and API keys) see every candidate of the organisation.
Inviting a person reuses the organisation's candidate with their external id or e-mail
(``candidate_matches``).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from assessments.models import Candidate, Invitation, Stage
from common.lookups import one_or_not_found
from organisations.models import Membership, Organisation
from organisations.selectors import membership_is_manager

LoopIds = Collection[int] | QuerySet  # ids, or a subquery of ids
SetLoops = dict[int, set[int]]  # question set id → the loops whose stages use it


def candidate_list(*, organisation: Organisation) -> QuerySet[Candidate]:
    return Candidate.objects.filter(organisation=organisation).order_by("pk")


def candidate_get(*, organisation: Organisation, pk: int) -> Candidate:
    return one_or_not_found(candidate_list(organisation=organisation), pk, "candidate")


def candidate_list_visible(*, membership: Membership) -> QuerySet[Candidate]:
    """The candidates the member may see: all of the organisation's for managers, else those of their loops."""
    candidates = candidate_list(organisation=membership.organisation)
    if membership_is_manager(membership):
        return candidates
    assigned_loops = Stage.objects.filter(
        loop__organisation_id=membership.organisation_id,
        interviewer_assignments__user_id=membership.user_id,
    ).values("loop_id")
    in_loops = loop_invitations(organisation_id=membership.organisation_id, loop_ids=assigned_loops)
    return candidates.filter(pk__in=in_loops.values("candidate_id"))


def candidate_get_visible(*, membership: Membership, pk: int) -> Candidate:
    """A candidate the member may see; one they may not and a missing one look the same (no existence leak)."""
    return one_or_not_found(candidate_list_visible(membership=membership), pk, "candidate")


def candidate_in_loop(*, candidate: Candidate, loop_id: int) -> bool:
    """Whether the candidate is in the loop (invited to it, and not withdrawn before starting)."""
    invitations = loop_invitations(organisation_id=candidate.organisation_id, loop_ids=[loop_id])
    return invitations.filter(candidate_id=candidate.pk).exists()


def loop_candidate_ids(*, organisation_id: int, loop_ids: Collection[int]) -> dict[int, set[int]]:
    """Each loop's candidates, by id (every loop of ``loop_ids`` is a key). Two queries."""
    set_loops = loop_question_sets(loop_ids=loop_ids)
    found: dict[int, set[int]] = {loop_id: set() for loop_id in loop_ids}
    invitations = loop_invitations(organisation_id=organisation_id, loop_ids=loop_ids, set_loops=set_loops)
    for candidate_id, stage_loop_id, set_id in invitations.values_list(
        "candidate_id", "stage__loop_id", "question_set_id"
    ):
        for loop_id in invitation_loop_ids(stage_loop_id=stage_loop_id, question_set_id=set_id, set_loops=set_loops):
            found[loop_id].add(candidate_id)
    return found


def loop_question_sets(*, loop_ids: Collection[int]) -> SetLoops:
    """Question set id → the loops of ``loop_ids`` with a stage using it."""
    set_loops: SetLoops = {}
    stages = Stage.objects.filter(loop_id__in=loop_ids, question_set__isnull=False)
    for set_id, loop_id in stages.values_list("question_set_id", "loop_id"):
        set_loops.setdefault(set_id, set()).add(loop_id)
    return set_loops


def loop_invitations(
    *, organisation_id: int, loop_ids: LoopIds, set_loops: SetLoops | None = None
) -> QuerySet[Invitation]:
    """The invitations that put a candidate in one of the loops (``set_loops``, when read already, saves a join)."""
    if set_loops is None:
        set_ids: Collection[int] | QuerySet = Stage.objects.filter(
            loop_id__in=loop_ids, question_set__isnull=False
        ).values("question_set_id")
    else:
        set_ids = list(set_loops)
    to_a_stage = Q(stage__loop_id__in=loop_ids)
    to_a_set_of_a_stage = Q(stage__isnull=True, question_set_id__in=set_ids)
    not_withdrawn = Q(revoked_at__isnull=True) | Q(attempt__isnull=False)
    return Invitation.objects.filter(
        Q(organisation_id=organisation_id), to_a_stage | to_a_set_of_a_stage, not_withdrawn
    )


def invitation_loop_ids(*, stage_loop_id: int | None, question_set_id: int, set_loops: SetLoops) -> set[int]:
    """The loops (of those ``set_loops`` was read for) an invitation puts its candidate in."""
    return {stage_loop_id} if stage_loop_id is not None else set_loops.get(question_set_id, set())


@dataclass(frozen=True)
class CandidateMatch:
    """Who an invitation to ``email`` (and ``external_id``) is for: an existing candidate, a new one, or a clash."""

    candidate: Candidate | None  # None: a new candidate
    conflict: str = ""  # why this person cannot be invited as given ("" when they can)


Person = tuple[str, str]  # (e-mail, external id or "")


def candidate_match(*, organisation: Organisation, email: str, external_id: str = "") -> CandidateMatch:
    """The candidate to reuse for this person (``candidate_matches``)."""
    return candidate_matches(organisation=organisation, people=[(email, external_id)])[0]


def candidate_matches(*, organisation: Organisation, people: Sequence[Person]) -> list[CandidateMatch]:
    """For each person, the candidate to reuse: the ATS's external id first, then the e-mail (any case; the
    oldest of several). Two queries however many people.

    A clash (the external id is one candidate's, the e-mail another's; or the e-mail's candidate has a
    different external id) is named rather than guessed: a new duplicate or a merge would both be wrong.
    """
    emails = {email.strip().lower() for email, _ in people if email.strip()}
    external_ids = {external_id for _, external_id in people if external_id}
    candidates = candidate_list(organisation=organisation)
    by_email: dict[str, Candidate] = {}
    for candidate in candidates.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
        by_email.setdefault(candidate.email_lower, candidate)  # oldest first
    by_id = {candidate.external_id: candidate for candidate in candidates.filter(external_id__in=external_ids)}
    return [
        _match(by_email.get(email.strip().lower()), by_id.get(external_id), external_id)
        for email, external_id in people
    ]


def _match(by_email: Candidate | None, by_id: Candidate | None, external_id: str) -> CandidateMatch:
    if by_id is not None:
        clash = by_email is not None and by_email.pk != by_id.pk
        return CandidateMatch(by_id, _clash(by_email, external_id) if clash else "")
    if external_id and by_email is not None and by_email.external_id:
        return CandidateMatch(by_email, _clash(by_email, external_id))
    return CandidateMatch(by_email)


def _clash(candidate: Candidate | None, external_id: str) -> str:
    assert candidate is not None
    other = f"external id {candidate.external_id!r}" if candidate.external_id else "no external id"
    return (
        f"The e-mail {candidate.email} belongs to candidate {candidate.pk} ({candidate.name}, {other}), "
        f"not to the candidate with external id {external_id!r}."
    )
