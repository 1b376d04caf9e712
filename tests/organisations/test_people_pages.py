"""The organisation admins' people page: the list, role changes, deactivation, invite links; refusals are clear
(400 for bad input, 404 for what is not ours, 409 for the last admin) and change nothing.

Who may call each route (admins only; another organisation's admin gets 404) is tests/test_page_access.py.
"""

import pytest
from django.test import Client
from django.utils import timezone

from organisations.models import ColleagueInvite, Membership, Role
from organisations.services.colleague_invites import colleague_invite_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/manage/people/"


@pytest.fixture
def admin(organisation):
    user = UserFactory(first_name="Ada", last_name="Admin")
    return MembershipFactory(organisation=organisation, user=user, role=Role.ADMIN)


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin.user)
    return client


@pytest.fixture
def colleague(organisation):
    user = UserFactory(username="ira", first_name="Ira", last_name="Interviewer", email="ira@example.test")
    return MembershipFactory(organisation=organisation, user=user, role=Role.INTERVIEWER)


def _roles(organisation) -> dict[str, str]:
    return dict(Membership.objects.filter(organisation=organisation).values_list("user__username", "role"))


def test_the_list_shows_name_login_role_and_status(admin_client, organisation, colleague, other_organisation):
    MembershipFactory(organisation=other_organisation, user__username="stranger")
    Membership.objects.filter(pk=colleague.pk).update(deactivated_at=timezone.now())
    content = admin_client.get(PEOPLE).content.decode()
    row = content[content.index(f'data-testid="colleague-{colleague.pk}"') :].split("</tr>")[0]
    assert "Ira Interviewer" in row and "ira" in row and "ira@example.test" in row
    assert '<option value="interviewer" selected>' in row and "Deactivated" in row and "Reactivate" in row
    assert "Ada Admin" in content and "(you)" in content
    assert "stranger" not in content


def test_changing_a_role(admin_client, organisation, colleague):
    response = admin_client.post(f"{PEOPLE}{colleague.pk}/role/", {"role": Role.HIRING_MANAGER})
    assert response.status_code == 302 and response["Location"] == PEOPLE
    colleague.refresh_from_db()
    assert colleague.role == Role.HIRING_MANAGER
    assert "is now hiring manager" in admin_client.get(PEOPLE).content.decode()


@pytest.mark.parametrize("data", [{"role": "owner"}, {}, {"role": ""}])
def test_a_bad_role_is_400_and_changes_nothing(admin_client, organisation, colleague, data):
    before = _roles(organisation)
    response = admin_client.post(f"{PEOPLE}{colleague.pk}/role/", data)
    assert response.status_code == 400 and 'data-code="invalid_role"' in response.content.decode()
    assert _roles(organisation) == before


def test_demoting_the_last_admin_is_409_and_changes_nothing(admin_client, organisation, admin):
    response = admin_client.post(f"{PEOPLE}{admin.pk}/role/", {"role": Role.INTERVIEWER})
    assert response.status_code == 409
    content = response.content.decode()
    assert 'data-code="last_admin"' in content and "at least one active admin" in content
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_deactivating_yourself_is_409(admin_client, organisation, admin):
    MembershipFactory(organisation=organisation, role=Role.ADMIN)
    response = admin_client.post(f"{PEOPLE}{admin.pk}/deactivate/")
    assert response.status_code == 409 and 'data-code="cannot_deactivate_self"' in response.content.decode()
    admin.refresh_from_db()
    assert admin.deactivated_at is None


def test_deactivating_and_reactivating_a_colleague(admin_client, organisation, colleague):
    colleague_client = Client()
    colleague_client.force_login(colleague.user)
    assert colleague_client.get("/interviews/").status_code == 200

    assert admin_client.post(f"{PEOPLE}{colleague.pk}/deactivate/").status_code == 302
    colleague.refresh_from_db()
    assert colleague.deactivated_at is not None
    assert colleague_client.get("/interviews/").status_code == 403  # at once, in the session they already had

    assert admin_client.post(f"{PEOPLE}{colleague.pk}/reactivate/").status_code == 302
    colleague.refresh_from_db()
    assert colleague.deactivated_at is None and colleague.role == Role.INTERVIEWER
    assert colleague_client.get("/interviews/").status_code == 200


