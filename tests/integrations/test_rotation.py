"""Secret rotation with an overlap: for a while every try carries the new and the previous secret's signature.

Checked end to end with the independent ``standardwebhooks`` verifier: a receiver holding either
secret accepts a delivery made just after a rotation; after the overlap (or once an admin ends it)
only the new secret verifies. A re-sent rotation form rotates nothing.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from integrations.ids import new_webhook_secret
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.services import payload_body, signed_headers, webhook_endpoint_create
from integrations.services.endpoints import previous_signing_secret, webhook_endpoint_secret_rotate
from integrations.tasks import deliver_webhook, sweep_webhook_deliveries
from organisations.models import Role
from tests.factories import MembershipFactory
from tests.integrations.conftest import invite
from tests.integrations.receiver import Received
from tests.integrations.test_docs import snippets
from tests.integrations.test_web_api_keys import form_nonce
from tests.integrations.test_web_webhooks import SECRET

pytestmark = pytest.mark.django_db

BASE = "/manage/integrations/webhooks"


def rotate(client: Client, endpoint: WebhookEndpoint) -> str:
    """Rotate on the web page, as an admin does; the new secret as the page shows it."""
    nonce = form_nonce(client, f"{BASE}/{endpoint.pk}/rotate-secret/")
    response = client.post(f"{BASE}/{endpoint.pk}/rotate-secret/", {"nonce": nonce})
    assert response.status_code == 200
    [secret] = SECRET.findall(response.content.decode())
    return secret


def deliver(organisation, question_set, receiver) -> Received:
    """An event happens now and its delivery is sent to the receiver: what arrived."""
    invite(organisation, question_set)
    deliver_webhook(WebhookDelivery.objects.latest("pk").pk)
    return receiver.received[-1]


def verifies(secret: str, received: Received) -> bool:
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


def test_receivers_with_the_old_or_the_new_secret_both_accept_a_delivery_after_rotation(
    org_admin_client, organisation, question_set, endpoint, receiver, sent
):
    old = endpoint.secret
    new = rotate(org_admin_client, endpoint)
    received = deliver(organisation, question_set, receiver)  # the receiver still holds the old secret
    assert received.verified and received.status == 200
    assert verifies(old, received) and verifies(new, received)
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    assert not verifies(new_webhook_secret(), received)


def test_after_the_overlap_only_the_new_secret_signs(
    org_admin_client, organisation, question_set, endpoint, receiver, sent, settings
):
    settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = 6
    old = endpoint.secret
    new = rotate(org_admin_client, endpoint)
    retired_at = WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret_retired_at
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_retired_at=retired_at - timedelta(hours=6))
    received = deliver(organisation, question_set, receiver)
    assert not received.verified and received.status == 401  # the receiver with the old secret now refuses
    assert not verifies(old, received) and verifies(new, received)
    assert len(received.headers["webhook-signature"].split(" ")) == 1


def test_the_overlap_lasts_the_configured_hours(endpoint, settings):
    settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = 6
    old = endpoint.secret
    rotated = webhook_endpoint_secret_rotate(endpoint=endpoint)
    retired_at = rotated.previous_secret_retired_at
    assert previous_signing_secret(rotated, now=retired_at + timedelta(hours=6, seconds=-1)) == old
    assert previous_signing_secret(rotated, now=retired_at + timedelta(hours=6)) == ""
    settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = 0
    assert previous_signing_secret(rotated, now=retired_at) == ""  # 0: no overlap, as before


def test_the_sweep_deletes_previous_secrets_once_their_overlap_is_over(organisation, endpoint, settings):
    settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = 6
    over = webhook_endpoint_secret_rotate(endpoint=endpoint)
    WebhookEndpoint.objects.filter(pk=over.pk).update(previous_secret_retired_at=timezone.now() - timedelta(hours=6))
    running = webhook_endpoint_secret_rotate(
        endpoint=webhook_endpoint_create(
            organisation=organisation, url="https://b.example.com/", events=["attempt.graded"]
        )
    )
    sweep_webhook_deliveries()
    over.refresh_from_db()
    running.refresh_from_db()
    assert (over.previous_secret, over.previous_secret_retired_at) == ("", None)
    assert running.previous_secret and previous_signing_secret(running)  # still in its overlap: kept


def test_rotating_twice_keeps_only_the_immediately_previous_secret(
    org_admin_client, organisation, question_set, endpoint, receiver, sent
):
    first = endpoint.secret
    second = rotate(org_admin_client, endpoint)
    page = org_admin_client.get(f"{BASE}/{endpoint.pk}/rotate-secret/").content.decode()
    assert "overlap is still running" in page and second not in page  # the warning names hints only
    third = rotate(org_admin_client, endpoint)
    received = deliver(organisation, question_set, receiver)
    assert (verifies(first, received), verifies(second, received), verifies(third, received)) == (False, True, True)


def test_the_endpoint_page_says_until_when_and_ending_the_overlap_early_works(
    org_admin_client, organisation, question_set, endpoint, receiver, sent, settings
):
    settings.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS = 6
    old = endpoint.secret
    new = rotate(org_admin_client, endpoint)
    saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
    until = timezone.localtime(saved.previous_secret_retired_at + timedelta(hours=6)).strftime("%-d %b %Y, %H:%M")
    page = org_admin_client.get(f"{BASE}/{endpoint.pk}/").content.decode()
    assert f"until {until} UTC" in page and saved.previous_secret_hint in page and old not in page
    assert "Stop signing with the previous secret now" in page
    response = org_admin_client.post(f"{BASE}/{endpoint.pk}/end-overlap/", follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/{endpoint.pk}/"
    assert b"signed with the current secret only" in response.content and b"Stop signing" not in response.content
    saved.refresh_from_db()
    assert (saved.secret, saved.previous_secret, saved.previous_secret_retired_at) == (new, "", None)
    received = deliver(organisation, question_set, receiver)
    assert not verifies(old, received) and verifies(new, received)


def test_sending_the_rotation_form_again_rotates_nothing(org_admin_client, endpoint):
    old = endpoint.secret
    nonce = form_nonce(org_admin_client, f"{BASE}/{endpoint.pk}/rotate-secret/")
    first = org_admin_client.post(f"{BASE}/{endpoint.pk}/rotate-secret/", {"nonce": nonce})
    [new] = SECRET.findall(first.content.decode())
    again = org_admin_client.post(f"{BASE}/{endpoint.pk}/rotate-secret/", {"nonce": nonce})  # a refresh
    content = again.content.decode()
    assert again.status_code == 409 and "This secret was already rotated" in content and not SECRET.search(content)
    saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (saved.secret, saved.previous_secret) == (new, old)  # the receiver's old secret still signs
    other = webhook_endpoint_create(
        organisation=endpoint.organisation, url="https://b.example.test/", events=["attempt.graded"]
    )
    refused = org_admin_client.post(f"{BASE}/{other.pk}/rotate-secret/", {"nonce": nonce})  # another form's nonce
    assert refused.status_code == 400 and WebhookEndpoint.objects.get(pk=other.pk).secret == other.secret
    rotate(org_admin_client, endpoint)  # a fresh form rotates again
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret == new


def rotated_hook(organisation) -> WebhookEndpoint:
    endpoint = webhook_endpoint_create(
        organisation=organisation, url="https://a.example.test/", events=["attempt.graded"]
    )
    return webhook_endpoint_secret_rotate(endpoint=endpoint)


def assert_overlap_unchanged(endpoint: WebhookEndpoint) -> None:
    saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (saved.secret, saved.previous_secret) == (endpoint.secret, endpoint.previous_secret) != (endpoint.secret, "")


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_only_admins_end_the_overlap(client, organisation, role):
    endpoint = rotated_hook(organisation)
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    assert client.post(f"{BASE}/{endpoint.pk}/end-overlap/").status_code == 403
    assert_overlap_unchanged(endpoint)


def test_another_organisations_admin_cannot_end_the_overlap(org_admin_client, other_organisation):
    theirs = rotated_hook(other_organisation)
    assert org_admin_client.post(f"{BASE}/{theirs.pk}/end-overlap/").status_code == 404
    assert org_admin_client.get(f"{BASE}/{theirs.pk}/").status_code == 404
    assert_overlap_unchanged(theirs)


def test_ending_the_overlap_needs_login_and_the_csrf_token(client, organisation, org_admin):
    endpoint = rotated_hook(organisation)
    response = client.post(f"{BASE}/{endpoint.pk}/end-overlap/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org_admin)
    assert browser.post(f"{BASE}/{endpoint.pk}/end-overlap/").status_code == 403
    assert_overlap_unchanged(endpoint)


def test_the_django_admin_shows_only_hints_of_either_secret(admin_client, organisation):
    endpoint = rotated_hook(organisation)
    for url in (
        reverse("admin:integrations_webhookendpoint_changelist"),
        reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk]),
    ):
        content = admin_client.get(url).content.decode()
        assert endpoint.previous_secret not in content and endpoint.secret not in content
    assert endpoint.previous_secret_hint in content and "signs too until" in content


def test_the_signature_header_carries_the_new_secret_first_then_the_previous():
    new, old = new_webhook_secret(), new_webhook_secret()
    body = payload_body({"type": "attempt.graded", "data": {}})
    both = signed_headers(secret=new, previous_secret=old, msg_id="msg_1", body=body)
    alone = signed_headers(secret=new, msg_id="msg_1", body=body, timestamp=int(both["webhook-timestamp"]))
    assert both["webhook-signature"].split(" ")[0] == alone["webhook-signature"]
    assert Webhook(new).verify(body, both) == Webhook(old).verify(body, both) == {"type": "attempt.graded", "data": {}}


def test_the_documented_standard_library_verifier_accepts_either_secret_during_the_overlap():
    namespace: dict = {}
    exec(next(code for code in snippets() if "def verify(" in code), namespace)  # noqa: S102 - our own docs
    verify = namespace["verify"]
    new, old = new_webhook_secret(), new_webhook_secret()
    body = payload_body({"type": "attempt.graded", "data": {}})
    headers = signed_headers(secret=new, previous_secret=old, msg_id="msg_1", body=body)
    assert verify(new, body, headers) and verify(old, body, headers)
    assert not verify(new_webhook_secret(), body, headers)
