"""Template tags of the e-mail pages: whether password reset by e-mail is offered; the home page's digest switch."""

from typing import Any

from django import template
from django.conf import settings

from notifications.services.digests import digest_subscribed

register = template.Library()


@register.simple_tag
def password_reset_offered() -> bool:
    """Only when e-mail leaves the machine (EMAIL_URL is an SMTP URL): never "we've e-mailed you" for nothing."""
    return bool(settings.EMAIL_CONFIGURED)


@register.simple_tag(takes_context=True)
def digest_on(context: dict[str, Any]) -> bool:
    """Whether the page's ``membership`` gets the daily digest of what needs attention."""
    membership = context.get("membership")
    return membership is not None and digest_subscribed(membership=membership)
