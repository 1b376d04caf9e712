"""Blind feedback cannot be bypassed: scorecards only for a candidate in the stage's loop, unblinded per loop.

The attack from issue 12: an interviewer of loop A started and submitted a junk scorecard for a
candidate of loop B, then read the other interviewers' scorecards for that candidate from every
loop, and the junk entered loop A's report and calibration.
"""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Invitation
from common.exceptions import PermissionDeniedError
from organisations.models import Role
from rubrics.models import Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.calibration import loop_calibration
from rubrics.selectors.scorecards import scorecard_list_visible
from rubrics.services.scorecards import scorecard_save_draft, scorecard_start, scorecard_submit
from tests.factories import (
    CandidateFactory,
    FocusQuestionFactory,
    InvitationFactory,
    LoopFactory,
    MembershipFactory,
    RubricFactory,
    StageFactory,
    StageInterviewerFactory,
    in_loop,
)

pytestmark = pytest.mark.django_db


def _interviewer(organisation, *stages):
    membership = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    for stage in stages:
        StageInterviewerFactory(stage=stage, user=membership.user)
    return membership


@pytest.fixture
def two_loops(organisation):
    """Interview stages in loops A and B, each with a focus question; Ana is in A, Ben in B, Cy in both.

    Xena interviews in A; Will in A and Yan in B have submitted scorecards for Cy.
    """
    stage_a, stage_b = (StageFactory(loop=LoopFactory(organisation=organisation)) for _ in range(2))
    for stage in (stage_a, stage_b):
        FocusQuestionFactory(stage=stage, rubric=RubricFactory(organisation=organisation))
    ana = in_loop(CandidateFactory(organisation=organisation, name="Ana"), stage_a)
    ben = in_loop(CandidateFactory(organisation=organisation, name="Ben"), stage_b)
    cy = in_loop(in_loop(CandidateFactory(organisation=organisation, name="Cy"), stage_a), stage_b)
    world = SimpleNamespace(org=organisation, a=stage_a, b=stage_b, ana=ana, ben=ben, cy=cy)
    world.xena = _interviewer(organisation, stage_a)
    world.will_card = _submit(_interviewer(organisation, stage_a), stage_a, cy)
    world.yan_card = _submit(_interviewer(organisation, stage_b), stage_b, cy)
    return world


def _submit(membership, stage, candidate, score=3):
    card = scorecard_start(interviewer=membership.user, candidate=candidate, stage=stage)
    question = stage.focus_questions.get().question
    ratings = [
        {"question_id": question.pk, "criterion_id": criterion.pk, "score": score}
        for criterion in question.current_revision.rubric.criteria.all()
    ]
    card = scorecard_save_draft(
        scorecard=card, actor=membership.user, version=card.version, ratings=ratings, recommendation=Recommendation.YES
    )
    return scorecard_submit(scorecard=card, actor=membership.user)


