"""A real Celery worker is SIGKILLed in the middle of a delivery; a second worker finishes: nothing is lost.

A private ``redis-server`` on a spare loopback port, real ``celery worker`` (consuming ``celery`` and
``webhooks``, as deployed) and ``celery beat`` processes against this test's database, short lease
and sweep timings, and a receiver on 127.0.0.1 that stalls on its first request so the worker can
be killed while the POST is in flight.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.celery import app
from integrations.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEvent
from integrations.services import webhook_endpoint_create
from tests.grading.processes import CeleryProcesses, Process, RedisServer, celery_app_pointed_at, worker_env
from tests.grading.processes import wait_for as poll
from tests.integrations.conftest import invite
from tests.integrations.receiver import Receiver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {
    "WEBHOOK_TASK_SOFT_TIME_LIMIT": "4",
    "WEBHOOK_TASK_TIME_LIMIT": "5",
    "WEBHOOK_LEASE_SECONDS": "6",  # above the hard limit, as in production
    "WEBHOOK_REQUEUE_AFTER_SECONDS": "2",
    "WEBHOOK_SWEEP_SECONDS": "1",  # beat sends the sweep every second
    "WEBHOOK_READ_TIMEOUT": "3",
    "CELERY_VISIBILITY_TIMEOUT": "300",  # Redis would restore the lost message only after this: the sweep must act
    "PYTHONUNBUFFERED": "1",
}


class WebhookWorkers(CeleryProcesses):
    def worker(
        self, name: str, *, queues: str = "grading,samples,sweeps,webhooks", wait: bool = True, **overrides: str
    ) -> Process:
        """A worker consuming every queue; beat's delivery sweeps arrive on ``sweeps``, deliveries on ``webhooks``."""
        return super().worker(name, queues=queues, wait=wait, **overrides)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[RedisServer, WebhookWorkers]]:
    redis_server = RedisServer(tmp_path).start()
    env = worker_env(redis_server.url, **WORKER_ENV)
    celery = WebhookWorkers(tmp_path, env)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            yield redis_server, celery
    finally:
        celery.stop_all()
        redis_server.stop()


def test_a_worker_killed_mid_delivery_loses_nothing(workers, organisation, question_set, receiver: Receiver):
    redis_server, celery = workers
    endpoint = webhook_endpoint_create(organisation=organisation, url=receiver.url, events=["invitation.created"])
    receiver.secret = endpoint.secret
    receiver.script = lambda number, msg_id: (200, 60.0) if number == 1 else (200, 0.0)  # the first one hangs
    first = celery.worker("first")
    for number in range(3):
        invite(organisation, question_set, external_id=f"gh-{number}")  # committed: tasks go to Redis
    event_ids = set(WebhookEvent.objects.values_list("id", flat=True))

    def wait(predicate, what: str, timeout: float = 60):
        try:
            return poll(predicate, timeout=timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{celery.logs()}") from None

    wait(lambda: receiver.received, "the first POST to reach the receiver")
    stalled = receiver.received[0].msg_id
    in_flight = WebhookDelivery.objects.get(event_id=stalled)
    assert in_flight.status == WebhookDeliveryStatus.DELIVERING
    first.kill()  # SIGKILL, pool child included, while the POST waits for an answer

    celery.worker("second")
    celery.beat()  # the sweep finds the expired lease
    wait(
        lambda: set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookDeliveryStatus.SUCCEEDED},
        "every delivery to succeed",
    )
    wait(lambda: redis_server.queued("webhooks") == 0, "the webhooks queue to drain", timeout=30)
    time.sleep(2)  # a late duplicate message (the killed worker's, restored by Redis) would show now

    assert all(item.verified for item in receiver.received)
    assert set(receiver.processed()) == event_ids  # nothing lost
    assert receiver.ids()[stalled] == 2  # at least once: the killed try and the retry share a webhook-id
    assert all(receiver.ids()[event_id] == 1 for event_id in event_ids - {stalled})
    in_flight.refresh_from_db()
    assert in_flight.attempt_count == 2  # the killed claim counts as a try
    assert list(in_flight.attempts.values_list("number", "status_code")) == [(2, 200)]
