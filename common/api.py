"""Base pieces for organisation-scoped API views."""

from typing import Any

from rest_framework.request import Request
from rest_framework.views import APIView

from assessments.models import Membership, Organisation
from assessments.selectors import MANAGER_ROLES, membership_get
from common.exceptions import PermissionDeniedError

ORGANISATION_HEADER = "X-Organisation"


class OrganisationApi(APIView):
    """An API view that acts inside exactly one organisation: the caller's.

    The organisation comes from the caller's credentials (their membership; the ``X-Organisation``
    header picks one when they belong to several). Views read only through selectors given it.
    """

    manager_only_methods: frozenset[str] = frozenset()
    membership: Membership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.membership = membership_get(user=request.user, organisation_slug=request.headers.get(ORGANISATION_HEADER))
        if request.method in self.manager_only_methods and self.membership.role not in MANAGER_ROLES:
            raise PermissionDeniedError("Only admins and hiring managers can do this.", code="role_forbidden")

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
