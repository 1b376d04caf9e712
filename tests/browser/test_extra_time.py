"""Extra time in a real browser: a manager extends an attempt while the candidate's page is open, and the report prints.

The candidate's timer follows the server's new deadline without a reload (the page polls ``api/clock/``);
the report printed hides the navigation, the forms and the buttons and starts each part on its own page.
No sandbox: the assessment has written questions only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Accommodation, Attempt, StageKind
from assessments.services.attempts import attempt_start
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from organisations.models import Organisation, Role
from rubrics.services.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in
from tests.factories import CandidateFactory, LoopFactory, MembershipFactory, StageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SET_MD = "# Screen\n\n## Concepts\n\n1. What is a token?\n2. What is a corpus?\n"


@pytest.fixture
def case(settings) -> dict[str, Any]:
    settings.CANDIDATE_CLOCK_POLL_SECONDS = 2  # the page asks for the deadline every 2 s in this test
    organisation = Organisation.objects.create(name="Acme", slug="acme")
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER, user__username="mia").user
    manager.set_password(DEMO_PASSWORD)
    manager.save()
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    loop = LoopFactory(organisation=organisation, title="Data engineer")
    stage = StageFactory(loop=loop, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=30)
    invitation = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, name="Alan Turing"),
        stage=stage,
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=1),
    )
    attempt = attempt_start(invitation=invitation)
    report = f"/manage/candidates/{invitation.candidate_id}/report/?loop={loop.pk}"
    return {"invitation": invitation, "attempt": attempt, "report": report}


def _remaining(page: Any) -> int:
    return int(page.get_by_test_id("countdown").get_attribute("data-remaining-seconds"))


def test_the_candidates_timer_shows_extra_time_without_a_reload(open_page: Any, case: dict[str, Any]) -> None:
    candidate = open_page()
    candidate.goto(f"/take/{case['invitation'].token}/attempt/")
    expect(candidate.get_by_test_id("countdown")).not_to_have_text("--:--")
    candidate.evaluate("window.sameDocument = true")  # gone if the page reloads
    before = _remaining(candidate)
    assert 29 * 60 <= before <= 30 * 60
    deadline_before = candidate.get_by_test_id("countdown-deadline").inner_text()
    expect(candidate.get_by_test_id("time-notice")).to_be_hidden()

    manager = open_page()
    log_in(manager, "mia", case["report"])
    manager.get_by_text("Give extra time").click()
    manager.get_by_label("Extra minutes").fill("45")
    manager.get_by_label("Why (kept on record)").fill("Agreed accommodation: 1.5 × time")
    manager.get_by_role("button", name="Extend the deadline").click()
    expect(manager.get_by_text("Extended by 45 minutes")).to_be_visible()
    expect(manager.get_by_test_id("accommodations")).to_contain_text("Agreed accommodation: 1.5 × time")
    attempt = Attempt.objects.get(pk=case["attempt"].pk)
    assert attempt.deadline == case["attempt"].deadline + timedelta(minutes=45)
    assert Accommodation.objects.get().granted_by.username == "mia"

    # The open page learns the new deadline from the server within a poll, with no reload.
    notice = candidate.get_by_test_id("time-notice")
    expect(notice).to_be_visible(timeout=10_000)
    expect(notice).to_contain_text("You have been given extra time")
    candidate.wait_for_function(
        f"Number(document.getElementById('countdown').dataset.remainingSeconds) > {before + 40 * 60}"
    )
    assert candidate.evaluate("window.sameDocument") is True
    deadline_after = candidate.get_by_test_id("countdown-deadline").inner_text()
    assert deadline_after != deadline_before and deadline_after in notice.inner_text()
    expect(candidate.get_by_test_id("countdown")).to_have_attribute("data-state", "running")


def test_the_report_prints_without_navigation_forms_or_buttons(open_page: Any, case: dict[str, Any]) -> None:
    page = open_page()
    log_in(page, "mia", case["report"])
    expect(page.get_by_test_id("staff-nav")).to_be_visible()
    expect(page.get_by_role("button", name="Record decision")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Alan Turing")).to_be_visible()
    expect(page.get_by_test_id("staff-nav")).to_be_hidden()
    expect(page.get_by_test_id("decision-form")).to_be_hidden()
    expect(page.get_by_test_id("extend-time")).to_be_hidden()
    for button in page.get_by_role("button").all():
        expect(button).to_be_hidden()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 3, pages  # the summary, then the attempt and the scorecards each from a new page
