"""Organisation admins' API key pages: a key is shown once, works on the API, and stops working when revoked."""

import re
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from integrations.forms import ApiKeyCreateForm
from integrations.models import ApiKey, ApiKeyScope, SpentFormNonce
from integrations.services.api_keys import api_key_authenticate, api_key_create
from integrations.services.form_nonces import NONCE_MAX_AGE, NONCE_SALT, nonce_issue
from integrations.views import api_keys as api_key_views
from organisations.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KEYS = "/manage/integrations/api-keys/"
PLAINTEXT = re.compile(r"lw_[A-Za-z0-9]{8}\.[A-Za-z0-9_-]{40,}")
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
ALREADY = "This key was already created; its secret was shown once and cannot be shown again."


def form_nonce(client: Client, path: str) -> str:
    """The one-time nonce of the form on ``path``, as a browser would send it back."""
    page = client.get(path)
    assert page.status_code == 200
    [nonce] = NONCE.findall(page.content.decode())
    return nonce


def api(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


def create_key(client: Client, name: str = "Greenhouse", scope: str = "write", path: str = KEYS) -> str:
    response = client.post(path, {"name": name, "scope": scope, "nonce": form_nonce(client, path)})
    assert response.status_code == 200
    return PLAINTEXT.findall(response.content.decode())[0]


def test_a_new_key_is_shown_once_and_works_on_the_api(org_admin_client, organisation, org_admin):
    response = org_admin_client.post(
        KEYS, {"name": "Greenhouse", "scope": "write", "nonce": form_nonce(org_admin_client, KEYS)}
    )
    assert "no-store" in response["Cache-Control"]  # the one response holding the key is not cached
    [plaintext] = set(PLAINTEXT.findall(response.content.decode()))
    api_key = ApiKey.objects.get(organisation=organisation)
    assert (api_key.name, api_key.scope, api_key.created_by) == ("Greenhouse", ApiKeyScope.WRITE, org_admin)
    assert api_key_authenticate(raw_key=plaintext) == api_key
    listing = org_admin_client.get(KEYS).content.decode()
    assert plaintext not in listing and plaintext.split(".")[1] not in listing
    assert "Greenhouse" in listing and api_key.display_prefix in listing
    assert api(plaintext).get("/api/v1/candidates/").status_code == 200
    assert api(plaintext).post("/api/v1/candidates/", {"name": "Eve", "email": "eve@example.test"}).status_code == 201


def test_a_read_key_made_in_the_page_cannot_write(org_admin_client):
    plaintext = create_key(org_admin_client, scope="read")
    assert api(plaintext).get("/api/v1/candidates/").status_code == 200
    assert api(plaintext).post("/api/v1/candidates/", {"name": "Eve", "email": "eve@example.test"}).status_code == 403


def test_the_list_shows_scope_creator_last_use_and_revocation(org_admin_client, organisation, org_admin):
    used = create_key(org_admin_client, name="Used key", scope="read")
    api(used).get("/api/v1/candidates/")
    unused, _ = api_key_create(organisation=organisation, name="Revoked key")
    org_admin_client.post(f"{KEYS}{unused.pk}/revoke/")
    rows = {
        match[0]: match[1]
        for match in re.findall(
            r'<tr data-api-key="\d+">\s*<td>(.*?)</td>(.*?)</tr>', org_admin_client.get(KEYS).content.decode(), re.S
        )
    }
    assert "read" in rows["Used key"] and org_admin.username in rows["Used key"] and "never" not in rows["Used key"]
    assert "never" in rows["Revoked key"] and "Revoke…" not in rows["Revoked key"]
    assert "Revoke…" in rows["Used key"]


def test_revoking_asks_first_then_the_api_refuses_the_key(org_admin_client, organisation):
    plaintext = create_key(org_admin_client)
    api_key = ApiKey.objects.get(organisation=organisation)
    confirm = org_admin_client.get(f"{KEYS}{api_key.pk}/revoke/")
    assert confirm.status_code == 200 and b"Revoke the key" in confirm.content
    api_key.refresh_from_db()
    assert api_key.revoked_at is None  # the GET only asks
    response = org_admin_client.post(f"{KEYS}{api_key.pk}/revoke/", follow=True)
    assert response.redirect_chain[-1][0] == KEYS and b"revoked" in response.content
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    refused = api(plaintext).get("/api/v1/candidates/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "api_key_revoked"


def test_a_key_needs_a_name_and_a_known_scope(org_admin_client, organisation):
    response = org_admin_client.post(KEYS, {"name": "", "scope": "admin"})
    assert response.status_code == 400
    assert b"This field is required." in response.content and b"Select a valid choice" in response.content
    assert not PLAINTEXT.search(response.content.decode())
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_only_admins_manage_keys(client, organisation, role):
    api_key, _ = api_key_create(organisation=organisation, name="ATS")
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "Mine", "scope": "write"}).status_code == 403
    assert client.get(f"{KEYS}{api_key.pk}/revoke/").status_code == 403
    assert client.post(f"{KEYS}{api_key.pk}/revoke/").status_code == 403
    assert client.get("/manage/integrations/").status_code == 403
    api_key.refresh_from_db()
    assert api_key.revoked_at is None and ApiKey.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, organisation):
    api_key, _ = api_key_create(organisation=organisation, name="ATS")
    for response in (client.get(KEYS), client.post(KEYS, {"name": "x"}), client.post(f"{KEYS}{api_key.pk}/revoke/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None


def test_another_organisations_key_is_not_found(org_admin_client, other_organisation):
    theirs, plaintext = api_key_create(organisation=other_organisation, name="Theirs")
    assert org_admin_client.get(f"{KEYS}{theirs.pk}/revoke/").status_code == 404
    assert org_admin_client.post(f"{KEYS}{theirs.pk}/revoke/").status_code == 404
    assert b"Theirs" not in org_admin_client.get(KEYS).content
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and api(plaintext).get("/api/v1/candidates/").status_code == 200


def test_posts_need_the_csrf_token(organisation, org_admin):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org_admin)
    api_key, _ = api_key_create(organisation=organisation, name="ATS")
    assert browser.post(KEYS, {"name": "Forged", "scope": "write"}).status_code == 403
    assert browser.post(f"{KEYS}{api_key.pk}/revoke/").status_code == 403
    api_key.refresh_from_db()
    assert api_key.revoked_at is None and ApiKey.objects.count() == 1
    token = browser.get(KEYS).cookies["csrftoken"].value
    nonce = form_nonce(browser, KEYS)
    response = browser.post(KEYS, {"name": "Real", "scope": "read", "csrfmiddlewaretoken": token, "nonce": nonce})
    assert response.status_code == 200 and ApiKey.objects.filter(name="Real").exists()


def test_an_admin_of_several_organisations_names_one(client, organisation, other_organisation, org_admin):
    MembershipFactory(organisation=other_organisation, user=org_admin, role=Role.INTERVIEWER)
    client.force_login(org_admin)
    assert client.get(KEYS).status_code == 403  # which organisation? they must say
    assert client.get(f"{KEYS}?org={other_organisation.slug}").status_code == 403  # only an interviewer there
    create_key(client, path=f"{KEYS}?org={organisation.slug}")
    assert ApiKey.objects.get().organisation == organisation


def test_the_header_links_admins_to_the_integration_pages(client, organisation, org_admin):
    client.force_login(org_admin)
    assert b'href="/manage/integrations/"' in client.get("/manage/invitations/").content
    assert client.get("/manage/integrations/").headers["Location"] == KEYS
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    assert b"/manage/integrations/" not in client.get("/manage/invitations/").content


def test_sending_the_form_again_creates_no_second_key(org_admin_client, organisation):
    form = {"name": "Greenhouse", "scope": "write", "nonce": form_nonce(org_admin_client, KEYS)}
    first = org_admin_client.post(KEYS, form)
    assert first.status_code == 200 and PLAINTEXT.search(first.content.decode())
    again = org_admin_client.post(KEYS, form)  # what a browser refresh of the key's page sends
    content = again.content.decode()
    assert again.status_code == 409 and ALREADY in content and "Revoke it if you did not copy it." in content
    assert not PLAINTEXT.search(content) and f'href="{KEYS}"' in content
    assert ApiKey.objects.filter(organisation=organisation).count() == 1
    create_key(org_admin_client, name="Second")  # a fresh form has a fresh nonce
    assert ApiKey.objects.filter(organisation=organisation).count() == 2


def test_each_form_gets_its_own_nonce_and_an_invalid_form_keeps_it(org_admin_client, organisation):
    nonce = form_nonce(org_admin_client, KEYS)
    assert nonce != form_nonce(org_admin_client, KEYS)
    invalid = org_admin_client.post(KEYS, {"name": "", "scope": "write", "nonce": nonce})
    assert invalid.status_code == 400 and NONCE.findall(invalid.content.decode()) == [nonce]
    assert org_admin_client.post(KEYS, {"name": "Fixed", "scope": "write", "nonce": nonce}).status_code == 200
    assert ApiKey.objects.get(organisation=organisation).name == "Fixed"


@pytest.mark.parametrize(
    "nonce",
    ["", "forged", signing.dumps({"n": "x", "p": "webhook-endpoint-create"}, salt=NONCE_SALT)],
    ids=["missing", "forged", "another-forms"],
)
def test_a_form_without_a_valid_nonce_creates_nothing_and_comes_back_with_one(org_admin_client, nonce):
    response = org_admin_client.post(KEYS, {"name": "Greenhouse", "scope": "write", "nonce": nonce})
    content = response.content.decode()
    assert response.status_code == 400 and "This form had expired" in content and not PLAINTEXT.search(content)
    assert not ApiKey.objects.exists()
    [fresh] = NONCE.findall(content)
    assert org_admin_client.post(KEYS, {"name": "Greenhouse", "scope": "write", "nonce": fresh}).status_code == 200
    assert ApiKey.objects.count() == 1


def test_an_expired_form_creates_nothing(org_admin_client):
    with mock.patch("time.time", return_value=time.time() - NONCE_MAX_AGE.total_seconds() - 1):
        nonce = nonce_issue(ApiKeyCreateForm.purpose)  # issued a day and a second ago
    response = org_admin_client.post(KEYS, {"name": "Greenhouse", "scope": "write", "nonce": nonce})
    assert response.status_code == 400 and "This form had expired" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_spent_nonces_are_forgotten_once_their_forms_have_expired(org_admin_client):
    SpentFormNonce.objects.create(nonce="old", spent_at=timezone.now() - NONCE_MAX_AGE - timedelta(minutes=1))
    SpentFormNonce.objects.create(nonce="recent", spent_at=timezone.now() - NONCE_MAX_AGE + timedelta(minutes=1))
    create_key(org_admin_client)
    remaining = set(SpentFormNonce.objects.values_list("nonce", flat=True))
    assert "old" not in remaining and "recent" in remaining and len(remaining) == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_creates_one_key(organisation, org_admin):
    """Two POSTs of one form at once: the second waits on the spent nonce's row, then says it was done."""
    client = Client()
    client.force_login(org_admin)
    form = {"name": "Greenhouse", "scope": "write", "nonce": form_nonce(client, KEYS)}
    first_inside = threading.Event()
    real_create = api_key_views.api_key_create

    def slow_create(**kwargs):
        first_inside.set()  # the nonce is spent in this (uncommitted) transaction
        time.sleep(0.5)
        return real_create(**kwargs)

    statuses: list[int] = []

    def post() -> None:
        statuses.append(client.post(KEYS, form).status_code)
        connection.close()

    with mock.patch.object(api_key_views, "api_key_create", side_effect=slow_create):
        first = threading.Thread(target=post)
        first.start()
        assert first_inside.wait(10)
        second = threading.Thread(target=post)
        second.start()
        first.join(10)
        second.join(10)
    assert sorted(statuses) == [200, 409]
    assert ApiKey.objects.filter(organisation=organisation).count() == 1
