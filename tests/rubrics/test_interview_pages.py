"""Interviewers' web pages: the "My interviews" queue and the scorecard page (anchors, access, read-only)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, QuestionSet
from organisations.models import Role
from rubrics.models import ScorecardStatus
from rubrics.services.scorecards import scorecard_save_draft, scorecard_start, scorecard_submit
from tests.factories import (
    CandidateFactory,
    FocusQuestionFactory,
    MembershipFactory,
    RubricFactory,
    StageFactory,
    StageInterviewerFactory,
)

pytestmark = pytest.mark.django_db


def _invite(organisation, candidate, stage):
    question_set = QuestionSet.objects.create(organisation=organisation, title="Set", slug=f"set-{candidate.pk}")
    now = timezone.now()
    return Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        opens_at=now,
        expires_at=now + timedelta(days=3),
        duration_minutes=60,
    )


@pytest.fixture
def setup(organisation):
    stage = StageFactory(loop__organisation=organisation, title="Systems interview")
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    StageInterviewerFactory(stage=stage, user=interviewer.user)
    focus = FocusQuestionFactory(stage=stage, rubric=RubricFactory(organisation=organisation))
    invited = CandidateFactory(organisation=organisation, name="Noor Invited")
    _invite(organisation, invited, stage)
    CandidateFactory(organisation=organisation, name="Olu Elsewhere")  # not in this loop
    client = Client()
    client.force_login(interviewer.user)
    return SimpleNamespace(stage=stage, interviewer=interviewer, question=focus.question, cand=invited, client=client)


def _page_url(setup):
    return reverse("interviews-scorecard", args=[setup.stage.pk, setup.cand.pk])


def test_queue_lists_assigned_interviews_with_status(setup):
    response = setup.client.get(reverse("interviews-queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noor Invited" in html and "Systems interview" in html and "Not started" in html
    assert "Olu Elsewhere" not in html
    assert _page_url(setup) in html

    scorecard_start(interviewer=setup.interviewer.user, candidate=setup.cand, stage=setup.stage)
    assert "Draft" in setup.client.get(reverse("interviews-queue")).content.decode()


def test_queue_is_empty_for_someone_not_assigned(setup, organisation):
    other = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    client = Client()
    client.force_login(other.user)
    html = client.get(reverse("interviews-queue")).content.decode()
    assert "Noor Invited" not in html and "No interviews assigned" in html


def test_scorecard_page_shows_prompt_criteria_and_all_four_anchors(setup):
    response = setup.client.get(_page_url(setup))
    assert response.status_code == 200
    html = response.content.decode()
    assert setup.question.title in html and f"Explain {setup.question.title}." in html
    assert "Depth" in html
    for score in range(1, 5):
        assert f"Anchor {score}" in html
        assert f'value="{score}"' in html
    assert html.count('type="radio" name="rating-') == 4
    for value in ("strong_no", "no", "yes", "strong_yes"):
        assert f'name="recommendation" value="{value}"' in html
    assert "scorecard.js" in html


def test_not_assigned_member_gets_403_and_other_organisation_404(setup, organisation, other_organisation):
    bystander = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    client = Client()
    client.force_login(bystander.user)
    assert client.get(_page_url(setup)).status_code == 403

    outsider = MembershipFactory(organisation=other_organisation, role=Role.ADMIN)
    client = Client()
    client.force_login(outsider.user)
    assert client.get(_page_url(setup)).status_code == 404
    assert client.get(reverse("interviews-queue")).status_code == 200


def test_anonymous_is_sent_to_login(setup):
    response = Client().get(_page_url(setup))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _submit(setup, recommendation="yes"):
    card = scorecard_start(interviewer=setup.interviewer.user, candidate=setup.cand, stage=setup.stage)
    criterion = setup.question.current_revision.rubric.criteria.get()
    card = scorecard_save_draft(
        scorecard=card,
        actor=setup.interviewer.user,
        version=card.version,
        ratings=[{"question_id": setup.question.pk, "criterion_id": criterion.pk, "score": 3, "notes": "clear"}],
        key_takeaways="Solid fundamentals.",
        recommendation=recommendation,
    )
    return scorecard_submit(scorecard=card, actor=setup.interviewer.user)


def test_submitted_scorecard_is_read_only_with_amend_form(setup):
    _submit(setup)
    html = setup.client.get(_page_url(setup)).content.decode()
    assert 'data-testid="scorecard-readonly"' in html
    assert 'type="radio" name="rating-' not in html and "scorecard.js" not in html
    assert "3 / 4" in html and "Anchor 3" in html and "Solid fundamentals." in html
    assert 'data-testid="amend-form"' in html and "No amendments." in html
    assert "Submitted" in setup.client.get(reverse("interviews-queue")).content.decode()


def test_amend_needs_a_reason_and_keeps_history(setup):
    card = _submit(setup)
    url = _page_url(setup)
    response = setup.client.post(url, {"reason": "", "recommendation": "strong_yes"})
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.recommendation == "yes"

    response = setup.client.post(url, {"reason": "Re-read my notes", "recommendation": "strong_yes"}, follow=True)
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.recommendation == "strong_yes" and card.status == ScorecardStatus.SUBMITTED
    html = response.content.decode()
    assert "Re-read my notes" in html and 'data-testid="amendments"' in html


def test_amending_a_rating_on_the_page_keeps_the_old_one_in_the_history(setup):
    card = _submit(setup)
    criterion = setup.question.current_revision.rubric.criteria.get()
    field = f"rating-{setup.question.pk}-{criterion.pk}"
    html = setup.client.get(_page_url(setup)).content.decode()
    assert f'name="{field}"' in html and 'value="3" selected' in html  # the current rating, preselected

    refused = setup.client.post(_page_url(setup), {"reason": "typo", "recommendation": "yes", field: "7"})
    assert refused.status_code == 400 and "must be one of its levels" in refused.content.decode()
    assert card.ratings.get().score == 3

    response = setup.client.post(
        _page_url(setup), {"reason": "Misread the anchor", "recommendation": "yes", field: "2"}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.ratings.get().score == 2 and card.ratings.get().notes == "clear"  # notes kept
    previous = card.amendments.get().previous
    assert [r["score"] for r in previous["ratings"]] == [3]


def test_post_to_a_draft_changes_nothing(setup):
    assert setup.client.post(_page_url(setup), {"reason": "x", "recommendation": "yes"}).status_code == 405


def test_blind_feedback_others_only_after_own_submit(setup, organisation):
    colleague = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)
    colleague.user.first_name, colleague.user.last_name = "Cora", "Colleague"
    colleague.user.save()
    StageInterviewerFactory(stage=setup.stage, user=colleague.user)
    theirs = scorecard_start(interviewer=colleague.user, candidate=setup.cand, stage=setup.stage)
    criterion = setup.question.current_revision.rubric.criteria.get()
    theirs = scorecard_save_draft(
        scorecard=theirs,
        actor=colleague.user,
        version=0,
        ratings=[{"question_id": setup.question.pk, "criterion_id": criterion.pk, "score": 1}],
        key_takeaways="Cora's private view",
        recommendation="no",
    )
    scorecard_submit(scorecard=theirs, actor=colleague.user)
    assert "Cora's private view" not in setup.client.get(_page_url(setup)).content.decode()
    _submit(setup)
    html = setup.client.get(_page_url(setup)).content.decode()
    assert "Cora Colleague" in html and "Cora&#x27;s private view" in html
