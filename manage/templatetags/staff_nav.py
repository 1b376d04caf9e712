"""The navigation bar of every staff page: the links the signed-in person's role in the page's organisation opens."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from common.exceptions import ApplicationError
from organisations.models import Membership
from organisations.selectors import membership_get, membership_is_admin, membership_is_manager

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


# (label, URL name, who sees it: "member", "manager" or "admin")
LINKS = (
    ("Home", "home", "member"),
    ("Loops", "manage-loops", "manager"),
    ("Questions", "manage-questions", "manager"),
    ("Question sets", "manage-question-sets", "manager"),
    ("Candidates", "manage-candidates", "manager"),
    ("Invitations", "manage-invitations", "manager"),
    ("E-mails", "manage-emails", "manager"),
    ("My interviews", "interviews-queue", "member"),
    ("People", "manage-people", "admin"),
    ("Integrations", "manage-integrations", "admin"),
)


def _allowed(membership: Membership, who: str) -> bool:
    if who == "member":
        return True
    return membership_is_manager(membership) if who == "manager" else membership_is_admin(membership)


@register.simple_tag(takes_context=True)
def staff_nav(context: dict[str, Any]) -> list[NavLink]:
    """The links for the page's ``membership`` (or the caller's in its ``organisation``); none for anyone else."""
    request = context.get("request")
    membership = context.get("membership") or _membership(context)
    if request is None or membership is None:
        return []
    org = request.GET.get("org", "")
    suffix = "?" + urlencode({"org": org}) if org else ""
    links = []
    for label, name, who in LINKS:
        if _allowed(membership, who):
            url = reverse(name)
            current = request.path == url if name == "home" else request.path.startswith(url)
            links.append(NavLink(label, url + suffix, current))
    return links


def _membership(context: dict[str, Any]) -> Membership | None:
    """For pages that put only their ``organisation`` in the context: the caller's membership there, if any."""
    organisation, request = context.get("organisation"), context.get("request")
    if organisation is None or request is None or not request.user.is_authenticated:
        return None
    try:
        return membership_get(user=request.user, organisation_slug=organisation.slug)
    except ApplicationError:
        return None
