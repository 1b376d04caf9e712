"""Greenhouse Assessment Partner API: auth, list_tests, send_test, test_status, the PATCH callback end to end."""

import base64
import itertools
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Attempt,
    AttemptStatus,
    Candidate,
    CodeSubmission,
    CodingSpec,
    Invitation,
    QuestionSet,
    Stage,
)
from assessments.services.answers import answer_save, attempt_submit
from assessments.services.attempts import attempt_mark_graded, attempt_start
from assessments.services.coding import coding_spec_from_seed
from assessments.services.importing import question_set_import
from grading.services.grade import GradeOutcome, submission_grade
from integrations.greenhouse import services
from integrations.models import ApiKeyScope, GreenhouseCallbackStatus, GreenhouseInterview
from integrations.services.api_keys import api_key_create
from integrations.services.outgoing import RETRY_SCHEDULE
from organisations.models import Role
from tests.factories import LoopFactory, MembershipFactory, StageFactory, assessment_stage

pytestmark = pytest.mark.django_db

SET_MD = """# Screen

## Coding

1. Implement a function in Python that calculates the cosine similarity between two vectors.
"""


class FakeGreenhouse:
    """Records every request to its callback URLs on 127.0.0.1; answers with ``statuses`` in turn, then 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.statuses: list[int] = []
        self.authorizations: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_PATCH(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append((self.command, self.path, body))
                fake.authorizations.append(self.headers.get("Authorization"))
                self.send_response(fake.statuses.pop(0) if fake.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def greenhouse() -> Iterator[FakeGreenhouse]:
    fake = FakeGreenhouse()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def coding_set(organisation):
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    question = question_set.sections.get().items.get().question
    spec = coding_spec_from_seed(question=question, seed_name="cosine_similarity")
    CodingSpec.objects.filter(pk=spec.pk).update(published_at=spec.created_at)
    return question_set


@pytest.fixture
def coding_stage(coding_set):
    """The loop's assessment stage on the coding set: what list_tests offers."""
    return assessment_stage(coding_set, duration_minutes=45, title="Coding screen")


@pytest.fixture
def write_key(organisation) -> str:
    return api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.WRITE)[1]


@pytest.fixture
def queued(monkeypatch) -> list[tuple[int, float | None]]:
    sent: list[tuple[int, float | None]] = []
    monkeypatch.setattr(
        services.GREENHOUSE_CALLBACKS, "enqueue", lambda pk, countdown=None: sent.append((pk, countdown))
    )
    monkeypatch.setattr("assessments.services.submissions.submission_enqueue", lambda pk, **_: None)
    return sent


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def call(client, key: str, method: str, path: str, body: Any = None, **query: str):
    url = f"/greenhouse/{path}"
    if method == "get":
        return client.get(url, query, HTTP_AUTHORIZATION=basic(key))
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=basic(key))


def send_body(test, url: str = "https://app.greenhouse.io/callback/1", email: str = "ada@example.com"):
    """Every field Greenhouse documents for send_test: the candidate nested, the PATCH url beside it.

    ``test`` is a stage (``stage-<id>``, as list_tests offers) or a question set (an id handed out before).
    """
    return {
        "partner_test_id": f"stage-{test.pk}" if isinstance(test, Stage) else str(test.pk),
        "candidate": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": email,
            "phone_number": "+44 20 7946 0000",
            "resume_url": "https://files.example.com/resume/ada.pdf",
            "greenhouse_profile_url": "https://app.greenhouse.io/people/1?application_id=2",
        },
        "url": url,
    }