def _api(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def _visible(membership, candidate) -> set[int]:
    return set(scorecard_list_visible(membership=membership, candidate=candidate).values_list("pk", flat=True))


# --- starting a scorecard --------------------------------------------------------------------------


def test_the_service_refuses_a_candidate_of_another_loop(two_loops):
    with pytest.raises(PermissionDeniedError) as refused:
        scorecard_start(interviewer=two_loops.xena.user, candidate=two_loops.ben, stage=two_loops.a)
    assert refused.value.code == "not_in_loop"
    assert not Scorecard.objects.filter(candidate=two_loops.ben, stage=two_loops.a).exists()


def test_the_api_hides_a_candidate_the_interviewer_may_not_see(two_loops):
    body = {"candidate_id": two_loops.ben.pk, "stage_id": two_loops.a.pk}
    response = _api(two_loops.xena).post("/api/v1/scorecards/", body, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert not Scorecard.objects.filter(candidate=two_loops.ben, stage=two_loops.a).exists()


def test_the_api_refuses_a_candidate_of_another_of_the_interviewers_loops(two_loops):
    both = _interviewer(two_loops.org, two_loops.a, two_loops.b)  # may see Ben, through loop B
    body = {"candidate_id": two_loops.ben.pk, "stage_id": two_loops.a.pk}
    response = _api(both).post("/api/v1/scorecards/", body, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_in_loop"
    assert not Scorecard.objects.filter(candidate=two_loops.ben, stage=two_loops.a).exists()


def test_a_manager_assigned_to_the_stage_is_refused_too(two_loops):
    manager = MembershipFactory(organisation=two_loops.org, role=Role.HIRING_MANAGER)
    StageInterviewerFactory(stage=two_loops.a, user=manager.user)
    body = {"candidate_id": two_loops.ben.pk, "stage_id": two_loops.a.pk}
    response = _api(manager).post("/api/v1/scorecards/", body, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_in_loop"


def test_a_withdrawn_invitation_nobody_started_takes_the_candidate_out(two_loops):
    Invitation.objects.filter(candidate=two_loops.ana).update(revoked_at=timezone.now())
    with pytest.raises(PermissionDeniedError):
        scorecard_start(interviewer=two_loops.xena.user, candidate=two_loops.ana, stage=two_loops.a)


def test_no_junk_reaches_the_loops_calibration(two_loops):
    before = loop_calibration(loop=two_loops.a.loop).ratings
    with pytest.raises(PermissionDeniedError):
        _submit(two_loops.xena, two_loops.a, two_loops.ben, score=1)
    assert loop_calibration(loop=two_loops.a.loop).ratings == before


# --- blind feedback, per loop -----------------------------------------------------------------------


def test_submitting_in_loop_a_opens_loop_a_only(two_loops):
    assert _visible(two_loops.xena, two_loops.cy) == set()
    own = _submit(two_loops.xena, two_loops.a, two_loops.cy)
    assert _visible(two_loops.xena, two_loops.cy) == {own.pk, two_loops.will_card.pk}  # not Yan's from loop B


def test_the_api_lists_and_reads_loop_a_only(two_loops):
    _submit(two_loops.xena, two_loops.a, two_loops.cy)
    client = _api(two_loops.xena)
    listed = {
        card["id"] for card in client.get(f"/api/v1/scorecards/?candidate_id={two_loops.cy.pk}").json()["results"]
    }
    assert two_loops.will_card.pk in listed and two_loops.yan_card.pk not in listed
    assert client.get(f"/api/v1/scorecards/{two_loops.yan_card.pk}/").status_code == 404


def test_an_own_draft_blinds_its_loop_and_no_other(two_loops):
    xena = two_loops.xena
    StageInterviewerFactory(stage=two_loops.b, user=xena.user)
    _submit(xena, two_loops.a, two_loops.cy)
    scorecard_start(interviewer=xena.user, candidate=two_loops.cy, stage=two_loops.b)  # a draft in loop B
    assert two_loops.will_card.pk in _visible(xena, two_loops.cy)
    assert two_loops.yan_card.pk not in _visible(xena, two_loops.cy)


def test_managers_keep_seeing_every_submitted_scorecard(two_loops):
    manager = MembershipFactory(organisation=two_loops.org, role=Role.HIRING_MANAGER)
    assert _visible(manager, two_loops.cy) == {two_loops.will_card.pk, two_loops.yan_card.pk}


# --- the scorecard page -----------------------------------------------------------------------------


def _page(membership, stage, candidate):
    client = Client()
    client.force_login(membership.user)
    return client.get(reverse("interviews-scorecard", args=[stage.pk, candidate.pk]))


def test_the_page_is_a_404_for_a_candidate_not_in_the_stages_loop(two_loops):
    assert _page(two_loops.xena, two_loops.a, two_loops.ben).status_code == 404
    assert _page(two_loops.xena, two_loops.a, two_loops.ana).status_code == 200


def test_the_page_shows_the_others_of_this_loop_only(two_loops):
    _submit(two_loops.xena, two_loops.a, two_loops.cy)
    others = _page(two_loops.xena, two_loops.a, two_loops.cy).context["others"]
    assert [card.pk for card in others] == [two_loops.will_card.pk]


def test_a_started_scorecard_keeps_its_page_and_queue_row_after_the_invitation_goes(two_loops):
    card = scorecard_start(interviewer=two_loops.xena.user, candidate=two_loops.ana, stage=two_loops.a)
    Invitation.objects.filter(candidate=two_loops.ana).update(revoked_at=timezone.now())
    assert _page(two_loops.xena, two_loops.a, two_loops.ana).status_code == 200
    client = Client()
    client.force_login(two_loops.xena.user)
    assert "Ana" in client.get(reverse("interviews-queue")).content.decode()
    assert card.status == ScorecardStatus.DRAFT


def test_the_queue_shows_each_loops_own_candidates(two_loops):
    client = Client()
    client.force_login(two_loops.xena.user)
    html = client.get(reverse("interviews-queue")).content.decode()
    assert "Ana" in html and "Cy" in html and "Ben" not in html


def test_an_invitation_without_a_stage_to_the_loops_question_set_counts_on_the_page(two_loops, organisation):
    invitation = InvitationFactory(candidate=CandidateFactory(organisation=organisation, name="Dee"))
    StageFactory(loop=two_loops.a.loop, kind="assessment", question_set=invitation.question_set, duration_minutes=30)
    assert _page(two_loops.xena, two_loops.a, invitation.candidate).status_code == 200
