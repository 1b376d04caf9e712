"""Invite links for colleagues: stored as a hash, open for 7 days, used once (even by two submits at once),
withdrawable; the public page behind one makes the account, logs it in, and says clearly when a link is over."""

import hashlib
import random
import re
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from common.exceptions import ConflictError, GoneError
from organisations.models import ColleagueInvite, Membership, Role
from organisations.services import colleague_invites as invite_services
from organisations.services.colleague_invites import (
    INVITE_LIFETIME,
    colleague_invite_accept,
    colleague_invite_create,
    colleague_invite_revoke,
)
from tests.factories import MembershipFactory
from tests.test_fuzz import FORM_VALUES

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ADMIN)


def invite(organisation, admin, role=Role.HIRING_MANAGER, email="nia@example.test"):
    return colleague_invite_create(
        organisation=organisation, name="Nia Newcomer", email=email, role=role, created_by=admin.user
    )


def join(client: Client, token: str, username: str = "nia", password: str = PASSWORD):
    return client.post(f"/accounts/join/{token}/", {"username": username, "password1": password, "password2": password})


def test_only_a_hash_of_the_token_is_stored(organisation, admin):
    made, token = invite(organisation, admin)
    stored = ColleagueInvite.objects.get(pk=made.pk)
    assert len(token) >= 43  # 256 random bits
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ColleagueInvite.objects.filter(pk=made.pk).values().get())
    assert stored.created_by == admin.user and stored.role == Role.HIRING_MANAGER
    assert abs(stored.expires_at - (timezone.now() + INVITE_LIFETIME)) < timedelta(minutes=1)


def test_an_address_already_a_colleague_or_invited_is_refused(organisation, admin):
    with pytest.raises(ConflictError) as member:
        invite(organisation, admin, email=admin.user.email.upper())
    assert member.value.code == "already_member"
    invite(organisation, admin)
    with pytest.raises(ConflictError) as invited:
        invite(organisation, admin, email="NIA@example.test")
    assert invited.value.code == "already_invited"


def test_a_withdrawn_invite_makes_room_for_a_new_one(organisation, admin):
    made, _ = invite(organisation, admin)
    colleague_invite_revoke(invite=made)
    invite(organisation, admin)
    assert ColleagueInvite.objects.filter(organisation=organisation).count() == 2


def test_using_the_link_makes_the_account_and_the_membership_once(organisation, admin):
    made, token = invite(organisation, admin)
    user = colleague_invite_accept(token=token, username="nia", password=PASSWORD)
    assert (user.email, user.first_name, user.last_name) == ("nia@example.test", "Nia", "Newcomer")
    assert user.check_password(PASSWORD) and not user.is_staff and not user.is_superuser
    assert Membership.objects.get(user=user).role == Role.HIRING_MANAGER
    made.refresh_from_db()
    assert made.used_at is not None and made.used_by == user
    with pytest.raises(GoneError) as again:
        colleague_invite_accept(token=token, username="nia2", password=PASSWORD)
    assert again.value.code == "invite_used" and again.value.status_code == 410
    assert User.objects.filter(username="nia2").count() == 0


def test_a_used_link_cannot_be_withdrawn(organisation, admin):
    made, token = invite(organisation, admin)
    colleague_invite_accept(token=token, username="nia", password=PASSWORD)
    with pytest.raises(ConflictError):
        colleague_invite_revoke(invite=made)


def test_the_page_makes_the_account_and_logs_it_in(client, organisation, admin):
    _, token = invite(organisation, admin, role=Role.INTERVIEWER)
    page = client.get(f"/accounts/join/{token}/")
    assert page.status_code == 200 and organisation.name in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = join(client, token)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/")["Location"] == "/interviews/"  # home sends an interviewer to their interviews
    assert client.get("/interviews/").status_code == 200  # logged in, as an interviewer of the organisation
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="nia").pk


def test_a_manager_joins_and_lands_on_the_manager_pages(client, organisation, admin):
    _, token = invite(organisation, admin, role=Role.ADMIN)
    response = join(client, token)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200 and client.get("/manage/people/").status_code == 200


