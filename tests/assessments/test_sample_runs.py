"""Sample runs are bounded per candidate (DESIGN.md, grading point 8): one in flight per question, a rate per attempt.

A refused run is a 429 in the error shape with ``Retry-After``; of two simultaneous requests exactly one
starts a run.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from assessments.models import CodeSubmission, SubmissionPurpose, SubmissionStatus
from tests.assessments.test_attempts import api, invitation, no_enqueue, question_set, started  # noqa: F401

pytestmark = pytest.mark.django_db

SOURCE = "def cosine_similarity(a, b):\n    return 0.0\n"


def coding_id(client, invitation) -> int:  # noqa: F811
    return next(q["id"] for q in started(client, invitation)["questions"] if q["kind"] == "coding")


def run(client, invitation, question_id):  # noqa: F811
    return api(client, invitation, f"answers/{question_id}/run-samples/", "post", {"source": SOURCE})


def assert_refused(response, code: str, *, at_most: int) -> int:
    assert response.status_code == 429, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= at_most and error["details"]["retry_after"] == retry_after
    return retry_after


def test_a_second_run_while_one_is_queued_or_running_is_refused_until_it_finishes(client, invitation, no_enqueue):  # noqa: F811
    question = coding_id(client, invitation)
    assert run(client, invitation, question).status_code == 202
    assert_refused(run(client, invitation, question), "sample_run_in_progress", at_most=10)
    CodeSubmission.objects.update(status=SubmissionStatus.RUNNING)
    assert_refused(run(client, invitation, question), "sample_run_in_progress", at_most=10)
    assert CodeSubmission.objects.count() == 1 and len(no_enqueue) == 1  # nothing queued by a refusal
    CodeSubmission.objects.update(status=SubmissionStatus.GRADED)
    assert run(client, invitation, question).status_code == 202
    CodeSubmission.objects.update(status=SubmissionStatus.FAILED)  # a platform failure does not block either
    assert run(client, invitation, question).status_code == 202


def test_a_final_submission_in_flight_does_not_block_a_sample_run(client, invitation, no_enqueue):  # noqa: F811
    question = coding_id(client, invitation)
    assert run(client, invitation, question).status_code == 202
    CodeSubmission.objects.update(purpose=SubmissionPurpose.FINAL)
    assert run(client, invitation, question).status_code == 202


def test_an_attempt_gets_its_rate_of_sample_runs_per_window_then_429_until_the_oldest_leaves_it(
    client,
    invitation,  # noqa: F811
    no_enqueue,  # noqa: F811
    settings,
):
    settings.SAMPLE_RUNS_PER_ATTEMPT = 3
    settings.SAMPLE_RUNS_WINDOW_SECONDS = 600
    question = coding_id(client, invitation)
    for _ in range(3):
        assert run(client, invitation, question).status_code == 202
        CodeSubmission.objects.update(status=SubmissionStatus.GRADED)
    oldest = CodeSubmission.objects.order_by("created_at").first()
    CodeSubmission.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(seconds=500))
    retry_after = assert_refused(run(client, invitation, question), "sample_run_rate_limited", at_most=101)
    assert retry_after >= 99  # the oldest counted run leaves the window in 100 s
    assert CodeSubmission.objects.count() == 3
    CodeSubmission.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(seconds=601))
    assert run(client, invitation, question).status_code == 202


def test_the_rate_counts_every_question_of_the_attempt(client, invitation, no_enqueue, settings):  # noqa: F811
    settings.SAMPLE_RUNS_PER_ATTEMPT = 1
    question = coding_id(client, invitation)
    assert run(client, invitation, question).status_code == 202
    CodeSubmission.objects.update(status=SubmissionStatus.GRADED)
    assert_refused(run(client, invitation, question), "sample_run_rate_limited", at_most=600)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_start_one_run(client, invitation, no_enqueue):  # noqa: F811
    question = coding_id(client, invitation)
    cookies = client.cookies
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def request() -> None:
        try:
            own = Client()
            own.cookies = cookies
            barrier.wait()
            statuses.append(run(own, invitation, question).status_code)
        finally:
            connection.close()

    for _ in range(5):  # each round: both requests at once, then the run finishes
        threads = [threading.Thread(target=request) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        CodeSubmission.objects.update(status=SubmissionStatus.GRADED)
    assert sorted(statuses) == [202] * 5 + [429] * 5
    assert CodeSubmission.objects.count() == 5
