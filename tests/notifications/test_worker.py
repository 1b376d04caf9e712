"""Real processes: a Celery worker and beat send e-mail to an SMTP server on loopback that is down, then
answers 451, then recovers. Every message arrives exactly once and nothing is lost.

A private ``redis-server``, a real ``celery worker`` consuming ``mail`` and ``sweeps`` (as scripts/run's ops
worker does) and ``celery beat``, against this test's database; the SMTP server is aiosmtpd in this process.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from assessments.services.invitations import invitation_create
from config.celery import app
from notifications.models import OutgoingEmail
from tests.factories import CandidateFactory, assessment_stage
from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, worker_env
from tests.grading.processes import wait_for as poll
from tests.notifications.smtp import SmtpServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[RedisServer, CeleryProcesses, SmtpServer]]:
    redis_server = RedisServer(tmp_path).start()
    smtp = SmtpServer()  # not started: the mail server is down when the first messages go
    env = worker_env(
        redis_server.url,
        EMAIL_URL=smtp.url,
        DEFAULT_FROM_EMAIL="noreply@loopwright.test",
        LOOPWRIGHT_SITE_URL="https://loopwright.example.test",
        EMAIL_SWEEP_SECONDS="1",
        EMAIL_TIMEOUT="3",
        PYTHONUNBUFFERED="1",
    )
    celery = CeleryProcesses(tmp_path, env)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            yield redis_server, celery, smtp
    finally:
        celery.stop_all()
        smtp.stop()
        redis_server.stop()


def invite(organisation, question_set, address: str) -> None:
    invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation, email=address),
        stage=assessment_stage(question_set),
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=2),
    )


def test_an_smtp_outage_and_refusals_lose_nothing_and_send_each_message_once(stack, organisation, question_set):
    redis_server, celery, smtp = stack

    def wait(predicate, what: str, timeout: float = 60):
        try:
            return poll(predicate, timeout=timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{celery.logs()}") from None

    celery.worker("mail", queues="mail,sweeps")
    celery.beat()
    down = ["down-1@example.test", "down-2@example.test"]
    for address in down:
        invite(organisation, question_set, address)  # committed: their tasks are in Redis
    wait(
        lambda: (
            OutgoingEmail.objects.filter(attempt_count=1, status="pending", last_error__contains="connection").count()
            == 2
        ),
        "both tries to fail on the unreachable server",
    )

    smtp.mailbox.defer = 1  # back, but the next recipient is told 451 (try again later)
    smtp.start()
    invite(organisation, question_set, "busy@example.test")
    wait(lambda: smtp.mailbox.deferred == 1, "the 451")
    addresses = [*down, "busy@example.test"]
    wait(
        lambda: set(OutgoingEmail.objects.values_list("status", flat=True)) == {"succeeded"},
        "every e-mail to be sent after its retry",
    )
    wait(lambda: redis_server.queued("mail") == 0, "the mail queue to drain", timeout=30)
    time.sleep(3)  # a duplicate (a second task for a sent e-mail, the sweep's) would arrive now

    received = Counter(address for message in smtp.messages for address in message.rcpt_tos)
    assert received == Counter(addresses)  # each exactly once
    assert len({message.message["Message-ID"] for message in smtp.messages}) == 3
    tries = dict(OutgoingEmail.objects.values_list("to_email", "attempt_count"))
    assert tries == dict.fromkeys(addresses, 2)  # one failure each, then sent
