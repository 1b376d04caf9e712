"""common.events: the one event writer the domain records through, and who hears it."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.db import transaction

from common import events
from integrations.models import WebhookEvent, WebhookEventType
from integrations.services import event_fan_out, webhook_endpoint_create


@pytest.fixture
def heard(monkeypatch) -> list[tuple[str, events.Event]]:
    """A fresh list of subscribers with two of them, recording in the order they are called."""
    monkeypatch.setattr(events, "_handlers", [])
    calls: list[tuple[str, events.Event]] = []
    events.event_subscribe(lambda event: calls.append(("first", event)))
    events.event_subscribe(lambda event: calls.append(("second", event)))
    return calls


@pytest.mark.django_db
def test_every_subscriber_hears_each_event_in_subscription_order(heard):
    events.event_record(organisation_id=7, type="attempt.started", payload={"attempt_id": 1})
    expected = events.Event(organisation_id=7, type="attempt.started", payload={"attempt_id": 1})
    assert heard == [("first", expected), ("second", expected)]


@pytest.mark.django_db
def test_subscribing_twice_still_hears_once(monkeypatch):
    monkeypatch.setattr(events, "_handlers", [])
    calls: list[str] = []

    def handler(event: events.Event) -> None:
        calls.append(event.type)

    events.event_subscribe(handler)
    events.event_subscribe(handler)
    events.event_record(organisation_id=1, type="attempt.graded", payload={})
    assert calls == ["attempt.graded"]


def test_integrations_subscribes_its_fan_out_when_django_starts():
    assert event_fan_out in events._handlers


@pytest.mark.django_db
def test_what_a_subscriber_wrote_rolls_back_with_the_change_that_caused_it(organisation):
    webhook_endpoint_create(organisation=organisation, url="https://a.example.test/", events=["candidate.decided"])
    with pytest.raises(RuntimeError), transaction.atomic():
        events.event_record(organisation_id=organisation.pk, type="candidate.decided", payload={"decision_id": 1})
        assert WebhookEvent.objects.count() == 1
        raise RuntimeError
    assert not WebhookEvent.objects.exists()


def test_iso_is_utc_with_a_z():
    moment = datetime(2025, 5, 1, 12, 31, 7, tzinfo=timezone(timedelta(hours=2)))
    assert events.iso(moment) == "2025-05-01T10:31:07Z"
    assert events.iso(datetime(2025, 5, 1, tzinfo=UTC)) == "2025-05-01T00:00:00Z"
    assert events.iso(None) is None


def test_every_webhook_event_type_is_in_the_catalogue_of_docs_webhooks_md():
    catalogue = (Path(__file__).resolve().parents[1] / "docs" / "webhooks.md").read_text()
    rows = {line.split("|")[1].strip().strip("`") for line in catalogue.splitlines() if line.startswith("| `")}
    assert set(WebhookEventType.values) <= rows
