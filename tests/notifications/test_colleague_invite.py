"""The team invitation: the invite link an admin makes on /manage/people/ is e-mailed to the colleague."""

import re

import pytest

from notifications.models import EmailKind, OutgoingEmail
from organisations.models import ColleagueInvite, Role
from organisations.services.colleague_invites import colleague_invite_revoke
from tests.factories import MembershipFactory
from tests.notifications.conftest import send_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN, user__first_name="Ada", user__last_name="L")
    client.force_login(admin.user)
    client.admin = admin.user
    return client


def test_the_invite_link_is_emailed_and_joins(admin_client, smtp, queued, organisation):
    data = {"name": "Nia Newcomer", "email": "nia@example.test", "role": Role.HIRING_MANAGER}
    page = admin_client.post("/manage/people/", data).content.decode()
    shown = re.search(r'data-testid="invite-link">([^<]+)<', page).group(1)
    assert "E-mailed to nia@example.test" in page
    email = OutgoingEmail.objects.get()
    assert email.kind == EmailKind.COLLEAGUE_INVITE and shown.rsplit("/", 2)[-2] not in str(email.data)  # sealed
    assert send_due() == ["succeeded"]
    (received,) = smtp.to("nia@example.test")
    assert received.message["Subject"] == f"Join {organisation.name} on Loopwright"
    assert received.message["Reply-To"] == admin_client.admin.email
    text = received.part("text/plain")
    assert shown in text and shown in received.part("text/html") and "Ada L invites you" in text
    admin_client.logout()
    path = shown.split("loopwright.example.test", 1)[1]
    assert admin_client.get(path).status_code == 200  # the join page opens


def test_a_withdrawn_invite_is_not_sent(admin_client, smtp, queued):
    admin_client.post("/manage/people/", {"name": "Nia", "email": "nia@example.test", "role": Role.INTERVIEWER})
    colleague_invite_revoke(invite=ColleagueInvite.objects.get())
    assert send_due() == ["failed"]
    assert "the invite link is revoked" in OutgoingEmail.objects.get().last_error
    assert smtp.messages == []
