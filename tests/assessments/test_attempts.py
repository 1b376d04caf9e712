"""Timed attempts: server-enforced deadline, resume, autosave versions, late writes, finalisation, token misuse."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import (
    Attempt,
    AttemptStatus,
    CodeSubmission,
    CodingSpec,
    IntegrityEvent,
    Invitation,
    QuestionRevision,
    SubmissionPurpose,
)
from assessments.services.answers import MAX_EVENTS_PER_ATTEMPT, attempts_finalise_expired
from assessments.services.attempts import attempt_start
from assessments.services.coding import coding_spec_from_seed
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from tests.factories import CandidateFactory, assessment_stage

pytestmark = pytest.mark.django_db

SET_MD = """# Intern screen

## Concepts

1. What is TF-IDF?
2. Implement a function in Python that calculates the cosine similarity between two vectors.

## Behavioural

1. Tell me about a hard bug.
"""


@pytest.fixture
def question_set(organisation):
    report = question_set_import(organisation=organisation, text=SET_MD, slug="screen")
    coding = [
        i.question for s in report.question_set.sections.all() for i in s.items.all() if i.question.kind == "coding"
    ]
    spec = coding_spec_from_seed(question=coding[0], seed_name="cosine_similarity")
    CodingSpec.objects.filter(pk=spec.pk).update(published_at=timezone.now())  # the sandbox tests publish for real
    return report.question_set


@pytest.fixture
def invitation(organisation, question_set):
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=assessment_stage(question_set),
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def no_enqueue(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr("assessments.services.submissions.submission_enqueue", lambda pk, **_: sent.append(pk))
    return sent


def api(client, invitation, path, method="get", body=None):
    url = f"/take/{invitation.token}/api/{path}"
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def started(client, invitation):
    assert client.post(f"/take/{invitation.token}/start/").status_code == 302
    return api(client, invitation, "state/").json()


def test_deadline_is_min_of_duration_and_window(invitation):
    now = timezone.now()
    attempt = attempt_start(invitation=invitation, now=now)
    assert attempt.deadline == now + timedelta(minutes=60)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=now + timedelta(minutes=10))
    other = Invitation.objects.get(pk=invitation.pk)
    Attempt.objects.filter(pk=attempt.pk).delete()
    assert attempt_start(invitation=other, now=now).deadline == now + timedelta(minutes=10)


def test_start_pins_and_locks_revisions_and_resume_keeps_deadline(client, invitation):
    state = started(client, invitation)
    assert [q["kind"] for q in state["questions"]] == ["conceptual", "coding", "behavioural"]
    attempt = Attempt.objects.get(invitation=invitation)
    assert all(q.revision.is_locked for q in attempt.questions.all())
    deadline = state["attempt"]["deadline"]
    again = started(client, invitation)  # reload / another device
    assert again["attempt"]["deadline"] == deadline
    assert client.get(f"/take/{invitation.token}/").status_code == 302


def test_state_never_contains_hidden_tests(client, invitation):
    state = started(client, invitation)
    coding = next(q for q in state["questions"] if q["kind"] == "coding")
    spec = CodingSpec.objects.get(revision__question__kind="coding")
    hidden = list(spec.test_cases.filter(visibility="hidden"))
    assert len(coding["coding"]["samples"]) == spec.test_cases.filter(visibility="sample").count()
    samples = {t.name for t in spec.test_cases.filter(visibility="sample")}
    assert {sample["name"] for sample in coding["coding"]["samples"]} == samples
    text = json.dumps(state)
    long_inputs = [json.dumps(test.args)[1:-1] for test in hidden if len(json.dumps(test.args)) > 60]
    assert long_inputs and not any(args in text for args in long_inputs)
    assert spec.reference_solution not in text
    assert coding["answer"]["body"] == spec.starter_code


def test_autosave_versions_refuse_stale_writes(client, invitation):
    question = started(client, invitation)["questions"][0]
    first = api(client, invitation, f"answers/{question['id']}/", "put", {"body": "tf times idf", "version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = api(client, invitation, f"answers/{question['id']}/", "put", {"body": "old tab", "version": 0})
    assert stale.status_code == 409
    assert stale.json()["error"] == {
        "code": "stale_version",
        "message": stale.json()["error"]["message"],
        "details": {"current_version": 1},
    }
    state = api(client, invitation, "state/").json()
    assert state["questions"][0]["answer"] == {"body": "tf times idf", "version": 1}


def test_writes_after_the_deadline_are_rejected_and_nothing_is_lost(client, invitation):
    question = started(client, invitation)["questions"][0]
    api(client, invitation, f"answers/{question['id']}/", "put", {"body": "saved in time", "version": 0})
    Attempt.objects.filter(invitation=invitation).update(
        started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(seconds=1)
    )
    late = api(client, invitation, f"answers/{question['id']}/", "put", {"body": "too late", "version": 1})
    assert late.status_code == 403 and late.json()["error"]["code"] == "deadline_passed"
    assert api(client, invitation, "state/").json()["questions"][0]["answer"]["body"] == "saved in time"


def test_finalisation_at_the_deadline_submits_and_queues_code(client, invitation, no_enqueue):
    started(client, invitation)
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempts_finalise_expired() == []
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(seconds=1)
    )
    assert attempts_finalise_expired() == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.finalised_by_deadline
    final = CodeSubmission.objects.get(attempt_question__attempt=attempt, purpose=SubmissionPurpose.FINAL)
    assert no_enqueue == [final.pk]
    assert attempts_finalise_expired() == []


def test_submit_freezes_and_double_submit_is_refused(client, invitation, no_enqueue):
    question = started(client, invitation)["questions"][0]
    response = api(client, invitation, "submit/", "post")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert len(response.json()["submissions"]) == 1
    again = api(client, invitation, "submit/", "post")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_submitted"
    frozen = api(client, invitation, f"answers/{question['id']}/", "put", {"body": "x", "version": 0})
    assert frozen.status_code == 403 and frozen.json()["error"]["code"] == "attempt_closed"
    assert CodeSubmission.objects.filter(purpose=SubmissionPurpose.FINAL).count() == 1


def _deadline_passed_ago(invitation, seconds):
    Attempt.objects.filter(invitation=invitation).update(
        started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(seconds=seconds)
    )


def test_submit_within_the_grace_after_the_deadline_is_accepted(client, invitation, no_enqueue, settings):
    settings.ATTEMPT_SUBMIT_GRACE_SECONDS = 30
    started(client, invitation)
    _deadline_passed_ago(invitation, 10)  # the click left in time; the network was slow
    response = api(client, invitation, "submit/", "post")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert not Attempt.objects.get(invitation=invitation).finalised_by_deadline


def test_submit_after_the_deadline_and_grace_is_refused_the_sweep_submits(client, invitation, no_enqueue, settings):
    settings.ATTEMPT_SUBMIT_GRACE_SECONDS = 30
    started(client, invitation)
    _deadline_passed_ago(invitation, 31)
    late = api(client, invitation, "submit/", "post")
    assert late.status_code == 403 and late.json()["error"]["code"] == "deadline_passed"
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.submitted_at is None
    assert attempts_finalise_expired() == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.finalised_by_deadline


def test_bad_input_gets_clear_errors(client, invitation, organisation):
    questions = started(client, invitation)["questions"]
    too_big = api(client, invitation, f"answers/{questions[0]['id']}/", "put", {"body": "x" * 20_001, "version": 0})
    assert too_big.status_code == 413 and too_big.json()["error"]["details"]["limit"] == 20_000
    malformed = api(client, invitation, f"answers/{questions[0]['id']}/", "put", {"body": 5})
    assert malformed.status_code == 400 and "version" in malformed.json()["error"]["details"]
    other = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=invitation.stage,
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=1),
    )
    attempt_start(invitation=other)
    foreign = Attempt.objects.get(invitation=other).questions.first()
    wrong = api(client, invitation, f"answers/{foreign.pk}/", "put", {"body": "x", "version": 0})
    assert wrong.status_code == 404
    assert foreign.answer.body == ""


def test_forged_unknown_revoked_and_expired_links_get_a_clear_page(client, invitation, organisation):
    assert client.get("/take/forged-token/").status_code == 404
    assert b"not valid" in client.get("/take/forged-token/").content
    assert client.get("/take/forged-token/api/state/").json()["error"]["code"] == "not_found"
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    revoked = client.get(f"/take/{invitation.token}/")
    assert revoked.status_code == 410 and b"withdrawn" in revoked.content
    assert client.post(f"/take/{invitation.token}/start/").status_code == 410
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=None, expires_at=timezone.now())
    assert client.get(f"/take/{invitation.token}/").status_code == 410
    assert not Attempt.objects.exists()


def test_integrity_events_are_recorded_and_malformed_refused(client, invitation):
    question = started(client, invitation)["questions"][0]
    events = [
        {"kind": "paste", "question_id": question["id"], "data": {"chars": 120}, "at": timezone.now().isoformat()},
        {"kind": "blur", "question_id": None, "data": {}, "at": timezone.now().isoformat()},
    ]
    assert api(client, invitation, "events/", "post", {"events": events}).status_code == 204
    assert IntegrityEvent.objects.count() == 2
    bad = api(client, invitation, "events/", "post", {"events": [{"kind": "teleport"}]})
    assert bad.status_code == 400 and IntegrityEvent.objects.count() == 2


def _event(question, **overrides):
    return {"kind": "question_time", "question_id": question, "data": {"seconds": 30}} | overrides


@pytest.mark.parametrize(
    "overrides",
    [
        {"data": {"seconds": 1e308}},
        {"data": {"seconds": -1}},
        {"data": {"seconds": 86_401}},
        {"data": {"seconds": "30"}},
        {"data": {"seconds": True}},
        {"data": {"seconds": {"nested": [1, 2]}}},
        {"data": {"seconds": 30, "extra": 1}},
        {"data": {}},
        {"data": [30]},
        {"data": "seconds"},
        {"kind": "paste", "data": {"chars": 1.5}},
        {"kind": "paste", "data": {"chars": -3}},
        {"kind": "paste", "data": {"chars": 10**40}},
        {"kind": "paste", "data": {"seconds": 3}},
        {"kind": "paste", "data": {"chars": 3, "via": ["drop"]}},
        {"kind": "focus", "data": {"seconds": 1e300}},
        {"kind": "blur", "data": {"chars": 3}},
        {"kind": ["paste"]},
        {"kind": None},
        {"question_id": "1"},
        {"question_id": True},
        {"question_id": 10**30},
        {"at": 12345},
        {"at": "2026-13-45T99:00:00Z"},
        {"at": "2026-01-01T10:00:00"},
        {"at": {"$date": 1}},
        {"shadow": "unknown field"},
    ],
)
def test_malformed_integrity_event_fields_are_a_400_never_a_500(client, invitation, overrides):
    question = started(client, invitation)["questions"][0]
    response = api(client, invitation, "events/", "post", {"events": [_event(question["id"], **overrides)]})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid" and response.json()["error"]["details"]
    assert not IntegrityEvent.objects.exists()


@pytest.mark.parametrize("body", ['{"events": [{"kind": "question_time", "data": {"seconds": 1e999}}]}', "[1]", "7"])
def test_overflowing_numbers_and_wrong_bodies_are_a_400(client, invitation, body):
    started(client, invitation)
    response = client.post(f"/take/{invitation.token}/api/events/", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] in ("invalid", "parse_error")
    assert not IntegrityEvent.objects.exists()


def test_integrity_events_record_the_server_s_time_beside_the_client_s(client, invitation):
    question = started(client, invitation)["questions"][0]
    what_integrity_js_sends = [
        {"kind": "paste", "question_id": question["id"], "data": {"chars": 12, "via": "drop"}},
        {"kind": "blur", "question_id": None, "data": {}},
        {"kind": "focus", "question_id": question["id"], "data": {"seconds": 4}},
        {"kind": "question_time", "question_id": question["id"], "data": {"seconds": 61.5}},
    ]
    assert api(client, invitation, "events/", "post", {"events": what_integrity_js_sends}).status_code == 204
    IntegrityEvent.objects.all().delete()
    backdated = "2001-01-01T00:00:00+00:00"
    assert (
        api(client, invitation, "events/", "post", {"events": [_event(question["id"], at=backdated)]}).status_code
        == 204
    )
    event = IntegrityEvent.objects.get()
    assert event.occurred_at.isoformat() == backdated
    assert abs((event.received_at - timezone.now()).total_seconds()) < 60
    assert event.data == {"seconds": 30}


def test_integrity_events_are_refused_once_the_attempt_is_closed(client, invitation, no_enqueue):
    question = started(client, invitation)["questions"][0]
    _deadline_passed_ago(invitation, 1)
    late = api(client, invitation, "events/", "post", {"events": [_event(question["id"])]})
    assert late.status_code == 403 and late.json()["error"]["code"] == "deadline_passed"
    Attempt.objects.filter(invitation=invitation).update(deadline=timezone.now() + timedelta(hours=1))
    assert api(client, invitation, "submit/", "post").status_code == 200
    after = api(client, invitation, "events/", "post", {"events": [_event(question["id"])]})
    assert after.status_code == 403 and after.json()["error"]["code"] == "attempt_closed"
    assert not IntegrityEvent.objects.exists()


def test_integrity_events_are_limited_per_attempt(client, invitation):
    question = started(client, invitation)["questions"][0]
    attempt = Attempt.objects.get(invitation=invitation)
    now = timezone.now()
    IntegrityEvent.objects.bulk_create(
        IntegrityEvent(attempt=attempt, kind="blur", occurred_at=now) for _ in range(MAX_EVENTS_PER_ATTEMPT - 1)
    )
    two = api(client, invitation, "events/", "post", {"events": [_event(question["id"])] * 2})
    assert two.status_code == 409 and two.json()["error"]["code"] == "event_limit_reached"
    assert two.json()["error"]["details"] == {"limit": MAX_EVENTS_PER_ATTEMPT, "recorded": MAX_EVENTS_PER_ATTEMPT - 1}
    assert api(client, invitation, "events/", "post", {"events": [_event(question["id"])]}).status_code == 204
    assert IntegrityEvent.objects.count() == MAX_EVENTS_PER_ATTEMPT


def test_markdown_preview_is_throttled_per_attempt_with_retry_after(client, invitation, organisation, settings):
    settings.CANDIDATE_PREVIEW_RATE_LIMIT = "3/minute"
    question = started(client, invitation)["questions"][0]
    previews = [api(client, invitation, f"answers/{question['id']}/preview/", "post", {"body": "*hi*"}) for _ in "1234"]
    assert [response.status_code for response in previews] == [200, 200, 200, 429]
    refused = previews[-1]
    assert refused.json()["error"]["code"] == "throttled" and set(refused.json()["error"]) == {
        "code",
        "message",
        "details",
    }
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=invitation.stage,
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=1),
    )
    other_question = started(client, other)["questions"][0]
    assert api(client, other, f"answers/{other_question['id']}/preview/", "post", {"body": "x"}).status_code == 200


def test_invitation_needs_published_coding_questions(organisation, question_set):
    CodingSpec.objects.update(published_at=None)
    from common.exceptions import ConflictError

    with pytest.raises(ConflictError) as caught:
        invitation_create(
            organisation=organisation,
            candidate=CandidateFactory(organisation=organisation),
            stage=assessment_stage(question_set),
            duration_minutes=60,
            expires_at=timezone.now() + timedelta(days=1),
        )
    assert caught.value.code == "unpublished_questions"


def test_editing_a_question_after_an_attempt_leaves_the_attempt_on_its_revision(client, invitation):
    from assessments.services.questions import question_revise

    started(client, invitation)
    pinned = Attempt.objects.get(invitation=invitation).questions.first().revision
    question_revise(question=pinned.question, prompt="What is TF-IDF, precisely?")
    assert QuestionRevision.objects.get(pk=pinned.pk).prompt == "What is TF-IDF?"
    assert api(client, invitation, "state/").json()["questions"][0]["title"] == pinned.question.title