@pytest.mark.parametrize(
    "header", [None, "Basic !!!", basic("lw_nope.nope"), basic(""), "Api-Key x", "Basic " + "Og=="]
)
def test_auth_is_basic_with_the_api_key_as_username(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/greenhouse/list_tests", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response.json()["errors"][0]["message"]


def test_auth_takes_the_key_as_username_with_a_blank_password_as_greenhouse_sends_it(client, organisation):
    key = api_key_create(organisation=organisation, name="GH")[1]
    assert len(key) < 171  # Greenhouse stores keys shorter than 171 characters
    greenhouse_header = "Basic " + base64.b64encode(key.encode() + b":").decode()  # key, colon, nothing
    assert client.get("/greenhouse/list_tests", HTTP_AUTHORIZATION=greenhouse_header).status_code == 200
    as_password = "Basic " + base64.b64encode(b":" + key.encode()).decode()
    assert client.get("/greenhouse/list_tests", HTTP_AUTHORIZATION=as_password).status_code == 401


def test_list_tests_offers_the_loops_assessment_stages(client, organisation, other_organisation, coding_stage):
    """One test per assessment stage of a loop that is not archived; interview stages and bare sets are not tests."""
    StageFactory(loop=coding_stage.loop, position=2)  # an interview stage
    QuestionSet.objects.create(organisation=organisation, title="In no loop", slug="loose")
    archived = assessment_stage(
        coding_stage.question_set, loop=LoopFactory(organisation=organisation, is_archived=True)
    )
    theirs = api_key_create(organisation=other_organisation, name="GH")[1]
    read_key = api_key_create(organisation=organisation, name="GH")[1]
    response = call(client, read_key, "get", "list_tests")
    assert response.status_code == 200
    assert response.json() == [
        {
            "partner_test_id": f"stage-{coding_stage.pk}",
            "partner_test_name": f"{coding_stage.loop.title} — Coding screen (Screen)",
        }
    ]
    assert f"stage-{archived.pk}" not in response.content.decode()
    assert call(client, theirs, "get", "list_tests").json() == []


def test_send_test_creates_candidate_and_invitation_and_is_idempotent(client, organisation, write_key, coding_stage):
    first = call(client, write_key, "post", "send_test", send_body(coding_stage))
    assert first.status_code == 200
    assert list(first.json()) == ["partner_interview_id"] and isinstance(first.json()["partner_interview_id"], str)
    interview_id = first.json()["partner_interview_id"]
    interview = GreenhouseInterview.objects.get(public_id=interview_id)
    invitation = interview.invitation
    assert invitation.stage == coding_stage and invitation.question_set == coding_stage.question_set
    assert invitation.organisation == organisation
    assert invitation.candidate.email == "ada@example.com" and invitation.candidate.name == "Ada Lovelace"
    assert invitation.duration_minutes == 45  # the stage's
    assert interview.callback_url == "https://app.greenhouse.io/callback/1"

    retry = call(client, write_key, "post", "send_test", send_body(coding_stage))
    assert retry.json() == {"partner_interview_id": interview_id}
    assert Invitation.objects.count() == 1 and Candidate.objects.count() == 1

    # Another test for the same person: the candidate is reused, a second invitation made.
    other = call(client, write_key, "post", "send_test", send_body(coding_stage, url="https://gh.example/cb/2"))
    assert other.json()["partner_interview_id"] != interview_id
    assert Invitation.objects.count() == 2 and Candidate.objects.count() == 1

    status = call(client, write_key, "get", "test_status", partner_interview_id=interview_id).json()
    # Not "complete", so Greenhouse keeps polling; the profile URL is only required once complete.
    assert status["partner_status"] == "pending"
    assert status["partner_profile_url"] is None and status["partner_score"] is None
    assert status["metadata"]["Status"] == "Not started"
    assert all(not isinstance(value, dict | list) for value in status["metadata"].values())
    assert invitation.token not in json.dumps(status)  # the candidate's link is never shown to recruiters


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"partner_test_id": "1", "candidate": {"email": "not-an-email"}, "url": "https://x.example/cb"},
        {"partner_test_id": "1", "candidate": {"email": "a@example.com"}, "url": "ftp://x.example/cb"},
        {"partner_test_id": "1", "url": "https://x.example/cb"},
        {"partner_test_id": "1", "candidate": {"email": "a@example.com"}},
        {"partner_test_id": "1", "candidate": {"email": "a@example.com", "first_name": 7}, "url": "https://x.example/"},
        {"partner_test_id": "1", "candidate": {"email": "a" * 250 + "@x.example"}, "url": "https://x.example/cb"},
        {"partner_test_id": "1", "candidate": {"email": "a@example.com"}, "url": "https://x.example/" + "c" * 2000},
    ],
)
def test_bad_input_is_400_with_errors(client, write_key, body):
    response = call(client, write_key, "post", "send_test", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]
    assert not Invitation.objects.exists()


