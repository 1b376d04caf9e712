"""Large Markdown imports run as a job: 202 and a status to follow; small ones stay in the request (201).

The task is run here by calling it (the real worker is in ``test_import_worker.py``); what it is sent to
is captured from ``send_task``.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import ImportJob, ImportJobStatus, Question, QuestionSet, Section
from assessments.services import import_jobs, importing
from assessments.services.import_jobs import ImportOutcome, import_job_create, import_job_run, import_jobs_sweep
from assessments.tasks import run_import_job
from common import queueing
from common.exceptions import ApplicationError
from config.celery import app
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/question-sets/import/"
SMALL = "# Screen\n\n## Basics\n\n1. What is a token?\n2. What is a corpus?\n"


def large_document(questions: int, *, per_section: int = 20) -> str:
    """A realistic question set: sections of long numbered questions."""
    lines = ["# Big screen\n"]
    for number in range(questions):
        if number % per_section == 0:
            lines.append(f"\n## Section {number // per_section + 1}\n\n")
        lines.append(
            f"{number % per_section + 1}. Question {number}: explain how TF-IDF weighs a term that appears in many "
            "documents of the corpus, and why that matters when the results are ranked?\n"
        )
    return "".join(lines)


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, tuple]]:
    """The tasks the import services send (by name, routed by CELERY_TASK_ROUTES)."""
    messages: list[tuple[str, tuple]] = []

    class Broker:
        def send_task(self, name, args, queue=None):
            messages.append((name, args))

    monkeypatch.setattr(queueing, "current_app", Broker())
    return messages


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_INLINE_MAX_CHARS = 200  # a few questions make a "large" document: fast tests


@pytest.fixture
def import_calls(monkeypatch) -> list[int]:
    """Every call of the importing service made by a job (a spy: it still imports)."""
    calls: list[int] = []

    def spy(**kwargs):
        calls.append(1)
        return importing.question_set_import(**kwargs)

    monkeypatch.setattr(import_jobs, "question_set_import", spy)
    return calls


def _post_large(client, markdown, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT, {"markdown": markdown, **extra}, format="json")
    assert response.status_code == 202, response.content
    return response


def test_a_small_document_is_imported_in_the_request_as_before(manager_client, sent):
    response = manager_client.post(IMPORT, {"markdown": SMALL, "slug": "screen"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"question_set", "unchanged", "sections", "questions", "created_questions", "skipped"}
    assert body["questions"] == 2 and body["question_set"]["slug"] == "screen"
    assert not ImportJob.objects.exists() and sent == []


def test_a_large_document_is_a_job_the_task_imports(manager_client, sent, django_capture_on_commit_callbacks):
    markdown = large_document(160)  # over both thresholds: ~26,000 characters, 160 questions
    started = time.perf_counter()
    response = _post_large(manager_client, markdown, django_capture_on_commit_callbacks, slug="big")
    assert time.perf_counter() - started < 2  # nothing is imported in the request
    job = ImportJob.objects.get()
    body = response.json()
    assert response["Location"] == body["url"] == f"/api/v1/question-set-imports/{job.pk}/"
    assert body["status"] == "queued" and body["result"] is None and body["error"] is None
    assert body["characters"] == len(markdown.strip()) and body["slug"] == "big"
    assert sent == [("assessments.tasks.run_import_job", (job.pk,))]
    assert app.amqp.router.route({}, sent[0][0])["queue"].name == "imports"  # not grading's queue
    assert not QuestionSet.objects.exists()

    assert run_import_job.apply(args=(job.pk,)).get() == "succeeded"
    done = manager_client.get(body["url"]).json()
    assert done["status"] == "succeeded" and done["error"] is None
    assert done["started_at"] and done["finished_at"]
    result = done["result"]
    assert result["questions"] == result["created_questions"] == 160 and result["unchanged"] is False
    assert result["question_set"]["slug"] == "big" and len(result["question_set"]["sections"]) == 8
    assert Question.objects.filter(organisation=job.organisation).count() == 160


def test_a_short_document_with_many_questions_is_a_job_too(
    manager_client, sent, settings, django_capture_on_commit_callbacks
):
    """Questions are what an import costs: 50 short ones are few characters and half a second of writes."""
    assert (settings.IMPORT_INLINE_MAX_CHARS, settings.IMPORT_INLINE_MAX_QUESTIONS) == (20_000, 50)
    fifty = "".join(f"- Q{number}?\n" for number in range(50))
    assert len(fifty) < 1000
    assert manager_client.post(IMPORT, {"markdown": fifty}, format="json").status_code == 201
    _post_large(manager_client, fifty + "- One more?\n", django_capture_on_commit_callbacks)
    assert len(sent) == 1


def test_a_document_over_the_characters_threshold_is_a_job_whatever_it_holds(
    manager_client, sent, django_capture_on_commit_callbacks
):
    few = "# Set\n\n1. One long question? " + "x" * 20_000 + "\n"
    _post_large(manager_client, few, django_capture_on_commit_callbacks)
    assert len(sent) == 1


def test_the_largest_document_is_answered_at_once(manager_client, sent, django_capture_on_commit_callbacks):
    """Today's limit, 500,000 characters (about 3,400 questions): in the request it took 23 s."""
    markdown = large_document(3300)
    markdown += "x" * (500_000 - len(markdown) - 1) + "\n"
    started = time.perf_counter()
    _post_large(manager_client, markdown, django_capture_on_commit_callbacks)
    assert time.perf_counter() - started < 2
    assert ImportJob.objects.get().status == ImportJobStatus.QUEUED


