"""Secrets handed to a person once (an API key, a colleague's invite link): random, kept only as a SHA-256 hash.

The secrets are 256 random bits, so a fast hash is as safe as a slow password hasher (there is no
dictionary to guess from) and a lookup by hash costs microseconds. Nothing can be brute-forced: a
guess has a 2**-256 chance, whatever the number of tries.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def token_new(nbytes: int = TOKEN_BYTES) -> str:
    """A fresh URL-safe secret of ``nbytes`` random bytes (43 characters for 32)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest (64 characters) stored in place of ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()
