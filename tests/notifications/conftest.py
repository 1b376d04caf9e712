from collections.abc import Iterator

import pytest

from integrations.models import OutgoingStatus
from notifications.models import OutgoingEmail
from notifications.services.outbox import EMAILS, email_deliver
from tests.integrations.conftest import question_set  # noqa: F401 - one conceptual question, graded at submit
from tests.notifications.smtp import SmtpServer

FROM_ADDRESS = "noreply@loopwright.test"
SITE = "https://loopwright.example.test"


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = FROM_ADDRESS
    settings.SITE_URL = SITE
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Record e-mail task messages instead of sending them: the tests send with ``send_due``."""
    messages: list[int] = []
    monkeypatch.setattr(EMAILS, "enqueue", lambda pk, countdown=None: messages.append(pk))
    return messages


def send_due() -> list[str]:
    """One try of every e-mail due now, as the worker would: the outcomes."""
    due = OutgoingEmail.objects.filter(status=OutgoingStatus.PENDING).order_by("pk")
    return [str(email_deliver(email_id=pk)) for pk in due.values_list("pk", flat=True)]
