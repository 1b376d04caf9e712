"""Reliability with real processes: Celery workers against a Redis the test owns, the real Docker engine.

Each test starts its own ``redis-server`` on a spare loopback port (non-persistent), real
``celery worker`` (prefork) and ``celery beat`` processes whose DATABASE_URL is this test's
database, and short lease and sweep timings. Rows are committed (``transaction=True``) so the
workers see them. Every scenario ends with the same check: nothing lost, nothing graded twice.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from docker.errors import DockerException

from assessments.models import Attempt, AttemptQuestion, CodeSubmission, Invitation, SubmissionStatus
from assessments.services.submissions import submission_create
from config.celery import app
from grading.models import GradingResult, Verdict
from grading.services import GradeOutcome, submission_claim, submission_grade, submissions_sweep
from grading.services.grade import _platform_failure
from sandbox import SandboxConfig
from sandbox.api import get_client
from sandbox.container import LABEL, OWNER_LABEL, owner_is_alive
from sandbox.errors import ContainerFailed
from tests.factories import CandidateFactory
from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, wait_for, worker_env

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]
real_processes = pytest.mark.django_db(transaction=True)

WRONG = Path(__file__).resolve().parent.parent / "assessments" / "wrong_solutions"
LEASE_SECONDS = 12  # above the task's hard limit below, as in production (lease 360 > hard 300)
REQUEUE_AFTER_SECONDS = 2
WORKER_ENV = {
    "GRADING_LEASE_SECONDS": str(LEASE_SECONDS),
    "GRADING_REQUEUE_AFTER_SECONDS": str(REQUEUE_AFTER_SECONDS),
    "GRADING_TASK_SOFT_TIME_LIMIT": "9",
    "GRADING_TASK_TIME_LIMIT": "11",
    "CELERY_VISIBILITY_TIMEOUT": "30",  # above the hard limit (DESIGN.md); the sweep, not Redis, recovers
    "GRADING_SWEEP_SECONDS": "1",  # celery beat sends the sweep every second
    "LOOPWRIGHT_SANDBOX_POOL_SIZE": "0",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Stack:
    redis: RedisServer
    celery: CeleryProcesses
    directory: Path
    orphans: list[str] = field(default_factory=list)  # sandbox containers a killed worker left running

    def wait_for(self, predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.2) -> Any:
        try:
            return wait_for(predicate, timeout=timeout, interval=interval, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.celery.logs()}") from None

    def settle(self) -> None:
        """Let every message still in the queue be consumed, so a late duplicate would show."""
        self.wait_for(lambda: self.redis.queued() == 0, timeout=30, what="the queue to drain")
        time.sleep(2)


@pytest.fixture
def stack(tmp_path: Path, docker_engine, settings) -> Iterator[Stack]:
    """A private Redis, the environment for workers, and this process's Celery app pointed at that Redis."""
    settings.GRADING_LEASE_SECONDS = LEASE_SECONDS
    settings.GRADING_REQUEUE_AFTER_SECONDS = REQUEUE_AFTER_SECONDS
    redis_server = RedisServer(tmp_path).start()
    env = worker_env(redis_server.url, **WORKER_ENV, DOCKER_HOST=django_settings.DOCKER_HOST)
    celery = CeleryProcesses(tmp_path, env)
    result = Stack(redis=redis_server, celery=celery, directory=tmp_path)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            yield result
    finally:
        celery.stop_all()
        redis_server.stop()
        _remove_orphans(result.orphans)


def _orphaned_containers(since: datetime) -> list[str]:
    """Sandbox containers created since ``since`` whose owning process (on this host) is dead."""
    client = get_client(SandboxConfig(base_url=django_settings.DOCKER_HOST))
    found = []
    for container in client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True):
        created = datetime.fromisoformat(container.attrs["Created"][:26].rstrip("Z") + "+00:00")
        if created >= since and owner_is_alive(container.labels.get(OWNER_LABEL, "")) is False:
            found.append(str(container.id))
    return found


def _remove_orphans(orphans: list[str]) -> None:
    """Remove what a SIGKILLed worker left running: containers whose owner died (only ours, on a shared engine)."""
    client = get_client(SandboxConfig(base_url=django_settings.DOCKER_HOST))
    for container_id in orphans:
        with contextlib.suppress(DockerException):
            client.containers.get(container_id).remove(force=True)