def test_a_test_id_handed_out_before_names_the_one_stage_on_its_question_set(
    client, organisation, write_key, coding_set, coding_stage
):
    """Interview plans set up when list_tests offered question sets keep a set's bare id: it still works."""
    response = call(client, write_key, "post", "send_test", send_body(coding_set))
    assert response.status_code == 200
    invitation = GreenhouseInterview.objects.get(public_id=response.json()["partner_interview_id"]).invitation
    assert invitation.stage == coding_stage  # in the loop: its pipeline, its report


def test_a_test_id_handed_out_before_is_404_when_no_or_several_stages_use_its_set(
    client, organisation, write_key, coding_set, coding_stage
):
    assessment_stage(coding_set, title="Second screen")  # a second loop on the same set: which one is unknown
    ambiguous = call(client, write_key, "post", "send_test", send_body(coding_set))
    assert ambiguous.status_code == 404 and "2 loop stages use" in ambiguous.json()["errors"][0]["message"]
    loose = QuestionSet.objects.create(organisation=organisation, title="Loose", slug="loose")
    assert call(client, write_key, "post", "send_test", send_body(loose, url="https://gh.example/2")).status_code == 404
    assert not Invitation.objects.exists()


def test_send_test_reuses_a_candidate_made_elsewhere_and_refuses_an_archived_loop(
    client, organisation, write_key, coding_stage
):
    made_on_the_page = Candidate.objects.create(organisation=organisation, name="Ada L.", email="Ada@Example.com")
    response = call(client, write_key, "post", "send_test", send_body(coding_stage))
    interview = GreenhouseInterview.objects.get(public_id=response.json()["partner_interview_id"])
    assert interview.invitation.candidate == made_on_the_page and Candidate.objects.count() == 1
    coding_stage.loop.is_archived = True
    coding_stage.loop.save(update_fields=["is_archived"])
    archived = call(client, write_key, "post", "send_test", send_body(coding_stage, url="https://gh.example/3"))
    assert archived.status_code == 400 and "archived" in archived.json()["errors"][0]["message"]
    assert Invitation.objects.count() == 1


def test_read_key_cannot_send_and_bad_json_is_400(client, organisation, write_key, coding_stage):
    read_key = api_key_create(organisation=organisation, name="GH")[1]
    assert call(client, read_key, "post", "send_test", send_body(coding_stage)).status_code == 401
    raw = client.post(
        "/greenhouse/send_test", "{", content_type="application/json", HTTP_AUTHORIZATION=basic(write_key)
    )
    assert raw.status_code == 400 and raw.json()["errors"][0]["message"] == "The body must be JSON."


def test_unknown_or_other_organisations_test_and_interview_are_404(
    client, organisation, other_organisation, write_key, coding_stage
):
    theirs = api_key_create(organisation=other_organisation, name="GH", scope=ApiKeyScope.WRITE)[1]
    assert call(client, theirs, "post", "send_test", send_body(coding_stage)).status_code == 404
    assert (
        call(client, write_key, "post", "send_test", {**send_body(coding_stage), "partner_test_id": "x"}).status_code
        == 404
    )
    interview_id = call(client, write_key, "post", "send_test", send_body(coding_stage)).json()["partner_interview_id"]
    missing = call(client, theirs, "get", "test_status", partner_interview_id=interview_id)
    assert missing.status_code == 404 and missing.json()["errors"]
    assert call(client, write_key, "get", "test_status").status_code == 400


