"""The daily digest: a hiring manager asks for it on the home page and gets, once a day and only when
something needs attention, the home page's list by e-mail (a real SMTP server on loopback)."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import AttemptStatus, CodeSubmission, Invitation, StageKind, SubmissionPurpose
from assessments.services.attempts import attempt_start
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from notifications.models import DigestSubscription, EmailKind, OutgoingEmail
from notifications.services.digests import digests_record
from organisations.models import Membership, Role
from tests.factories import CandidateFactory, LoopFactory, MembershipFactory, StageFactory, StageInterviewerFactory
from tests.notifications.conftest import SITE, send_due
from tests.notifications.test_messages import assert_well_formed, only

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation) -> Membership:
    membership = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    membership.user.email, membership.user.first_name = "hana@example.test", "Hana"
    membership.user.save()
    return membership


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def waiting(organisation):
    """A graded attempt in a loop whose interviewer has not scored it: something needs attention."""
    question_set = question_set_import(organisation=organisation, text="# Set\n\n## A\n\n1. What is a token?\n")
    loop = LoopFactory(organisation=organisation, title="Data Scientist")
    stage = StageFactory(loop=loop, kind=StageKind.ASSESSMENT, question_set=question_set.question_set, position=1)
    StageInterviewerFactory(
        stage=StageFactory(loop=loop, position=2), user=MembershipFactory(organisation=organisation).user
    )
    invitation = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, name="Grace Waiting"),
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=5),
        stage=stage,
    )
    attempt = attempt_start(invitation=invitation)
    type(attempt).objects.filter(pk=attempt.pk).update(status=AttemptStatus.GRADED, submitted_at=timezone.now())
    OutgoingEmail.objects.all().delete()  # the invitation's own e-mail: not what these tests look at
    return attempt


def _morning(days: int = 0) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=9, minute=0)


def test_a_manager_turns_the_digest_on_and_off_from_the_home_page(manager):
    client = _client(manager)
    assert "E-mail me this list each morning" in client.get("/").content.decode()
    response = client.post("/manage/emails/digest/", {"enabled": "1"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert DigestSubscription.objects.filter(user=manager.user, organisation=manager.organisation).count() == 1
    assert "Stop the daily e-mail" in client.get("/").content.decode()
    client.post("/manage/emails/digest/", {"enabled": "1"})  # twice: still one
    assert DigestSubscription.objects.count() == 1
    client.post("/manage/emails/digest/", {"enabled": "0"})
    assert not DigestSubscription.objects.exists()


def test_interviewers_cannot_subscribe(organisation):
    response = _client(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER)).post(
        "/manage/emails/digest/", {"enabled": "1"}
    )
    assert response.status_code == 403 and not DigestSubscription.objects.exists()


def test_once_a_day_from_the_hour_and_only_for_subscribers(manager, waiting, settings, queued):
    settings.EMAIL_DIGEST_HOUR = 7
    MembershipFactory(organisation=manager.organisation, role=Role.HIRING_MANAGER)  # not subscribed
    _client(manager).post("/manage/emails/digest/", {"enabled": "1"})
    assert digests_record(now=_morning().replace(hour=6)) == 0  # before the hour
    assert digests_record(now=_morning()) == 1
    assert digests_record(now=_morning().replace(hour=15)) == 0  # once that day
    assert digests_record(now=_morning(days=1)) == 1  # and again the next
    assert set(OutgoingEmail.objects.values_list("kind", "to_email")) == {(EmailKind.DIGEST, "hana@example.test")}


def test_nothing_to_attend_to_sends_nothing(manager, settings, queued):
    settings.EMAIL_DIGEST_HOUR = 0
    _client(manager).post("/manage/emails/digest/", {"enabled": "1"})
    assert digests_record(now=_morning()) == 0 and not OutgoingEmail.objects.exists()


def test_a_subscriber_no_longer_a_manager_gets_nothing(manager, waiting, settings, queued):
    settings.EMAIL_DIGEST_HOUR = 0
    _client(manager).post("/manage/emails/digest/", {"enabled": "1"})
    Membership.objects.filter(pk=manager.pk).update(role=Role.INTERVIEWER)
    assert digests_record(now=_morning()) == 0
    Membership.objects.filter(pk=manager.pk).update(role=Role.HIRING_MANAGER, deactivated_at=timezone.now())
    assert digests_record(now=_morning()) == 0


def test_the_digest_lists_what_needs_attention_with_links(smtp, queued, manager, waiting, settings, organisation):
    settings.EMAIL_DIGEST_HOUR = 0
    _client(manager).post("/manage/emails/digest/", {"enabled": "1"})
    assert digests_record(now=_morning()) == 1
    assert send_due() == ["succeeded"]
    received = only(smtp.to("hana@example.test"))
    assert_well_formed(
        received, organisation=organisation, to="hana@example.test", subject_has="Needs your attention", reply_to=None
    )
    text, html = received.part("text/plain"), received.part("text/html")
    loop_id = waiting.invitation.stage.loop_id
    report = f"{SITE}/manage/candidates/{waiting.invitation.candidate_id}/report/?loop={loop_id}"
    assert "Grace Waiting (Data Scientist): 1 of 1 scorecards missing" in text and report in text
    assert "Grace Waiting" in html and f'href="{report}&amp;org={organisation.slug}"' in html
    assert f"{SITE}/?org={organisation.slug}" in text  # the home page, absolute


def test_a_failed_grading_s_link_opens_the_attempt_even_without_a_stage(smtp, queued, manager, waiting, settings):
    """Its link is the attempt's page (as every handed-out link): before, a stage-less attempt got none."""
    settings.EMAIL_DIGEST_HOUR = 0
    Invitation.objects.filter(pk=waiting.invitation_id).update(stage=None)  # made before invitations named one
    CodeSubmission.objects.create(
        attempt_question=waiting.questions.first(), purpose=SubmissionPurpose.FINAL, source="x", status="failed"
    )
    client = _client(manager)
    client.post("/manage/emails/digest/", {"enabled": "1"})
    assert digests_record(now=_morning()) == 1 and send_due() == ["succeeded"]
    text = only(smtp.to("hana@example.test")).part("text/plain")
    link = f"{SITE}/manage/attempts/{waiting.pk}/?org={manager.organisation.slug}"
    assert link in text
    page = client.get(link.removeprefix(SITE), follow=True)
    assert page.status_code == 200 and f'id="attempt-{waiting.pk}"' in page.content.decode()