@pytest.mark.parametrize(
    ("make_closed", "message"),
    [
        (lambda made, token: colleague_invite_accept(token=token, username="first", password=PASSWORD), "already"),
        (lambda made, token: colleague_invite_revoke(invite=made), "withdrawn"),
        (
            lambda made, token: ColleagueInvite.objects.filter(pk=made.pk).update(expires_at=timezone.now()),
            "expired",
        ),
    ],
    ids=["used", "revoked", "expired"],
)
def test_a_closed_link_says_so_with_410_and_makes_nothing(client, organisation, admin, make_closed, message):
    made, token = invite(organisation, admin)
    make_closed(made, token)
    users = User.objects.count()
    page = client.get(f"/accounts/join/{token}/")
    assert page.status_code == 410 and message in page.content.decode()
    response = join(client, token, username="late")
    assert response.status_code == 410
    assert User.objects.count() == users and "_auth_user_id" not in client.session


@pytest.mark.parametrize("token", ["nonsense", "x" * 65, "A" * 43])
def test_an_unknown_link_is_404(client, organisation, admin, token):
    invite(organisation, admin)
    assert client.get(f"/accounts/join/{token}/").status_code == 404
    assert join(client, token).status_code == 404
    assert not User.objects.filter(username="nia").exists()


@pytest.mark.parametrize(
    ("username", "password1", "password2", "error"),
    [
        ("nia", "password", "password", "too common"),
        ("nia", "nia@example.test1", "nia@example.test1", "too similar"),
        ("nia", PASSWORD, PASSWORD + "x", "didn’t match"),
        ("", PASSWORD, PASSWORD, "required"),
        ("bad name!", PASSWORD, PASSWORD, "Enter a valid username"),
        ("TAKEN", PASSWORD, PASSWORD, "already exists"),
        (None, None, None, "required"),
    ],
)
def test_the_validators_refuse_and_nothing_is_made(client, organisation, admin, username, password1, password2, error):
    User.objects.create_user("taken")
    made, token = invite(organisation, admin)
    users = User.objects.count()
    data = {} if username is None else {"username": username, "password1": password1, "password2": password2}
    response = client.post(f"/accounts/join/{token}/", data)
    assert response.status_code == 400 and error in response.content.decode()
    assert User.objects.count() == users
    made.refresh_from_db()
    assert made.used_at is None


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_make_one_account(organisation, admin):
    """The second submit waits on the invite's row lock, then finds the link used: 410, no second account."""
    _, token = invite(organisation, admin)
    first_inside = threading.Event()
    real_user_create = invite_services._user_create

    def slow_user_create(made, username, password):
        user = real_user_create(made, username, password)
        first_inside.set()  # the invite row is locked in this (uncommitted) transaction
        time.sleep(0.5)
        return user

    statuses: list[int] = []

    def submit(username: str) -> None:
        statuses.append(join(Client(), token, username=username).status_code)
        connection.close()

    with mock.patch.object(invite_services, "_user_create", side_effect=slow_user_create):
        first = threading.Thread(target=submit, args=("nia",))
        first.start()
        assert first_inside.wait(10)
        second = threading.Thread(target=submit, args=("nia-again",))
        second.start()
        first.join(10)
        second.join(10)
    assert sorted(statuses) == [302, 410]
    assert Membership.objects.filter(organisation=organisation, user__email="nia@example.test").count() == 1
    assert User.objects.filter(username__startswith="nia").count() == 1


def test_the_link_shown_once_is_the_one_that_works(client, organisation, admin):
    client.force_login(admin.user)
    response = client.post("/manage/people/", {"name": "Nia Newcomer", "email": "nia@example.test", "role": "admin"})
    assert response.status_code == 200
    [link] = re.findall(r"https?://[^\s<\"]+/accounts/join/[A-Za-z0-9_-]+/", response.content.decode())
    assert "no-store" in response["Cache-Control"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert ColleagueInvite.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in client.get("/manage/people/").content.decode()  # shown once
    assert join(Client(), token).status_code == 302


def test_the_join_page_never_answers_500(client, organisation, admin):
    """A seeded fuzz of the public page (tests/test_fuzz.py covers /manage/): odd tokens and odd forms."""
    rng = random.Random(20261205)
    _, token = invite(organisation, admin)
    tokens = [token, "", "\x00", "%00", "☃🙂", "x" * 5000, token + "x", token.upper()]
    fields = ["username", "password1", "password2", "email", "role", "csrfmiddlewaretoken"]
    for _ in range(40):
        path = f"/accounts/join/{rng.choice(tokens)}/"
        form = {rng.choice(fields): rng.choice(FORM_VALUES) for _ in range(rng.randint(0, 5))}
        response = client.post(path, form)
        assert response.status_code < 500, (path, form)
    assert (
        client.generic("POST", f"/accounts/join/{token}/", "[" * 50_000, content_type="application/json").status_code
        == 400
    )
