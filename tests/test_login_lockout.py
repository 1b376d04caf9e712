"""Password logins lock out after repeated failures (django-axes), on the site and the Django admin."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user():
    user = UserFactory(username="ira", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, url, password, remote_addr="203.0.113.7"):
    return client.post(url, {"username": "ira", "password": password}, REMOTE_ADDR=remote_addr)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_after_ten_wrong_passwords_the_right_one_is_refused(client, user, url, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, url, "wrong")
    response = login(client, url, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content and b"15 minutes" in response.content
    assert not logged_in(client)


def test_a_few_wrong_passwords_do_not_lock_and_a_success_clears_the_count(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "/accounts/login/", "wrong")
    assert login(client, "/accounts/login/", PASSWORD).status_code == 302 and logged_in(client)
    assert not AccessAttempt.objects.filter(username="ira").exists()


def test_the_lockout_is_per_username_and_address(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "/accounts/login/", "wrong")
    assert login(client, "/accounts/login/", PASSWORD, remote_addr="198.51.100.9").status_code == 302


def test_after_the_cool_off_the_right_password_works(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "/accounts/login/", "wrong")
    assert login(client, "/accounts/login/", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert login(client, "/accounts/login/", PASSWORD).status_code == 302 and logged_in(client)


def test_an_operator_reset_unlocks_at_once(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "/accounts/login/", "wrong")
    reset(username="ira")
    assert login(client, "/accounts/login/", PASSWORD).status_code == 302 and logged_in(client)
