"""A hiring manager builds a loop in a real browser: stages, an interviewer with focus questions, a preview.

Hana (demo hiring manager) creates a loop, adds a timed assessment on the seed question set and an
interview stage, assigns Ira with two focus questions, previews what the candidate sees, and
clones the loop. Ira's queue then lists the new stage for an invited candidate. No sandbox.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Candidate, FocusQuestion, Invitation, Loop, QuestionSet, Stage, StageInterviewer
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_stage(page: Any, kind: str, title: str, question_set: str = "", minutes: str = "") -> None:
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Stage title").fill(title)
    if question_set:
        page.get_by_label("Question set (timed assessment)").select_option(label=question_set)
        page.get_by_label("Duration in minutes (timed assessment)").fill(minutes)
    page.get_by_role("button", name="Add stage").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_manager_builds_previews_and_clones_a_loop(open_page: Any, screenshots: Path) -> None:
    call_command("load_demo", "--skip-publish")
    seed = QuestionSet.objects.get(organisation__slug="demo")
    page = open_page()
    log_in(page, "hana", "/manage/loops/new/")
    page.get_by_label("Loop title").fill("Data engineer intern")
    page.get_by_label("Role").fill("Data engineering intern")
    page.get_by_role("button", name="Create loop").click()
    expect(page.get_by_role("heading", name="Data engineer intern")).to_be_visible()
    loop = Loop.objects.get(title="Data engineer intern")

    _add_stage(page, "Timed assessment", "Take-home screen", seed.title, "90")
    _add_stage(page, "Live interview", "Technical interview")
    interview = Stage.objects.get(loop=loop, title="Technical interview")
    page.get_by_label("Assign an interviewer").select_option(label="Ira Interviewer (Interviewer)")
    page.get_by_role("button", name="Assign").click()
    focus = page.get_by_label("Focus questions for Ira Interviewer")
    options = focus.locator("option")
    focus.select_option([options.nth(0).get_attribute("value"), options.nth(1).get_attribute("value")])
    page.get_by_role("button", name="Save focus questions").click()
    expect(page.get_by_label("Focus questions for Ira Interviewer").locator("option:checked")).to_have_count(2)
    assert StageInterviewer.objects.filter(stage=interview, user__username="ira").exists()
    assert FocusQuestion.objects.filter(stage=interview).count() == 2
    page.screenshot(path=str(screenshots / "manager-loop-builder.png"))

    page.goto(f"/manage/loops/{loop.pk}/preview/")
    expect(page.get_by_role("heading", name="What the candidate sees")).to_be_visible()
    expect(page.get_by_text("90 minutes")).to_be_visible()
    expect(page.locator("h3")).to_have_count(seed.sections.all().values("items").count())

    page.goto(f"/manage/loops/{loop.pk}/clone/")
    page.get_by_label("Title of the copy").fill("Data engineer intern (spring)")
    page.get_by_role("button", name="Clone loop").click()
    copy = Loop.objects.get(title="Data engineer intern (spring)")
    assert list(copy.stages.order_by("position").values_list("title", flat=True)) == [
        "Take-home screen",
        "Technical interview",
    ]

    candidate = Candidate.objects.create(organisation=loop.organisation, name="Alan Turing", email="alan@example.test")
    screen = Stage.objects.get(loop=loop, title="Take-home screen")
    now = timezone.now()
    Invitation.objects.create(
        organisation=loop.organisation,
        candidate=candidate,
        question_set=seed,
        stage=screen,
        opens_at=now,
        expires_at=now + timedelta(days=7),
        duration_minutes=90,
    )
    ira = open_page()
    log_in(ira, "ira", "/interviews/")
    rows = ira.get_by_test_id("interview-queue").get_by_role("row").filter(has_text="Alan Turing")
    expect(rows).to_have_count(1)  # the interview stage she was assigned; not the assessment
    expect(rows).to_contain_text("Technical interview")
