import pytest
from django.utils import timezone

from assessments.models import Invitation
from assessments.services.importing import question_set_import
from organisations.models import Role
from tests.factories import MembershipFactory, assessment_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user


def test_manager_invites_from_the_web_page_and_gets_the_link(client, organisation, manager):
    question_set = question_set_import(organisation=organisation, text="## A\n\n1. Why?\n", slug="s").question_set
    stage = assessment_stage(question_set)
    client.force_login(manager)
    form = {
        "name": "Ana",
        "email": "ana@example.test",
        "stage": stage.pk,
        "duration_minutes": 60,
        "days_open": 3,
    }
    response = client.post("/manage/invitations/", form, follow=True)
    invitation = Invitation.objects.get(candidate__email="ana@example.test")
    assert f"/take/{invitation.token}/" in response.content.decode()
    assert invitation.expires_at > timezone.now() and invitation.duration_minutes == 60
    assert invitation.stage == stage and invitation.question_set == question_set
    client.post(f"/manage/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_interviewers_and_anonymous_cannot_invite(client, organisation):
    assert client.get("/manage/invitations/").status_code == 302  # to the login page
    client.force_login(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    assert client.get("/manage/invitations/").status_code == 403


def test_login_page_renders(client):
    assert b"Log in" in client.get("/accounts/login/").content
