"""What the interviewers' pages share: the caller's membership, whatever their role."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from assessments.models import Membership
from assessments.selectors.memberships import membership_get
from common.exceptions import ApplicationError


def page_membership(request: HttpRequest) -> Membership:
    """The caller's membership (``?org=`` names the organisation); a non-member gets Django's 403 page."""
    try:
        return membership_get(user=request.user, organisation_slug=request.GET.get("org"))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
