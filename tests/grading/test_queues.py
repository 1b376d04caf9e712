"""Queues by kind of work (DESIGN.md, grading point 8): final grading never waits behind sample runs."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from assessments.models import CodeSubmission, SubmissionStatus
from assessments.services.submissions import submission_create
from common import queueing
from config.celery import app
from grading.services import submissions_sweep
from grading.services.submissions import submission_requeue

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, tuple, str]]:
    messages: list[tuple[str, tuple, str]] = []

    class Broker:
        def send_task(self, name, args, queue):
            messages.append((name, args, queue))

    monkeypatch.setattr(queueing, "current_app", Broker())
    return messages


def test_final_grading_and_sample_runs_go_to_separate_queues(cosine_question, sent, django_capture_on_commit_callbacks):
    source = cosine_question.revision.coding_spec.reference_solution
    with django_capture_on_commit_callbacks(execute=True):
        final = submission_create(attempt_question=cosine_question, source=source, purpose="final")
        sample = submission_create(attempt_question=cosine_question, source=source, purpose="samples")
    assert sent == [
        ("grading.tasks.grade_submission", (final.pk,), "grading"),
        ("grading.tasks.grade_submission", (sample.pk,), "samples"),
    ]


def test_the_sweep_and_a_requeue_send_each_submission_back_to_its_own_queue(
    cosine_question, sent, settings, django_capture_on_commit_callbacks
):
    settings.GRADING_REQUEUE_AFTER_SECONDS = -1  # every queued row counts as stuck
    source = cosine_question.revision.coding_spec.reference_solution
    final = CodeSubmission.objects.create(attempt_question=cosine_question, source=source, purpose="final")
    sample = CodeSubmission.objects.create(attempt_question=cosine_question, source=source, purpose="samples")
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(submissions_sweep()) == sorted([final.pk, sample.pk])
    assert sorted(sent) == sorted(
        [
            ("grading.tasks.grade_submission", (final.pk,), "grading"),
            ("grading.tasks.grade_submission", (sample.pk,), "samples"),
        ]
    )
    sent.clear()
    CodeSubmission.objects.filter(pk=sample.pk).update(status=SubmissionStatus.FAILED)
    sample.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_requeue(submission=sample)
    assert sent == [("grading.tasks.grade_submission", (sample.pk,), "samples")]


def test_every_beat_task_runs_on_the_sweeps_queue_and_deliveries_on_webhooks():
    route = app.amqp.router.route
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert route({}, entry["task"])["queue"].name == "sweeps", entry["task"]
    assert route({}, "grading.tasks.grade_submission")["queue"].name == "grading"
    assert route({}, "integrations.tasks.deliver_webhook")["queue"].name == "webhooks"
    assert route({}, "an.unrouted.task")["queue"].name == "grading"  # where a worker always listens


def _consumed_queues(path: str) -> set[str]:
    text = (Path(settings.BASE_DIR) / path).read_text()
    return {queue for found in re.findall(r"worker -Q ([\w,]+)", text) for queue in found.split(",")}


@pytest.mark.parametrize("path", ["scripts/run", "docker-compose.yml"])
def test_every_queue_has_a_worker_where_the_workers_are_started(path):
    assert _consumed_queues(path) == set(settings.WORKER_QUEUES)
    assert set(settings.WORKER_QUEUES) >= {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert app.amqp.router.route({}, "assessments.tasks.run_import_job")["queue"].name == "imports"