def test_test_status_is_complete_with_the_report_link_once_graded(
    client, organisation, write_key, coding_stage, queued
):
    interview_id = call(client, write_key, "post", "send_test", send_body(coding_stage)).json()["partner_interview_id"]
    interview = GreenhouseInterview.objects.get(public_id=interview_id)
    attempt = attempt_start(invitation=interview.invitation)
    assert call(client, write_key, "get", "test_status", partner_interview_id=interview_id).json()["metadata"] == {
        "Status": "In progress",
        "Invitation expires": interview.invitation.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Started": attempt.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Submitted": None,
    }
    attempt_submit(attempt=attempt)
    CodeSubmission.objects.filter(attempt_question__attempt=attempt).update(status="graded")
    assert attempt_mark_graded(attempt_id=attempt.pk)

    status = call(client, write_key, "get", "test_status", partner_interview_id=interview_id).json()
    assert status["partner_status"] == "complete"
    assert status["partner_profile_url"] == (
        f"{settings.SITE_URL.rstrip('/')}/manage/attempts/{attempt.pk}/?org={organisation.slug}"
    )
    # Opened by a signed-in hiring manager (the recruiter following Greenhouse's link), it is the attempt's report.
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    page = client.get(status["partner_profile_url"].removeprefix(settings.SITE_URL.rstrip("/")), follow=True)
    assert page.status_code == 200 and page.redirect_chain
    html = page.content.decode()
    assert "Ada Lovelace" in html and f'id="attempt-{attempt.pk}"' in html and coding_stage.loop.title in html
    assert "partner_score" in status  # a number, or null without graded code; never left out


def test_response_error_accepts_greenhouses_report_and_logs_it(client, organisation, write_key, caplog):
    report = {
        "api_call": "test_status",
        "errors": ["partner_score is not a number"],
        "partner_test_id": "12",
        "partner_test_name": "Screen",
        "partner_interview_id": "ghi_x",
        "candidate_email": "ada@example.com",
    }
    with caplog.at_level(logging.WARNING, logger="integrations.greenhouse.views"):
        response = call(client, write_key, "post", "response_error", report)
    assert response.status_code == 200
    assert "test_status" in caplog.text and "partner_score is not a number" in caplog.text
    assert call(client, write_key, "post", "response_error", {"errors": "x"}).status_code == 400
    assert client.post("/greenhouse/response_error", report, content_type="application/json").status_code == 401


def test_callback_is_recorded_with_grading_and_rolls_back_with_it(
    organisation, coding_stage, queued, django_capture_on_commit_callbacks
):
    interview = services.send_test(
        organisation=organisation,
        partner_test_id=f"stage-{coding_stage.pk}",
        candidate={"first_name": "A", "last_name": "B", "email": "a@example.com"},
        callback_url="https://gh.example/cb",
    )
    attempt = attempt_start(invitation=interview.invitation)
    attempt_submit(attempt=attempt)
    with pytest.raises(RuntimeError), transaction.atomic():
        CodeSubmission.objects.filter(attempt_question__attempt=attempt).update(status="graded")
        assert attempt_mark_graded(attempt_id=attempt.pk)
        raise RuntimeError
    interview.refresh_from_db()
    assert interview.callback_status == GreenhouseCallbackStatus.NONE and not queued

    with django_capture_on_commit_callbacks(execute=True):
        CodeSubmission.objects.filter(attempt_question__attempt=attempt).update(status="graded")
        assert attempt_mark_graded(attempt_id=attempt.pk)
    interview.refresh_from_db()
    assert interview.callback_status == GreenhouseCallbackStatus.PENDING and queued == [(interview.pk, None)]


