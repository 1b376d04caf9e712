"""Secrets the platform must send back later, encrypted at rest with a key derived from SECRET_KEY.

Used for the one credential Loopwright cannot keep as a hash: the Basic credentials Greenhouse
sent on ``send_test``, which its PATCH callback must carry. Fernet (AES-128-CBC + HMAC-SHA256).
Rotating ``DJANGO_SECRET_KEY`` makes old tokens unreadable: :func:`unseal` then answers None.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

CONTEXT = b"loopwright.sealing.v1:"


def _fernet() -> Fernet:
    key = hashlib.sha256(CONTEXT + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(token: str) -> str | None:
    """The text, or None when there is none or it was sealed under another SECRET_KEY."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
