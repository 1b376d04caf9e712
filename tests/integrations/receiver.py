"""A real webhook receiver on 127.0.0.1: verifies every request with ``standardwebhooks`` and records it."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

# (n-th request overall, webhook-id) -> (status to answer, seconds to stall first)
Script = Callable[[int, str], tuple[int, float]]


@dataclass
class Received:
    msg_id: str
    verified: bool
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.secret = ""  # set once the endpoint exists (its URL needs this receiver's port first)
        self.script: Script = lambda number, msg_id: (200, 0.0)
        self.answer_body: bytes | None = None  # default: {"status": <code>}
        self.received: list[Received] = []
        self.arrived = threading.Condition()
        self.release = threading.Event()  # ends every stall at once (teardown)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.receiver = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def record(self, headers: dict[str, str], body: bytes) -> tuple[int, float]:
        try:
            Webhook(self.secret).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        msg_id = headers.get("webhook-id", "")
        with self.arrived:
            status, stall = self.script(len(self.received) + 1, msg_id)
            status = status if verified else 401
            self.received.append(Received(msg_id, verified, status, headers, body))
            self.arrived.notify_all()
        return status, stall

    def ids(self) -> Counter[str]:
        """How often each webhook-id arrived (verified)."""
        return Counter(item.msg_id for item in self.received if item.verified)

    def processed(self) -> Counter[str]:
        """How often each webhook-id was answered 2xx: what a receiver acted on."""
        return Counter(item.msg_id for item in self.received if item.verified and 200 <= item.status < 300)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, stall = receiver.record({key.lower(): value for key, value in self.headers.items()}, body)
        if stall:
            receiver.release.wait(stall)
        answer = receiver.answer_body or json.dumps({"status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass
