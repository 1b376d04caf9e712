"""The one way a hiring manager's, admin's or interviewer's page learns its organisation and the caller's role.

The organisation comes from one place: the ``?org=<slug>`` query parameter, needed only by people
who belong to several organisations, and kept on the page's own links by :func:`organisation_query`.
"""

import functools
from collections.abc import Callable, Collection
from typing import Concatenate, ParamSpec
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from common.exceptions import ApplicationError
from organisations.models import Membership, Role
from organisations.selectors import MEMBER_ROLES, membership_get

ORGANISATION_PARAMETER = "org"

P = ParamSpec("P")
PageView = Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def organisation_page(*, roles: Collection[str] = MEMBER_ROLES) -> Callable[[PageView[P]], View[P]]:
    """Give a page the caller's membership (its second argument); for a role outside ``roles``, Django's 403.

    Anonymous visitors are sent to log in; someone in no organisation, or in several without
    ``?org=``, or with a role the page does not serve gets the 403 page, before the view runs.
    """

    def decorate(view: PageView[P]) -> View[P]:
        @functools.wraps(view)
        def page(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            return view(request, page_membership(request, roles=roles), *args, **kwargs)

        return login_required(page)

    return decorate


def page_membership(request: HttpRequest, *, roles: Collection[str]) -> Membership:
    try:
        membership = membership_get(user=request.user, organisation_slug=organisation_slug(request))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if membership.role not in roles:
        labels = " and ".join(f"{Role(role).label.lower()}s" for role in sorted(roles))
        raise PermissionDenied(f"This page is for {labels} of the organisation.")
    return membership


def organisation_slug(request: HttpRequest) -> str:
    """The organisation the page was asked for (``?org=``), ``""`` for the caller's only one."""
    return request.GET.get(ORGANISATION_PARAMETER, "")


def organisation_params(request: HttpRequest) -> dict[str, str]:
    """``{"org": <slug>}`` when the page was asked for with one, else nothing: for a page's own links."""
    slug = organisation_slug(request)
    return {ORGANISATION_PARAMETER: slug} if slug else {}


def organisation_query(request: HttpRequest, **extra: object) -> str:
    """``?org=…`` (so people in several organisations stay in theirs) plus ``extra``; ``""`` when empty."""
    params = {**organisation_params(request), **extra}
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"?{query}" if query else ""
