"""An attempt whose final submissions are all graded is graded, exactly once, whatever order they finish in.

The concurrent test runs real Celery workers (prefork, one process each) against a private Redis,
this test's PostgreSQL database and the real sandbox. Its workers load ``tests.grading.race_app``,
which makes an attempt's two gradings meet after each wrote its own result and before either decides
about the attempt: the moment two workers finishing together used to leave the attempt submitted
for good. The sweep test starts from that broken state as old code left it in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    Invitation,
    QuestionSet,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.coding import coding_spec_from_seed
from assessments.services.questions import question_create
from assessments.services.submissions import submission_create
from config.celery import app
from grading.models import GradingResult, Verdict
from grading.tasks import sweep_submissions
from integrations.greenhouse.services import GREENHOUSE_CALLBACKS
from integrations.models import GreenhouseCallbackStatus, GreenhouseInterview, WebhookDelivery, WebhookEvent
from integrations.services import webhook_endpoint_create
from tests.factories import CandidateFactory
from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, wait_for, worker_env
from tests.grading.race_app import meet_key
from tests.integrations.receiver import Receiver

ATTEMPTS = 8
SEEDS = ("cosine_similarity", "beam_search")


@dataclass
class TwoQuestions:
    question_set: QuestionSet
    revisions: list  # one coding revision per seed, with its reference solution


@pytest.fixture
def two_coding_questions(organisation) -> TwoQuestions:
    question_set = QuestionSet.objects.create(organisation=organisation, title="Two", slug="two-coding")
    revisions = []
    for seed in SEEDS:
        question = question_create(organisation=organisation, kind="coding", prompt=f"Implement {seed}.")
        coding_spec_from_seed(question=question, seed_name=seed)
        revisions.append(question.current_revision)
    return TwoQuestions(question_set, revisions)


def submitted_attempt(organisation, questions: TwoQuestions) -> Attempt:
    """A submitted attempt with both coding questions answered (no submissions yet)."""
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        question_set=questions.question_set,
        opens_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )
    attempt = Attempt.objects.create(
        organisation=organisation,
        invitation=invitation,
        started_at=now - timedelta(minutes=30),
        deadline=now + timedelta(minutes=30),
        status=AttemptStatus.SUBMITTED,
        submitted_at=now,
    )
    for position, revision in enumerate(questions.revisions, start=1):
        question = AttemptQuestion.objects.create(attempt=attempt, revision=revision, position=position)
        Answer.objects.create(attempt_question=question, body=revision.coding_spec.reference_solution)
    return attempt


def final_submissions(attempt: Attempt) -> list[CodeSubmission]:
    return [
        submission_create(attempt_question=question, source=question.answer.body, purpose=SubmissionPurpose.FINAL)
        for question in attempt.questions.select_related("answer", "revision__question").order_by("position")
    ]


@dataclass
class RacingWorkers:
    celery: CeleryProcesses
    redis: RedisServer  # the broker, and the gradings' meeting counters

    def logs(self) -> str:
        return self.celery.logs()

    def meetings(self, attempt_id: int) -> int:
        """How many gradings of the attempt reached the meeting point before deciding about it."""
        with self.redis.client() as client:
            return int(client.get(meet_key(attempt_id)) or 0)


@pytest.fixture
def racing_workers(tmp_path: Path, docker_engine) -> Iterator[RacingWorkers]:
    """Two grading workers whose gradings of one attempt meet; one worker for the webhook deliveries."""
    redis_server = RedisServer(tmp_path).start()
    env = worker_env(
        redis_server.url,
        DOCKER_HOST=django_settings.DOCKER_HOST,
        LOOPWRIGHT_SANDBOX_POOL_SIZE="0",
        RACE_MEET_REDIS_URL=redis_server.url,
        PYTHONUNBUFFERED="1",
    )
    celery = CeleryProcesses(tmp_path, env)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            first = celery.worker("grader-1", queues="grading", app="tests.grading.race_app", wait=False)
            second = celery.worker("grader-2", queues="grading", app="tests.grading.race_app", wait=False)
            deliveries = celery.worker("deliveries", queues="webhooks", wait=False)
            celery.wait_ready(first, second, deliveries)
            yield RacingWorkers(celery, redis_server)
    finally:
        celery.stop_all()
        redis_server.stop()


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_submissions_finishing_together_always_grade_the_attempt(
    organisation, two_coding_questions, racing_workers
):
    receiver = Receiver().start()
    try:
        endpoint = webhook_endpoint_create(organisation=organisation, url=receiver.url, events=["attempt.graded"])
        receiver.secret = endpoint.secret
        attempts = [submitted_attempt(organisation, two_coding_questions) for _ in range(ATTEMPTS)]
        for attempt in attempts:
            final_submissions(attempt)  # each is sent to the workers as its transaction commits

        def all_submissions_graded() -> bool:
            pending = CodeSubmission.objects.filter(attempt_question__attempt__in=attempts)
            return not pending.exclude(status=SubmissionStatus.GRADED).exists()

        wait_for(all_submissions_graded, timeout=240, what=f"{2 * ATTEMPTS} gradings\n{racing_workers.logs()}")
        statuses = dict(Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list("pk", "status"))
        assert statuses == {attempt.pk: AttemptStatus.GRADED for attempt in attempts}, racing_workers.logs()
        meetings = {attempt.pk: racing_workers.meetings(attempt.pk) for attempt in attempts}
        assert meetings == {attempt.pk: 2 for attempt in attempts}  # both gradings met before deciding, every time

        events = WebhookEvent.objects.filter(organisation=organisation, type="attempt.graded")
        assert sorted(events.values_list("payload__data__attempt_id", flat=True)) == sorted(a.pk for a in attempts)
        wait_for(
            lambda: len(receiver.processed()) == ATTEMPTS,
            timeout=60,
            what=f"{ATTEMPTS} webhooks at the receiver\n{racing_workers.logs()}",
        )
        assert set(receiver.processed().values()) == {1}  # each attempt's webhook arrived once
        graded_ids = sorted(item.payload["data"]["attempt_id"] for item in receiver.received if item.verified)
        assert graded_ids == sorted(a.pk for a in attempts)
        assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == ATTEMPTS
    finally:
        receiver.stop()


def graded_without_the_attempt(organisation, questions: TwoQuestions) -> Attempt:
    """What the race left behind: every final submission graded, the attempt still submitted."""
    attempt = submitted_attempt(organisation, questions)
    for question in attempt.questions.all():
        submission = CodeSubmission.objects.create(
            attempt_question=question,
            source=question.answer.body,
            purpose=SubmissionPurpose.FINAL,
            status=SubmissionStatus.GRADED,
            delivery_count=1,
        )
        GradingResult.objects.create(submission=submission, verdict=Verdict.ACCEPTED, score=1.0, test_revision="t")
    return attempt


@pytest.mark.django_db
def test_the_sweep_repairs_an_attempt_left_submitted_and_sends_its_notices_once(
    organisation, two_coding_questions, django_capture_on_commit_callbacks, monkeypatch
):
    callbacks: list[int] = []
    monkeypatch.setattr(GREENHOUSE_CALLBACKS, "enqueue_on_commit", lambda pk, countdown=None: callbacks.append(pk))
    url = "https://a.example.test/"
    endpoint = webhook_endpoint_create(organisation=organisation, url=url, events=["attempt.graded"])
    stuck = graded_without_the_attempt(organisation, two_coding_questions)
    interview = GreenhouseInterview.objects.create(
        organisation=organisation, invitation=stuck.invitation, callback_url="https://gh.example.test/callback"
    )
    still_grading = graded_without_the_attempt(organisation, two_coding_questions)
    CodeSubmission.objects.filter(attempt_question__attempt=still_grading, attempt_question__position=2).update(
        status=SubmissionStatus.RUNNING, lease_expires_at=timezone.now() + timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=False):
        sweep_submissions()
        sweep_submissions()  # a second sweep finds nothing left to repair

    stuck.refresh_from_db()
    still_grading.refresh_from_db()
    assert stuck.status == AttemptStatus.GRADED
    assert still_grading.status == AttemptStatus.SUBMITTED  # a submission is still running: not graded yet
    events = WebhookEvent.objects.filter(type="attempt.graded")
    assert list(events.values_list("payload__data__attempt_id", flat=True)) == [stuck.pk]
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
    interview.refresh_from_db()
    assert interview.callback_status == GreenhouseCallbackStatus.PENDING
    assert callbacks == [interview.pk]
