"""Integrity signals from a real browser: a paste into an answer and leaving the page, recorded and reported.

The candidate pastes into a written answer (a real clipboard paste) and switches to another tab and
back; the events reach the server with the paste's size (never its text) and the time away, and the
hiring manager's report counts them.
"""

from typing import Any

import pytest
from playwright.sync_api import expect

from assessments.models import IntegrityEvent, IntegrityEventKind, Invitation, StageKind
from assessments.services.attempts import attempt_start
from organisations.models import Role
from tests.assessments.test_attempts import invitation, question_set  # noqa: F401 - shared fixtures
from tests.browser.conftest import Grading
from tests.browser.test_candidate_flow import pane_ids, wait_until_ready
from tests.factories import LoopFactory, MembershipFactory, StageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = "Copied from somewhere else: TF-IDF weighs terms."


def kinds(attempt) -> list[str]:
    return list(IntegrityEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))


def test_a_paste_and_leaving_the_page_are_recorded_and_reported(
    new_page: Any,
    grader: Grading,
    invitation,  # noqa: F811
    organisation,
):
    loop = LoopFactory(organisation=organisation)
    stage = StageFactory(
        loop=loop, kind=StageKind.ASSESSMENT, question_set=invitation.question_set, duration_minutes=60, title="Screen"
    )
    Invitation.objects.filter(pk=invitation.pk).update(stage=stage)
    attempt = attempt_start(invitation=invitation)
    written = pane_ids(attempt)["conceptual"]

    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/take/{invitation.token}/attempt/")
    wait_until_ready(page)
    page.evaluate("(text) => navigator.clipboard.writeText(text)", PASTED)
    answer = page.get_by_test_id(f"answer-{written}")
    answer.click()
    page.keyboard.press("Control+V")
    expect(answer).to_have_value(PASTED)  # a real paste: the text is in the answer

    # The candidate switches to another tab and comes back. Headless Chromium keeps every page visible and
    # focused (Playwright emulates focus per page), so the tab switch is what the browser would report:
    # visibilityState turns hidden, then visible, each with its visibilitychange event.
    switch_tab = """(state) => {
        Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    page.evaluate(switch_tab, "hidden")
    page.wait_for_timeout(1500)
    page.evaluate(switch_tab, "visible")

    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()  # submitting sends what is queued
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    for _ in range(50):
        if {IntegrityEventKind.PASTE, IntegrityEventKind.BLUR, IntegrityEventKind.FOCUS} <= set(kinds(attempt)):
            break
        page.wait_for_timeout(200)
    paste = IntegrityEvent.objects.get(attempt=attempt, kind=IntegrityEventKind.PASTE)
    assert paste.attempt_question_id == written and paste.data == {"chars": len(PASTED)}  # the size, never the text
    assert PASTED not in str(list(IntegrityEvent.objects.filter(attempt=attempt).values()))
    assert IntegrityEvent.objects.filter(attempt=attempt, kind=IntegrityEventKind.BLUR).count() == 1
    focus = IntegrityEvent.objects.get(attempt=attempt, kind=IntegrityEventKind.FOCUS)
    assert focus.data["seconds"] >= 1

    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    office = new_page()
    office.goto(f"/accounts/login/?next=/manage/candidates/{invitation.candidate_id}/report/%3Floop%3D{loop.pk}")
    office.fill("#id_username", manager.username)
    office.fill("#id_password", "pw-for-tests")
    office.get_by_role("button", name="Log in").click()
    expect(office.locator("body")).to_contain_text(
        f"Integrity signals: 1 paste ({len(PASTED)} characters) · left the page 1 time"
    )
