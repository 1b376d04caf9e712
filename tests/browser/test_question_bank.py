"""A hiring manager authors questions in a real browser, without the Django admin.

Hana (demo hiring manager) opens Questions from the navigation, writes a coding question with a sample
and a hidden test, validates it (a real Celery worker runs the reference in the Docker sandbox; the
validation page refreshes itself until the result is in), publishes it, then edits a test and sees it
unpublished. She also writes a conceptual question with a rubric written on the page and previews its
prompt. Screenshots of the editor and of the validation go to docs/screenshots/ when asked for.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import CodingSpec, Question
from tests.browser.conftest import Grading, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

REFERENCE = "def clamp(x, low, high):\n    return max(low, min(x, high))\n"


def _fill_test(page: Any, row: int, name: str, args: str, expected: str, visibility: str = "Hidden") -> None:
    page.locator(f'[name="tests-{row}-name"]').fill(name)
    page.locator(f'[name="tests-{row}-args"]').fill(args)
    page.locator(f'[name="tests-{row}-expected"]').fill(expected)
    page.locator(f'[name="tests-{row}-visibility"]').select_option(label=visibility)


def test_manager_writes_validates_and_publishes_a_coding_question(new_page: Any, grader: Grading) -> None:
    call_command("load_demo", "--skip-publish")
    page = new_page()
    log_in(page, "hana", "/manage/questions/")
    page.get_by_test_id("staff-nav").get_by_role("link", name="Questions").click()
    page.get_by_test_id("question-new-coding").click()

    page.get_by_label("Title").fill("Clamp")
    page.get_by_label("Tags").fill("python, warm-up")
    page.get_by_label("Prompt (Markdown, shown to the candidate)").fill("Clamp `x` into **[low, high]**.")
    page.get_by_label("Entry point (function name)").fill("clamp")
    page.get_by_label("Signature shown to the candidate").fill("def clamp(x: int, low: int, high: int) -> int")
    page.get_by_label("Starter code").fill("def clamp(x, low, high):\n    pass\n")
    page.get_by_label("Reference solution").fill(REFERENCE)
    _fill_test(page, 0, "inside", "[5, 0, 10]", "5", visibility="Sample (shown to the candidate)")
    _fill_test(page, 1, "below", "[-3, 0, 10]", "0")
    page.get_by_test_id("preview-prompt").click()
    expect(page.get_by_test_id("prompt-preview").locator("strong")).to_have_text("[low, high]")
    page.get_by_test_id("more-tests").click()
    _fill_test(page, 2, "above", "[12, 0, 10]", "10")
    page.get_by_test_id("tests-editor").evaluate("section => section.scrollIntoView()")
    save_screenshot(page, grader, "manager-question-editor.png")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Question created. Validate it to publish it.")).to_be_visible()
    question = Question.objects.get(title="Clamp")
    spec = CodingSpec.objects.get(revision=question.current_revision)
    assert list(spec.test_cases.values_list("name", "visibility")) == [
        ("inside", "sample"),
        ("below", "hidden"),
        ("above", "hidden"),
    ]

    page.get_by_test_id("publication").get_by_test_id("validate").click()
    expect(page.get_by_test_id("validation")).to_have_attribute("data-status", "passed", timeout=90_000)
    expect(page.locator('[data-verdict="accepted"]')).to_have_count(3)
    save_screenshot(page, grader, "manager-question-validation.png")
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Published: the question can be used in invitations.")).to_be_visible()
    spec.refresh_from_db()
    assert spec.published_at is not None

    page.get_by_role("link", name="Back to the question").click()
    page.locator('[name="tests-2-expected"]').fill("11")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("it is unpublished until validated again")).to_be_visible()
    assert CodingSpec.objects.get(revision=question.current_revision).published_at is None
    page.get_by_test_id("publication").get_by_test_id("validate").click()
    expect(page.get_by_test_id("validation")).to_have_attribute("data-status", "failed", timeout=90_000)
    expect(page.locator('[data-verdict="wrong_answer"]')).to_have_count(1)
    expect(page.get_by_test_id("publish")).to_have_count(0)


def test_manager_writes_a_conceptual_question_with_its_rubric(new_page: Any, grader: Grading) -> None:
    call_command("load_demo", "--skip-publish")
    page = new_page()
    log_in(page, "hana", "/manage/questions/new/?kind=conceptual")
    page.get_by_label("Prompt (Markdown, shown to the candidate)").fill("Why does *attention* scale quadratically?")
    page.get_by_label("Interviewer notes (never shown to the candidate)").fill("Sequence length squared.")
    page.locator('[name="rubric"]').select_option(label="Write a new rubric below")
    page.get_by_label("Title of the new rubric").fill("Attention cost")
    page.locator('[name="criteria-0-name"]').fill("Reasoning")
    for score in range(1, 5):
        page.locator(f'[name="criteria-0-level_{score}"]').fill(f"Anchor {score}")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Question created.")).to_be_visible()
    revision = Question.objects.get(kind="conceptual", title__startswith="Why does").current_revision
    assert revision.rubric.title == "Attention cost" and revision.rubric.criteria.get().levels.count() == 4
    page.get_by_test_id("question-preview-link").click()
    expect(page.get_by_test_id("question-preview").locator("em")).to_have_text("attention")
    expect(page.get_by_text("Sequence length squared.")).to_have_count(0)
