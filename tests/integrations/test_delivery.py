"""Delivery to a real HTTP receiver on loopback: retries, backoff, dead letters, replay, sweep.

These tests run the delivery task in-process and move pending deliveries' next try to now
(time travel) instead of waiting out the backoff; test_worker.py uses real worker processes.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from assessments.services.answers import attempt_submit
from assessments.services.attempts import attempt_start
from common.exceptions import ConflictError
from config.celery import app
from integrations.greenhouse.services import GREENHOUSE_CALLBACKS
from integrations.greenhouse.tasks import deliver_greenhouse_callback
from integrations.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookDeliveryStatus, WebhookEvent
from integrations.services import (
    WEBHOOK_DELIVERIES,
    deliveries_sweep,
    delivery_claim,
    delivery_record,
    delivery_replay,
    outgoing,
)
from integrations.services.http import PostResult
from integrations.services.outgoing import RETRY_SCHEDULE
from integrations.tasks import deliver_webhook
from tests.grading.processes import free_port
from tests.integrations.conftest import invite

pytestmark = pytest.mark.django_db
Status = WebhookDeliveryStatus


def deliver_due() -> list[str]:
    """What a worker does with every message that arrives: run the task for each due delivery."""
    due = WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
    return [deliver_webhook(pk) for pk in due.order_by("pk").values_list("pk", flat=True)]


def travel_to_next_try() -> None:
    WebhookDelivery.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())


def codes(delivery: WebhookDelivery) -> list[int | None]:
    return list(delivery.attempts.order_by("number").values_list("status_code", flat=True))


def run_flow(organisation, question_set, external_id: str) -> None:
    attempt = attempt_start(invitation=invite(organisation, question_set, external_id=external_id))
    attempt_submit(attempt=attempt)


def test_a_receiver_that_fails_then_recovers_gets_every_event_exactly_once(
    organisation, question_set, endpoint, receiver, sent
):
    receiver.script = lambda number, msg_id: (500, 0.0) if number <= 10 else (200, 0.0)
    run_flow(organisation, question_set, "gh-1")
    run_flow(organisation, question_set, "gh-2")
    event_ids = set(WebhookEvent.objects.values_list("id", flat=True))
    assert len(event_ids) == 8
    for _ in range(5):
        deliver_due()
        travel_to_next_try()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.SUCCEEDED}
    assert receiver.processed() == Counter(dict.fromkeys(event_ids, 1))
    assert all(item.verified for item in receiver.received)
    assert len(receiver.received) == 18  # 10 refusals, then one success per event
    assert WebhookDeliveryAttempt.objects.filter(status_code=500, outcome="retry").count() == 10
    for delivery in WebhookDelivery.objects.all():
        assert codes(delivery)[-1] == 200 and set(codes(delivery)[:-1]) <= {500}
        assert delivery.attempt_count == len(codes(delivery))
    bodies = {item.msg_id: item.payload for item in receiver.received if item.status == 200}
    assert {payload["type"] for payload in bodies.values()} == {
        "invitation.created",
        "attempt.started",
        "attempt.submitted",
        "attempt.graded",
    }


def test_backoff_follows_the_schedule_with_jitter_and_short_waits_get_their_own_message(
    organisation, question_set, endpoint, receiver, sent, django_capture_on_commit_callbacks
):
    receiver.script = lambda number, msg_id: (503, 0.0)
    invite(organisation, question_set)
    delivery = WebhookDelivery.objects.get()
    for expected in RETRY_SCHEDULE[:4]:
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_due() == ["retry"]
        delivery.refresh_from_db()
        assert delivery.status == Status.PENDING
        assert expected * 0.9 <= delivery.next_attempt_at - delivery.updated_at <= expected * 1.1
        travel_to_next_try()
    countdowns = [countdown for _, countdown in sent]
    assert len(countdowns) == 2  # 5 s and 30 s; the 2 and 10 minute waits are the sweep's
    assert 4.5 <= countdowns[0] <= 5.5 and 27 <= countdowns[1] <= 33
    assert delivery.last_status_code == 503 and delivery.attempt_count == 4


def test_a_delivery_dies_after_about_a_day_of_failures(organisation, question_set, endpoint, receiver, sent):
    assert timedelta(hours=23) < sum(RETRY_SCHEDULE, timedelta()) < timedelta(hours=25)
    receiver.script = lambda number, msg_id: (500, 0.0)
    invite(organisation, question_set)
    for _ in range(len(RETRY_SCHEDULE) + 3):
        deliver_due()
        travel_to_next_try()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.attempt_count == len(RETRY_SCHEDULE) + 1 == len(receiver.received)
    assert delivery.attempts.order_by("-number").first().outcome == "failed"
    assert deliver_webhook(delivery.pk) == "not_claimed"


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (200, Status.SUCCEEDED),
        (204, Status.SUCCEEDED),
        (400, Status.FAILED),
        (410, Status.FAILED),
        (302, Status.FAILED),  # redirects are not followed
        (408, Status.PENDING),
        (429, Status.PENDING),
        (502, Status.PENDING),
    ],
)
def test_what_each_answer_means(organisation, question_set, endpoint, receiver, sent, answer, status):
    receiver.script = lambda number, msg_id: (answer, 0.0)
    invite(organisation, question_set)
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, len(receiver.received)) == (status, answer, 1)
    attempt = delivery.attempts.get()
    assert attempt.status_code == answer and attempt.number == 1 and attempt.duration_ms >= 0
    if answer != 204:
        assert attempt.response_excerpt == f'{{"status": {answer}}}'


def test_an_odd_answer_body_is_logged_safely(organisation, question_set, endpoint, receiver, sent):
    receiver.answer_body = b"bad\x00\xff" + b"x" * 5000
    invite(organisation, question_set)
    assert deliver_due() == ["succeeded"]
    excerpt = WebhookDeliveryAttempt.objects.get().response_excerpt
    assert excerpt.startswith("bad\ufffd\ufffd") and len(excerpt) < 1100


def test_a_timeout_is_retried(organisation, question_set, endpoint, receiver, sent, settings):
    settings.WEBHOOK_READ_TIMEOUT = 0.3
    receiver.script = lambda number, msg_id: (200, 3.0)
    invite(organisation, question_set)
    assert deliver_due() == ["retry"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING and delivery.last_status_code is None
    assert delivery.last_error.startswith("timeout")


def test_a_refused_connection_is_retried(organisation, question_set, endpoint, sent):
    endpoint.url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    endpoint.save()
    invite(organisation, question_set)
    assert deliver_due() == ["retry"]
    assert WebhookDelivery.objects.get().last_error.startswith("connection failed")


def test_a_duplicate_task_message_sends_nothing_twice(organisation, question_set, endpoint, receiver, sent):
    invite(organisation, question_set)
    delivery = WebhookDelivery.objects.get()
    assert delivery_claim(delivery_id=delivery.pk) is not None
    assert delivery_claim(delivery_id=delivery.pk) is None
    assert deliver_webhook(delivery.pk) == "not_claimed"
    assert receiver.received == []


def test_only_the_current_claim_finishes_a_delivery(organisation, question_set, endpoint, sent):
    invite(organisation, question_set)
    pk = WebhookDelivery.objects.get().pk
    first = delivery_claim(delivery_id=pk)
    WebhookDelivery.objects.filter(pk=pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    second = delivery_claim(delivery_id=pk)  # the first worker is presumed dead
    assert first is not None and second is not None and second.attempt_count == 2
    delivery_record(delivery=first, result=PostResult(500, 10), attempted_at=timezone.now())
    assert WebhookDelivery.objects.get(pk=pk).status == Status.DELIVERING  # only logged
    delivery_record(delivery=second, result=PostResult(200, 10), attempted_at=timezone.now())
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.status == Status.SUCCEEDED and codes(delivery) == [500, 200]


def test_replay_resends_the_same_webhook_id_with_a_fresh_schedule(organisation, question_set, endpoint, receiver, sent):
    invite(organisation, question_set)
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED
    delivery = delivery_replay(delivery=delivery)
    assert (delivery.status, delivery.cycle_start_count) == (Status.PENDING, 1)
    receiver.script = lambda number, msg_id: (500, 0.0)
    deliver_due()
    delivery.refresh_from_db()
    first_wait = delivery.next_attempt_at - delivery.updated_at
    assert RETRY_SCHEDULE[0] * 0.9 <= first_wait <= RETRY_SCHEDULE[0] * 1.1  # the schedule starts again
    receiver.script = lambda number, msg_id: (200, 0.0)
    travel_to_next_try()
    deliver_due()
    assert receiver.ids() == Counter({delivery.event_id: 3})
    assert receiver.processed() == Counter({delivery.event_id: 2})  # a receiver deduplicates on webhook-id
    assert codes(delivery) == [200, 500, 200]


def test_replay_is_refused_while_in_flight_or_for_an_inactive_endpoint(organisation, question_set, endpoint, sent):
    invite(organisation, question_set)
    delivery = WebhookDelivery.objects.get()
    delivery_claim(delivery_id=delivery.pk)
    with pytest.raises(ConflictError, match="being sent"):
        delivery_replay(delivery=delivery)
    endpoint.is_active = False
    endpoint.save()
    with pytest.raises(ConflictError, match="inactive"):
        delivery_replay(delivery=delivery)


def test_an_inactive_endpoint_pauses_delivery(organisation, question_set, endpoint, receiver, sent):
    invite(organisation, question_set)
    endpoint.is_active = False
    endpoint.save()
    later = timezone.now() + timedelta(hours=1)
    assert deliver_due() == ["not_claimed"]
    assert deliveries_sweep(now=later) == []
    endpoint.is_active = True
    endpoint.save()
    assert deliver_due() == ["succeeded"]


def test_sweep_sends_what_has_no_message_on_its_way(organisation, question_set, endpoint, sent, receiver):
    invite(organisation, question_set)
    pk = WebhookDelivery.objects.get().pk
    now = timezone.now()
    assert deliveries_sweep(now=now) == []  # its first message was sent on commit
    lost = now + timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS + 1)
    assert deliveries_sweep(now=lost) == [pk]
    assert deliveries_sweep(now=lost) == []  # just sent again
    assert sent == [(pk, None)]
    # a long wait has no message at all: the sweep sends it once it is due
    WebhookDelivery.objects.filter(pk=pk).update(next_attempt_at=lost + timedelta(minutes=10), enqueued_for=None)
    assert deliveries_sweep(now=lost + timedelta(minutes=9)) == []
    assert deliveries_sweep(now=lost + timedelta(minutes=10)) == [pk]
    # a worker died holding it: once the lease runs out the sweep sends it again
    WebhookDelivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
    delivery_claim(delivery_id=pk)
    expired = timezone.now() + timedelta(
        seconds=settings.WEBHOOK_LEASE_SECONDS + settings.WEBHOOK_REQUEUE_AFTER_SECONDS
    )
    assert deliveries_sweep(now=timezone.now()) == []
    assert deliveries_sweep(now=expired) == [pk]


def test_delivery_tasks_have_their_own_queue_and_the_sweep_is_scheduled():
    route = app.amqp.router.route({}, "integrations.tasks.deliver_webhook")
    assert route["queue"].name == "webhooks"
    assert app.amqp.router.route({}, "grading.tasks.grade_submission")["queue"].name == "grading"
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "integrations.tasks.sweep_webhook_deliveries" in tasks
    assert deliver_webhook.acks_late and deliver_webhook.reject_on_worker_lost
    assert deliver_webhook.soft_time_limit < deliver_webhook.time_limit < settings.WEBHOOK_LEASE_SECONDS


def test_each_kind_sends_its_registered_task_by_name_on_the_webhooks_queue(monkeypatch):
    messages = []

    class Broker:
        def send_task(self, name, args, queue, countdown):
            messages.append((name, args, queue, countdown))

    monkeypatch.setattr(outgoing, "current_app", Broker())
    WEBHOOK_DELIVERIES.enqueue(5, countdown=3.0)
    GREENHOUSE_CALLBACKS.enqueue(6)
    assert messages == [
        ("integrations.tasks.deliver_webhook", (5,), "webhooks", 3.0),
        ("integrations.greenhouse.tasks.deliver_greenhouse_callback", (6,), "webhooks", None),
    ]
    assert {deliver_webhook.name, deliver_greenhouse_callback.name} == {name for name, *_ in messages}
