"""A task sent on commit never fails what committed: the broker down at submit is not a 500, nothing is lost."""

import logging

import pytest
from celery import current_app

from assessments.models import CodeSubmission, SubmissionPurpose, SubmissionStatus
from common import queueing
from tests.assessments.test_attempts import api, invitation, question_set, started  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


class BrokerDown:
    def send_task(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_the_send_is_logged_not_raised(monkeypatch, caplog, django_capture_on_commit_callbacks):
    monkeypatch.setattr(queueing, "current_app", BrokerDown())
    with caplog.at_level(logging.ERROR, logger="common.queueing"), django_capture_on_commit_callbacks(execute=True):
        queueing.send_task_on_commit("grading.tasks.grade_submission", args=(7,), queue="grading")
    assert "Could not send grading.tasks.grade_submission(7,)" in caplog.text


def test_a_candidate_submits_while_the_broker_is_down(
    client,
    invitation,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    started(client, invitation)
    monkeypatch.setattr(current_app, "send_task", BrokerDown().send_task)  # the app every sender uses
    with django_capture_on_commit_callbacks(execute=True):
        response = api(client, invitation, "submit/", "post")
    assert response.status_code == 200, response.content
    final = CodeSubmission.objects.get(purpose=SubmissionPurpose.FINAL)
    assert final.status == SubmissionStatus.QUEUED  # saved; the grading sweep sends it once the broker is back
