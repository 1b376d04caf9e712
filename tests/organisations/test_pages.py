"""The page decorator and the membership selector behind it: each way in and each way out."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from common.exceptions import PermissionDeniedError
from organisations.models import Role
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES, membership_get, membership_is_admin, membership_is_manager
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@organisation_page(roles=MANAGER_ROLES)
def manager_page(request, membership, pk):
    return HttpResponse(f"{membership.organisation.slug}:{membership.role}:{pk}")


@organisation_page()
def member_page(request, membership):
    return HttpResponse(membership.organisation.slug)


def _get(user, path="/page/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_membership_get_refuses_the_anonymous():
    with pytest.raises(PermissionDeniedError):
        membership_get(user=AnonymousUser())


def test_membership_get_finds_the_only_membership_without_a_slug():
    membership = MembershipFactory()
    assert membership_get(user=membership.user) == membership


def test_membership_get_refuses_someone_in_no_organisation():
    with pytest.raises(PermissionDeniedError) as refused:
        membership_get(user=UserFactory())
    assert refused.value.code == "not_a_member"


def test_membership_get_refuses_another_organisations_slug():
    membership = MembershipFactory()
    with pytest.raises(PermissionDeniedError) as refused:
        membership_get(user=membership.user, organisation_slug=OrganisationFactory().slug)
    assert refused.value.code == "not_a_member"


def test_membership_get_needs_a_slug_from_someone_in_several():
    first = MembershipFactory()
    second = MembershipFactory(user=first.user)
    with pytest.raises(PermissionDeniedError) as refused:
        membership_get(user=first.user)
    assert refused.value.code == "organisation_required"
    assert membership_get(user=first.user, organisation_slug=second.organisation.slug) == second


@pytest.mark.parametrize(
    ("role", "manager", "admin"),
    [(Role.ADMIN, True, True), (Role.HIRING_MANAGER, True, False), (Role.INTERVIEWER, False, False)],
)
def test_what_each_role_reaches(role, manager, admin):
    membership = MembershipFactory.build(role=role)
    assert (membership_is_manager(membership), membership_is_admin(membership)) == (manager, admin)


def test_the_page_sends_the_anonymous_to_log_in():
    response = manager_page(_get(AnonymousUser()), pk=1)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_gets_the_membership_and_its_own_arguments():
    membership = MembershipFactory(role=Role.HIRING_MANAGER)
    assert (
        manager_page(_get(membership.user), pk=7).content.decode() == f"{membership.organisation.slug}:hiring_manager:7"
    )


def test_a_role_the_page_does_not_serve_gets_403():
    membership = MembershipFactory(role=Role.INTERVIEWER)
    with pytest.raises(PermissionDenied):
        manager_page(_get(membership.user), pk=1)
    assert member_page(_get(membership.user)).status_code == 200


@pytest.mark.parametrize("slug", [None, "not-theirs"])
def test_no_organisation_chosen_or_a_foreign_one_gets_403(slug):
    first = MembershipFactory()
    MembershipFactory(user=first.user)
    path = f"/page/?org={slug}" if slug else "/page/"
    with pytest.raises(PermissionDenied):
        member_page(_get(first.user, path))


def test_the_org_parameter_picks_one_of_several():
    first = MembershipFactory(role=Role.INTERVIEWER)
    second = MembershipFactory(user=first.user, role=Role.ADMIN)
    assert member_page(_get(first.user, f"/page/?org={second.organisation.slug}")).content.decode() == (
        second.organisation.slug
    )
    with pytest.raises(PermissionDenied):  # a manager there is not a manager here
        manager_page(_get(first.user, f"/page/?org={first.organisation.slug}"), pk=1)


def test_organisation_query_keeps_the_org_on_links():
    factory = RequestFactory()
    assert organisation_query(factory.get("/p/")) == ""
    assert organisation_query(factory.get("/p/"), status="failed", page=None) == "?status=failed"
    assert organisation_query(factory.get("/p/?org=acme&q=x"), page=2) == "?org=acme&page=2"
