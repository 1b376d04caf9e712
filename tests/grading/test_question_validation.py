"""Validating a coding question written on the bank's pages: the reference runs on every test in the real
sandbox as a job, the page shows each test's result, and only a pass of the current content publishes.

The first tests run the job's function in this process (the page's enqueue is captured); the last one sends
it through Redis to a real Celery worker that consumes only ``samples``, as ``scripts/run`` starts one.
"""

import time
from pathlib import Path

import pytest

from assessments.models import CodingSpec, Question
from common import queueing
from grading.models import SpecValidation, ValidationStatus
from grading.services import spec_validation_run
from grading.tasks import validate_coding_spec
from organisations.models import Role
from tests.assessments.test_question_bank import coding_form
from tests.factories import MembershipFactory
from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, wait_for, worker_env

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

RUN_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run"
REFERENCE = "def top(xs, k):\n    if k < 0:\n        raise ValueError(k)\n    return sorted(xs, reverse=True)[:k]\n"
TESTS = [
    {"name": "sample", "args": "[[3, 1, 2], 2]", "expected": "[3, 2]", "visibility": "sample"},
    {"name": "any order", "args": "[[5, 4, 9], 2]", "expected": "[5, 9]", "checker": "unordered"},
    {"name": "ratio", "args": "[[0.3333333, 0.1], 1]", "expected": "[0.33333]", "checker": "float", "abs_tol": "1e-4"},
    {"name": "negative k", "args": "[[1], -1]", "checker": "exception", "expected_exception": "ValueError"},
]


