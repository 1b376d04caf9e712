"""Standard Webhooks signatures: ``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from integrations.ids import secret_key_bytes

USER_AGENT = "Loopwright-Webhooks/1"


def payload_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent: compact, keys sorted, ASCII. The same on every retry and replay."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("ascii")


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    *, secret: str, msg_id: str, body: bytes, timestamp: int | None = None, previous_secret: str = ""
) -> dict[str, str]:
    """Headers for one try. The timestamp is the send time, so a retry a day later still verifies.

    With ``previous_secret`` (a rotation's overlap) the header carries two space-separated
    signatures, the new secret's first: a receiver holding either secret accepts the request.
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    signatures = [
        signature(secret=key, msg_id=msg_id, timestamp=timestamp, body=body) for key in (secret, previous_secret) if key
    ]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