def another_attempt_question(attempt_question: AttemptQuestion) -> AttemptQuestion:
    """The same question in another candidate's attempt (one final submission per attempt question)."""
    first = attempt_question.attempt
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=first.organisation,
        candidate=CandidateFactory(organisation=first.organisation),
        question_set=first.invitation.question_set,
        opens_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )
    attempt = Attempt.objects.create(
        organisation=first.organisation, invitation=invitation, started_at=now, deadline=now + timedelta(hours=1)
    )
    return AttemptQuestion.objects.create(attempt=attempt, revision=attempt_question.revision, position=1)


def state(submission: CodeSubmission) -> tuple[str, int, int]:
    """(status, delivery_count, number of grading results), read fresh from the database."""
    row = CodeSubmission.objects.values("status", "delivery_count").get(pk=submission.pk)
    return row["status"], row["delivery_count"], GradingResult.objects.filter(submission=submission).count()


def assert_graded_once(submission: CodeSubmission, verdict: str, deliveries: int) -> GradingResult:
    submission.refresh_from_db()
    results = list(GradingResult.objects.filter(submission=submission))
    assert len(results) == 1, f"submission {submission.pk} has {len(results)} results"
    assert submission.status == SubmissionStatus.GRADED
    assert submission.lease_expires_at is None and submission.last_error == ""
    assert submission.delivery_count == deliveries
    assert results[0].verdict == verdict
    return results[0]


@real_processes
def test_a_worker_killed_mid_grade_is_finished_by_another_worker_exactly_once(stack, cosine_question):
    spec = cosine_question.revision.coding_spec
    slow_reference = "import time\n\ntime.sleep(3)  # keeps the grade in flight long enough to kill it\n\n"
    slow_reference += spec.reference_solution
    w1 = stack.celery.worker("w1", wait=False)
    beat = stack.celery.beat(wait=False)
    stack.celery.wait_ready(w1, beat)
    started = timezone.now() - timedelta(seconds=2)

    submission = submission_create(attempt_question=cosine_question, source=slow_reference, purpose="final")
    stack.wait_for(lambda: state(submission)[0] == SubmissionStatus.RUNNING, timeout=30, what="w1 to claim it")
    time.sleep(1)  # its container is running the candidate's code now (which takes over 3 s)
    w1.kill()  # SIGKILL the worker's whole process group, mid-grade
    assert not w1.alive
    stack.orphans += _orphaned_containers(started)
    assert stack.orphans, "w1 was killed with no sandbox container running"
    killed_at = time.monotonic()
    assert state(submission) == (SubmissionStatus.RUNNING, 1, 0), "w1 was not killed mid-grade"

    w2 = stack.celery.worker("w2")
    # Nothing can take it before the lease ends: then beat's sweep re-enqueues it and w2 grades it.
    stack.wait_for(
        lambda: state(submission)[0] == SubmissionStatus.GRADED, timeout=LEASE_SECONDS + 60, what="w2 to grade it"
    )
    assert time.monotonic() - killed_at >= LEASE_SECONDS - 3, "re-claimed before the dead worker's lease ended"
    stack.settle()

    result = assert_graded_once(submission, Verdict.ACCEPTED, deliveries=2)  # w1's claim, then w2's
    assert result.score == 1.0
    assert result.test_results.count() == spec.test_cases.filter(visibility="hidden").count()
    assert "succeeded" in w2.output() and "graded" in w2.output(), stack.celery.logs()


