"""Organisation API keys: ``lw_<prefix>.<secret>``, issued once, stored as prefix + SHA-256 of the secret."""

import hmac
import secrets
import string
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.tokens import TOKEN_BYTES, token_hash, token_new
from integrations.models import ApiKey, ApiKeyScope
from organisations.models import Organisation

KEY_PREFIX = "lw_"
PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)
_PREFIX_ALPHABET = string.ascii_letters + string.digits
_CACHE_MAX_KEYS = 1000
# prefix → (verified until (monotonic), the key with its organisation): saves a query per request.
_verified: dict[str, tuple[float, ApiKey]] = {}


class InvalidApiKey(Exception):
    """The key is malformed, unknown, wrong or revoked; ``code`` says which of the last two."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _hash_secret(secret: str) -> str:
    return token_hash(secret)


def api_key_issue(*, api_key: ApiKey) -> str:
    """Give an unsaved key its prefix and hashed secret, save it, and return the plaintext (its only copy)."""
    secret = token_new(TOKEN_BYTES)
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    while ApiKey.objects.filter(prefix=prefix).exists():  # 62**8 prefixes: practically never loops
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    api_key.prefix, api_key.hashed_secret = prefix, _hash_secret(secret)
    api_key.full_clean()
    api_key.save()
    return f"{KEY_PREFIX}{prefix}.{secret}"


@transaction.atomic
def api_key_create(
    *,
    organisation: Organisation,
    name: str,
    scope: str = ApiKeyScope.READ,
    created_by: User | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; the plaintext is returned here and never stored or shown again."""
    api_key = ApiKey(organisation=organisation, name=name, scope=scope, created_by=created_by)
    plaintext = api_key_issue(api_key=api_key)
    return api_key, plaintext


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    _verified.pop(api_key.prefix, None)  # this process at once; others within API_KEY_CACHE_SECONDS
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey:
    """The active key for ``raw_key``: one indexed lookup by prefix, then a constant-time hash comparison.

    A key verified in the last ``API_KEY_CACHE_SECONDS`` is taken from this process's memory (the
    secret is still compared): revoking takes effect at once in the process that revokes and
    within that many seconds in the others.
    """
    prefix, dot, secret = raw_key.removeprefix(KEY_PREFIX).partition(".")
    if not raw_key.startswith(KEY_PREFIX) or not dot or len(prefix) != PREFIX_LENGTH or not secret:
        raise InvalidApiKey("invalid_api_key")
    hashed_secret = _hash_secret(secret)
    cached = _cached(prefix, hashed_secret)
    if cached is not None:
        api_key_touch(api_key=cached)
        return cached
    api_key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.hashed_secret, hashed_secret):
        raise InvalidApiKey("invalid_api_key")
    if api_key.revoked_at is not None:
        raise InvalidApiKey("api_key_revoked")
    _remember(api_key)
    api_key_touch(api_key=api_key)
    return api_key


def _cached(prefix: str, hashed_secret: str) -> ApiKey | None:
    entry = _verified.get(prefix)
    if entry is None or entry[0] < time.monotonic():
        return None
    api_key = entry[1]
    return api_key if hmac.compare_digest(api_key.hashed_secret, hashed_secret) else None


def _remember(api_key: ApiKey) -> None:
    seconds = settings.API_KEY_CACHE_SECONDS
    if seconds <= 0:
        return
    if len(_verified) >= _CACHE_MAX_KEYS:
        _verified.clear()
    _verified[api_key.prefix] = (time.monotonic() + seconds, api_key)


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use at most once a minute per key: a conditional UPDATE, skipped entirely when recent."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
