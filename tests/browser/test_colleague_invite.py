"""An organisation admin adds a colleague in a real browser: the invite link shown once, opened by the newcomer
in their own browser, who chooses a username and password, lands on their interviews, and is then deactivated.

Both pages pass axe-core. Chromium (Playwright) against the live server with the demo organisation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organisations.models import Membership
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase 42"


def test_an_admin_invites_a_colleague_who_joins_and_is_then_deactivated(open_page: Any) -> None:
    call_command("load_demo", "--skip-publish")
    admin = open_page()
    log_in(admin, "ada", "/manage/people/")
    admin.fill("#id_name", "Nia Newcomer")
    admin.fill("#id_email", "nia@example.test")
    admin.select_option("#id_role", "interviewer")
    admin.get_by_role("button", name="Make an invite link").click()
    link = urlparse(admin.get_by_test_id("invite-link").inner_text().strip()).path  # on LOOPWRIGHT_SITE_URL
    assert link.startswith("/accounts/join/")
    assert_accessible(admin, "the invite link page")

    newcomer = open_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Loopwright Demo")).to_be_visible()
    assert_accessible(newcomer, "the join page")
    newcomer.fill("#id_username", "nia")
    newcomer.fill("#id_password1", PASSWORD)
    newcomer.fill("#id_password2", PASSWORD)
    newcomer.get_by_role("button", name="Join").click()
    newcomer.wait_for_url(lambda url: url.endswith("/interviews/"))

    admin.goto("/manage/people/")
    membership = Membership.objects.get(user__username="nia")
    row = admin.get_by_test_id(f"colleague-{membership.pk}")
    expect(row).to_contain_text("Nia Newcomer")
    row.get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_test_id(f"colleague-{membership.pk}")).to_contain_text("Deactivated")
    assert newcomer.goto("/interviews/").status == 403
    assert newcomer.goto(link).status == 410
