"""One score everywhere: a graded attempt scores the same in the report, the API's result and Greenhouse.

The attempt goes through the real services (start, answer, submit, claim, check, record, mark
graded); only the container is stood in for, answering each hidden test as the candidate's code
would. Two coding questions worth 1 and 3 points, the second half right, and scorecards in two
interview stages make the weighted figures non-trivial.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AttemptQuestion, CodingSpec, SectionItem, StageKind
from assessments.services.answers import answer_save, attempt_submit
from assessments.services.attempts import attempt_start
from assessments.services.coding import coding_spec_from_seed
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from common import scoring
from grading.models import GradingResult
from grading.runner import spec_limits
from grading.services.grade import GradeOutcome, submission_grade
from grading.services.overrides import score_override_record
from integrations.models import ApiKeyScope, GreenhouseInterview
from integrations.services.api_keys import api_key_create
from manage.selectors.reports import candidate_report
from organisations.models import Role
from rubrics.models import Criterion, Level
from sandbox.types import CompileStatus, RunResult, TestOutcome, TestStatus
from tests.assessments.test_report import _scorecard
from tests.factories import (
    CandidateFactory,
    LoopFactory,
    MembershipFactory,
    QuestionFactory,
    RubricFactory,
    StageFactory,
)
from tests.integrations.test_greenhouse import basic

pytestmark = pytest.mark.django_db

SET_MD = """# Screen

## Coding

1. Implement a function in Python that calculates the cosine similarity between two vectors.
2. Implement cosine similarity for two sentence embeddings.

## Concepts

3. What is a token?
"""
SLOW = "# slow: times out on every other test"


def fake_container(spec, source, tests, image=None):
    """The reference solution's answers; code marked SLOW times out on every other test."""
    outcomes = [_outcome(test, timed_out=SLOW in source and index % 2 == 1) for index, test in enumerate(tests)]
    return RunResult(
        compile_status=CompileStatus.OK,
        compile_error=None,
        outcomes=outcomes,
        image="loopwright-python",
        image_digest="sha256:stand-in",
        runtime="runc",
        limits=spec_limits(spec),
    )


def _outcome(test, *, timed_out: bool) -> TestOutcome:
    if timed_out:
        return TestOutcome(test_id=str(test.pk), status=TestStatus.TIMEOUT)
    if test.expected_exception:
        return TestOutcome(test_id=str(test.pk), status=TestStatus.EXCEPTION, exc_type=test.expected_exception)
    return TestOutcome(test_id=str(test.pk), status=TestStatus.OK, value=test.expected)


@pytest.fixture
def loop(organisation):
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    coding = SectionItem.objects.filter(section__question_set=question_set, question__kind="coding")
    for points, item in zip((1.0, 3.0), coding.order_by("position"), strict=True):
        spec = coding_spec_from_seed(question=item.question, seed_name="cosine_similarity")
        CodingSpec.objects.filter(pk=spec.pk).update(published_at=spec.created_at)
        SectionItem.objects.filter(pk=item.pk).update(points=points)
    loop = LoopFactory(organisation=organisation)
    StageFactory(loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60)
    StageFactory(loop=loop, position=2, weight=2.0, title="Onsite")
    StageFactory(loop=loop, position=3, weight=1.0, title="Final")
    return loop


def _graded_attempt(organisation, loop, candidate, monkeypatch):
    monkeypatch.setattr("assessments.services.submissions.submission_enqueue", lambda pk, **_: None)
    monkeypatch.setattr("grading.services.grade.run_tests", fake_container)
    assessment = loop.stages.get(position=1)
    invitation = invitation_create(
        organisation=organisation,
        candidate=candidate,
        stage=assessment,
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=1),
    )
    attempt = attempt_start(invitation=invitation)
    first, second = AttemptQuestion.objects.filter(attempt=attempt, revision__question__kind="coding").order_by("pk")
    reference = first.revision.coding_spec.reference_solution
    answer_save(attempt=attempt, attempt_question_id=first.pk, body=reference, version=0)
    answer_save(attempt=attempt, attempt_question_id=second.pk, body=f"{SLOW}\n{reference}", version=0)
    for submission in attempt_submit(attempt=attempt).submissions:
        assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    return attempt


