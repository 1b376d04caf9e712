"""Template tags of the e-mail pages: whether password reset by e-mail is offered."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def password_reset_offered() -> bool:
    """Only when e-mail leaves the machine (EMAIL_URL is an SMTP URL): never "we've e-mailed you" for nothing."""
    return bool(settings.EMAIL_CONFIGURED)