def test_a_document_that_does_not_parse_fails_the_job_with_the_error(
    manager_client, sent, small_threshold, django_capture_on_commit_callbacks
):
    body = _post_large(manager_client, "Just prose, no list. " * 20, django_capture_on_commit_callbacks).json()
    assert run_import_job.apply(args=(body["id"],)).get() == "failed"
    failed = manager_client.get(body["url"]).json()
    assert failed["status"] == "failed" and failed["result"] is None and failed["finished_at"]
    error = failed["error"]
    assert (
        error["code"] == "no_questions" and error["message"].startswith("no questions found") and not error["details"]
    )
    assert not QuestionSet.objects.exists() and not Question.objects.exists()


def test_a_failure_midway_leaves_nothing_half_imported(organisation, monkeypatch, small_threshold, sent):
    created: list[int] = []

    def question_create(**kwargs):
        if len(created) == 3:
            raise ApplicationError("The bank refused the fourth question.", code="refused")
        created.append(1)
        return original(**kwargs)

    original = importing.question_create
    monkeypatch.setattr(importing, "question_create", question_create)
    job = import_job_create(organisation=organisation, source=large_document(10))
    assert import_job_run(job_id=job.pk) == ImportOutcome.FAILED
    job.refresh_from_db()
    assert job.error == {"code": "refused", "message": "The bank refused the fourth question.", "details": {}}
    assert len(created) == 3  # three questions were written, then rolled back with everything else
    assert not Question.objects.exists() and not QuestionSet.objects.exists() and not Section.objects.exists()


def test_a_duplicated_task_imports_once(organisation, sent, import_calls):
    job = import_job_create(organisation=organisation, source=large_document(5))
    assert run_import_job.apply(args=(job.pk,)).get() == "succeeded"
    first = ImportJob.objects.get(pk=job.pk)
    assert run_import_job.apply(args=(job.pk,)).get() == "skipped"
    again = ImportJob.objects.get(pk=job.pk)
    assert import_calls == [1]
    assert (again.deliveries, again.report, again.finished_at) == (1, first.report, first.finished_at)
    assert again.report["created_questions"] == 5