def _scorecards(organisation, loop, candidate):
    rubric = RubricFactory(organisation=organisation)
    depth = rubric.criteria.get()
    clarity = Criterion.objects.create(rubric=rubric, position=2, name="Clarity", weight=3.0)
    for score in range(1, 5):
        Level.objects.create(criterion=clarity, score=score, label=f"L{score}", description=f"Anchor {score}")
    topic = QuestionFactory(organisation=organisation, title="System design")
    for stage, ratings in (
        (loop.stages.get(position=2), {depth: 4, clarity: 2}),
        (loop.stages.get(position=3), {depth: 2, clarity: 4}),
    ):
        interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
        _scorecard(stage, candidate, interviewer, ratings, question=topic)


def test_report_api_result_and_greenhouse_agree_on_a_graded_attempt(
    client, manager_client, organisation, loop, monkeypatch
):
    candidate = CandidateFactory(organisation=organisation)
    attempt = _graded_attempt(organisation, loop, candidate, monkeypatch)
    _scorecards(organisation, loop, candidate)
    interview = GreenhouseInterview.objects.create(
        organisation=organisation, invitation=attempt.invitation, callback_url="https://gh.example/cb"
    )
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)

    results = GradingResult.objects.filter(submission__attempt_question__attempt=attempt)
    scores = dict(results.values_list("submission__attempt_question__points", "score"))
    assert scores[1.0] == 1.0 and 0 < scores[3.0] < 1  # the slow answer passed only some tests
    expected = scoring.coding_score([(1.0, scores[1.0]), (3.0, scores[3.0])])

    report = candidate_report(membership=manager, candidate=candidate, loop=loop)
    result = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    key = api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.READ)[1]
    status = client.get(
        "/greenhouse/test_status", {"partner_interview_id": interview.public_id}, HTTP_AUTHORIZATION=basic(key)
    ).json()

    (reported,) = report["attempts"]
    assert reported["score"] == result["score"] == status["partner_score"] == expected
    assert 0 < expected < 100
    assert result["rubric"]["overall"] == round(report["aggregate"]["overall"], 3) == round((2 * 2.5 + 3.5) / 3, 3)

    client.force_login(manager.user)
    page = client.get(f"/manage/candidates/{candidate.pk}/report/?loop={loop.pk}").content.decode()
    assert f'data-testid="attempt-score">{expected:.2f} / 100<' in page
    assert f'data-testid="overall-score">{report["aggregate"]["overall"]:.2f} / 4<' in page


def test_with_a_reviewers_override_they_agree_and_each_says_it_is_one(
    client, manager_client, organisation, loop, monkeypatch
):
    candidate = CandidateFactory(organisation=organisation)
    attempt = _graded_attempt(organisation, loop, candidate, monkeypatch)
    interview = GreenhouseInterview.objects.create(
        organisation=organisation, invitation=attempt.invitation, callback_url="https://gh.example/cb"
    )
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    graded = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()["score"]
    half = AttemptQuestion.objects.get(attempt=attempt, points=3.0)
    score_override_record(
        attempt=attempt, question_id=half.revision.question_id, score=0.9, reason="x", by=manager.user
    )
    expected = scoring.coding_score([(1.0, 1.0), (3.0, 0.9)])
    assert expected != graded

    report = candidate_report(membership=manager, candidate=candidate, loop=loop)
    result = manager_client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    key = api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.READ)[1]
    status = client.get(
        "/greenhouse/test_status", {"partner_interview_id": interview.public_id}, HTTP_AUTHORIZATION=basic(key)
    ).json()
    (reported,) = report["attempts"]
    assert reported["score"] == result["score"] == status["partner_score"] == expected
    assert reported["graded_score"] == result["graded_score"] == status["metadata"]["Graded score"] == graded
    assert reported["overridden"] and result["overridden"]
    assert status["metadata"]["Score overridden by a reviewer"] == "Yes"
    client.force_login(manager.user)
    page = client.get(f"/manage/candidates/{candidate.pk}/report/?loop={loop.pk}").content.decode()
    assert f'data-testid="attempt-score">{expected:.2f} / 100<' in page and "attempt-score-overridden" in page
