from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, AttemptQuestion, Invitation, QuestionSet
from assessments.services.coding import coding_spec_from_seed
from assessments.services.questions import question_create
from tests.factories import CandidateFactory


def _attempt_question(organisation, seed_name: str) -> AttemptQuestion:
    question = question_create(organisation=organisation, kind="coding", prompt=f"Implement {seed_name}.")
    coding_spec_from_seed(question=question, seed_name=seed_name)
    question_set = QuestionSet.objects.create(organisation=organisation, title="Set", slug=f"set-{seed_name}")
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        question_set=question_set,
        opens_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )
    attempt = Attempt.objects.create(
        organisation=organisation, invitation=invitation, started_at=now, deadline=now + timedelta(hours=1)
    )
    return AttemptQuestion.objects.create(attempt=attempt, revision=question.current_revision, position=1)


@pytest.fixture
def cosine_question(organisation):
    return _attempt_question(organisation, "cosine_similarity")


@pytest.fixture
def beam_question(organisation):
    return _attempt_question(organisation, "beam_search")


@pytest.fixture
def no_enqueue(monkeypatch):
    """Record instead of sending: tests drive the grading service directly."""
    sent: list[int] = []
    for module in ("assessments.services.submissions", "grading.services.submissions"):
        monkeypatch.setattr(f"{module}.submission_enqueue", lambda pk, **_: sent.append(pk))
    return sent
