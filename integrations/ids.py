"""Identifiers and secrets in the Standard Webhooks formats (``msg_…`` ids, ``whsec_…`` secrets)."""

import base64
import secrets
import time

CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format marker, not a secret
SECRET_BYTES = 32


def ulid() -> str:
    """A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32 (sorts by time)."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(CROCKFORD32[digit])
    return "".join(reversed(chars))


def new_message_id() -> str:
    """The event's ``webhook-id``: the same on every retry and replay, the receiver's deduplication key."""
    return f"msg_{ulid()}"


def new_webhook_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes: the key is the decoded bytes, as the spec says."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
