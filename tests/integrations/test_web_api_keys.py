"""Organisation admins' API key pages: a key is shown once, works on the API, and stops working when revoked."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assessments.models import Role
from integrations.api_keys import api_key_authenticate, api_key_create
from integrations.models import ApiKey, ApiKeyScope
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KEYS = "/manage/integrations/api-keys/"
PLAINTEXT = re.compile(r"lw_[A-Za-z0-9]{8}\.[A-Za-z0-9_-]{40,}")


def api(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


def create_key(client: Client, name: str = "Greenhouse", scope: str = "write", path: str = KEYS) -> str:
    response = client.post(path, {"name": name, "scope": scope})
    assert response.status_code == 200
    return PLAINTEXT.findall(response.content.decode())[0]


def test_a_new_key_is_shown_once_and_works_on_the_api(org_admin_client, organisation, org_admin):
    response = org_admin_client.post(KEYS, {"name": "Greenhouse", "scope": "write"})
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
    response = browser.post(KEYS, {"name": "Real", "scope": "read", "csrfmiddlewaretoken": token})
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
