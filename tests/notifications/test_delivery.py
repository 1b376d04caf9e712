"""SMTP's answers decide an e-mail's fate: a refused recipient is failed and shown (invitation, log, API) and
can be resent once the address is fixed; a 451 or an unreachable server is retried and sent exactly once."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assessments.models import Candidate
from assessments.services.invitations import invitation_create
from assessments.services.submissions import submission_create
from grading.services.grade import _platform_failure
from grading.services.submissions import submission_claim
from integrations.greenhouse import services as greenhouse
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from notifications.models import EmailKind, OutgoingEmail
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, assessment_stage
from tests.grading.conftest import _attempt_question
from tests.integrations.test_greenhouse import basic, send_body
from tests.notifications.conftest import send_due

pytestmark = pytest.mark.django_db

REFUSED = "550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown"


def api_invite(manager_client, question_set, candidate) -> dict:
    body = {
        "candidate_id": candidate.pk,
        "stage_id": assessment_stage(question_set).pk,
        "expires_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "duration_minutes": 30,
    }
    response = manager_client.post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_refused_address_is_failed_shown_and_resent_once_fixed(
    smtp, queued, organisation, question_set, manager_client, client
):
    candidate = CandidateFactory(organisation=organisation, email="gone@example.test")
    smtp.mailbox.refuse["gone@example.test"] = REFUSED
    created = api_invite(manager_client, question_set, candidate)
    assert created["email_status"] == "pending" and created["email_id"]
    assert send_due() == ["failed"]  # final: no retry for a 5xx refusal
    assert smtp.messages == []
    email = OutgoingEmail.objects.get()
    assert (email.status, email.last_status_code, email.next_attempt_at) == ("failed", 550, None)
    assert "User unknown" in email.last_error

    shown = manager_client.get(f"/api/v1/invitations/{created['id']}/").json()
    assert shown["email_status"] == "failed" and "User unknown" in shown["email_error"]
    listed = manager_client.get("/api/v1/invitations/", {"updated_since": created["updated_at"]}).json()["results"]
    assert [row["email_status"] for row in listed] == ["failed"]  # the failure moved the invitation's updated_at
    assert manager_client.get("/api/v1/emails/", {"status": "failed"}).json()["results"][0]["id"] == email.pk

    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    client.force_login(manager)
    page = client.get("/manage/invitations/").content.decode()
    assert "Not delivered" in page and "User unknown" in page
    log = client.get("/manage/emails/?status=failed").content.decode()
    assert "gone@example.test" in log and "User unknown" in log and f'data-email="{email.pk}"' in log

    manager_client.patch(f"/api/v1/candidates/{candidate.pk}/", {"email": "ada@example.test"}, format="json")
    resent = manager_client.post(f"/api/v1/emails/{email.pk}/resend/").json()
    assert (resent["status"], resent["to"]) == ("pending", "ada@example.test")
    assert send_due() == ["succeeded"]
    assert [received.rcpt_tos for received in smtp.messages] == [["ada@example.test"]]
    assert manager_client.get(f"/api/v1/invitations/{created['id']}/").json()["email_status"] == "succeeded"

    response = client.post(f"/manage/emails/{email.pk}/resend/")  # the page's button: sent again on purpose
    assert response.status_code == 302
    assert send_due() == ["succeeded"]
    first, second = smtp.messages
    assert first.message["Message-ID"] != second.message["Message-ID"]  # a purposeful resend is a new message


def test_a_451_and_an_unreachable_server_are_retried_and_the_message_arrives_once(
    smtp, queued, organisation, question_set, manager_client, settings
):
    smtp.mailbox.defer = 1
    api_invite(manager_client, question_set, CandidateFactory(organisation=organisation, email="busy@example.test"))
    assert send_due() == ["retry"]
    email = OutgoingEmail.objects.get()
    assert (email.status, email.last_status_code, email.attempt_count) == ("pending", 451, 1)
    assert "try again later" in email.last_error
    assert email.next_attempt_at > timezone.now()  # backoff

    smtp.stop()  # the server goes away
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert send_due() == ["retry"]
    email.refresh_from_db()
    assert email.status == "pending" and email.last_status_code is None and "connection failed" in email.last_error

    smtp.start()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert send_due() == ["succeeded"]
    assert send_due() == []
    assert len(smtp.to("busy@example.test")) == 1
    email.refresh_from_db()
    assert (email.status, email.attempt_count) == ("succeeded", 3)


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "two@@example.test", "x@example.test\nBcc: y@z.test"])
def test_an_invalid_address_is_a_400_at_invite_time(organisation, question_set, manager_client, address):
    candidate = Candidate.objects.create(organisation=organisation, name="Bad", email=address)  # as an import might
    body = {
        "candidate_id": candidate.pk,
        "stage_id": assessment_stage(question_set).pk,
        "expires_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "duration_minutes": 30,
    }
    response = manager_client.post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_email"
    assert not OutgoingEmail.objects.exists()


def test_the_invite_page_refuses_an_invalid_address(organisation, question_set, client):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    stage = assessment_stage(question_set)
    form = {"name": "Eve", "email": "eve@", "stage": stage.pk, "duration_minutes": 60, "days_open": 3}
    response = client.post("/manage/invitations/", form)
    assert response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_greenhouse_send_test_leads_to_an_email_with_the_link_at_the_candidates_address(
    smtp, queued, organisation, question_set, client, settings
):
    key = api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.WRITE)[1]
    body = send_body(assessment_stage(question_set), email="ada.gh@example.test")
    response = client.post(
        "/greenhouse/send_test", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=basic(key)
    )
    assert response.status_code == 200, response.content
    interview = greenhouse.interview_get(
        organisation=organisation, partner_interview_id=response.json()["partner_interview_id"]
    )
    assert send_due() == ["succeeded"]
    received = smtp.to("ada.gh@example.test")
    assert len(received) == 1
    link = f"{settings.SITE_URL}/take/{interview.invitation.token}/"
    assert link in received[0].part("text/plain") and link in received[0].part("text/html")
    assert "Ada Lovelace" in received[0].message["To"]


def test_a_grading_failure_on_the_platform_emails_the_inviting_manager(
    smtp, queued, organisation, settings, monkeypatch
):
    monkeypatch.setattr("assessments.services.submissions.submission_enqueue", lambda pk, **_: None)
    settings.GRADING_MAX_DELIVERIES = 1
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    attempt_question = _attempt_question(organisation, "cosine_similarity")
    type(attempt_question.attempt.invitation).objects.update(created_by=manager)
    submission = submission_create(attempt_question=attempt_question, source="def f(): pass", purpose="final")
    _platform_failure(submission_claim(submission_id=submission.pk), RuntimeError("the sandbox image is gone"))
    assert list(OutgoingEmail.objects.values_list("kind", "to_email")) == [(EmailKind.GRADING_FAILED, manager.email)]
    assert send_due() == ["succeeded"]
    assert "Grading failed" in smtp.to(manager.email)[0].message["Subject"]


class Boom(Exception):
    pass


def test_rolled_back_invitations_leave_no_email(organisation, question_set, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        invitation_create(
            organisation=organisation,
            candidate=CandidateFactory(organisation=organisation),
            stage=assessment_stage(question_set),
            duration_minutes=30,
            expires_at=timezone.now() + timedelta(days=1),
        )
        assert OutgoingEmail.objects.count() == 1
        raise Boom
    assert not OutgoingEmail.objects.exists() and queued == []
