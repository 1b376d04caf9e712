"""A whole loop run in the product by a new hiring manager, from ``/``, without the Django admin or a shell.

Nina, a new hiring manager of an empty organisation, writes a coding question with its tests, validates
it in the sandbox and publishes it, makes a question set of it, builds a loop, invites one candidate
from the page and another from a CSV file. The first solves the question in the browser and is graded
by a real worker; the second starts, and Nina gives him extra time. Nina opens the first one's report
from the pipeline and from the API's ``report_url``, overrides the score with a reason, and exports the
pipeline as CSV. Screenshots of each step go to docs/screenshots/ when asked for.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from assessments.models import Attempt, Invitation
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from organisations.models import Organisation, Role
from rubrics.services.demo import DEMO_PASSWORD
from tests.browser.conftest import Grading, log_in, save_screenshot
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

REFERENCE = "def clamp(x, low, high):\n    return max(low, min(x, high))\n"
SOLUTION = "def clamp(x, low, high):\n    if x < low:\n        return low\n    return high if x > high else x\n"
CSV = b"name,email\nBob Bulk,bob@example.test\n"


def _nav(page: Any, name: str) -> None:
    page.get_by_test_id("staff-nav").get_by_role("link", name=name, exact=True).click()


def _test_row(page: Any, row: int, name: str, args: str, expected: str, visibility: str) -> None:
    page.locator(f'[name="tests-{row}-name"]').fill(name)
    page.locator(f'[name="tests-{row}-args"]').fill(args)
    page.locator(f'[name="tests-{row}-expected"]').fill(expected)
    page.locator(f'[name="tests-{row}-visibility"]').select_option(label=visibility)


def _write_and_publish_question(page: Any, grader: Grading) -> None:
    _nav(page, "Questions")
    page.get_by_test_id("question-new-coding").click()
    page.get_by_label("Title").fill("Clamp")
    page.get_by_label("Prompt (Markdown, shown to the candidate)").fill("Clamp `x` into **[low, high]**.")
    page.get_by_label("Entry point (function name)").fill("clamp")
    page.get_by_label("Signature shown to the candidate").fill("def clamp(x: int, low: int, high: int) -> int")
    page.get_by_label("Starter code").fill("def clamp(x, low, high):\n    pass\n")
    page.get_by_label("Reference solution").fill(REFERENCE)
    _test_row(page, 0, "inside", "[5, 0, 10]", "5", "Sample (shown to the candidate)")
    _test_row(page, 1, "below", "[-3, 0, 10]", "0", "Hidden")
    page.get_by_test_id("save").click()
    page.get_by_test_id("publication").get_by_test_id("validate").click()
    expect(page.get_by_test_id("validation")).to_have_attribute("data-status", "passed", timeout=120_000)
    save_screenshot(page, grader, "journey-1-validated.png")
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Published: the question can be used in invitations.")).to_be_visible()


def _make_set_and_loop(page: Any, grader: Grading) -> None:
    _nav(page, "Question sets")
    page.get_by_test_id("question-set-new").click()
    page.get_by_label("Title").fill("Clamp screen")
    page.get_by_role("checkbox", name="Clamp").check()
    page.get_by_test_id("save-set").click()
    expect(page.get_by_text("Question set saved.")).to_be_visible()
    _nav(page, "Loops")
    page.get_by_test_id("loop-new").click()
    page.get_by_label("Loop title").fill("Backend intern")
    page.get_by_label("Role").fill("Backend engineering intern")
    page.get_by_role("button", name="Create loop").click()
    page.get_by_label("Kind").select_option(label="Timed assessment")
    page.get_by_label("Stage title").fill("Take-home")
    page.get_by_label("Question set (timed assessment)").select_option(label="Clamp screen")
    page.get_by_label("Duration in minutes (timed assessment)").fill("30")
    page.get_by_role("button", name="Add stage").click()
    expect(page.get_by_role("heading", name="Take-home")).to_be_visible()
    save_screenshot(page, grader, "journey-2-loop.png")


def _invite(page: Any, grader: Grading) -> str:
    """Ada from the invite page, Bob from a CSV file; Ada's link, as the page shows it once."""
    _nav(page, "Invitations")
    page.get_by_label("Loop and assessment stage").select_option(index=1)
    page.get_by_label("Candidate name").fill("Ada Lovelace")
    page.get_by_label("Candidate email").fill("ada@example.test")
    page.get_by_role("button", name="Create invitation").click()
    message = page.locator(".messages").inner_text()
    link = re.search(r"https?://\S+/take/[\w-]+/", message)
    assert link, message
    page.get_by_role("link", name="bulk invite from a CSV file").click()
    page.get_by_label("Loop and assessment stage").select_option(index=1)
    page.locator("#id_file").set_input_files({"name": "people.csv", "mimeType": "text/csv", "buffer": CSV})
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name=re.compile(r"^Invite 1 candidate")).click()
    expect(page.get_by_test_id("bulk-result")).to_contain_text("Invited 1")
    save_screenshot(page, grader, "journey-3-bulk.png")
    return link.group(0)


