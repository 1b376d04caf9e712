"""Each kind of e-mail reaches a real SMTP server on loopback with its headers and both parts.

The messages are recorded by the domain's events (or beat's sweeps) and sent as the worker sends them
(``email_deliver``), to an aiosmtpd server on 127.0.0.1 started by the test.
"""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.utils import timezone

from assessments.models import Attempt, Invitation
from assessments.selectors.invitations import invitation_link
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_extend, attempt_mark_graded, attempt_start
from assessments.services.events import invitation_event_record
from assessments.services.invitations import invitation_create
from assessments.services.loops import stage_interviewer_assign
from common.events import event_record
from notifications.models import EmailKind, MailSettings, OutgoingEmail
from notifications.services.compose import moment
from notifications.services.reminders import reminders_record, scorecard_reminders_record
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, StageFactory, assessment_stage
from tests.notifications.conftest import FROM_ADDRESS, SITE, send_due
from tests.notifications.smtp import Received

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    membership.user.first_name, membership.user.last_name = "Grace", "Hopper"
    membership.user.save()
    return membership.user


@pytest.fixture
def loop_stage(organisation, question_set):
    return StageFactory(
        loop__organisation=organisation, kind="assessment", question_set=question_set, duration_minutes=30
    )


def invite(organisation, question_set, manager=None, stage=None, **candidate) -> Invitation:
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, **candidate),
        duration_minutes=45,
        expires_at=timezone.now() + timedelta(days=3),
        stage=stage or assessment_stage(question_set),
        created_by=manager,
    )


def only(received: list[Received]) -> Received:
    assert len(received) == 1, [r.message["Subject"] for r in received]
    return received[0]


def assert_well_formed(received: Received, *, organisation, to: str, subject_has: str, reply_to: str | None) -> None:
    message = received.message
    assert parseaddr(message["From"]) == (organisation.name, FROM_ADDRESS)  # the organisation's name, our address
    assert parseaddr(message["To"])[1] == to and received.rcpt_tos == [to]
    assert subject_has in message["Subject"]
    assert (message["Reply-To"] and parseaddr(message["Reply-To"])[1]) == (reply_to or None)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Message-ID"].startswith("<loopwright.") and message["Auto-Submitted"] == "auto-generated"
    text, html = received.part("text/plain"), received.part("text/html")
    assert "<html" not in text and "<html" in html
    assert "utm_" not in text + html and "<img" not in html  # no tracking


def test_the_invitation_reaches_the_candidate_with_their_link(smtp, queued, organisation, question_set, manager):
    invitation = invite(organisation, question_set, manager, name="Ada O'Brien", email="ada@example.test")
    assert send_due() == ["succeeded"]
    received = only(smtp.to("ada@example.test"))
    assert_well_formed(
        received,
        organisation=organisation,
        to="ada@example.test",
        subject_has=question_set.title,
        reply_to=manager.email,
    )
    link = invitation_link(invitation)
    assert link.startswith(SITE + "/take/")  # absolute, on LOOPWRIGHT_SITE_URL
    text, html = received.part("text/plain"), received.part("text/html")
    assert link in text and f'href="{link}"' in html
    assert "Hello Ada O'Brien," in text and "Ada O&#x27;Brien" in html  # the text part is not HTML-escaped
    assert "45 minutes" in text and "UTC" in text  # times named with their zone
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.invitation, email.status, email.last_status_code) == (
        EmailKind.INVITATION,
        invitation,
        "succeeded",
        250,
    )


def test_one_invitation_email_per_invitation_even_if_its_event_comes_twice(
    smtp,
    queued,
    organisation,
    question_set,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organisation, question_set)
        invitation_event_record(invitation=invitation, type="invitation.created")
        assert queued == []  # nothing leaves before the commit
    assert OutgoingEmail.objects.count() == 1 and len(queued) == 1
    send_due()
    send_due()
    assert len(smtp.messages) == 1


def test_without_an_inviting_person_the_reply_to_is_the_organisations_setting(smtp, queued, organisation, question_set):
    invite(organisation, question_set, email="api@example.test")  # the API with a key, Greenhouse: nobody
    MailSettings.objects.create(organisation=organisation, reply_to="talent@acme.example")
    send_due()
    assert parseaddr(only(smtp.to("api@example.test")).message["Reply-To"])[1] == "talent@acme.example"


def test_the_reminder_goes_once_before_the_window_closes(smtp, queued, organisation, question_set, settings):
    settings.EMAIL_REMINDER_HOURS = 24
    invitation = invite(organisation, question_set, email="late@example.test")
    started = invite(organisation, question_set, email="started@example.test")
    attempt_start(invitation=started)
    send_due()
    assert reminders_record() == 0  # three days left
    later = invitation.expires_at - timedelta(hours=20)
    assert reminders_record(now=later) == 1  # the started one is not reminded
    assert reminders_record(now=later + timedelta(hours=1)) == 0  # once
    send_due()
    received = only([r for r in smtp.to("late@example.test") if "Reminder" in r.message["Subject"]])
    assert_well_formed(received, organisation=organisation, to="late@example.test", subject_has="closes", reply_to=None)
    assert invitation_link(invitation) in received.part("text/plain")


