"""Review: a reviewer's score override (the graded score kept beside it) and re-grading on demand.

The attempt goes through the real services; only the container is stood in for (``fake_container``),
and it records which image each grading asked for, so pinning to the recorded digest is visible.
"""

import pytest

from assessments.models import AttemptQuestion, AttemptStatus, CodeSubmission, SubmissionStatus
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from assessments.services.invitations import invitation_create
from common.exceptions import ApplicationError, ConflictError
from grading.models import GradingRequest, GradingResult, ScoreOverride
from grading.services.grade import GradeOutcome, submission_grade
from grading.services.overrides import score_override_record
from grading.services.submissions import submission_claim, submission_regrade, submission_requeue
from integrations.models import WebhookEvent
from integrations.services import webhook_endpoint_create
from organisations.models import Role
from tests import test_scores_agree
from tests.factories import CandidateFactory, MembershipFactory
from tests.grading.conftest import _attempt_question
from tests.test_scores_agree import _graded_attempt, fake_container

pytestmark = pytest.mark.django_db
loop = test_scores_agree.loop  # the fixture: a loop whose assessment has two coding questions (1 and 3 points)


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER, user__first_name="Grace").user


@pytest.fixture
def images(monkeypatch) -> dict[str, object]:
    """The images gradings asked for, and whether the grading host still holds the pinned one."""
    seen: dict[str, object] = {"asked": [], "present": True}

    def container(spec, source, tests, image=None):
        seen["asked"].append(image)  # type: ignore[union-attr]
        return fake_container(spec, source, tests)

    monkeypatch.setattr("grading.services.grade.run_tests", container)
    monkeypatch.setattr("grading.services.grading_requests.image_available", lambda image: seen["present"])
    monkeypatch.setattr("grading.services.submissions.submission_enqueue", lambda pk, **_: None)
    return seen


@pytest.fixture
def graded(organisation, loop, monkeypatch, images):
    attempt = _graded_attempt(organisation, loop, CandidateFactory(organisation=organisation), monkeypatch)
    monkeypatch.setattr("grading.services.grade.run_tests", _asked(images))  # _graded_attempt set its own
    first, second = AttemptQuestion.objects.filter(attempt=attempt, revision__question__kind="coding").order_by("pk")
    return {"attempt": attempt, "full": first, "half": second}


def _asked(images):
    def container(spec, source, tests, image=None):
        images["asked"].append(image)
        return fake_container(spec, source, tests)

    return container


def _final(question) -> CodeSubmission:
    return CodeSubmission.objects.get(attempt_question=question, purpose="final")


# --- overrides ----------------------------------------------------------------------------------------


def test_an_override_counts_in_the_result_and_the_graded_score_stays_beside_it(manager_client, graded):
    attempt, half = graded["attempt"], graded["half"]
    url = f"/api/v1/attempts/{attempt.pk}/score-overrides/"
    before = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    graded_half = next(q for q in before["questions"] if q["question_id"] == half.revision.question_id)["coding"]
    assert 0 < graded_half["score"] < 1 and graded_half["override"] is None and before["overridden"] is False

    body = {"question_id": half.revision.question_id, "score": 1.0, "reason": "Hidden test 3 was wrong"}
    result = manager_client.post(url, body, format="json")
    assert result.status_code == 200
    data = result.json()
    coding = next(q for q in data["questions"] if q["question_id"] == half.revision.question_id)["coding"]
    assert coding["score"] == 1.0 and coding["graded_score"] == graded_half["score"]
    assert coding["override"]["reason"] == "Hidden test 3 was wrong" and coding["override"]["score"] == 1.0
    assert coding["override"]["graded_score"] == graded_half["score"] and coding["override"]["by"]
    assert data["score"] == 100.0 and data["graded_score"] == before["score"] and data["overridden"] is True
    assert manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json() == data

    withdrawn = manager_client.post(url, {**body, "score": None, "reason": "Test was right after all"}, format="json")
    assert withdrawn.json()["score"] == before["score"] and withdrawn.json()["overridden"] is False
    assert list(ScoreOverride.objects.order_by("pk").values_list("score", flat=True)) == [1.0, None]


def test_an_override_needs_a_graded_coding_question_and_a_reason(manager_client, graded, organisation, loop):
    attempt, half = graded["attempt"], graded["half"]
    url = f"/api/v1/attempts/{attempt.pk}/score-overrides/"
    question_id = half.revision.question_id

    def post(**changes):
        return manager_client.post(
            url, {"question_id": question_id, "score": 0.5, "reason": "x"} | changes, format="json"
        )

    assert post(score=None).json()["error"]["code"] == "no_override"  # nothing to withdraw
    assert post(score=1.5).status_code == 400
    assert post(reason="").status_code == 400
    written = AttemptQuestion.objects.get(attempt=attempt, revision__question__kind="conceptual")
    assert post(question_id=written.revision.question_id).json()["error"]["code"] == "not_coding"
    assert post(question_id=999_999).status_code == 404
    CodeSubmission.objects.filter(pk=_final(half).pk).update(status=SubmissionStatus.RUNNING)
    refused = post()
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_graded"
    assert not ScoreOverride.objects.exists()


