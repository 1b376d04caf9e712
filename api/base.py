"""Base pieces for organisation-scoped API views."""

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import idempotent
from api.pagination import KeysetPagination
from common.exceptions import PermissionDeniedError
from integrations.models import ApiKey
from organisations.models import Membership, Organisation, Role
from organisations.selectors import MANAGER_ROLES, membership_get

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


class OrganisationApi(APIView):
    """An API view that acts inside exactly one organisation: the caller's.

    The organisation comes from the caller's credentials: an API key's organisation, or the user's
    membership (the ``X-Organisation`` header picks one when they belong to several). Views read
    only through selectors given it. Every ``post`` of a subclass honours ``Idempotency-Key``.
    """

    manager_only_methods: frozenset[str] = frozenset()
    # Read by drf-spectacular for the views whose GET answers many: the schema shows the page envelope.
    pagination_class = KeysetPagination
    membership: Membership

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "post" in cls.__dict__:
            cls.post = idempotent(cls.__dict__["post"])  # type: ignore[attr-defined]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiKey):
            self.membership = api_key_membership(request.auth)
            if request.method not in SAFE_METHODS and not request.auth.can_write:
                raise PermissionDeniedError("This API key may only read.", code="scope_forbidden")
        else:
            self.membership = membership_get(
                user=request.user, organisation_slug=request.headers.get(ORGANISATION_HEADER)
            )
        if request.method in self.manager_only_methods and self.membership.role not in MANAGER_ROLES:
            raise PermissionDeniedError("Only admins and hiring managers can do this.", code="role_forbidden")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Membership.user.RelatedObjectDoesNotExist) and isinstance(self.request.auth, ApiKey):
            exc = PermissionDeniedError("Only a signed-in person can do this, not an API key.", code="person_required")
        return super().handle_exception(exc)

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
