"""Base pieces for organisation-scoped API views."""

from functools import cached_property
from typing import Any

from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import KeysetPagination
from common.exceptions import PermissionDeniedError
from integrations.models import ApiKey
from organisations.models import Membership, Organisation, Role
from organisations.selectors import membership_get

ORGANISATION_HEADER = "X-Organisation"


def validated(serializer_class: type[serializers.Serializer], data: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate ``data`` (a request body or query params) or raise the API's 400 with field details."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def api_key_membership(api_key: ApiKey) -> Membership:
    """What an API key may do, as an (unsaved, person-less) membership: a hiring manager's reads and writes.

    ``user`` is left empty: views that act as a person (scorecards) fail on it and answer 403.
    """
    return Membership(organisation=api_key.organisation, role=Role.HIRING_MANAGER)


def request_membership(request: Request) -> Membership:
    """The caller's membership: an API key's, or the signed-in person's (``X-Organisation`` picks one of several)."""
    if isinstance(request.auth, ApiKey):
        return api_key_membership(request.auth)
    return membership_get(user=request.user, organisation_slug=request.headers.get(ORGANISATION_HEADER))


class ApiKeyScope(BasePermission):
    """A read-only API key reads: its writes get 403 ``scope_forbidden``, whatever the view."""

    message = "This API key may only read."
    code = "scope_forbidden"

    def has_permission(self, request: Request, view: APIView) -> bool:
        api_key = request.auth
        return not isinstance(api_key, ApiKey) or request.method in SAFE_METHODS or api_key.can_write


class OrganisationApi(APIView):
    """An API view that acts inside exactly one organisation: the caller's.

    The organisation comes from the caller's credentials: an API key's organisation, or the user's
    membership (the ``X-Organisation`` header picks one when they belong to several). Views read
    only through selectors given it. Every ``post`` of a subclass honours ``Idempotency-Key``.
    """

    # (drf-spectacular shows the docstring above as the description of the operations of views that have
    # none of their own: it is kept as the API's readers know it.)
    # The membership is resolved (request_membership) when a permission class of organisations.permissions
    # first asks for it; each view names who may call it with one of those classes, and the API key's scope
    # (ApiKeyScope) is checked before them on every view. Each POST says @idempotent.

    # Read by drf-spectacular for the views whose GET answers many: the schema shows the page envelope.
    pagination_class = KeysetPagination

    def get_permissions(self) -> list[Any]:
        return [ApiKeyScope(), *super().get_permissions()]

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        # The rate limit comes next, before the permissions (DRF checks it after them): every request
        # counts against its caller's budget and carries the RateLimit headers, a refused one too.
        super().check_throttles(request)

    def check_throttles(self, request: Request) -> None:
        """Done in :meth:`perform_authentication`, before the permission classes."""

    @cached_property
    def membership(self) -> Membership:
        return request_membership(self.request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Membership.user.RelatedObjectDoesNotExist) and isinstance(self.request.auth, ApiKey):
            exc = PermissionDeniedError("Only a signed-in person can do this, not an API key.", code="person_required")
        return super().handle_exception(exc)

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation
