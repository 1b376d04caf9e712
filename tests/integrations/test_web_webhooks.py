"""Organisation admins' webhook pages: endpoints (secret shown once, validation, edit, rotate), the delivery log."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.forms import WebhookEndpointForm, add_service_errors
from integrations.models import (
    WebhookAttemptOutcome,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEvent,
)
from integrations.services import webhook_endpoint_create
from integrations.services.endpoints import webhook_endpoint_update
from integrations.tasks import deliver_webhook
from organisations.models import Role
from tests.factories import MembershipFactory
from tests.integrations.conftest import invite
from tests.integrations.test_web_api_keys import form_nonce

pytestmark = pytest.mark.django_db

BASE = "/manage/integrations"
SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{40,}")
VALID = {
    "url": "https://ats.example.test/hooks",
    "description": "ATS",
    "events": ["attempt.graded", "invitation.created"],
    "is_active": "on",
}


@pytest.fixture
def hook(organisation) -> WebhookEndpoint:
    return webhook_endpoint_create(organisation=organisation, url="https://a.example.test/", events=["attempt.graded"])


def delivery_for(endpoint: WebhookEndpoint, status_code: int = 503, tries: int = 1) -> WebhookDelivery:
    """A dead delivery with ``tries`` logged tries, written directly: the log pages only read them."""
    now = timezone.now()
    event = WebhookEvent.objects.create(
        organisation=endpoint.organisation, type="attempt.graded", payload={"type": "attempt.graded"}, created_at=now
    )
    delivery = WebhookDelivery.objects.create(
        event=event,
        endpoint=endpoint,
        status=WebhookDeliveryStatus.FAILED,
        attempt_count=tries,
        last_status_code=status_code,
    )
    WebhookDeliveryAttempt.objects.bulk_create(
        WebhookDeliveryAttempt(
            delivery=delivery,
            number=number,
            attempted_at=now + timedelta(seconds=number),
            duration_ms=12,
            status_code=status_code,
            outcome=WebhookAttemptOutcome.FAILED,
        )
        for number in range(1, tries + 1)
    )
    return delivery


def new_endpoint_form(client: Client) -> dict:
    """The valid form, with the nonce of a freshly opened page."""
    return {**VALID, "nonce": form_nonce(client, f"{BASE}/webhooks/new/")}


def test_a_new_endpoint_shows_its_secret_once(org_admin_client, organisation):
    response = org_admin_client.post(f"{BASE}/webhooks/new/", new_endpoint_form(org_admin_client))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get(organisation=organisation)
    assert SECRET.findall(response.content.decode()) == [endpoint.secret]
    assert (endpoint.url, endpoint.description, endpoint.is_active) == (VALID["url"], "ATS", True)
    assert endpoint.events == ["attempt.graded", "invitation.created"]
    for page in (f"{BASE}/webhooks/", f"{BASE}/webhooks/{endpoint.pk}/"):
        content = org_admin_client.get(page).content.decode()
        assert VALID["url"] in content and endpoint.secret not in content
    assert endpoint.secret_hint in org_admin_client.get(f"{BASE}/webhooks/{endpoint.pk}/").content.decode()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"url": "ftp://ats.example.test/"}, "Enter a valid URL."),
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"url": ""}, "This field is required."),
        ({"events": []}, "This field is required."),
        ({"events": ["attempt.graded", "candidate.hired"]}, "Select a valid choice."),
        ({"description": "x" * 201}, "at most 200 characters"),
    ],
)
def test_an_invalid_endpoint_is_shown_with_its_errors_and_not_saved(org_admin_client, change, error):
    response = org_admin_client.post(f"{BASE}/webhooks/new/", {**new_endpoint_form(org_admin_client), **change})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SECRET.search(response.content.decode())
    assert not WebhookEndpoint.objects.exists()


def test_sending_the_new_endpoint_form_again_creates_no_second_endpoint(org_admin_client, organisation):
    form = new_endpoint_form(org_admin_client)
    assert org_admin_client.post(f"{BASE}/webhooks/new/", form).status_code == 200
    again = org_admin_client.post(f"{BASE}/webhooks/new/", form)  # a refresh of the page showing the secret
    content = again.content.decode()
    assert again.status_code == 409 and "This endpoint was already created" in content
    assert "cannot be shown again" in content and not SECRET.search(content)
    assert WebhookEndpoint.objects.filter(organisation=organisation).count() == 1
    fresh = {**new_endpoint_form(org_admin_client), "url": "https://other.example.test/"}
    assert org_admin_client.post(f"{BASE}/webhooks/new/", fresh).status_code == 200
    assert WebhookEndpoint.objects.filter(organisation=organisation).count() == 2


def test_editing_changes_url_events_description_and_state(org_admin_client, hook):
    secret = hook.secret
    changed = {"url": "https://b.example.test/in", "description": "New", "events": ["invitation.created"]}
    response = org_admin_client.post(f"{BASE}/webhooks/{hook.pk}/", changed, follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/webhooks/{hook.pk}/" and b"saved" in response.content
    hook.refresh_from_db()
    assert (hook.url, hook.description, hook.events, hook.is_active) == (*changed.values(), False)
    assert hook.secret == secret  # editing never changes the secret


def test_an_invalid_edit_is_shown_and_nothing_changes(org_admin_client, hook):
    response = org_admin_client.post(
        f"{BASE}/webhooks/{hook.pk}/", {**VALID, "url": "javascript:alert(1)", "events": []}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid URL." in content and "This field is required." in content
    hook.refresh_from_db()
    assert (hook.url, hook.events, hook.is_active) == ("https://a.example.test/", ["attempt.graded"], True)


def test_rotating_the_secret_asks_first_and_shows_the_new_one_once(org_admin_client, hook):
    old = hook.secret
    assert b"Rotate the secret" in org_admin_client.get(f"{BASE}/webhooks/{hook.pk}/rotate-secret/").content
    hook.refresh_from_db()
    assert hook.secret == old
    nonce = form_nonce(org_admin_client, f"{BASE}/webhooks/{hook.pk}/rotate-secret/")
    response = org_admin_client.post(f"{BASE}/webhooks/{hook.pk}/rotate-secret/", {"nonce": nonce})
    hook.refresh_from_db()
    assert hook.secret != old and SECRET.findall(response.content.decode()) == [hook.secret]
    assert hook.secret not in org_admin_client.get(f"{BASE}/webhooks/{hook.pk}/").content.decode()


def test_deactivating_stops_new_events(org_admin_client, organisation, hook):
    org_admin_client.post(f"{BASE}/webhooks/{hook.pk}/deactivate/")
    hook.refresh_from_db()
    assert hook.is_active is False
    assert b"Inactive" in org_admin_client.get(f"{BASE}/webhooks/{hook.pk}/").content


def test_the_delivery_log_shows_response_codes_and_each_try(
    org_admin_client, organisation, question_set, endpoint, receiver, sent
):
    receiver.script = lambda number, msg_id: (503, 0.0) if number == 1 else (410, 0.0)
    invite(organisation, question_set)
    delivery = WebhookDelivery.objects.get()
    deliver_webhook(delivery.pk)  # 503: retry later
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    deliver_webhook(delivery.pk)  # 410: failed, no retry
    for page in (f"{BASE}/deliveries/", f"{BASE}/webhooks/{endpoint.pk}/deliveries/"):
        row = re.search(
            rf'<tr data-delivery="{delivery.pk}">(.*?)</tr>', org_admin_client.get(page).content.decode(), re.S
        )
        assert row and "invitation.created" in row[1] and delivery.event_id in row[1]
        assert '<span data-testid="status-code">410</span>' in row[1] and "Failed (dead)" in row[1]
    detail = org_admin_client.get(f"{BASE}/deliveries/{delivery.pk}/").content.decode()
    tries = dict(re.findall(r'<tr data-attempt="(\d)">\s*<td>\d</td>\s*<td>.*?</td>\s*<td>(\d+)</td>', detail, re.S))
    assert tries == {"1": "503", "2": "410"}
    assert "Failed, will retry" in detail and "Failed, no retry" in detail and " ms</td>" in detail


def test_replay_requeues_a_delivery(org_admin_client, hook, sent, django_capture_on_commit_callbacks):
    delivery = delivery_for(hook)
    with django_capture_on_commit_callbacks(execute=True):
        response = org_admin_client.post(f"{BASE}/deliveries/{delivery.pk}/replay/", follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/deliveries/{delivery.pk}/" and b"queued again" in response.content
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING and delivery.cycle_start_count == 1
    assert sent == [(delivery.pk, None)]


def test_replay_to_an_inactive_endpoint_is_refused_with_a_message(org_admin_client, hook, sent):
    delivery = delivery_for(hook)
    org_admin_client.post(f"{BASE}/webhooks/{hook.pk}/deactivate/")
    response = org_admin_client.post(f"{BASE}/deliveries/{delivery.pk}/replay/", follow=True)
    assert b"activate it before replaying" in response.content
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.FAILED and sent == []


def test_the_log_is_paginated_and_filtered(org_admin_client, hook):
    for _ in range(55):
        delivery_for(hook)
    WebhookDelivery.objects.filter(pk=delivery_for(hook, status_code=200).pk).update(
        status=WebhookDeliveryStatus.SUCCEEDED, delivered_at=timezone.now()
    )
    first = org_admin_client.get(f"{BASE}/deliveries/").content.decode()
    assert first.count("<tr data-delivery=") == 50 and 'href="?page=2" rel="next"' in first
    assert org_admin_client.get(f"{BASE}/deliveries/?page=2").content.decode().count("<tr data-delivery=") == 6
    succeeded = org_admin_client.get(f"{BASE}/deliveries/?status=succeeded").content.decode()
    assert succeeded.count("<tr data-delivery=") == 1 and "Page 1 of" not in succeeded


def test_log_pages_take_the_same_queries_however_many_rows(org_admin_client, hook):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert org_admin_client.get(path).status_code == 200
        return len(captured)

    delivery = delivery_for(hook, tries=1)
    few = [queries(f"{BASE}/deliveries/"), queries(f"{BASE}/webhooks/"), queries(f"{BASE}/deliveries/{delivery.pk}/")]
    second = webhook_endpoint_create(
        organisation=hook.organisation, url="https://b.example.test/", events=["attempt.graded"]
    )
    for endpoint in (hook, second):
        for _ in range(30):
            delivery_for(endpoint, tries=3)
    many_tries = delivery_for(hook, tries=11)
    many = [
        queries(f"{BASE}/deliveries/"),
        queries(f"{BASE}/webhooks/"),
        queries(f"{BASE}/deliveries/{many_tries.pk}/"),
    ]
    assert many == few
    assert max(many) <= 10


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_only_admins_see_or_change_webhooks(client, organisation, hook, role, sent):
    delivery = delivery_for(hook)
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    for path in ("webhooks/", "webhooks/new/", f"webhooks/{hook.pk}/", f"webhooks/{hook.pk}/rotate-secret/"):
        assert client.get(f"{BASE}/{path}").status_code == 403, path
    for path in ("deliveries/", f"deliveries/{delivery.pk}/", f"webhooks/{hook.pk}/deliveries/"):
        assert client.get(f"{BASE}/{path}").status_code == 403, path
    assert client.post(f"{BASE}/webhooks/new/", VALID).status_code == 403
    for path in ("", "rotate-secret/", "deactivate/"):
        assert client.post(f"{BASE}/webhooks/{hook.pk}/{path}", VALID).status_code == 403
    assert client.post(f"{BASE}/deliveries/{delivery.pk}/replay/").status_code == 403
    assert_unchanged(hook, delivery)


def assert_unchanged(hook: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    saved = WebhookEndpoint.objects.get(pk=hook.pk)
    assert (saved.url, saved.secret, saved.is_active) == (hook.url, hook.secret, True)
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDeliveryStatus.FAILED


def test_another_organisations_endpoints_and_deliveries_are_not_found(org_admin_client, other_organisation, sent):
    theirs = webhook_endpoint_create(
        organisation=other_organisation, url="https://t.example.test/", events=["attempt.graded"]
    )
    delivery = delivery_for(theirs)
    for path in (f"webhooks/{theirs.pk}/", f"webhooks/{theirs.pk}/rotate-secret/", f"webhooks/{theirs.pk}/deliveries/"):
        assert org_admin_client.get(f"{BASE}/{path}").status_code == 404, path
    assert org_admin_client.get(f"{BASE}/deliveries/{delivery.pk}/").status_code == 404
    for path in (f"webhooks/{theirs.pk}/", f"webhooks/{theirs.pk}/rotate-secret/", f"webhooks/{theirs.pk}/deactivate/"):
        assert org_admin_client.post(f"{BASE}/{path}", VALID).status_code == 404, path
    assert org_admin_client.post(f"{BASE}/deliveries/{delivery.pk}/replay/").status_code == 404
    for path in ("webhooks/", "deliveries/"):
        assert "t.example.test" not in org_admin_client.get(f"{BASE}/{path}").content.decode()
    assert_unchanged(theirs, delivery)


def test_anonymous_visitors_are_sent_to_log_in(client, hook):
    delivery = delivery_for(hook)
    for path in ("webhooks/", f"webhooks/{hook.pk}/", f"deliveries/{delivery.pk}/"):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"{BASE}/deliveries/{delivery.pk}/replay/").status_code == 302
    assert_unchanged(hook, delivery)


def test_posts_need_the_csrf_token(organisation, org_admin, hook, sent):
    delivery = delivery_for(hook)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org_admin)
    assert browser.post(f"{BASE}/webhooks/new/", VALID).status_code == 403
    for path in ("", "rotate-secret/", "deactivate/"):
        assert browser.post(f"{BASE}/webhooks/{hook.pk}/{path}", VALID).status_code == 403
    assert browser.post(f"{BASE}/deliveries/{delivery.pk}/replay/").status_code == 403
    assert_unchanged(hook, delivery)
    token = browser.get(f"{BASE}/webhooks/new/").cookies["csrftoken"].value
    form = {**new_endpoint_form(browser), "csrfmiddlewaretoken": token}
    assert browser.post(f"{BASE}/webhooks/new/", form).status_code == 200
    assert WebhookEndpoint.objects.count() == 2


def test_a_fresh_secret_signs_the_next_try(org_admin_client, organisation, question_set, endpoint, receiver, sent):
    nonce = form_nonce(org_admin_client, f"{BASE}/webhooks/{endpoint.pk}/rotate-secret/")
    response = org_admin_client.post(f"{BASE}/webhooks/{endpoint.pk}/rotate-secret/", {"nonce": nonce})
    receiver.secret = SECRET.findall(response.content.decode())[0]
    invite(organisation, question_set)
    deliver_webhook(WebhookDelivery.objects.get().pk)
    assert [item.verified for item in receiver.received] == [True]


def test_the_update_service_validates_before_saving(hook):
    with pytest.raises(ValidationError, match="Unknown event types"):
        webhook_endpoint_update(
            endpoint=hook, url="https://b.example.test/", events=["candidate.hired"], description="", is_active=False
        )
    hook.refresh_from_db()
    assert (hook.url, hook.events, hook.is_active) == ("https://a.example.test/", ["attempt.graded"], True)


def test_service_errors_land_beside_their_field_or_above_the_form():
    form = WebhookEndpointForm(VALID)
    assert form.is_valid()
    add_service_errors(form, ValidationError({"events": "Unknown event types: x.", "secret": "Bad secret."}))
    add_service_errors(form, ValidationError("Something else."))
    assert form.errors["events"] == ["Unknown event types: x."]
    assert form.non_field_errors() == ["Bad secret.", "Something else."]
