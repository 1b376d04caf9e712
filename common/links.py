"""Absolute links to the platform's own pages, for answers and messages read outside a request (API, webhooks, ATSs)."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def site_url(name: str, *args: object) -> str:
    """The URL pattern ``name`` with ``args``, on ``LOOPWRIGHT_SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def attempt_page_url(*, attempt_id: int, organisation_slug: str) -> str:
    """The staff page about an attempt: what the API (``report_url``), webhooks and Greenhouse hand out.

    ``/manage/attempts/<id>/`` leads a signed-in hiring manager to the report that shows the attempt (its
    loop's, or the candidate's attempts outside any loop); ``?org=`` makes it open for people in several
    organisations too. It names the attempt, not a loop, so it stays right when a stage-less invitation
    is attached to a stage later.
    """
    return site_url("manage-attempt", attempt_id) + "?" + urlencode({"org": organisation_slug})
