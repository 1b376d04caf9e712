"""Absolute links to the platform's own pages, for answers and messages read outside a request (API, webhooks, ATSs)."""

from django.conf import settings
from django.urls import reverse


def site_url(name: str, *args: object) -> str:
    """The URL pattern ``name`` with ``args``, on ``LOOPWRIGHT_SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)