def test_an_override_is_an_attempt_updated_webhook_without_its_reason(organisation, graded, manager):
    webhook_endpoint_create(organisation=organisation, url="https://ats.example.test/", events=["attempt.updated"])
    question_id = graded["half"].revision.question_id
    score_override_record(
        attempt=graded["attempt"], question_id=question_id, score=0.8765, reason="PRIVATE", by=manager
    )
    event = WebhookEvent.objects.get()
    assert (event.type, event.payload["data"]["change"]) == ("attempt.updated", "score_overridden")
    assert "PRIVATE" not in str(event.payload) and "0.8765" not in str(event.payload)


def test_the_report_shows_the_override_that_it_is_one_and_the_graded_score(client, graded, loop, manager):
    attempt, half = graded["attempt"], graded["half"]
    graded_score = GradingResult.objects.get(submission__attempt_question=half).score
    client.force_login(manager)
    report = f"/manage/candidates/{attempt.invitation.candidate_id}/report/?loop={loop.pk}"
    form = {"question_id": half.revision.question_id, "score": "95", "reason": "Partial credit for the idea"}
    assert client.post(f"/manage/attempts/{attempt.pk}/override/", form)["Location"].startswith(report)
    page = client.get(report).content.decode()
    assert 'data-testid="score-override"' in page and "Reviewer's override</span>" in page
    assert 'data-testid="question-score">95%<' in page
    assert f'data-testid="graded-score">{round(graded_score * 100)}%<' in page
    assert "Overridden by Grace" in page and "Partial credit for the idea" in page
    assert 'data-testid="attempt-score-overridden"' in page
    assert ScoreOverride.objects.get().created_by == manager

    empty = client.post(f"/manage/attempts/{attempt.pk}/override/", {**form, "score": ""})
    assert empty.status_code == 302 and ScoreOverride.objects.count() == 1
    client.post(f"/manage/attempts/{attempt.pk}/override/", {**form, "score": "", "withdraw": "on", "reason": "undo"})
    assert ScoreOverride.objects.order_by("-pk").first().score is None
    assert 'data-testid="score-override"' not in client.get(report).content.decode()


# --- re-grading ---------------------------------------------------------------------------------------


def test_a_regrade_goes_through_the_queue_pinned_to_the_recorded_image(graded, manager, images, organisation):
    webhook_endpoint_create(organisation=organisation, url="https://ats.example.test/", events=["attempt.updated"])
    submission = _final(graded["half"])
    previous = submission.results.get()
    request = submission_regrade(submission=submission, reason="Checker fixed", by=manager)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED  # the normal pipeline: queued, then claimed
    assert (request.kind, request.reason, request.requested_by, request.previous_result) == (
        "regrade",
        "Checker fixed",
        manager,
        previous,
    )
    assert request.pinned_image_digest == previous.image_digest == "sha256:stand-in"

    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert images["asked"][-1] == "sha256:stand-in"  # run in the recorded image
    request.refresh_from_db()
    assert request.completed_at is not None and request.image_pinned is True and request.note == ""
    assert request.result == submission.results.order_by("-pk").first() != previous
    assert submission.results.count() == 2
    attempt = graded["attempt"]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert WebhookEvent.objects.get().payload["data"]["change"] == "regraded"


def test_a_regrade_says_so_when_the_recorded_image_is_gone(graded, manager, images):
    images["present"] = False
    submission = _final(graded["half"])
    request = submission_regrade(submission=submission, reason="Retry", by=manager)
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert images["asked"][-1] is None  # the configured image
    request.refresh_from_db()
    assert request.image_pinned is False
    assert "no longer exists on this grading host" in request.note and "sha256:stand-in" in request.note


def test_a_submission_is_never_regraded_while_it_is_being_graded(graded, manager, images):
    submission = _final(graded["half"])
    submission_regrade(submission=submission, reason="First", by=manager)
    with pytest.raises(ConflictError) as queued:
        submission_regrade(submission=submission, reason="Again", by=manager)
    assert queued.value.code == "grading_in_progress"
    assert submission_claim(submission_id=submission.pk) is not None  # a worker has it now
    with pytest.raises(ConflictError):
        submission_regrade(submission=submission, reason="Again", by=manager)
    assert submission_claim(submission_id=submission.pk) is None  # a second delivery of the task: no claim
    assert GradingRequest.objects.count() == 1
    with pytest.raises(ApplicationError, match="Say why"):
        submission_regrade(submission=_final(graded["full"]), reason=" ", by=manager)


