"""What every hiring-manager page shares: the caller's manager membership, 404 for what is not found, ?org= in links."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import Membership
from assessments.selectors.memberships import MANAGER_ROLES, membership_get
from common.exceptions import ApplicationError, NotFoundError

P = ParamSpec("P")
T = TypeVar("T")


def manager_membership(request: HttpRequest) -> Membership:
    """The caller's manager membership (``?org=`` names the organisation); anyone else gets Django's 403 page."""
    try:
        membership = membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if membership.role not in MANAGER_ROLES:
        raise PermissionDenied("Only admins and hiring managers can use the management pages.")
    return membership


def found_or_404(read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(...)``, a selector; its ``NotFoundError`` is the 404 page (another organisation's object included)."""
    try:
        return read(*args, **kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def org_query(request: HttpRequest) -> dict[str, str]:
    """``{"org": slug}`` when the page was opened with ``?org=`` (kept across links), else empty."""
    org = request.GET.get("org")
    return {"org": org} if org else {}


def org_suffix(request: HttpRequest) -> str:
    """``?org=…`` for a link, or ""."""
    query = org_query(request)
    return f"?{urlencode(query)}" if query else ""
