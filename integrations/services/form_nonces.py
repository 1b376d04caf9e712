"""One-time nonces of the forms that make secrets (a new API key, a new webhook endpoint, a rotation).

Each rendering of such a form carries a fresh nonce; the view spends it in the transaction that does
the work, so the same POST again (a refresh, a double click) finds it spent and makes nothing.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.models import SpentFormNonce

NONCE_SALT = "integrations.form-nonce"
NONCE_MAX_AGE = timedelta(days=1)


class FormAlreadySubmitted(Exception):
    """The form's nonce is spent: what it makes was made by an earlier submission of the same form."""


def nonce_issue(purpose: str) -> str:
    """A fresh nonce for one rendering of a form: random, signed with its purpose so it fits no other form."""
    return signing.dumps({"n": secrets.token_urlsafe(24), "p": purpose}, salt=NONCE_SALT)


def nonce_read(token: str, purpose: str) -> str | None:
    """The nonce's random part, or None when it is missing, forged, too old or another form's."""
    try:
        value = signing.loads(token, salt=NONCE_SALT, max_age=NONCE_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return value.get("n") if isinstance(value, dict) and value.get("p") == purpose else None


@contextmanager
def nonce_spent(nonce_id: str | None) -> Iterator[None]:
    """Spend the valid form's nonce in one transaction with the work in the ``with`` block.

    Raises :class:`FormAlreadySubmitted` (and the block does not run) when it was spent before.
    A concurrent second submission waits on the unique key, then gets the same answer. If the
    block raises, nothing is spent.
    """
    if nonce_id is None:
        raise ValueError("Validate the form before spending its nonce.")
    with transaction.atomic():
        SpentFormNonce.objects.filter(spent_at__lt=timezone.now() - NONCE_MAX_AGE).delete()  # their forms expired
        try:
            with transaction.atomic():
                SpentFormNonce.objects.create(nonce=nonce_id)
        except IntegrityError as exc:
            raise FormAlreadySubmitted from exc
        yield