@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_while_another_imports_steps_aside(organisation, monkeypatch, sent):
    """The importer holds the job's row lock for the whole import; a second delivery does not wait or import."""
    importing_now, finish = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow_import(**kwargs):
        calls.append(1)
        importing_now.set()
        assert finish.wait(timeout=30)
        return importing.question_set_import(**kwargs)

    monkeypatch.setattr(import_jobs, "question_set_import", slow_import)
    job = import_job_create(organisation=organisation, source=large_document(5))
    outcomes: list[ImportOutcome] = []

    def first_worker():
        try:
            outcomes.append(import_job_run(job_id=job.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert importing_now.wait(timeout=30)
        started = time.perf_counter()
        assert import_job_run(job_id=job.pk) == ImportOutcome.SKIPPED
        assert time.perf_counter() - started < 5  # it did not wait for the lock
        assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.RUNNING
    finally:
        finish.set()
        thread.join(timeout=60)
    assert outcomes == [ImportOutcome.SUCCEEDED] and calls == [1]
    job.refresh_from_db()
    assert (job.status, job.deliveries) == (ImportJobStatus.SUCCEEDED, 1)
    assert Question.objects.count() == 5


def test_a_stale_claim_records_nothing(organisation, sent, import_calls):
    """A worker whose claim was taken over (its job re-sent and claimed again) neither imports nor records."""
    job = import_job_create(organisation=organisation, source=large_document(3))
    stale = import_jobs._claim(job.pk)
    assert import_job_run(job_id=job.pk) == ImportOutcome.SUCCEEDED  # the newer delivery
    assert stale == 1 and ImportJob.objects.get(pk=job.pk).deliveries == 2
    assert import_jobs._fail(job.pk, stale, {"code": "x", "message": "x", "details": {}}) == ImportOutcome.SKIPPED
    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.SUCCEEDED and import_calls == [1]


def test_an_unexpected_error_is_retried_then_failed_as_the_platforms_fault(organisation, monkeypatch, sent, settings):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_jobs, "question_set_import", broken)
    job = import_job_create(organisation=organisation, source=large_document(3))
    run_import_job.apply(args=(job.pk,))  # retried in place (eagerly) up to its max_retries
    job.refresh_from_db()
    assert (job.status, job.deliveries) == (ImportJobStatus.FAILED, settings.IMPORT_MAX_DELIVERIES)
    assert job.error["code"] == "import_abandoned" and "platform" in job.error["message"]
    assert not Question.objects.exists()


def test_the_sweep_resends_only_the_jobs_whose_task_was_lost(organisation, sent, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = import_job_create(organisation=organisation, source=SMALL, enqueue=False)
    import_job_create(organisation=organisation, source=SMALL, enqueue=False)  # sent a moment ago: in its queue
    done = import_job_create(organisation=organisation, source=SMALL, enqueue=False)
    ImportJob.objects.filter(pk__in=[lost.pk, done.pk]).update(enqueued_at=long_ago)
    ImportJob.objects.filter(pk=done.pk).update(status=ImportJobStatus.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs_sweep() == [lost.pk]
    assert sent == [("assessments.tasks.run_import_job", (lost.pk,))]
    assert ImportJob.objects.get(pk=lost.pk).enqueued_at > long_ago  # not re-sent on every sweep
    assert app.amqp.router.route({}, "assessments.tasks.sweep_import_jobs")["queue"].name == "sweeps"


def _key_client(organisation, scope) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {api_key_create(organisation=organisation, name='k', scope=scope)[1]}"
    )
    return client


def test_who_may_import_and_read_a_job(
    organisation, manager_client, interviewer_client, outsider_client, sent, small_threshold,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    markdown = large_document(3)
    body = _post_large(manager_client, markdown, django_capture_on_commit_callbacks).json()
    assert ImportJob.objects.get(pk=body["id"]).created_by is not None
    assert manager_client.get(body["url"]).status_code == 200
    refused = interviewer_client.get(body["url"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_forbidden"
    assert interviewer_client.post(IMPORT, {"markdown": markdown}, format="json").status_code == 403
    hidden = outsider_client.get(body["url"])
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    read_only = _key_client(organisation, ApiKeyScope.READ)
    assert read_only.post(IMPORT, {"markdown": markdown}, format="json").status_code == 403
    assert read_only.get(body["url"]).status_code == 200
    by_key = _post_large(_key_client(organisation, ApiKeyScope.WRITE), markdown, django_capture_on_commit_callbacks)
    assert ImportJob.objects.get(pk=by_key.json()["id"]).created_by is None
    assert ImportJob.objects.count() == 2  # the refused requests made no job


def test_an_idempotent_retry_gets_the_same_job(
    manager_client, sent, small_threshold, django_capture_on_commit_callbacks
):
    headers = {"HTTP_IDEMPOTENCY_KEY": "import-1"}
    with django_capture_on_commit_callbacks(execute=True):
        once = manager_client.post(IMPORT, {"markdown": large_document(4)}, format="json", **headers)
        again = manager_client.post(IMPORT, {"markdown": large_document(4)}, format="json", **headers)
    assert once.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json() == once.json()
    assert ImportJob.objects.count() == 1 and len(sent) == 1