def test_while_a_question_is_regraded_it_does_not_count_and_the_report_says_so(
    client,
    manager_client,
    graded,
    manager,
    loop,
):
    attempt = graded["attempt"]
    before = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    client.force_login(manager)
    report = f"/manage/candidates/{attempt.invitation.candidate_id}/report/?loop={loop.pk}"
    question_id = graded["half"].revision.question_id
    response = client.post(f"/manage/attempts/{attempt.pk}/regrade/", {"question_id": question_id, "reason": "Bug"})
    assert response.status_code == 302
    during = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert during["score"] == 100.0 != before["score"]  # only the fully right question counts meanwhile
    page = client.get(report).content.decode()
    assert 'data-testid="regrading"' in page and 'data-testid="grading-request"' in page and "Bug" in page
    assert submission_grade(submission_id=_final(graded["half"]).pk) == GradeOutcome.GRADED
    assert manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["score"] == before["score"]
    assert "on the same image" in client.get(report).content.decode()


def test_the_api_regrades_and_answers_409_while_grading(manager_client, graded, images):
    attempt, half = graded["attempt"], graded["half"]
    url = f"/api/v1/attempts/{attempt.pk}/regrade/"
    body = {"question_id": half.revision.question_id, "reason": "Flaky sandbox"}
    response = manager_client.post(url, body, format="json")
    assert response.status_code == 202
    data = response.json()
    assert data["kind"] == "regrade" and data["submission_status"] == "queued" and data["attempt_id"] == attempt.pk
    assert data["question_id"] == half.revision.question_id and data["pinned_image_digest"] == "sha256:stand-in"
    again = manager_client.post(url, body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "grading_in_progress"
    assert manager_client.post(url, {**body, "question_id": 999_999}, format="json").status_code == 404
    assert manager_client.post(url, {"question_id": half.revision.question_id}, format="json").status_code == 400


def test_an_in_progress_attempt_cannot_be_regraded_or_overridden(manager_client, organisation, loop, images):
    assessment = loop.stages.get(position=1)
    invitation = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=assessment,
        duration_minutes=60,
        expires_at=assessment.loop.created_at.replace(year=2099),
    )
    attempt = attempt_start(invitation=invitation)
    question = AttemptQuestion.objects.filter(attempt=attempt, revision__question__kind="coding").first()
    body = {"question_id": question.revision.question_id, "reason": "x"}
    assert manager_client.post(f"/api/v1/attempts/{attempt.pk}/regrade/", body, format="json").status_code == 404
    override = manager_client.post(
        f"/api/v1/attempts/{attempt.pk}/score-overrides/", body | {"score": 1}, format="json"
    )
    assert override.status_code == 409 and override.json()["error"]["code"] == "not_graded"
    attempt_submit(attempt=attempt)  # now there are final submissions, queued
    refused = manager_client.post(f"/api/v1/attempts/{attempt.pk}/regrade/", body, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "grading_in_progress"


# --- failed gradings ----------------------------------------------------------------------------------


def test_managers_see_their_failed_gradings_and_requeue_them(client, organisation, other_organisation, graded, manager):
    ours = _final(graded["half"])
    CodeSubmission.objects.filter(pk=ours.pk).update(
        status=SubmissionStatus.FAILED, delivery_count=5, last_error="EngineUnavailable: no Docker engine"
    )
    theirs = CodeSubmission.objects.create(
        attempt_question=_attempt_question(other_organisation, "cosine_similarity"),
        purpose="final",
        source="x",
        status=SubmissionStatus.FAILED,
    )
    client.force_login(manager)
    assert 'data-testid="failed-gradings-link"' in client.get("/").content.decode()
    page = client.get("/manage/gradings/failed/").content.decode()
    assert f'data-submission="{ours.pk}"' in page and f'data-submission="{theirs.pk}"' not in page
    assert "EngineUnavailable: no Docker engine" in page

    response = client.post(f"/manage/gradings/{ours.pk}/requeue/")
    assert response.status_code == 302 and response["Location"] == "/manage/gradings/failed/"
    ours.refresh_from_db()
    assert (ours.status, ours.requeued_deliveries, ours.last_error) == ("queued", 5, "")
    request = GradingRequest.objects.get(submission=ours)
    assert (request.kind, request.requested_by, request.pinned_image_digest) == ("requeue", manager, "")
    after = client.get("/manage/gradings/failed/").content.decode()
    assert "is queued for grading again" in after and 'data-testid="no-failed-gradings"' in after

    client.post(f"/manage/gradings/{ours.pk}/requeue/")
    assert "has not failed (any more)" in client.get("/manage/gradings/failed/").content.decode()
    assert client.post(f"/manage/gradings/{theirs.pk}/requeue/").status_code == 404
    assert CodeSubmission.objects.get(pk=theirs.pk).status == SubmissionStatus.FAILED
    assert GradingRequest.objects.count() == 1


def test_a_requeued_failure_is_graded_and_answers_its_request(graded, manager, images):
    submission = _final(graded["half"])
    CodeSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.FAILED, delivery_count=5)
    assert submission_requeue(submission=submission, by=manager, reason="Docker is back")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert images["asked"][-1] is None  # a requeue is not pinned: the platform as it is now
    request = GradingRequest.objects.get()
    assert request.completed_at and request.result == submission.results.order_by("-pk").first()
    assert request.image_pinned is None
