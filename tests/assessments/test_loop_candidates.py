"""Who is in a loop, and which candidates a member may see: assessments.selectors.candidates, one rule per test."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from assessments.models import Attempt, StageKind
from assessments.selectors.candidates import (
    candidate_in_loop,
    candidate_list_visible,
    loop_candidate_ids,
)
from organisations.models import Role
from tests.factories import (
    CandidateFactory,
    InvitationFactory,
    LoopFactory,
    MembershipFactory,
    QuestionSetFactory,
    StageFactory,
    StageInterviewerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loops(organisation):
    """Loop A: a timed assessment on a question set, then an interview. Loop B: an interview."""
    question_set = QuestionSetFactory(organisation=organisation)
    a, b = LoopFactory(organisation=organisation), LoopFactory(organisation=organisation)
    assessment = StageFactory(loop=a, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=30)
    return SimpleNamespace(
        org=organisation,
        a=a,
        b=b,
        set=question_set,
        assessment=assessment,
        interview_a=StageFactory(loop=a),
        interview_b=StageFactory(loop=b),
        cand=CandidateFactory(organisation=organisation),
    )


def test_invited_to_a_stage_of_the_loop(loops):
    InvitationFactory(candidate=loops.cand, stage=loops.interview_a)
    assert candidate_in_loop(candidate=loops.cand, loop_id=loops.a.pk)
    assert not candidate_in_loop(candidate=loops.cand, loop_id=loops.b.pk)


def test_invited_without_a_stage_to_a_question_set_one_of_its_stages_uses(loops):
    InvitationFactory(candidate=loops.cand, question_set=loops.set)
    assert candidate_in_loop(candidate=loops.cand, loop_id=loops.a.pk)
    assert not candidate_in_loop(candidate=loops.cand, loop_id=loops.b.pk)


def test_invited_without_a_stage_to_a_set_no_stage_of_the_loop_uses(loops):
    InvitationFactory(candidate=loops.cand, question_set=QuestionSetFactory(organisation=loops.org))
    assert not candidate_in_loop(candidate=loops.cand, loop_id=loops.a.pk)


def test_a_withdrawn_invitation_nobody_started_does_not_count(loops):
    InvitationFactory(candidate=loops.cand, stage=loops.interview_a, revoked_at=timezone.now())
    assert not candidate_in_loop(candidate=loops.cand, loop_id=loops.a.pk)


def test_a_started_one_counts_even_if_marked_withdrawn(loops):
    invitation = InvitationFactory(candidate=loops.cand, stage=loops.assessment, revoked_at=timezone.now())
    now = timezone.now()
    Attempt.objects.create(
        organisation=loops.org, invitation=invitation, started_at=now, deadline=now + timedelta(hours=1)
    )
    assert candidate_in_loop(candidate=loops.cand, loop_id=loops.a.pk)


def test_each_loop_lists_its_candidates(loops):
    shared = QuestionSetFactory(organisation=loops.org)
    StageFactory(loop=loops.b, kind=StageKind.ASSESSMENT, question_set=shared, duration_minutes=30)
    InvitationFactory(candidate=loops.cand, stage=loops.interview_a)
    both = CandidateFactory(organisation=loops.org)
    StageFactory(loop=loops.a, kind=StageKind.ASSESSMENT, question_set=shared, duration_minutes=30)
    InvitationFactory(candidate=both, question_set=shared)  # a set both loops use: in both
    found = loop_candidate_ids(organisation_id=loops.org.pk, loop_ids=[loops.a.pk, loops.b.pk])
    assert found == {loops.a.pk: {loops.cand.pk, both.pk}, loops.b.pk: {both.pk}}


def _visible(membership) -> set[int]:
    return set(candidate_list_visible(membership=membership).values_list("pk", flat=True))


def test_managers_see_every_candidate(loops):
    others = {CandidateFactory(organisation=loops.org).pk for _ in range(2)}
    for role in (Role.ADMIN, Role.HIRING_MANAGER):
        assert _visible(MembershipFactory(organisation=loops.org, role=role)) == others | {loops.cand.pk}


def test_interviewers_see_the_candidates_of_the_loops_they_are_assigned_in(loops):
    InvitationFactory(candidate=loops.cand, stage=loops.interview_a)
    in_b = CandidateFactory(organisation=loops.org)
    InvitationFactory(candidate=in_b, stage=loops.interview_b)
    interviewer = MembershipFactory(organisation=loops.org, role=Role.INTERVIEWER)
    assert _visible(interviewer) == set()
    StageInterviewerFactory(stage=loops.interview_a, user=interviewer.user)
    assert _visible(interviewer) == {loops.cand.pk}


def test_an_assignment_in_another_organisation_shows_nothing_here(loops):
    InvitationFactory(candidate=loops.cand, stage=loops.interview_a)
    interviewer = MembershipFactory(organisation=loops.org, role=Role.INTERVIEWER)
    elsewhere = MembershipFactory(user=interviewer.user, role=Role.INTERVIEWER)
    StageInterviewerFactory(stage=StageFactory(loop__organisation=elsewhere.organisation), user=interviewer.user)
    assert _visible(interviewer) == set()
    assert _visible(elsewhere) == set()
