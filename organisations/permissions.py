"""DRF permission classes for organisation-scoped API views: who in the organisation may call what.

A view using them exposes the caller's membership as ``view.membership`` (``api.base.OrganisationApi``
resolves it from the API key, or from the signed-in person and the ``X-Organisation`` header, through
``organisations.selectors``). Resolving it refuses someone outside the organisation, or in several
without naming one, with 403 ``not_a_member`` or ``organisation_required``; a caller with no
credentials gets DRF's 401; a role the view does not serve gets 403 ``role_forbidden``.
"""

from typing import Protocol, cast

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from organisations.models import Membership
from organisations.selectors import membership_is_admin, membership_is_manager

ROLE_FORBIDDEN = "role_forbidden"


class OrganisationView(Protocol):
    @property
    def membership(self) -> Membership: ...


def _membership(view: APIView) -> Membership:
    return cast(OrganisationView, view).membership


class IsOrganisationMember(BasePermission):
    """Any member of the organisation: admins, hiring managers, interviewers (and API keys)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401
        _membership(view)  # resolving it refuses a non-member with 403 not_a_member (or organisation_required)
        return True


class IsOrganisationManager(IsOrganisationMember):
    """Admins and hiring managers (and API keys), whatever the method."""

    message = "Only admins and hiring managers can do this."
    code = ROLE_FORBIDDEN

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and membership_is_manager(_membership(view))


class IsOrganisationManagerOrReadOnly(IsOrganisationMember):
    """Every member reads (GET, HEAD, OPTIONS); only admins and hiring managers (and API keys) write."""

    message = IsOrganisationManager.message
    code = ROLE_FORBIDDEN

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or membership_is_manager(_membership(view))


class IsOrganisationAdmin(IsOrganisationMember):
    """Organisation admins only (not API keys): colleagues, roles, API keys, webhooks."""

    message = "Only organisation admins can do this."
    code = ROLE_FORBIDDEN

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and membership_is_admin(_membership(view))
