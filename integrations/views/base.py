"""What the organisation admins' integration pages share beyond their organisation (``organisations.pages``): the page
context with ?org= kept in links, and the answer to a form sent twice.

Admins only (hiring managers and interviewers get 403); another organisation's objects answer 404.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from organisations.models import Membership
from organisations.pages import organisation_query


def redirect_to(request: HttpRequest, name: str, *args: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args) + organisation_query(request))


def page_context(request: HttpRequest, membership: Membership, **context: Any) -> dict[str, Any]:
    return {"organisation": membership.organisation, "suffix": organisation_query(request), **context}


def already_submitted_page(
    request: HttpRequest, membership: Membership, message: str, back_url: str, back_label: str
) -> HttpResponse:
    """The answer to a form sent again after it did its work: nothing is made, the secret is not shown again."""
    context = page_context(request, membership, message=message, back_url=back_url, back_label=back_label)
    return render(request, "integrations/already_submitted.html", context, status=409)
