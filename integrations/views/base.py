"""What the organisation admins' integration pages share: the admin's membership, ?org= in links, the page context
and the answer to a form sent twice.

Admins only (hiring managers and interviewers get 403); another organisation's objects answer 404.
"""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from assessments.models import Membership, Role
from assessments.selectors.memberships import membership_get
from common.exceptions import ApplicationError


def admin_membership(request: HttpRequest) -> Membership:
    """The caller's admin membership (``?org=`` names the organisation); anyone else gets the 403 page."""
    try:
        membership = membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if membership.role != Role.ADMIN:
        raise PermissionDenied("Only organisation admins can manage API keys and webhooks.")
    return membership


def org_query(request: HttpRequest, **extra: Any) -> str:
    """``?org=…`` (kept across links, so admins of several organisations stay in theirs) plus ``extra``."""
    params = {"org": request.GET.get("org", ""), **extra}
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"?{query}" if query else ""


def redirect_to(request: HttpRequest, name: str, *args: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args) + org_query(request))


def page_context(request: HttpRequest, membership: Membership, **context: Any) -> dict[str, Any]:
    return {"organisation": membership.organisation, "suffix": org_query(request), **context}


def already_submitted_page(
    request: HttpRequest, membership: Membership, message: str, back_url: str, back_label: str
) -> HttpResponse:
    """The answer to a form sent again after it did its work: nothing is made, the secret is not shown again."""
    context = page_context(request, membership, message=message, back_url=back_url, back_label=back_label)
    return render(request, "integrations/already_submitted.html", context, status=409)
