"""An organisation admin sets up an ATS integration in a real browser: an API key, then a webhook endpoint.

Ada (demo admin) creates a write key, copies it from the page that shows it once, and the key works
on the live API; reloading the list no longer shows it; she revokes it and the API refuses it. She
adds a webhook endpoint, copies its signing secret (shown once), and an invitation made with a new
key puts a delivery for it in the log. No sandbox or grader: Chromium against the live server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Candidate, QuestionSet
from integrations.models import ApiKey, WebhookDelivery, WebhookEndpoint
from organisations.models import Organisation
from tests.browser.conftest import log_in
from tests.factories import assessment_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SET_MD = "# Phone screen\n\n## Basics\n\n1. What is a token?\n2. Why normalise text?\n"


def _api(live_server: Any, key: str, method: str = "get", path: str = "/api/v1/candidates/", **kwargs: Any):
    return requests.request(
        method, f"{live_server.url}{path}", headers={"Authorization": f"Api-Key {key}"}, timeout=10, **kwargs
    )


def _create_key(page: Any) -> str:
    page.get_by_label("Name").fill("Greenhouse production")
    page.get_by_label("Read and write (like a hiring manager)").check()
    page.get_by_role("button", name="Create key").click()
    plaintext = page.get_by_test_id("plaintext-key").inner_text().strip()
    assert plaintext.startswith("lw_")
    return plaintext


def test_admin_creates_uses_and_revokes_a_key_then_adds_a_webhook(
    open_page: Any, screenshots: Path, live_server: Any
) -> None:
    call_command("load_demo", "--skip-publish")
    organisation = Organisation.objects.get(slug="demo")
    page = open_page()
    log_in(page, "ada", "/manage/integrations/api-keys/")

    plaintext = _create_key(page)
    assert _api(live_server, plaintext).status_code == 200
    page.goto("/manage/integrations/api-keys/")
    expect(page.get_by_role("cell", name="Greenhouse production")).to_be_visible()
    assert plaintext not in page.content()  # shown once only
    page.screenshot(path=str(screenshots / "integrations-api-keys.png"))

    key = ApiKey.objects.get(organisation=organisation, name="Greenhouse production")
    page.locator(f'tr[data-api-key="{key.pk}"]').get_by_role("link", name="Revoke…").click()
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.locator(f'tr[data-api-key="{key.pk}"]')).not_to_contain_text("Revoke…")
    refused = _api(live_server, plaintext)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "api_key_revoked"

    page.goto("/manage/integrations/webhooks/new/")
    page.get_by_label("URL").fill("https://ats.example.test/loopwright")
    page.get_by_label("Invitation created").check()
    page.get_by_role("button", name="Create endpoint").click()
    secret = page.get_by_test_id("signing-secret").inner_text().strip()
    endpoint = WebhookEndpoint.objects.get(organisation=organisation)
    assert secret == endpoint.secret and endpoint.events == ["invitation.created"]

    page.goto("/manage/integrations/api-keys/")
    second = _create_key(page)
    imported = _api(live_server, second, "post", "/api/v1/question-sets/import/", json={"markdown": SET_MD})
    assert imported.status_code == 201
    candidate = Candidate.objects.create(organisation=organisation, name="Grace Hopper", email="grace@example.test")
    body = {
        "candidate_id": candidate.pk,
        "stage_id": assessment_stage(QuestionSet.objects.get(pk=imported.json()["question_set"]["id"])).pk,
        "expires_at": "2099-01-01T00:00:00Z",
        "duration_minutes": 90,
    }
    invited = _api(live_server, second, "post", "/api/v1/invitations/", json=body)
    assert invited.status_code == 201 and "/take/" in invited.json()["url"]
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event.type == "invitation.created"
    page.goto("/manage/integrations/deliveries/")
    expect(page.locator(f'tr[data-delivery="{delivery.pk}"]')).to_contain_text("invitation.created")
    page.screenshot(path=str(screenshots / "integrations-deliveries.png"))