def _candidate_solves(page: Any, link: str) -> None:
    page.goto(link)
    page.get_by_test_id("start-button").click()
    editor = page.locator(".cm-content").first
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SOLUTION)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved", timeout=15_000)
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("grading-status")).to_have_attribute("data-state", "done", timeout=120_000)


def test_a_new_hiring_manager_runs_a_loop_in_the_product(
    new_page: Any, live_server: Any, grader: Grading, settings: Any
) -> None:
    settings.SITE_URL = live_server.url  # the links the platform hands out point at this server
    organisation = Organisation.objects.create(name="Acme", slug="acme")
    nina = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER, user__username="nina").user
    nina.set_password(DEMO_PASSWORD)
    nina.save()

    page = new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    log_in(page, "nina", "/")
    expect(page.get_by_text("No loops yet.")).to_be_visible()
    _write_and_publish_question(page, grader)
    _make_set_and_loop(page, grader)
    link = _invite(page, grader)

    _candidate_solves(new_page(), link)
    ada = Attempt.objects.get(invitation__candidate__name="Ada Lovelace")
    assert ada.status == "graded"
    bob = new_page()
    bob.goto(f"/take/{Invitation.objects.get(candidate__name='Bob Bulk').token}/")
    bob.get_by_test_id("start-button").click()
    expect(bob.get_by_test_id("countdown")).not_to_have_text("--:--")

    # The pipeline leads to each report; Bob gets extra time, Ada's score is overridden.
    _nav(page, "Loops")
    page.get_by_role("link", name="Backend intern").click()
    page.locator("tr", has_text="Bob Bulk").get_by_role("link", name="Report").click()
    page.get_by_text("Give extra time").click()
    page.get_by_label("Extra minutes").fill("15")
    page.get_by_label("Why (kept on record)").fill("Agreed accommodation")
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_text("Extended by 15 minutes")).to_be_visible()
    bob_attempt = Attempt.objects.get(invitation__candidate__name="Bob Bulk")
    assert (bob_attempt.deadline - bob_attempt.started_at).total_seconds() == 45 * 60

    _, key = api_key_create(organisation=organisation, name="ATS", scope=ApiKeyScope.READ)
    result = requests.get(
        f"{live_server.url}/api/v1/attempts/{ada.pk}/result/", headers={"Authorization": f"Api-Key {key}"}, timeout=10
    ).json()
    assert result["complete"] and result["score"] == 100
    page.goto(result["report_url"])  # the URL an ATS hands its users opens the attempt's report
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_test_id("attempt-score")).to_contain_text("100.00")
    page.get_by_test_id("override-score").locator("summary").click()
    page.get_by_label("Score (%, 0–100)").fill("80")
    page.get_by_test_id("override-score").get_by_label("Why (kept on record)").fill("Hard-coded the bounds check")
    page.get_by_role("button", name="Save the score").click()
    expect(page.get_by_test_id("attempt-score-overridden")).to_be_visible()
    expect(page.get_by_test_id("attempt-score")).to_contain_text("80.00")
    save_screenshot(page, grader, "journey-4-report.png")

    _nav(page, "Loops")
    page.get_by_role("link", name="Backend intern").click()
    with page.expect_download() as download:
        page.get_by_test_id("pipeline-csv").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Ada Lovelace" in exported and "Bob Bulk" in exported
