"""An interviewer's scorecard in a real browser, then the hiring manager reading it on the candidate report.

Ira (demo interviewer) opens "My interviews", fills the foundations-interview scorecard (anchored 1–4
ratings, notes, key take-aways, a recommendation), sees the API's ``incomplete`` error on an early
submit, reloads and finds her draft, submits; Hana (hiring manager) then reads the candidate report
and finds Ira's submitted scorecard. No sandbox or grader: only Chromium against the live server.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Candidate, Invitation, Loop, Stage, StageKind
from rubrics.models import Scorecard, ScorecardStatus
from rubrics.services.demo import LOOP_TITLE
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_interviewer_fills_and_submits_and_manager_reads_it(open_page: Any, screenshots: Path) -> None:
    call_command("load_demo", "--skip-publish")
    loop = Loop.objects.get(title=LOOP_TITLE)
    assessment = Stage.objects.get(loop=loop, kind=StageKind.ASSESSMENT)
    foundations = Stage.objects.get(loop=loop, position=2)
    candidate = Candidate.objects.create(
        organisation=loop.organisation, name="Grace Hopper", email="grace@example.test"
    )
    now = timezone.now()
    Invitation.objects.create(
        organisation=loop.organisation,
        candidate=candidate,
        question_set=assessment.question_set,
        stage=assessment,
        opens_at=now,
        expires_at=now + timedelta(days=7),
        duration_minutes=90,
    )

    # Ira's queue: both of her interview stages for the invited candidate, nothing started.
    page = open_page()
    log_in(page, "ira", "/interviews/")
    queue = page.get_by_test_id("interview-queue")
    expect(queue.get_by_role("row")).to_have_count(3)  # header + stages 2 and 4
    expect(queue).to_contain_text("Technical interview: foundations")
    expect(queue).to_contain_text("Behavioural interview")
    expect(queue.get_by_text("Not started")).to_have_count(2)
    page.screenshot(path=str(screenshots / "interviewer-queue.png"))
    queue.get_by_role("link", name="Start scorecard for Grace Hopper, Technical interview: foundations").click()

    # The scorecard: anchors in view, one radio group per criterion.
    expect(page.get_by_role("heading", name="Scorecard: Grace Hopper")).to_be_visible()
    criteria = page.locator("fieldset.criterion")
    count = criteria.count()
    assert count >= 9
    expect(criteria.first.locator("label.level")).to_have_count(4)
    expect(criteria.first.locator(".level-text").first).to_be_visible()

    # Keyboard: tab into the first group, arrows move the choice.
    first_radio = criteria.first.locator("input[type=radio]").first
    first_radio.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(criteria.first.locator("input[type=radio]").nth(2)).to_be_checked()
    criteria.first.locator("textarea.rating-notes").fill("Explained the trade-off without prompting.")
    expect(page.get_by_test_id("save-status")).to_have_text("All changes saved")

    # Submitting early: the API's `incomplete` error is shown and the gaps outlined.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit scorecard").click()
    notice = page.get_by_test_id("notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Rate every criterion")
    expect(notice).to_contain_text(f"{count - 1} criterion ratings missing")
    expect(page.locator("fieldset.criterion.missing")).to_have_count(count - 1)

    for index in range(1, count):
        criteria.nth(index).locator("label.level").nth(index % 2 + 2).click()  # levels 3 and 4, alternating
    page.fill("#key-takeaways", "Strong on fundamentals; clear about trade-offs.")
    page.get_by_label("Yes", exact=True).check()
    expect(page.get_by_test_id("save-status")).to_have_text("All changes saved")
    card = Scorecard.objects.get(candidate=candidate, stage=foundations)
    assert card.status == ScorecardStatus.DRAFT and card.ratings.count() == count and card.recommendation == "yes"

    # Reload: the draft is all there.
    page.reload()
    expect(criteria.first.locator("input[type=radio]").nth(2)).to_be_checked()
    expect(criteria.first.locator("textarea.rating-notes")).to_have_value("Explained the trade-off without prompting.")
    expect(page.locator("#key-takeaways")).to_have_value("Strong on fundamentals; clear about trade-offs.")
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    expect(page.locator("input[type=radio]:checked")).to_have_count(count + 1)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "interviewer-scorecard.png"))

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_test_id("scorecard-readonly")).to_be_visible()
    expect(page.get_by_test_id("recommendation")).to_have_text("Yes")
    expect(page.locator("input[type=radio]")).to_have_count(0)
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED
    page.goto("/interviews/")
    expect(page.get_by_test_id("interview-queue").get_by_text("Submitted")).to_have_count(1)

    # Hana reads the candidate report and finds Ira's submitted scorecard.
    manager = open_page()
    report_url = f"/manage/candidates/{candidate.pk}/report/?loop={loop.pk}"
    log_in(manager, "hana", report_url)
    scorecards = manager.locator("section[aria-labelledby=scorecards-heading]")
    expect(scorecards).to_contain_text("Technical interview: foundations — Ira Interviewer")
    expect(scorecards).to_contain_text("Strong on fundamentals; clear about trade-offs.")
    expect(scorecards).to_contain_text("Explained the trade-off without prompting.")
    manager.locator("#scorecards-heading").evaluate("(heading) => heading.scrollIntoView({block: 'start'})")
    manager.screenshot(path=str(screenshots / "manager-report.png"))

    # The loop's calibration page counts Ira's submitted ratings and draws its charts.
    manager.goto(f"/manage/loops/{loop.pk}/calibration/")
    expect(manager.get_by_test_id("loop-alpha")).to_be_visible()
    expect(manager.locator("svg").first).to_be_visible()
    expect(manager.locator("body")).to_contain_text("Ira Interviewer")
    manager.screenshot(path=str(screenshots / "manager-calibration.png"))


def test_stale_tab_gets_the_conflict_notice_and_never_overwrites(open_page: Any) -> None:
    call_command("load_demo", "--skip-publish")
    loop = Loop.objects.get(title=LOOP_TITLE)
    behavioural = Stage.objects.get(loop=loop, position=4)
    candidate = Candidate.objects.create(organisation=loop.organisation, name="Alan Turing", email="alan@example.test")
    assessment = Stage.objects.get(loop=loop, kind=StageKind.ASSESSMENT)
    now = timezone.now()
    Invitation.objects.create(  # in the loop: a scorecard is only for the loop's candidates
        organisation=loop.organisation,
        candidate=candidate,
        question_set=assessment.question_set,
        stage=assessment,
        opens_at=now,
        expires_at=now + timedelta(days=7),
        duration_minutes=90,
    )
    url = f"/interviews/{behavioural.pk}/{candidate.pk}/"

    first = open_page()
    log_in(first, "ira", url)
    second = first.context.new_page()
    second.goto(url)
    second.fill("#key-takeaways", "Written in the second tab.")
    expect(second.get_by_test_id("save-status")).to_have_text("All changes saved")
    card = Scorecard.objects.get(candidate=candidate, stage=behavioural)
    assert card.version == 1

    first.fill("#key-takeaways", "Older tab typing over it.")  # still holds version 0
    notice = first.get_by_test_id("notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("changed somewhere else")
    expect(first.get_by_test_id("save-status")).to_have_text("Not saved")
    card.refresh_from_db()
    assert card.key_takeaways == "Written in the second tab." and card.version == 1

    # Both tabs on the started scorecard: the one that saves second gets the API's 409 (stale_version).
    first.reload()
    expect(first.locator("#key-takeaways")).to_have_value("Written in the second tab.")
    second.fill("#key-takeaways", "Second tab again.")
    expect(second.get_by_test_id("save-status")).to_have_text("All changes saved")
    first.get_by_label("Strong no").check()
    expect(first.get_by_test_id("notice")).to_contain_text("saved from another tab or device")
    card.refresh_from_db()
    assert card.key_takeaways == "Second tab again." and card.recommendation == "" and card.version == 2