def test_an_unknown_colleague_or_invite_is_404(admin_client):
    for path in ("999999/role/", "999999/deactivate/", "999999/reactivate/", "invites/999999/revoke/"):
        assert admin_client.post(f"{PEOPLE}{path}", {"role": Role.ADMIN}).status_code == 404


def test_the_actions_take_post_only(admin_client, colleague):
    assert admin_client.get(f"{PEOPLE}{colleague.pk}/deactivate/").status_code == 405
    colleague.refresh_from_db()
    assert colleague.deactivated_at is None


def test_adding_a_colleague_shows_the_link_once_and_lists_it_as_open(admin_client, organisation, admin):
    data = {"name": "Nia Newcomer", "email": "nia@example.test", "role": Role.HIRING_MANAGER}
    response = admin_client.post(PEOPLE, data)
    content = response.content.decode()
    assert response.status_code == 200 and "This is the only time the link is shown." in content
    assert 'data-testid="invite-link">http://' in content
    made = ColleagueInvite.objects.get(organisation=organisation)
    assert (made.email, made.role, made.created_by) == ("nia@example.test", Role.HIRING_MANAGER, admin.user)
    listing = admin_client.get(PEOPLE).content.decode()
    assert f'data-testid="invite-{made.pk}"' in listing and "/accounts/join/" not in listing


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Nia", "email": "not-an-address", "role": Role.ADMIN},
        {"name": "Nia", "email": "nia@example.test", "role": "owner"},
        {"name": "", "email": "nia@example.test", "role": Role.ADMIN},
        {},
    ],
)
def test_a_bad_invite_form_is_400_and_makes_nothing(admin_client, data):
    assert admin_client.post(PEOPLE, data).status_code == 400
    assert not ColleagueInvite.objects.exists()


def test_inviting_an_address_twice_is_409(admin_client, colleague):
    data = {"name": "Nia", "email": "nia@example.test", "role": Role.ADMIN}
    assert admin_client.post(PEOPLE, data).status_code == 200
    again = admin_client.post(PEOPLE, data)  # also what a browser re-sending the form does
    assert again.status_code == 409 and 'data-code="already_invited"' in again.content.decode()
    member = admin_client.post(PEOPLE, {**data, "email": "ira@example.test"})
    assert member.status_code == 409 and 'data-code="already_member"' in member.content.decode()
    assert ColleagueInvite.objects.count() == 1


def test_withdrawing_an_invite_closes_its_link(admin_client, organisation, admin):
    made, token = colleague_invite_create(
        organisation=organisation, name="Nia", email="nia@example.test", role=Role.ADMIN, created_by=admin.user
    )
    assert admin_client.post(f"{PEOPLE}invites/{made.pk}/revoke/").status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert Client().get(f"/accounts/join/{token}/").status_code == 410


def test_an_admin_of_several_organisations_acts_in_the_one_named(organisation, other_organisation, admin):
    MembershipFactory(organisation=other_organisation, user=admin.user, role=Role.ADMIN)
    there = MembershipFactory(organisation=other_organisation, role=Role.INTERVIEWER)
    client = Client()
    client.force_login(admin.user)
    suffix = f"?org={other_organisation.slug}"
    assert client.get(PEOPLE).status_code == 403  # which organisation?
    page = client.get(PEOPLE + suffix).content.decode()
    assert f'action="/manage/people/{there.pk}/role/{suffix}"' in page
    response = client.post(f"{PEOPLE}{there.pk}/role/{suffix}", {"role": Role.HIRING_MANAGER})
    assert response.status_code == 302 and response["Location"] == PEOPLE + suffix


@pytest.mark.parametrize(("role", "shown"), [(Role.ADMIN, True), (Role.HIRING_MANAGER, False)])
def test_the_header_links_admins_to_the_people_page(client, organisation, role, shown):
    membership = MembershipFactory(organisation=organisation, role=role)
    client.force_login(membership.user)
    assert (f'href="{PEOPLE}"' in client.get("/manage/invitations/").content.decode()) is shown
