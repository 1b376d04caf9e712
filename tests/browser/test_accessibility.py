"""Accessibility: the main candidate and staff pages pass axe-core with no serious or critical violation,
and a candidate can take an assessment with the keyboard alone.

Chromium (Playwright) against the live server with the demo organisation; no grader is needed: a
submitted attempt's page is checked while its grading waits in the queue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, Attempt, AttemptStatus, Candidate, CodingSpec, Invitation, Loop, Stage, StageKind
from rubrics.services.demo import LOOP_TITLE
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo loop, its coding questions marked published (no sandbox here), one invited candidate."""
    call_command("load_demo", "--skip-publish")
    loop = Loop.objects.get(title=LOOP_TITLE)
    CodingSpec.objects.filter(revision__question__organisation=loop.organisation).update(published_at=timezone.now())
    assessment = Stage.objects.get(loop=loop, kind=StageKind.ASSESSMENT)
    interview = Stage.objects.filter(loop=loop, kind=StageKind.INTERVIEW).order_by("position").first()
    return {"loop": loop, "assessment": assessment, "interview": interview, "invitation": _invite(assessment, "Grace")}


def _invite(stage: Stage, name: str) -> Invitation:
    now = timezone.now()
    candidate = Candidate.objects.create(organisation=stage.loop.organisation, name=name, email=f"{name}@example.test")
    return Invitation.objects.create(
        organisation=stage.loop.organisation,
        candidate=candidate,
        question_set=stage.question_set,
        stage=stage,
        opens_at=now,
        expires_at=now + timedelta(days=7),
        duration_minutes=90,
    )


def assert_accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what} ({page.url}):\n{describe(violations)}"


def test_the_checker_finds_a_violation(open_page: Any, live_server: Any) -> None:
    """axe really runs: an image without a text alternative and an unlabeled field are caught."""
    page = open_page()
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML('beforeend', '<img src="/static/none.png"><input type="text">');
        }"""
    )
    assert {"image-alt", "label"} <= {violation["id"] for violation in axe_violations(page)}


def test_candidate_pages_pass_axe(open_page: Any, demo: dict[str, Any]) -> None:
    token = demo["invitation"].token
    page = open_page()
    page.goto(f"/take/{token}/")
    assert_accessible(page, "the candidate's landing page")
    page.get_by_test_id("start-button").click()
    expect(page.get_by_test_id("countdown")).not_to_have_text("--:--")
    assert_accessible(page, "the attempt page, first question")
    for link in page.locator("#question-nav a.nav-item").all()[1:]:
        link.click()
        assert_accessible(page, f"the attempt page at {link.get_attribute('href')}")
    page.get_by_test_id("submit-button").click()
    expect(page.get_by_test_id("submit-dialog")).to_be_visible()
    assert_accessible(page, "the submit dialog")
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    expect(page.locator("#closed-title")).to_have_text("Submitted")
    assert_accessible(page, "the submitted page")
    page.goto("/take/not-a-real-token/")
    assert_accessible(page, "an unknown link's page")


STAFF_PAGES = {
    "hana": [
        "/",
        "/manage/loops/",
        "/manage/invitations/",
        "/manage/invitations/bulk/",
        "/manage/candidates/",
        "candidate",
        "/manage/emails/",
        "pipeline",
        "report",
        "outside",
        "calibration",
        "edit",
    ],
    "ira": ["/interviews/", "scorecard"],
    "ada": [
        "/manage/people/",
        "/manage/integrations/api-keys/",
        "/manage/integrations/webhooks/",
        "/manage/integrations/deliveries/",
        "/manage/emails/",
    ],
}


def _staff_url(name: str, demo: dict[str, Any]) -> str:
    loop, candidate = demo["loop"], demo["invitation"].candidate
    return {
        "pipeline": f"/manage/loops/{loop.pk}/pipeline/",
        "report": f"/manage/candidates/{candidate.pk}/report/?loop={loop.pk}",
        "candidate": f"/manage/candidates/{candidate.pk}/",
        "outside": f"/manage/candidates/{candidate.pk}/report/",  # the report outside the loops
        "calibration": f"/manage/loops/{loop.pk}/calibration/",
        "edit": f"/manage/loops/{loop.pk}/edit/",
        "scorecard": f"/interviews/{demo['interview'].pk}/{candidate.pk}/",
    }.get(name, name)


@pytest.mark.parametrize("username", sorted(STAFF_PAGES))
def test_staff_pages_pass_axe(open_page: Any, demo: dict[str, Any], username: str) -> None:
    page = open_page()
    page.goto("/accounts/login/")
    assert_accessible(page, "the login page")
    urls = [_staff_url(name, demo) for name in STAFF_PAGES[username]]
    log_in(page, username, urls[0])
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert_accessible(page, url)


def test_a_candidate_takes_the_assessment_with_the_keyboard_alone(open_page: Any, demo: dict[str, Any]) -> None:
    invitation = demo["invitation"]
    page = open_page()
    page.goto(f"/take/{invitation.token}/")
    _tab_to(page, "button", "Start")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("countdown")).not_to_have_text("--:--")
    _tab_to(page, "textarea", "")
    page.keyboard.type("Tokens are the units a model reads.")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved", timeout=10_000)
    _tab_to(page, "button", "Submit")  # from the answer onwards: the header's submit button
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("submit-dialog")).to_be_visible()
    expect(page.get_by_test_id("submit-cancel")).to_be_focused()  # the safe choice has the focus
    _tab_to(page, "button", "Submit now")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    expect(page.locator("#closed-title")).to_have_text("Submitted")
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.status in (AttemptStatus.SUBMITTED, AttemptStatus.GRADED)
    assert Answer.objects.filter(attempt_question__attempt=attempt, body__startswith="Tokens are").exists()


def _tab_to(page: Any, tag: str, label: str, limit: int = 80) -> None:
    """Press Tab until the focused element is a ``tag`` whose text starts with ``label`` (bounded)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName.toLowerCase(), (document.activeElement.innerText || '').trim()]"
        )
        if focused[0] == tag and focused[1].startswith(label):
            return
    pytest.fail(f"Tab never reached a {tag} {label!r}")
