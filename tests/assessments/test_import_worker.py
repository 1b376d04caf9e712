"""A large import through the API, imported by a real Celery worker on the ``imports`` queue; and a worker
SIGKILLed in the middle of an import: the sweep sends the job again, a second worker imports it once.

A private ``redis-server``, real ``celery worker`` processes consuming what ``scripts/run``'s ops worker
consumes (``sweeps,webhooks,imports``) and ``celery beat``, against this test's database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessments.models import ImportJob, ImportJobStatus, Question, QuestionSet, SectionItem
from config.celery import app
from tests.assessments.test_import_jobs import IMPORT, large_document
from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, worker_env
from tests.grading.processes import wait_for as poll

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OPS_QUEUES = "sweeps,webhooks,imports"  # scripts/run and docker-compose.yml: the ops worker
WORKER_ENV = {
    "IMPORT_REQUEUE_AFTER_SECONDS": "2",
    "IMPORT_SWEEP_SECONDS": "1",
    "CELERY_VISIBILITY_TIMEOUT": "300",  # Redis would restore the lost message only after this: the sweep must act
    "PYTHONUNBUFFERED": "1",
}


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[RedisServer, CeleryProcesses]]:
    redis_server = RedisServer(tmp_path).start()
    celery = CeleryProcesses(tmp_path, worker_env(redis_server.url, **WORKER_ENV))
    try:
        with celery_app_pointed_at(app, redis_server.url):
            yield redis_server, celery
    finally:
        celery.stop_all()
        redis_server.stop()


def _wait(celery: CeleryProcesses, predicate, what: str, timeout: float = 120):
    try:
        return poll(predicate, timeout=timeout, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{celery.logs()}") from None


def test_a_worker_imports_a_large_document_sent_through_the_api(workers, manager_client):
    _, celery = workers
    celery.worker("ops", queues=OPS_QUEUES)
    markdown = large_document(400)
    started = time.perf_counter()
    response = manager_client.post(IMPORT, {"markdown": markdown, "slug": "big"}, format="json")
    answered = time.perf_counter() - started
    assert response.status_code == 202, response.content
    url = response["Location"]

    def finished():
        body = manager_client.get(url).json()
        return body if body["status"] in ("succeeded", "failed") else None

    body = _wait(celery, finished, "the import job to finish")
    took = time.perf_counter() - started
    print(f"\n{len(markdown)} characters, 400 questions: answered in {answered:.2f} s, imported after {took:.1f} s")
    assert body["status"] == "succeeded", body
    assert body["result"]["questions"] == 400 and body["result"]["question_set"]["slug"] == "big"
    assert answered < 2


def test_a_worker_killed_mid_import_loses_nothing_and_imports_once(workers, organisation):
    from assessments.services.import_jobs import import_job_create

    _, celery = workers
    first = celery.worker("first", queues=OPS_QUEUES)
    job = import_job_create(organisation=organisation, source=large_document(3000))  # about 20 s to import
    _wait(celery, lambda: ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.RUNNING, "the import to start")
    time.sleep(1.5)  # well inside the import: questions written, not committed
    first.kill()  # SIGKILL: the import's transaction dies with its connection, the job stays "running"
    assert not QuestionSet.objects.exists()

    celery.worker("second", queues=OPS_QUEUES)
    celery.beat()  # the import sweep sends the job again
    _wait(
        celery,
        lambda: ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.SUCCEEDED,
        "the second worker to import the job",
        timeout=240,
    )
    job.refresh_from_db()
    assert job.deliveries == 2 and job.report["created_questions"] == 3000
    assert Question.objects.filter(organisation=organisation).count() == 3000  # once, nothing left by the first
    assert SectionItem.objects.filter(section__question_set=job.question_set).count() == 3000
