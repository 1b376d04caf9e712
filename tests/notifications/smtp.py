"""A real SMTP server on loopback for the tests (aiosmtpd), which can refuse on cue.

It accepts every message unless told otherwise: ``refuse[address] = "550 …"`` refuses that recipient
for good; ``defer = n`` answers the next ``n`` recipients ``451`` (try again later); ``stop()`` and
``start()`` (same port) make it unreachable and back. What it accepted is in ``messages``, parsed.
"""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

TEMPORARY = "451 4.3.0 Mailbox busy, try again later"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> str:
        found = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert found is not None and found.get_content_type() == content_type, f"no {content_type} part"
        return str(found.get_content())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """The handler: decides each RCPT, keeps each accepted message."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.defer = 0
        self.deferred = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        with self.lock:
            if address in self.refuse:
                return self.refuse[address]
            if self.defer > 0:
                self.defer -= 1
                self.deferred += 1
                return TEMPORARY
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 2.0.0 Accepted"


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Received]:
        return list(self.mailbox.messages)

    def to(self, address: str) -> list[Received]:
        return [received for received in self.messages if address in received.rcpt_tos]