@real_processes
def test_messages_lost_in_a_redis_restart_are_recovered_by_the_sweep_exactly_once(
    stack, cosine_question, beam_question
):
    wrong_cosine, wrong_beam = another_attempt_question(cosine_question), another_attempt_question(beam_question)
    cosine, beam = cosine_question.revision.coding_spec, beam_question.revision.coding_spec
    cases = [
        (cosine_question, cosine.reference_solution, Verdict.ACCEPTED),
        (beam_question, beam.reference_solution, Verdict.ACCEPTED),
        (wrong_cosine, (WRONG / "cosine_off_by_one.py").read_text(), Verdict.WRONG_ANSWER),
        (wrong_beam, (WRONG / "beam_greedy.py").read_text(), Verdict.WRONG_ANSWER),
    ]
    submissions = [
        submission_create(attempt_question=question, source=source, purpose="final") for question, source, _ in cases
    ]
    assert stack.redis.queued() == len(cases)  # sent on commit; no worker runs yet

    stack.redis.restart()  # non-persistent: the messages are gone, the rows are not
    assert stack.redis.queued() == 0
    assert [state(s) for s in submissions] == [(SubmissionStatus.QUEUED, 0, 0)] * len(cases)

    # Two workers share the recovered work; the sweep may send a submission twice, it is graded once.
    processes = [stack.celery.worker(name, wait=False) for name in ("w1", "w2")] + [stack.celery.beat(wait=False)]
    stack.celery.wait_ready(*processes)
    stack.wait_for(
        lambda: all(state(s)[0] == SubmissionStatus.GRADED for s in submissions),
        timeout=90,
        interval=0.5,
        what="every submission to be graded",
    )
    stack.settle()

    for submission, (_, _, verdict) in zip(submissions, cases, strict=True):
        assert_graded_once(submission, verdict, deliveries=1)


@real_processes
def test_an_unavailable_docker_engine_keeps_the_submission_queued_until_one_answers(stack, cosine_question):
    max_deliveries = 2
    no_engine = f"unix://{stack.directory}/no-docker-here.sock"
    blind = stack.celery.worker("blind", DOCKER_HOST=no_engine, GRADING_MAX_DELIVERIES=str(max_deliveries))
    source = cosine_question.revision.coding_spec.reference_solution
    submission = submission_create(attempt_question=cosine_question, source=source, purpose="final")

    def retried_more_than_the_delivery_cap() -> bool:
        submissions_sweep()  # re-enqueues the queued row every REQUEUE_AFTER_SECONDS: more attempts
        status, deliveries, results = state(submission)
        assert status in (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING), status
        assert deliveries <= 1 and results == 0, (deliveries, results)
        return blind.output().count("retry: Retry in") > max_deliveries

    stack.wait_for(retried_more_than_the_delivery_cap, timeout=40, interval=0.5, what="repeated attempts")
    blind.stop()  # warm shutdown: its retry messages go back to the queue
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED and submission.delivery_count == 0
    assert submission.last_error.startswith("waiting for the sandbox: ")
    assert not GradingResult.objects.filter(submission=submission).exists()

    stack.celery.worker("sighted")  # the same worker, with the real engine
    stack.wait_for(
        lambda: submissions_sweep() is not None and state(submission)[0] == SubmissionStatus.GRADED,
        timeout=60,
        interval=0.5,
        what="the submission to be graded once the engine answers",
    )
    stack.settle()
    assert assert_graded_once(submission, Verdict.ACCEPTED, deliveries=1).score == 1.0


@pytest.mark.django_db
def test_a_platform_failure_after_the_lease_was_taken_over_records_nothing(
    cosine_question, no_enqueue, settings, monkeypatch
):
    """A worker that lost its lease must not fail the submission or add a result (it is not its claim)."""
    settings.GRADING_MAX_DELIVERIES = 1
    source = cosine_question.revision.coding_spec.reference_solution
    submission = submission_create(attempt_question=cosine_question, source=source, purpose="final")
    takeover: list[CodeSubmission] = []

    def run_outlasting_the_lease(spec, source, tests, image=None):
        CodeSubmission.objects.filter(pk=submission.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        claim = submission_claim(submission_id=submission.pk)  # the sweep's delivery, on another worker
        assert claim is not None
        takeover.append(claim)
        raise ContainerFailed("the engine dropped the container")

    monkeypatch.setattr("grading.services.grade.run_tests", run_outlasting_the_lease)
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.RETRY  # a no-op retry: claim lost
    assert state(submission) == (SubmissionStatus.RUNNING, 2, 0)  # the current claim is untouched

    # The current claim fails too, with its deliveries used up: failed, with exactly one result.
    assert _platform_failure(takeover[0], ContainerFailed("again")) == GradeOutcome.FAILED
    assert state(submission) == (SubmissionStatus.FAILED, 2, 1)
    assert GradingResult.objects.get(submission=submission).verdict == Verdict.INTERNAL_ERROR
