"""Deleting a candidate never loses feedback: attempts, scorecards and decisions keep the candidate."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from assessments.models import Attempt, Candidate, Decision, Invitation, QuestionSet
from rubrics.models import Scorecard
from tests.factories import CandidateFactory, LoopFactory, ScorecardFactory, StageFactory

pytestmark = pytest.mark.django_db


def _invitation(organisation, candidate):
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug=f"s{candidate.pk}")
    now = timezone.now()
    return Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        opens_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )


def _with_attempt(organisation, candidate):
    now = timezone.now()
    invitation = _invitation(organisation, candidate)
    Attempt.objects.create(
        organisation=organisation, invitation=invitation, started_at=now, deadline=now + timedelta(hours=1)
    )


def _with_scorecard(organisation, candidate):
    ScorecardFactory(stage=StageFactory(loop=LoopFactory(organisation=organisation)), candidate=candidate)


def _with_decision(organisation, candidate):
    loop = LoopFactory(organisation=organisation)
    Decision.objects.create(organisation=organisation, candidate=candidate, loop=loop, outcome="hold", reason="r")


@pytest.mark.parametrize("feedback", [_with_attempt, _with_scorecard, _with_decision])
def test_a_candidate_with_feedback_is_refused_with_409_and_kept(manager_client, organisation, feedback):
    candidate = CandidateFactory(organisation=organisation)
    feedback(organisation, candidate)
    response = manager_client.delete(f"/api/v1/candidates/{candidate.pk}/")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "candidate_has_feedback" and error["message"]
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    assert Scorecard.objects.count() + Decision.objects.count() + Attempt.objects.count() == 1


def test_a_candidate_with_only_an_unused_invitation_is_in_use(manager_client, organisation):
    candidate = CandidateFactory(organisation=organisation)
    _invitation(organisation, candidate)
    response = manager_client.delete(f"/api/v1/candidates/{candidate.pk}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "candidate_in_use"
    assert Invitation.objects.filter(candidate=candidate).exists()


def test_a_candidate_without_anything_is_deleted(manager_client, organisation):
    candidate = CandidateFactory(organisation=organisation)
    assert manager_client.delete(f"/api/v1/candidates/{candidate.pk}/").status_code == 204
    assert not Candidate.objects.filter(pk=candidate.pk).exists()


@pytest.mark.parametrize("feedback", [_with_attempt, _with_scorecard, _with_decision])
def test_the_foreign_keys_protect_feedback_whatever_deletes_the_candidate(organisation, feedback):
    """A row that slips in after any check (a racing request, the admin, a shell) still stops the delete."""
    candidate = CandidateFactory(organisation=organisation)
    feedback(organisation, candidate)
    with pytest.raises(ProtectedError):
        candidate.delete()
