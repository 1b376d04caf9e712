"""A hiring manager, in the browser: bulk invites from a CSV file (preview, then confirm), finds the candidates
in the candidates list and opens one candidate's page, from the navigation bar."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from assessments.models import Candidate, Invitation, QuestionSet, Section, SectionItem
from organisations.models import Role
from rubrics.services.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in
from tests.factories import CandidateFactory, MembershipFactory, QuestionFactory, assessment_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    b"name,email,external id\n"
    b"Ada Lovelace,ADA@example.com,\n"
    b"Alan Turing,alan@example.com,gh-2\n"
    b"Alan again,alan@example.com,\n"
    b"Nobody,not-an-email,\n"
)


def test_bulk_invite_previews_then_creates_and_the_candidates_are_listed(
    open_page: Any, screenshots: Path, organisation
) -> None:
    question_set = QuestionSet.objects.create(organisation=organisation, title="Concepts", slug="concepts")
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    stage = assessment_stage(question_set, title="Phone screen")
    ada = CandidateFactory(organisation=organisation, name="Ada Lovelace", email="ada@example.com")
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER, user__username="hana")
    manager.user.set_password(DEMO_PASSWORD)
    manager.user.save()

    page = open_page()
    log_in(page, "hana", "/manage/candidates/")
    page.get_by_test_id("staff-nav").get_by_role("link", name="Invitations").click()
    page.get_by_role("link", name="bulk invite from a CSV file").click()
    page.get_by_label("Loop and assessment stage").select_option(value=str(stage.pk))
    page.locator("#id_file").set_input_files({"name": "people.csv", "mimeType": "text/csv", "buffer": CSV})
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("bulk-counts")).to_contain_text("Will invite 2 (1 new candidate, 1 existing reused)")
    expect(page.locator('tr[data-row="4"]')).to_contain_text("Same e-mail as line 3")
    expect(page.locator('tr[data-row="5"]')).to_contain_text("is not an e-mail address")
    page.screenshot(path=str(screenshots / "manager-bulk-invite-preview.png"), full_page=True)
    assert not Invitation.objects.exists()  # nothing before confirming

    page.get_by_role("button", name="Invite 2 candidates").click()
    expect(page.get_by_test_id("bulk-result")).to_contain_text("Invited 2")
    assert Invitation.objects.filter(stage=stage).count() == 2 and Candidate.objects.count() == 2

    page.get_by_test_id("staff-nav").get_by_role("link", name="Candidates").click()
    page.get_by_label("Loop", exact=True).select_option(value=str(stage.loop_id))
    page.get_by_label("Status").select_option(value="invited")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tr[data-candidate]")).to_have_count(2)
    page.screenshot(path=str(screenshots / "manager-candidates.png"), full_page=True)
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.locator(f'tr[data-loop="{stage.loop_id}"]')).to_contain_text("Invited")
    expect(page.locator("tr[data-invitation]")).to_contain_text("Phone screen")
    assert page.url.endswith(f"/manage/candidates/{ada.pk}/")
