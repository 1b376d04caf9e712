"""Who did something, as an audit record keeps it: the person while their account exists, and a label for good.

The caller is a signed-in person (a Django user) or an API key's stand-in user (``integrations``'
``ApiKeyUser``: no account, a label such as ``API key lw_ab12``); records keep both forms.
"""

from typing import Any

from django.contrib.auth.models import User


def actor_user(actor: Any) -> User | None:
    """The person's account, or None for an API key (or nobody)."""
    return actor if isinstance(actor, User) and actor.pk is not None else None


def actor_label(actor: Any) -> str:
    """A person's full name (else their username), an API key's label; "" for nobody."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return str(full_name or actor.get_username())[:200]