def test_the_candidate_gets_a_receipt_and_the_inviting_manager_the_graded_notice(
    smtp,
    queued,
    organisation,
    question_set,
    manager,
    client,
):
    invitation = invite(organisation, question_set, manager, email="done@example.test")
    attempt = attempt_start(invitation=invitation)
    attempt_submit(attempt=attempt)  # one conceptual question: graded at once
    assert Attempt.objects.get(pk=attempt.pk).status == "graded"
    send_due()
    receipt = only([r for r in smtp.to("done@example.test") if "received" in r.message["Subject"]])
    assert_well_formed(
        receipt, organisation=organisation, to="done@example.test", subject_has="received", reply_to=manager.email
    )
    graded = only(smtp.to(manager.email))
    assert_well_formed(graded, organisation=organisation, to=manager.email, subject_has="Graded", reply_to=None)
    text, html = graded.part("text/plain"), graded.part("text/html")
    report = f"{SITE}/manage/attempts/{attempt.pk}/?org={organisation.slug}"
    assert report in text and report in html
    assert invitation.token not in text + html  # the candidate's link only in the candidate's own e-mail
    client.force_login(manager)  # the manager follows it: the loop's report, at this attempt
    page = client.get(report.removeprefix(SITE), follow=True)
    assert page.status_code == 200 and f'id="attempt-{attempt.pk}"' in page.content.decode()
    assert invitation.candidate.name in page.content.decode() and 'data-testid="decision-form"' in page.content.decode()


def test_a_grading_failure_tells_the_inviting_manager_once(smtp, queued, organisation, question_set, manager):
    invitation = invite(organisation, question_set, manager)
    attempt = attempt_start(invitation=invitation)
    for _ in range(2):
        event_record(
            organisation_id=organisation.pk,
            type="attempt.grading_failed",
            payload={"attempt_id": attempt.pk, "invitation_id": invitation.pk},
        )
    send_due()
    received = only(smtp.to(manager.email))
    assert "Grading failed" in received.message["Subject"] and "not the candidate" in received.part("text/plain")


def test_an_interviewer_hears_of_the_assignment_and_of_a_scorecard_due(
    smtp,
    queued,
    organisation,
    question_set,
    manager,
    loop_stage,
    settings,
):
    settings.EMAIL_SCORECARD_DUE_HOURS = 48
    interview = StageFactory(loop=loop_stage.loop, kind="interview", title="Systems design")
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    stage_interviewer_assign(organisation=organisation, stage=interview, user=interviewer)
    stage_interviewer_assign(organisation=organisation, stage=interview, user=interviewer)  # idempotent: one e-mail
    send_due()
    assigned = only(smtp.to(interviewer.email))
    assert_well_formed(
        assigned, organisation=organisation, to=interviewer.email, subject_has="Systems design", reply_to=None
    )
    assert f"{SITE}/interviews/?org={organisation.slug}" in assigned.part("text/plain")

    invitation = invite(organisation, question_set, manager, stage=loop_stage)
    attempt = attempt_start(invitation=invitation)
    attempt_submit(attempt=attempt)
    assert attempt_mark_graded(attempt_id=attempt.pk) is False  # already graded at submit
    assert scorecard_reminders_record() == 0  # not due yet
    later = timezone.now() + timedelta(hours=49)
    assert scorecard_reminders_record(now=later) == 1
    assert scorecard_reminders_record(now=later) == 0  # once
    send_due()
    due = only([r for r in smtp.to(interviewer.email) if "Scorecard due" in r.message["Subject"]])
    scorecard = f"{SITE}/interviews/{interview.pk}/{invitation.candidate_id}/?org={organisation.slug}"
    assert scorecard in due.part("text/plain")
    assert invitation.token not in due.part("text/plain") + due.part("text/html")


def test_more_time_reaches_the_candidate_with_the_new_deadline_once_per_extension(
    smtp, queued, organisation, question_set, manager
):
    invitation = invite(organisation, question_set, manager, name="Ada", email="ada@example.test")
    attempt = attempt_start(invitation=invitation)
    attempt_extend(attempt=attempt, minutes=15, reason="Accommodation", by=manager)
    assert OutgoingEmail.objects.filter(kind=EmailKind.TIME_EXTENDED).count() == 1
    send_due()
    attempt.refresh_from_db()
    received = only([r for r in smtp.to("ada@example.test") if "time" in r.message["Subject"].lower()])
    assert_well_formed(
        received, organisation=organisation, to="ada@example.test", subject_has="", reply_to=manager.email
    )
    text = received.part("text/plain")
    assert moment(attempt.deadline) in text and invitation_link(invitation) in text
    assert "Accommodation" not in text  # the reason stays with the hiring team
    attempt_extend(attempt=Attempt.objects.get(pk=attempt.pk), minutes=10, reason="Again", by=manager)
    assert (
        OutgoingEmail.objects.filter(kind=EmailKind.TIME_EXTENDED).count() == 2
    )  # a second extension: a second notice


def test_a_candidates_e_mail_gives_times_in_their_time_zone(smtp, queued, organisation, question_set):
    invitation = invite(organisation, question_set, email="kenji@example.test", time_zone="Asia/Tokyo")
    send_due()
    text = only(smtp.to("kenji@example.test")).part("text/plain")
    assert moment(invitation.expires_at, "Asia/Tokyo") in text and "Asia/Tokyo" in text
    assert moment(invitation.expires_at) not in text  # not the UTC time
