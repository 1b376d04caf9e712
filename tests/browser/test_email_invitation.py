"""The invitation e-mail, end to end in a real browser: a manager invites from the page, the message reaches a
real SMTP server on loopback, and the candidate follows the link in it and takes the (short) assessment.

One written question, so submitting grades at once without the sandbox; the receipt and the manager's
graded notice arrive too. The messages are sent as the worker sends them (``email_deliver``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, AttemptStatus
from assessments.services.importing import question_set_import
from organisations.models import Role
from tests.factories import MembershipFactory, assessment_stage
from tests.notifications.conftest import send_due
from tests.notifications.smtp import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHORT_SET = "# Short screen\n\n## Concepts\n\n1. What does a tokenizer do?\n"
ANSWER = "It splits text into tokens: words, sub-words or characters."


@pytest.fixture
def smtp_to_live_server(settings, live_server) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "noreply@loopwright.test"
    settings.SITE_URL = live_server.url  # the links in the messages lead to this server
    try:
        yield server
    finally:
        server.stop()


def link_in(html: str) -> str:
    found = re.search(r'href="([^"]+/take/[^"]+/)"', html)
    assert found, html
    return found.group(1)


def test_the_candidate_follows_the_emailed_link_and_takes_the_assessment(
    open_page: Any, live_server: Any, smtp_to_live_server: SmtpServer, organisation
):
    smtp = smtp_to_live_server
    question_set = question_set_import(organisation=organisation, text=SHORT_SET, slug="short").question_set
    stage = assessment_stage(question_set)  # every invitation is to a loop's assessment stage
    organisation.name = "Acme Language Lab"
    organisation.save(update_fields=["name"])
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user

    office = open_page()
    office.goto("/accounts/login/?next=/manage/invitations/")
    office.fill("#id_username", manager.username)
    office.fill("#id_password", "pw-for-tests")
    office.get_by_role("button", name="Log in").click()
    office.fill("#id_name", "Grace Hopper")
    office.fill("#id_email", "grace@example.test")
    office.select_option("#id_stage", value=str(stage.pk))
    office.fill("#id_duration_minutes", "30")
    office.fill("#id_days_open", "3")
    office.get_by_role("button", name="Create invitation").click()
    expect(office.locator(".messages")).to_contain_text("e-mailed to grace@example.test")
    expect(office.get_by_test_id("email-status")).to_have_text("Sending")

    assert send_due() == ["succeeded"]
    (invitation_email,) = smtp.to("grace@example.test")
    assert "Acme Language Lab" in invitation_email.message["From"]
    link = link_in(invitation_email.part("text/html"))
    assert link.startswith(live_server.url) and link in invitation_email.part("text/plain")
    office.reload()
    expect(office.get_by_test_id("email-status")).to_have_text("Sent")

    page = open_page()  # the candidate: no account, another browser profile
    page.goto(link)
    expect(page.get_by_test_id("landing-total")).to_have_text("1 question")
    page.get_by_test_id("start-button").click()
    expect(page.get_by_test_id("countdown")).not_to_have_text("--:--")
    attempt = Attempt.objects.get(invitation__candidate__email="grace@example.test")
    question_id = attempt.questions.get().pk
    page.get_by_test_id(f"answer-{question_id}").fill(ANSWER)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED

    assert sorted(send_due()) == ["succeeded", "succeeded"]  # the receipt and the manager's graded notice
    receipt = [r for r in smtp.to("grace@example.test") if "received" in r.message["Subject"]]
    assert len(receipt) == 1 and link not in receipt[0].part("text/plain")
    (graded,) = smtp.to(manager.email)
    assert "Grace Hopper" in graded.message["Subject"] and link not in graded.part("text/html")
    # The manager follows the notice's report link: the loop's report, at this attempt.
    found = re.search(r'href="([^"]+/manage/attempts/\d+/[^"]*)"', graded.part("text/html"))
    assert found, graded.part("text/html")
    office.goto(found.group(1).replace("&amp;", "&"))
    expect(office.locator(f"#attempt-{attempt.pk}")).to_contain_text("Short screen")
