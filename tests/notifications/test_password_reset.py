"""Password reset by e-mail: offered only when e-mail is configured (an SMTP EMAIL_URL), sent through the outbox."""

import re

import pytest

from notifications.models import EmailKind, OutgoingEmail
from organisations.models import Role
from tests.factories import MembershipFactory
from tests.notifications.conftest import send_due

pytestmark = pytest.mark.django_db


def test_not_offered_while_email_goes_nowhere(client, settings):
    settings.EMAIL_CONFIGURED = False
    assert "Forgot your password" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.post("/accounts/password_reset/", {"email": "a@example.test"}).status_code == 404
    assert not OutgoingEmail.objects.exists()


def test_a_colleague_resets_the_password_from_the_emailed_link(client, smtp, queued, organisation, settings):
    settings.EMAIL_CONFIGURED = True
    user = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login
    response = client.post("/accounts/password_reset/", {"email": user.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    client.post("/accounts/password_reset/", {"email": user.email})  # a second request soon after: no second mail
    client.post("/accounts/password_reset/", {"email": "nobody@example.test"})  # same answer, nothing sent
    assert list(OutgoingEmail.objects.values_list("kind", "to_email")) == [(EmailKind.PASSWORD_RESET, user.email)]
    assert send_due() == ["succeeded"]
    (received,) = smtp.to(user.email)
    assert "Reset your Loopwright password" in received.message["Subject"]
    text = received.part("text/plain")
    link = re.search(r"https?://\S+/accounts/reset/\S+/\S+/", text).group(0)
    assert link in received.part("text/html")
    assert not any(link.split("/")[-2] in str(value) for value in OutgoingEmail.objects.values().get().values())

    path = link.split(settings.SITE_URL, 1)[1]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-New-passphrase-9", "new_password2": "a-New-passphrase-9"}
    )
    assert done.status_code == 302
    client.logout()
    signed_in = client.post("/accounts/login/", {"username": user.username, "password": "a-New-passphrase-9"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"
    client.logout()
    assert "used or has expired" in client.get(path, follow=True).content.decode()  # once only