def test_callback_retries_5xx_and_connection_errors_then_succeeds(
    organisation, coding_stage, queued, greenhouse, django_capture_on_commit_callbacks
):
    interview = services.send_test(
        organisation=organisation,
        partner_test_id=f"stage-{coding_stage.pk}",
        candidate={"email": "a@example.com"},
        callback_url=greenhouse.url("/cb"),
    )
    GreenhouseInterview.objects.filter(pk=interview.pk).update(
        callback_status=GreenhouseCallbackStatus.PENDING, callback_next_at=interview.created_at
    )
    greenhouse.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.callback_deliver(interview_id=interview.pk) == "retry"
    interview.refresh_from_db()
    assert interview.callback_status == GreenhouseCallbackStatus.PENDING and interview.callback_last_status == 503
    assert queued and queued[-1][0] == interview.pk  # the first retry (~5 s) has its own delayed message
    assert services.callback_deliver(interview_id=interview.pk) == "not_claimed"  # not due yet
    assert services.callback_deliver(interview_id=interview.pk, now=interview.callback_next_at) == "succeeded"
    assert [r[:2] for r in greenhouse.requests] == [("PATCH", "/cb"), ("PATCH", "/cb")]
    assert all(body == b"" for *_, body in greenhouse.requests)
    interview.refresh_from_db()
    assert interview.callback_status == GreenhouseCallbackStatus.SUCCEEDED and interview.callback_attempts == 2

    dead = services.patch("http://127.0.0.1:9/cb")  # refused: retryable
    assert dead.status_code is None and not dead.permanent


def test_a_callback_dies_when_the_webhook_schedule_is_spent(organisation, coding_stage, queued, greenhouse):
    interview = services.send_test(
        organisation=organisation,
        partner_test_id=f"stage-{coding_stage.pk}",
        candidate={"email": "a@example.com"},
        callback_url=greenhouse.url("/cb"),
    )
    GreenhouseInterview.objects.filter(pk=interview.pk).update(
        callback_status=GreenhouseCallbackStatus.PENDING, callback_next_at=interview.created_at
    )
    greenhouse.statuses = [503] * (len(RETRY_SCHEDULE) + 1)
    outcomes = []
    for _ in range(len(RETRY_SCHEDULE) + 1):
        interview.refresh_from_db()
        outcomes.append(services.callback_deliver(interview_id=interview.pk, now=interview.callback_next_at))
    assert outcomes == ["retry"] * len(RETRY_SCHEDULE) + ["failed"]
    interview.refresh_from_db()
    assert (interview.callback_status, interview.callback_next_at) == (GreenhouseCallbackStatus.FAILED, None)
    assert interview.callback_attempts == len(RETRY_SCHEDULE) + 1 == len(greenhouse.requests)


def test_the_callback_sweep_sends_due_and_abandoned_callbacks_only(organisation, coding_stage, queued):
    numbers = itertools.count()

    def interview(status: str, next_at) -> GreenhouseInterview:
        sent = services.send_test(
            organisation=organisation,
            partner_test_id=f"stage-{coding_stage.pk}",
            candidate={"email": "a@example.com"},
            callback_url=f"https://gh.example/cb/{next(numbers)}",
        )
        GreenhouseInterview.objects.filter(pk=sent.pk).update(callback_status=status, callback_next_at=next_at)
        return sent

    now = timezone.now()
    due = interview(GreenhouseCallbackStatus.PENDING, now)
    interview(GreenhouseCallbackStatus.PENDING, now + timedelta(minutes=10))  # a retry not due yet
    abandoned = interview(GreenhouseCallbackStatus.DELIVERING, now - timedelta(seconds=1))  # its lease ran out
    interview(GreenhouseCallbackStatus.DELIVERING, now + timedelta(seconds=30))  # a worker holds it
    interview(GreenhouseCallbackStatus.NONE, None)  # the attempt is not graded yet
    interview(GreenhouseCallbackStatus.SUCCEEDED, None)
    assert sorted(services.callbacks_sweep(now=now)) == sorted([due.pk, abandoned.pk])
    assert sorted(queued) == sorted([(due.pk, None), (abandoned.pk, None)])


