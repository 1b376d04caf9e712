"""Admin: endpoints (secret shown once), the delivery log with response codes, replay as an action."""

import pytest
from django.urls import reverse

from integrations.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from tests.integrations.conftest import invite
from tests.integrations.test_delivery import deliver_due

pytestmark = pytest.mark.django_db


def test_adding_an_endpoint_shows_its_secret_once(admin_client, organisation):
    response = admin_client.post(
        reverse("admin:integrations_webhookendpoint_add"),
        {
            "organisation": organisation.pk,
            "url": "https://ats.example.test/hooks",
            "description": "ATS",
            "events": ["attempt.graded", "invitation.created"],
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.events == ["attempt.graded", "invitation.created"]
    assert endpoint.secret in response.content.decode()  # the page after adding shows it…
    page = admin_client.get(reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    assert endpoint.secret not in page.content.decode()  # …and no page after that
    assert endpoint.secret_hint in page.content.decode()


def test_delivery_log_shows_response_codes_and_replay_resends(
    admin_client, organisation, question_set, endpoint, receiver, sent
):
    receiver.script = lambda number, msg_id: (503, 0.0)
    invite(organisation, question_set)
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    for name in ("webhookendpoint", "webhookevent", "webhookdelivery", "webhookdeliveryattempt"):
        assert admin_client.get(reverse(f"admin:integrations_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "503" in page and "Failed, will retry" in page
    event_page = admin_client.get(reverse("admin:integrations_webhookevent_change", args=[delivery.event_id]))
    assert event_page.status_code == 200

    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDeliveryStatus.FAILED, next_attempt_at=None)
    response = admin_client.post(
        reverse("admin:integrations_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING and delivery.cycle_start_count == 1
    receiver.script = lambda number, msg_id: (200, 0.0)
    assert deliver_due() == ["succeeded"]
    assert [item.msg_id for item in receiver.received] == [delivery.event_id] * 2