@pytest.fixture
def manager(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """The page's enqueue, recorded: these tests run the job themselves."""
    messages: list[tuple] = []
    monkeypatch.setattr(queueing.current_app, "send_task", lambda *a, **kw: messages.append((a, kw)))
    return messages


def _question(manager, organisation, reference: str = REFERENCE) -> Question:
    form = coding_form(TESTS, function_name="top", signature="def top(xs, k)", reference_solution=reference)
    assert manager.post("/manage/questions/new/?kind=coding", form).status_code == 302
    return Question.objects.get(organisation=organisation)


def _validate(manager, question, django_capture_on_commit_callbacks) -> tuple[SpecValidation, float]:
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(f"/manage/questions/{question.pk}/validate/").status_code == 302
    validation = SpecValidation.objects.order_by("-pk").first()
    started = time.monotonic()
    validate_coding_spec(validation.pk)  # what the worker runs
    elapsed = time.monotonic() - started
    validation.refresh_from_db()
    return validation, elapsed


def test_a_reference_that_passes_every_test_is_shown_and_can_be_published(
    manager, organisation, sent, docker_engine, django_capture_on_commit_callbacks
):
    question = _question(manager, organisation)
    publish = f"/manage/questions/{question.pk}/publish/"
    assert manager.post(publish).status_code == 409  # not before validation

    validation, elapsed = _validate(manager, question, django_capture_on_commit_callbacks)
    print(f"\nreference on {len(TESTS)} tests in the sandbox: {elapsed:.2f} s (job {validation.duration_ms} ms)")

    assert validation.status == ValidationStatus.PASSED, (validation.error, validation.results)
    assert [row["verdict"] for row in validation.results] == ["accepted"] * len(TESTS)
    page = manager.get(f"/manage/questions/{question.pk}/validation/")
    content = page.content.decode()
    assert "Refresh" not in page and 'data-status="passed"' in content
    assert content.count('data-verdict="accepted"') == len(TESTS) and "[3, 2]" in content
    assert 'data-testid="publish"' in content

    assert manager.post(publish).status_code == 302
    spec = CodingSpec.objects.get(revision=question.current_revision)
    assert spec.published_at is not None
    assert spec_validation_run(validation_id=validation.pk) == "not_claimed"  # a duplicate delivery changes nothing


@pytest.mark.parametrize(
    ("reference", "verdicts"),
    [
        (
            "def top(xs, k):\n    return sorted(xs, reverse=True)[:k]\n",  # forgets to refuse a negative k
            ["accepted", "accepted", "accepted", "wrong_answer"],
        ),
        ("def top(xs, k):\n    return [\n", ["compile_error"] * 4),
    ],
    ids=["wrong answers", "syntax error"],
)
def test_a_failing_reference_shows_each_test_and_cannot_be_published(
    manager, organisation, sent, docker_engine, django_capture_on_commit_callbacks, reference, verdicts
):
    question = _question(manager, organisation, reference=reference)
    validation, _ = _validate(manager, question, django_capture_on_commit_callbacks)
    assert validation.status == ValidationStatus.FAILED
    assert [row["verdict"] for row in validation.results] == verdicts
    content = manager.get(f"/manage/questions/{question.pk}/validation/").content.decode()
    assert 'data-status="failed"' in content and 'data-testid="publish"' not in content
    response = manager.post(f"/manage/questions/{question.pk}/publish/")
    assert response.status_code == 409 and "Validate the question first" in response.content.decode()
    assert CodingSpec.objects.get(revision=question.current_revision).published_at is None


def test_an_edit_after_a_pass_needs_a_new_validation(
    manager, organisation, sent, docker_engine, django_capture_on_commit_callbacks
):
    question = _question(manager, organisation)
    validation, _ = _validate(manager, question, django_capture_on_commit_callbacks)
    assert validation.status == ValidationStatus.PASSED
    edit = coding_form(
        TESTS,
        function_name="top",
        signature="def top(xs, k)",
        reference_solution=REFERENCE,
        **{"tests-INITIAL_FORMS": str(len(TESTS)), "tests-0-expected": "[2, 3]"},
    )
    assert manager.post(f"/manage/questions/{question.pk}/", edit).status_code == 302
    assert manager.post(f"/manage/questions/{question.pk}/publish/").status_code == 409
    validation, _ = _validate(manager, question, django_capture_on_commit_callbacks)
    assert validation.status == ValidationStatus.FAILED  # the edited test now expects a wrong answer
    assert validation.results[0]["verdict"] == "wrong_answer"


@pytest.mark.parametrize(("verdict", "status"), [("True", "passed"), ("(False, 'never')", "failed")])
def test_a_custom_checker_written_on_the_page_runs_in_the_validation(
    manager, organisation, sent, docker_engine, django_capture_on_commit_callbacks, verdict, status
):
    checker = f"def check(actual, expected):\n    return {verdict}\n"
    tests = [{"name": "custom", "args": "[[3, 1, 2], 2]", "expected": "[3, 2]", "checker": "custom"}]
    form = coding_form(tests, function_name="top", signature="def top(xs, k)", reference_solution=REFERENCE) | {
        "custom_checker_source": checker
    }
    assert manager.post("/manage/questions/new/?kind=coding", form).status_code == 302
    question = Question.objects.get(organisation=organisation)
    validation, _ = _validate(manager, question, django_capture_on_commit_callbacks)
    assert validation.status == status, (validation.error, validation.results)


def test_a_question_without_tests_fails_validation(
    manager, organisation, sent, docker_engine, django_capture_on_commit_callbacks
):
    form = coding_form([], function_name="top", signature="def top(xs, k)", reference_solution=REFERENCE)
    assert manager.post("/manage/questions/new/?kind=coding", form).status_code == 302
    question = Question.objects.get(organisation=organisation)
    validation, _ = _validate(manager, question, django_capture_on_commit_callbacks)
    assert validation.status == ValidationStatus.FAILED and validation.error == "The question has no tests yet."


def test_scripts_run_starts_a_worker_for_the_validation_queue():
    assert "-Q samples " in RUN_SCRIPT.read_text()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_validate_runs_on_a_samples_only_worker(client, organisation, tmp_path, docker_engine, settings):
    from config.celery import app

    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    question = _question(client, organisation)
    redis_server = RedisServer(tmp_path).start()
    env = worker_env(redis_server.url, DOCKER_HOST=settings.DOCKER_HOST, LOOPWRIGHT_SANDBOX_POOL_SIZE="0")
    celery = CeleryProcesses(tmp_path, env)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            celery.worker("samples", queues="samples")
            started = time.monotonic()
            assert client.post(f"/manage/questions/{question.pk}/validate/").status_code == 302
            validation = SpecValidation.objects.get()

            def finished():
                validation.refresh_from_db()
                return validation.status in (ValidationStatus.PASSED, ValidationStatus.FAILED, ValidationStatus.ERROR)

            wait_for(finished, timeout=90, what="the validation job")
            print(f"\nvalidate click to result through a samples worker: {time.monotonic() - started:.2f} s")
        assert validation.status == ValidationStatus.PASSED, (validation.error, celery.logs())
    finally:
        celery.stop_all()
        redis_server.stop()
