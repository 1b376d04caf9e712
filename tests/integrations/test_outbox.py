"""The outbox: events are written in the transaction that causes them and sent only after it commits."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import Answer, Invitation
from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from common.events import INTERNAL_EVENT_TYPES, event_record
from common.exceptions import ApplicationError
from integrations.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEvent
from integrations.services import event_fan_out, webhook_endpoint_create, webhook_event_record
from tests.factories import OrganisationFactory
from tests.integrations.conftest import invite

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_invitation_event_and_delivery_commit_with_the_invitation(
    organisation, question_set, endpoint, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organisation, question_set, external_id="gh-42")
        assert sent == []  # nothing leaves before the commit
    event = WebhookEvent.objects.get()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.endpoint, delivery.status) == (event, endpoint, WebhookDeliveryStatus.PENDING)
    assert sent == [(delivery.pk, None)]
    assert event.id.startswith("msg_")
    assert event.payload["type"] == "invitation.created"
    assert event.payload["data"] == {
        "invitation_id": invitation.pk,
        "candidate_id": invitation.candidate_id,
        "candidate_external_id": "gh-42",
        "question_set_id": question_set.pk,
        "stage_id": invitation.stage_id,
        "opens_at": event.payload["data"]["opens_at"],
        "expires_at": event.payload["data"]["expires_at"],
        "duration_minutes": 60,
        "invitation_url": f"http://127.0.0.1:8000/api/v1/invitations/{invitation.pk}/",
    }
    assert event.payload["data"]["expires_at"].endswith("Z")
    assert invitation.token not in json.dumps(event.payload)  # the candidate link is a credential


def test_a_rolled_back_invitation_leaves_no_event_and_sends_nothing(
    organisation, question_set, endpoint, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        invite(organisation, question_set)
        assert WebhookEvent.objects.count() == 1  # written inside the transaction…
        raise Boom
    assert not Invitation.objects.exists()
    assert not WebhookEvent.objects.exists()  # …and gone with it
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []
    assert sent == []


def test_only_active_subscribed_endpoints_of_the_organisation_get_a_delivery(organisation, question_set, endpoint):
    webhook_endpoint_create(organisation=organisation, url="https://a.example.test/", events=["attempt.graded"])
    webhook_endpoint_create(
        organisation=organisation, url="https://b.example.test/", events=["invitation.created"], is_active=False
    )
    webhook_endpoint_create(
        organisation=OrganisationFactory(), url="https://c.example.test/", events=["invitation.created"]
    )
    second = webhook_endpoint_create(
        organisation=organisation, url="https://d.example.test/", events=["invitation.created"]
    )
    invite(organisation, question_set)
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {endpoint.pk, second.pk}
    assert WebhookEvent.objects.count() == 1


def test_no_subscriber_writes_nothing(organisation, question_set):
    invite(organisation, question_set)
    assert not WebhookEvent.objects.exists()


def test_attempt_flow_emits_started_once_then_submitted_then_graded(organisation, question_set, endpoint):
    invitation = invite(organisation, question_set)
    attempt = attempt_start(invitation=invitation)
    assert attempt_start(invitation=invitation) == attempt  # resuming is not starting
    Answer.objects.filter(attempt_question__attempt=attempt).update(body="MY-PRIVATE-ANSWER")
    attempt_submit(attempt=attempt)
    events = list(WebhookEvent.objects.order_by("created_at", "id"))
    assert [event.type for event in events] == [
        "invitation.created",
        "attempt.started",
        "attempt.submitted",
        "attempt.graded",
    ]
    started, submitted, graded = (event.payload["data"] for event in events[1:])
    assert started["status"] == "in_progress" and started["submitted_at"] is None
    assert submitted["status"] == "submitted" and submitted["submitted_at"] is not None
    assert graded["status"] == "graded"
    assert graded["attempt_id"] == attempt.pk and graded["invitation_id"] == invitation.pk
    assert graded["finalised_by_deadline"] is False
    assert graded["result_url"] == f"http://127.0.0.1:8000/api/v1/attempts/{attempt.pk}/result/"
    assert graded["attempt_url"] == f"http://127.0.0.1:8000/api/v1/attempts/{attempt.pk}/"
    assert "MY-PRIVATE-ANSWER" not in json.dumps([event.payload for event in events])
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 4


def test_a_failed_submit_emits_nothing(organisation, question_set, endpoint):
    attempt = attempt_start(invitation=invite(organisation, question_set))
    attempt_submit(attempt=attempt)
    count = WebhookEvent.objects.count()
    with pytest.raises(ApplicationError):
        attempt_submit(attempt=attempt)
    assert WebhookEvent.objects.count() == count


def test_event_record_refuses_unknown_types(organisation, endpoint):
    with pytest.raises(ApplicationError, match="Unknown webhook event type"):
        event_record(organisation_id=organisation.pk, type="attempt.exploded", payload={})


def test_internal_event_types_are_recorded_but_never_become_webhooks(organisation, endpoint, monkeypatch):
    monkeypatch.setattr("common.events._handlers", [event_fan_out])  # the webhook subscriber alone
    endpoint.events = ["invitation.created", "attempt.graded"]
    endpoint.save()
    for type in INTERNAL_EVENT_TYPES:
        event_record(organisation_id=organisation.pk, type=type, payload={})  # no error: a declared internal type
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
    endpoint.events = ["stage.interviewer_assigned"]
    with pytest.raises(ValidationError):
        endpoint.full_clean()  # and no endpoint may subscribe to one


def test_scorecard_and_decision_types_can_be_recorded(organisation, receiver):
    webhook_endpoint_create(organisation=organisation, url=receiver.url, events=["candidate.decided"])
    event = webhook_event_record(organisation_id=organisation.pk, type="candidate.decided", payload={"decision_id": 1})
    assert event is not None and event.payload["data"] == {"decision_id": 1}
    not_subscribed = webhook_event_record(organisation_id=organisation.pk, type="scorecard.submitted", payload={})
    assert not_subscribed is None


def test_endpoint_validation(organisation):
    with pytest.raises(ValidationError, match="at least one"):
        webhook_endpoint_create(organisation=organisation, url="https://x.example.test/", events=[])
    with pytest.raises(ValidationError, match="Unknown event types: nope"):
        webhook_endpoint_create(organisation=organisation, url="https://x.example.test/", events=["nope"])
    with pytest.raises(ValidationError):
        webhook_endpoint_create(organisation=organisation, url="ftp://x.example.test/", events=["attempt.graded"])
    endpoint = webhook_endpoint_create(
        organisation=organisation, url="https://x.example.test/", events=["attempt.graded", "attempt.graded"]
    )
    assert endpoint.events == ["attempt.graded"]


def test_database_refuses_a_second_delivery_of_one_event_to_one_endpoint(organisation, question_set, endpoint):
    invite(organisation, question_set)
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            event=delivery.event, endpoint=endpoint, next_attempt_at=delivery.next_attempt_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="plain")
