"""The API's permission classes: each role against each kind of method, and who resolves the membership."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, get_resolver
from rest_framework.test import APIRequestFactory

from api.base import OrganisationApi
from common.exceptions import PermissionDeniedError
from organisations.models import Membership, Role
from organisations.permissions import (
    IsOrganisationAdmin,
    IsOrganisationManager,
    IsOrganisationManagerOrReadOnly,
    IsOrganisationMember,
)

PERMISSIONS = (IsOrganisationMember, IsOrganisationManager, IsOrganisationManagerOrReadOnly, IsOrganisationAdmin)
ADMIN, MANAGER, INTERVIEWER = Role.ADMIN, Role.HIRING_MANAGER, Role.INTERVIEWER
# permission class → method → the roles it lets through
ALLOWED = {
    IsOrganisationMember: {"GET": {ADMIN, MANAGER, INTERVIEWER}, "POST": {ADMIN, MANAGER, INTERVIEWER}},
    IsOrganisationManager: {"GET": {ADMIN, MANAGER}, "POST": {ADMIN, MANAGER}},
    IsOrganisationManagerOrReadOnly: {"GET": {ADMIN, MANAGER, INTERVIEWER}, "POST": {ADMIN, MANAGER}},
    IsOrganisationAdmin: {"GET": {ADMIN}, "POST": {ADMIN}},
}


class SignedIn:
    is_authenticated = True


class View:
    def __init__(self, role: str | None) -> None:
        self.role = role

    @property
    def membership(self) -> Membership:
        if self.role is None:
            raise PermissionDeniedError("You are not a member of this organisation.", code="not_a_member")
        return Membership(role=self.role)


def _request(method: str, user=None):
    request = getattr(APIRequestFactory(), method.lower())("/api/v1/x/")
    request.user = user or SignedIn()
    return request


@pytest.mark.parametrize("permission", PERMISSIONS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", [ADMIN, MANAGER, INTERVIEWER])
def test_each_role_and_method(permission, method, role):
    allowed = permission().has_permission(_request(method), View(role))
    assert allowed == (role in ALLOWED[permission][method])


@pytest.mark.parametrize("permission", PERMISSIONS, ids=lambda p: p.__name__)
def test_the_anonymous_are_refused_before_any_membership_is_looked_for(permission):
    assert permission().has_permission(_request("GET", AnonymousUser()), View(None)) is False


@pytest.mark.parametrize("permission", PERMISSIONS, ids=lambda p: p.__name__)
def test_a_non_member_is_refused_by_the_membership_lookup(permission):
    with pytest.raises(PermissionDeniedError):
        permission().has_permission(_request("GET"), View(None))


@pytest.mark.parametrize("permission", PERMISSIONS[1:], ids=lambda p: p.__name__)
def test_a_refused_role_gets_the_role_forbidden_code(permission):
    assert permission.code == "role_forbidden"


def _api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                yield getattr(pattern.callback, "view_class", None)
            else:
                yield from walk(pattern.url_patterns)

    return {view for view in walk(get_resolver().url_patterns) if view and issubclass(view, OrganisationApi)}


def test_every_organisation_api_view_names_its_permission_classes():
    views = _api_views()
    assert len(views) >= 15
    for view in views:
        declared = view.__dict__.get("permission_classes", ())
        assert declared and all(issubclass(cls, IsOrganisationMember) for cls in declared), view