@pytest.mark.sandbox
@pytest.mark.usefixtures("docker_engine")
def test_end_to_end_against_a_fake_greenhouse(
    client, organisation, write_key, coding_stage, queued, greenhouse, django_capture_on_commit_callbacks
):
    callback = greenhouse.url("/v1/partner/interviews/42/callback")
    body = send_body(coding_stage, url=callback)
    interview_id = call(client, write_key, "post", "send_test", body).json()["partner_interview_id"]
    interview = GreenhouseInterview.objects.get(public_id=interview_id)

    attempt = attempt_start(invitation=interview.invitation)
    question = attempt.questions.get()
    spec = question.revision.coding_spec
    answer_save(attempt=attempt, attempt_question_id=question.pk, body=spec.reference_solution, version=0)
    (submission,) = attempt_submit(attempt=attempt).submissions
    pending = call(client, write_key, "get", "test_status", partner_interview_id=interview_id).json()
    assert pending["partner_status"] == "pending" and pending["metadata"]["Status"] == "Submitted"

    with django_capture_on_commit_callbacks(execute=True):  # after commit the task message is sent (recorded)
        assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.GRADED
    assert (interview.pk, None) in queued

    assert services.callback_deliver(interview_id=interview.pk) == "succeeded"
    assert greenhouse.requests == [("PATCH", "/v1/partner/interviews/42/callback", b"")]
    assert greenhouse.authorizations == [basic(write_key)]  # Greenhouse's own credentials, as its example shows

    response = call(client, write_key, "get", "test_status", partner_interview_id=interview_id)
    status = response.json()
    assert response.status_code == 200 and set(status) == {
        "partner_status",
        "partner_profile_url",
        "partner_score",
        "metadata",
    }
    assert status["partner_status"] == "complete"  # Greenhouse's word, lower case: it stops polling and shows results
    assert status["partner_score"] == 100.0
    assert status["partner_profile_url"].endswith(f"/manage/attempts/{attempt.pk}/?org={organisation.slug}")
    assert status["metadata"]["Status"] == "Graded" and status["metadata"]["Submitted"].endswith(" UTC")
    assert status["metadata"]["Score overridden by a reviewer"] == "No" and status["metadata"]["Graded score"] == 100.0


def test_the_callback_credential_is_sealed_and_unreadable_under_another_secret_key(
    client, organisation, write_key, coding_stage, greenhouse, settings
):
    body = send_body(coding_stage, url=greenhouse.url("/cb"))
    interview_id = call(client, write_key, "post", "send_test", body).json()["partner_interview_id"]
    interview = GreenhouseInterview.objects.get(public_id=interview_id)
    assert interview.callback_credential and write_key not in interview.callback_credential
    assert basic(write_key) not in interview.callback_credential
    GreenhouseInterview.objects.filter(pk=interview.pk).update(
        callback_status=GreenhouseCallbackStatus.PENDING, callback_next_at=interview.created_at
    )
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    assert services.callback_deliver(interview_id=interview.pk) == "succeeded"
    assert greenhouse.authorizations == [None]  # sent without credentials rather than not at all


@pytest.mark.django_db(transaction=True)
def test_two_racing_identical_send_tests_both_answer_with_one_interview(organisation, coding_stage, monkeypatch):
    """Greenhouse retries on a timeout: the retry may arrive while the first is still running."""
    from django.db import connection
    from django.test import Client

    key = api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.WRITE)[1]
    slow_invitation_create = services.invitation_create

    def invitation_create(**kwargs):
        time.sleep(0.5)  # both requests are past the "already sent?" check before either commits
        return slow_invitation_create(**kwargs)

    monkeypatch.setattr(services, "invitation_create", invitation_create)
    answers: list[tuple[int, dict]] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            response = call(Client(), key, "post", "send_test", send_body(coding_stage))
            answers.append((response.status_code, response.json()))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert failures == []
    assert [status for status, _ in answers] == [200, 200], answers
    assert answers[0][1] == answers[1][1]
    assert GreenhouseInterview.objects.count() == Invitation.objects.count() == Candidate.objects.count() == 1
