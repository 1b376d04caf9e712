"""Accommodations: extra time with an invitation (minutes or a percentage) and extending a started attempt.

The deadline moves on the server (every write checks it), the grant is recorded with who and why,
webhooks hear ``attempt.updated``, the candidate's page reads the new deadline from ``api/clock/``.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Accommodation, AccommodationKind, Attempt, AttemptStatus, Invitation, StageKind
from assessments.services.accommodations import ExtraTime
from assessments.services.answers import answer_save, attempt_submit, attempts_finalise_expired
from assessments.services.attempts import attempt_extend, attempt_start
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from common.exceptions import ApplicationError, ConflictError
from integrations.models import ApiKeyScope, WebhookEvent
from integrations.services import webhook_endpoint_create
from integrations.services.api_keys import api_key_create
from organisations.models import Role
from tests.factories import CandidateFactory, LoopFactory, MembershipFactory, StageFactory

pytestmark = pytest.mark.django_db

SET_MD = "# Screen\n\n## Concepts\n\n1. What is a token?\n2. What is a corpus?\n"


@pytest.fixture
def stage(organisation):
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    loop = LoopFactory(organisation=organisation, title="Platform engineer")
    return StageFactory(loop=loop, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60)


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER, user__first_name="Ada").user


def invite(organisation, stage, *, extra=None, days=2, by=None, opens_at=None) -> Invitation:
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=stage,
        duration_minutes=60,
        opens_at=opens_at,
        expires_at=(opens_at or timezone.now()) + timedelta(days=days),
        created_by=by,
        extra_time=extra,
    )


# --- extra time with the invitation -----------------------------------------------------------------


def test_extra_minutes_lengthen_the_deadline_and_are_recorded_with_who_and_why(organisation, stage, manager):
    invitation = invite(organisation, stage, extra=ExtraTime(reason="Agreed: 25% more", minutes=15), by=manager)
    now = timezone.now()
    attempt = attempt_start(invitation=invitation, now=now)
    assert attempt.deadline == now + timedelta(minutes=75)
    grant = Accommodation.objects.get()
    assert (grant.kind, grant.minutes, grant.percent, grant.reason) == ("invitation", 15, None, "Agreed: 25% more")
    assert (grant.granted_by, grant.granted_by_label, grant.attempt) == (manager, "Ada", None)


def test_a_percentage_of_the_duration_is_rounded_up_to_a_minute(organisation, stage, manager):
    invitation = invite(organisation, stage, extra=ExtraTime(reason="50% more", percent=33), by=manager)
    assert invitation.extra_minutes == 20  # 60 × 33% = 19.8
    assert Accommodation.objects.get().percent == 33


def test_the_window_still_bounds_extra_time_given_with_the_invitation(organisation, stage):
    opens = timezone.now() - timedelta(days=2) + timedelta(minutes=30)
    invitation = invite(organisation, stage, extra=ExtraTime(reason="x", minutes=60), opens_at=opens)
    attempt = attempt_start(invitation=invitation)  # the window closes in 30 minutes
    assert attempt.deadline == invitation.expires_at


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (ExtraTime(reason="why", minutes=10, percent=10), "extra_time_invalid"),
        (ExtraTime(reason="why"), "extra_time_invalid"),
        (ExtraTime(reason="  ", minutes=10), "reason_required"),
        (ExtraTime(reason="why", minutes=0), "extra_time_invalid"),
        (ExtraTime(reason="why", percent=301), "extra_time_invalid"),
    ],
)
def test_extra_time_needs_one_amount_in_range_and_a_reason(organisation, stage, extra, code):
    with pytest.raises(ApplicationError) as refused:
        invite(organisation, stage, extra=extra)
    assert refused.value.code == code
    assert not Invitation.objects.exists() and not Accommodation.objects.exists()


def test_the_api_takes_extra_time_and_records_the_api_key_as_who(organisation, stage):
    client = APIClient()
    key = api_key_create(organisation=organisation, name="ATS", scope=ApiKeyScope.WRITE)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = {
        "candidate_id": CandidateFactory(organisation=organisation).pk,
        "question_set_id": stage.question_set_id,
        "stage_id": stage.pk,
        "expires_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "duration_minutes": 90,
    }
    refused = client.post("/api/v1/invitations/", {**body, "extra_time_minutes": 30}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "reason_required"
    both = {**body, "extra_time_minutes": 30, "extra_time_percent": 50, "extra_time_reason": "x"}
    assert client.post("/api/v1/invitations/", both, format="json").json()["error"]["code"] == "extra_time_invalid"
    created = client.post(
        "/api/v1/invitations/", {**body, "extra_time_percent": 50, "extra_time_reason": "Dyslexia"}, format="json"
    )
    assert created.status_code == 201 and created.json()["extra_time_minutes"] == 45
    grant = Accommodation.objects.get()
    assert grant.granted_by is None and grant.granted_by_label.startswith("API key lw_")
    plain = client.post("/api/v1/invitations/", body, format="json").json()
    assert plain["extra_time_minutes"] == 0


def test_the_invite_page_takes_extra_time_with_a_reason(client, organisation, stage, manager):
    client.force_login(manager)
    form = {"name": "Bo", "email": "bo@example.test", "stage": stage.pk, "duration_minutes": 60}
    form |= {"days_open": 3, "extra_percent": 25}
    refused = client.post("/manage/invitations/", form)
    assert refused.status_code == 200 and "Say why the extra time is given." in refused.content.decode()
    assert not Invitation.objects.exists()
    response = client.post("/manage/invitations/", {**form, "extra_reason": "Agreed with the candidate"})
    assert response.status_code == 302
    assert Invitation.objects.get().extra_minutes == 15
    assert Accommodation.objects.get().granted_by == manager
    assert 'data-testid="extra-time">+15 min extra time' in client.get("/manage/invitations/").content.decode()


def test_the_landing_page_tells_the_candidate_their_whole_time(client, organisation, stage):
    invitation = invite(organisation, stage, extra=ExtraTime(reason="x", minutes=30))
    page = client.get(f"/take/{invitation.token}/").content.decode()
    assert "90 minutes (including 30 minutes of extra time)" in page


# --- extending a started attempt ----------------------------------------------------------------------


def test_extending_moves_the_deadline_and_records_who_why_and_what_moved(organisation, stage, manager):
    attempt = attempt_start(invitation=invite(organisation, stage))
    before = attempt.deadline
    extended = attempt_extend(attempt=attempt, minutes=20, reason="Fire alarm during the test", by=manager)
    assert extended.deadline == before + timedelta(minutes=20)
    assert Attempt.objects.get(pk=attempt.pk).deadline == before + timedelta(minutes=20)
    grant = Accommodation.objects.get()
    assert (grant.kind, grant.attempt, grant.minutes) == (AccommodationKind.EXTENSION, attempt, 20)
    assert (grant.deadline_before, grant.deadline_after) == (before, extended.deadline)
    assert (grant.granted_by, grant.reason) == (manager, "Fire alarm during the test")
    assert grant.window_end_before is None  # the window still ends after the new deadline


def test_an_extension_past_the_window_moves_the_window_with_it(organisation, stage, manager):
    opens = timezone.now() - timedelta(days=2) + timedelta(minutes=30)
    invitation = invite(organisation, stage, opens_at=opens)
    attempt = attempt_start(invitation=invitation)
    assert attempt.deadline == invitation.expires_at  # cut short by the window
    extended = attempt_extend(attempt=attempt, minutes=45, reason="Late start agreed", by=manager)
    assert extended.deadline == invitation.expires_at + timedelta(minutes=45)  # granted in full
    invitation.refresh_from_db()
    assert invitation.expires_at == extended.deadline
    grant = Accommodation.objects.get()
    assert (grant.window_end_before, grant.window_end_after) == (attempt.deadline, extended.deadline)
    answer_save(attempt=extended, attempt_question_id=attempt.questions.first().pk, body="still open", version=0)


def test_a_submitted_attempt_or_one_past_its_deadline_cannot_be_extended(organisation, stage, manager):
    attempt = attempt_start(invitation=invite(organisation, stage))
    with pytest.raises(ConflictError) as late:
        attempt_extend(attempt=attempt, minutes=5, reason="x", by=manager, now=attempt.deadline)
    assert late.value.code == "deadline_passed"
    attempt_submit(attempt=attempt)
    with pytest.raises(ConflictError) as closed:
        attempt_extend(attempt=attempt, minutes=5, reason="x", by=manager)
    assert closed.value.code == "attempt_closed"
    with pytest.raises(ApplicationError, match="Say why"):
        attempt_extend(attempt=attempt_start(invitation=invite(organisation, stage)), minutes=5, reason=" ", by=None)
    assert not Accommodation.objects.exists()


def test_the_deadline_sweep_does_not_submit_an_attempt_extended_after_it_looked(organisation, stage, manager):
    attempt = attempt_start(invitation=invite(organisation, stage))
    old_deadline = attempt.deadline
    # The sweep listed the attempt at its old deadline; the manager's extension commits before its update.
    attempt_extend(attempt=attempt, minutes=10, reason="Outage", by=manager, now=old_deadline - timedelta(seconds=1))
    with pytest.raises(ConflictError) as moved:
        attempt_submit(attempt=attempt, by_deadline=True, now=old_deadline)
    assert moved.value.code == "deadline_moved"
    assert attempts_finalise_expired(now=old_deadline + timedelta(minutes=1)) == []
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS
    assert attempts_finalise_expired(now=old_deadline + timedelta(minutes=10)) == [attempt.pk]


def test_an_extension_is_an_attempt_updated_webhook(organisation, stage, manager):
    webhook_endpoint_create(organisation=organisation, url="https://ats.example.test/", events=["attempt.updated"])
    attempt = attempt_start(invitation=invite(organisation, stage))
    extended = attempt_extend(attempt=attempt, minutes=30, reason="Medical: private detail", by=manager)
    event = WebhookEvent.objects.get()
    assert event.type == "attempt.updated"
    data = event.payload["data"]
    assert data["change"] == "deadline_extended" and data["attempt_id"] == attempt.pk
    assert data["deadline"] == extended.deadline.isoformat().replace("+00:00", "Z")
    assert "private detail" not in json.dumps(event.payload)  # the reason stays in Loopwright


def test_the_api_extends_and_answers_409_for_a_submitted_attempt(organisation, stage, manager_client):
    attempt = attempt_start(invitation=invite(organisation, stage))
    url = f"/api/v1/attempts/{attempt.pk}/extend/"
    response = manager_client.post(url, {"minutes": 30, "reason": "Accommodation"}, format="json")
    assert response.status_code == 200
    assert response.json()["deadline"] == (attempt.deadline + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    assert manager_client.post(url, {"minutes": 30}, format="json").status_code == 400
    assert manager_client.post(url, {"minutes": 0, "reason": "x"}, format="json").status_code == 400
    attempt_submit(attempt=attempt)
    refused = manager_client.post(url, {"minutes": 30, "reason": "Accommodation"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "attempt_closed"
    assert Accommodation.objects.count() == 1


def test_interviewers_and_read_only_keys_cannot_extend(organisation, stage, interviewer_client):
    attempt = attempt_start(invitation=invite(organisation, stage))
    body = {"minutes": 30, "reason": "x"}
    assert interviewer_client.post(f"/api/v1/attempts/{attempt.pk}/extend/", body, format="json").status_code == 403
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_create(organisation=organisation, name='R')[1]}")
    assert reader.post(f"/api/v1/attempts/{attempt.pk}/extend/", body, format="json").status_code == 403
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline


# --- what the candidate's page reads ------------------------------------------------------------------


def test_the_candidate_clock_and_every_save_carry_the_current_deadline(client, organisation, stage, manager):
    invitation = invite(organisation, stage)
    attempt = attempt_start(invitation=invitation)
    clock = client.get(f"/take/{invitation.token}/api/clock/").json()
    assert clock["deadline"] == attempt.deadline.isoformat() and clock["status"] == "in_progress"
    assert set(clock) == {"status", "started_at", "deadline", "server_now", "submitted_at", "finalised_by_deadline"}
    extended = attempt_extend(attempt=attempt, minutes=15, reason="x", by=manager)
    assert client.get(f"/take/{invitation.token}/api/clock/").json()["deadline"] == extended.deadline.isoformat()
    question = attempt.questions.first()
    saved = client.put(
        f"/take/{invitation.token}/api/answers/{question.pk}/",
        data=json.dumps({"body": "hello", "version": 0}),
        content_type="application/json",
    ).json()
    assert saved["deadline"] == extended.deadline.isoformat()
    assert client.get("/take/not-a-token/api/clock/").status_code == 404


def test_the_attempt_page_tells_the_script_how_often_to_poll(client, organisation, stage, settings):
    settings.CANDIDATE_CLOCK_POLL_SECONDS = 7
    invitation = invite(organisation, stage)
    attempt_start(invitation=invitation)
    assert 'data-clock-poll-ms="7000"' in client.get(f"/take/{invitation.token}/attempt/").content.decode()


# --- the manager's page -------------------------------------------------------------------------------


def test_the_report_extends_an_attempt_and_shows_the_record(client, organisation, stage, manager):
    invitation = invite(organisation, stage)
    attempt = attempt_start(invitation=invitation)
    client.force_login(manager)
    report = f"/manage/candidates/{invitation.candidate_id}/report/?loop={stage.loop_id}"
    assert 'data-testid="extend-time"' in client.get(report).content.decode()
    form = {f"extend-{attempt.pk}-minutes": 25, f"extend-{attempt.pk}-reason": "Screen reader set-up"}
    response = client.post(f"/manage/attempts/{attempt.pk}/extend/", form)
    assert response.status_code == 302 and response["Location"] == f"{report}#attempt-{attempt.pk}"
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline + timedelta(minutes=25)
    page = client.get(report).content.decode()
    assert "+25 min" in page and "Screen reader set-up" in page and "by Ada" in page
    assert "Extended by 25 minutes" in page
    refused = client.post(f"/manage/attempts/{attempt.pk}/extend/", {f"extend-{attempt.pk}-minutes": 5})
    assert refused.status_code == 302 and Accommodation.objects.count() == 1
    assert "The time was not extended." in client.get(report).content.decode()
