"""Organisation API keys (scopes, isolation, revocation, last use) and ``Idempotency-Key`` on POST."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.idempotency import idempotency_records_expire
from assessments.models import Candidate
from integrations.models import ApiKey, ApiKeyScope, IdempotencyRecord
from integrations.services.api_keys import api_key_create, api_key_revoke
from tests.factories import CandidateFactory, MembershipFactory, StageFactory, assessment_stage
from tests.integrations.conftest import invite

pytestmark = pytest.mark.django_db

EVE = {"name": "Eve", "email": "eve@example.test", "external_id": "gh-1"}


def key_client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


@pytest.fixture
def write_key(organisation) -> str:
    return api_key_create(organisation=organisation, name="ATS", scope=ApiKeyScope.WRITE)[1]


@pytest.fixture
def read_key(organisation) -> str:
    return api_key_create(organisation=organisation, name="BI", scope=ApiKeyScope.READ)[1]


def test_key_is_shown_once_and_stored_hashed(organisation):
    api_key, plaintext = api_key_create(organisation=organisation, name="ATS")
    prefix, secret = plaintext.removeprefix("lw_").split(".")
    assert plaintext.startswith("lw_") and prefix == api_key.prefix and len(prefix) == 8
    assert secret not in api_key.hashed_secret and len(api_key.hashed_secret) == 64
    assert api_key.scope == ApiKeyScope.READ


def test_key_authenticates_list_endpoints(organisation, read_key, question_set):
    CandidateFactory(organisation=organisation)
    client = key_client(read_key)
    for route in ("/api/v1/candidates/", "/api/v1/question-sets/", "/api/v1/invitations/", "/api/v1/questions/"):
        response = client.get(route)
        assert response.status_code == 200, route
    assert len(client.get("/api/v1/candidates/").json()["results"]) == 1
    assert len(client.get("/api/v1/question-sets/").json()["results"]) == 1


def test_read_scope_cannot_post(read_key):
    response = key_client(read_key).post("/api/v1/candidates/", EVE, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_forbidden"
    assert not Candidate.objects.exists()


def test_write_scope_acts_like_a_hiring_manager(organisation, write_key, question_set):
    client = key_client(write_key)
    candidate = client.post("/api/v1/candidates/", EVE, format="json")
    assert candidate.status_code == 201
    assert Candidate.objects.get().organisation == organisation
    invitation = client.post(
        "/api/v1/invitations/",
        {
            "candidate_id": candidate.json()["id"],
            "stage_id": assessment_stage(question_set).pk,
            "expires_at": "2099-01-01T00:00:00Z",
            "duration_minutes": 30,
        },
        format="json",
    )
    assert invitation.status_code == 201 and invitation.json()["url"]
    assert len(client.get("/api/v1/candidates/?external_id=gh-1").json()["results"]) == 1


def test_key_cannot_act_as_a_person(organisation, write_key):
    candidate = CandidateFactory(organisation=organisation)
    stage = StageFactory(loop__organisation=organisation)
    response = key_client(write_key).post(
        "/api/v1/scorecards/", {"candidate_id": candidate.pk, "stage_id": stage.pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "person_required"


def test_key_of_one_organisation_never_sees_another(organisation, other_organisation, question_set):
    theirs = api_key_create(organisation=other_organisation, name="Theirs", scope=ApiKeyScope.WRITE)[1]
    candidate = CandidateFactory(organisation=organisation, external_id="ext-1")
    invitation = invite(organisation, question_set)
    client = key_client(theirs)
    for route in ("/api/v1/candidates/", "/api/v1/question-sets/", "/api/v1/invitations/"):
        assert len(client.get(route).json()["results"]) == 0, route
    assert len(client.get("/api/v1/candidates/?external_id=ext-1").json()["results"]) == 0
    for route in (
        f"/api/v1/candidates/{candidate.pk}/",
        f"/api/v1/question-sets/{question_set.pk}/",
        f"/api/v1/invitations/{invitation.pk}/",
    ):
        assert client.get(route).status_code == 404, route
    revoke = client.post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert revoke.status_code == 404
    # The organisation header cannot move a key into another organisation.
    other = client.get("/api/v1/candidates/", HTTP_X_ORGANISATION=organisation.slug)
    assert len(other.json()["results"]) == 0


@pytest.mark.parametrize(
    "header",
    ["Api-Key lw_unknown1.secret", "Api-Key not-a-key", "Api-Key", "Api-Key a b"],
)
def test_unknown_or_malformed_key_is_401_with_stable_shape(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/candidates/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_wrong_secret_for_a_real_prefix_is_401(organisation, read_key):
    forged = read_key[:-4] + ("AAAA" if not read_key.endswith("AAAA") else "BBBB")
    response = key_client(forged).get("/api/v1/candidates/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_revoked_key_is_401(organisation, read_key):
    api_key_revoke(api_key=ApiKey.objects.get())
    response = key_client(read_key).get("/api/v1/candidates/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_revoked"


def test_last_used_is_recorded_at_most_once_a_minute(read_key, settings):
    settings.API_KEY_CACHE_SECONDS = 0  # the row is read each time, so the test can age it
    client = key_client(read_key)
    assert ApiKey.objects.get().last_used_at is None
    client.get("/api/v1/candidates/")
    first = ApiKey.objects.get().last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/candidates/")
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "integrations_apikey"')]
    assert ApiKey.objects.get().last_used_at == first  # within the minute: not written again
    ApiKey.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/candidates/")
    assert ApiKey.objects.get().last_used_at > first


def test_idempotent_post_creates_once_and_replays(write_key):
    client = key_client(write_key)
    first = client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="create-eve-1")
    again = client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="create-eve-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Candidate.objects.count() == 1
    assert IdempotencyRecord.objects.get().response_status == 201


def test_same_key_different_body_is_422_and_creates_nothing(write_key):
    client = key_client(write_key)
    client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**EVE, "email": "mallory@example.test"}
    response = client.post("/api/v1/candidates/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Candidate.objects.values_list("email", flat=True)) == ["eve@example.test"]


def test_without_the_header_posts_behave_as_before(write_key):
    client = key_client(write_key)
    client.post("/api/v1/candidates/", EVE, format="json")
    client.post("/api/v1/candidates/", {**EVE, "email": "eve2@example.test", "external_id": "gh-2"}, format="json")
    assert Candidate.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_failed_request_keeps_no_record_so_the_retry_runs(write_key):
    client = key_client(write_key)
    bad = client.post("/api/v1/candidates/", {"name": "Eve"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    good = client.post("/api/v1/candidates/", {"name": "Eve"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert good.status_code == 400  # the same invalid body is re-validated, not replayed


def test_keys_are_per_caller_another_persons_key_is_a_fresh_key(organisation, write_key, manager_client):
    first = key_client(write_key).post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    bob = {"name": "Bob", "email": "bob@example.test", "external_id": "gh-2"}
    mine = manager_client.post("/api/v1/candidates/", bob, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine  # not the other caller's answer
    assert mine.json()["id"] != first.json()["id"]
    again = manager_client.post("/api/v1/candidates/", bob, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert again["Idempotent-Replayed"] == "true" and again.json() == mine.json()


def test_keys_are_per_api_key(organisation, write_key):
    other_key = api_key_create(organisation=organisation, name="Other ATS", scope=ApiKeyScope.WRITE)[1]
    key_client(write_key).post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    bob = {"name": "Bob", "email": "bob@example.test", "external_id": "gh-2"}
    theirs = key_client(other_key).post("/api/v1/candidates/", bob, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201 and theirs.json()["email"] == "bob@example.test"
    assert Candidate.objects.count() == 2


def test_keys_are_per_organisation(organisation, write_key):
    key_client(write_key).post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    outsider = MembershipFactory().user
    client = APIClient()
    client.force_authenticate(outsider)
    theirs = client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Candidate.objects.count() == 2


def test_the_422_for_a_reused_key_does_not_name_the_other_request(write_key):
    client = key_client(write_key)
    assert client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    response = client.post("/api/v1/invitations/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused" and error["details"] == {}
    assert "candidates" not in response.content.decode()


def test_overlong_key_is_400(write_key):
    response = key_client(write_key).post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Candidate.objects.exists()


def test_records_expire_after_a_day(write_key):
    client = key_client(write_key)
    client.post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_records_expire() == 1
    assert not IdempotencyRecord.objects.exists()


def test_admin_add_shows_the_key_once_and_revoke_action(admin_client, organisation):
    response = admin_client.post(
        reverse("admin:integrations_apikey_add"),
        {"organisation": organisation.pk, "name": "Greenhouse", "scope": "write"},
        follow=True,
    )
    api_key = ApiKey.objects.get()
    page = response.content.decode()
    assert f"lw_{api_key.prefix}." in page
    plaintext = page.split(f"lw_{api_key.prefix}.")[1].split()[0].split("<")[0]
    assert key_client(f"lw_{api_key.prefix}.{plaintext}").get("/api/v1/candidates/").status_code == 200
    change = admin_client.get(reverse("admin:integrations_apikey_change", args=[api_key.pk])).content.decode()
    assert plaintext not in change and f"lw_{api_key.prefix}" in change
    admin_client.post(
        reverse("admin:integrations_apikey_changelist"), {"action": "revoke", "_selected_action": [api_key.pk]}
    )
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_wait_and_replay(organisation, monkeypatch):
    """Two simultaneous POSTs with one key: the second waits on the unique index, then replays."""
    from api.views import candidates

    raw_key = api_key_create(organisation=organisation, name="ATS", scope=ApiKeyScope.WRITE)[1]
    slow_create = candidates.candidate_create

    def candidate_create(**kwargs):
        time.sleep(0.5)  # hold the first request's transaction open while the second arrives
        return slow_create(**kwargs)

    monkeypatch.setattr(candidates, "candidate_create", candidate_create)
    responses = []

    def post() -> None:
        try:
            response = key_client(raw_key).post("/api/v1/candidates/", EVE, format="json", HTTP_IDEMPOTENCY_KEY="race")
            responses.append(response)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(timeout=10)
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert Candidate.objects.count() == 1


def test_a_verified_key_is_remembered_briefly_and_a_revocation_elsewhere_lands_within_that_time(
    organisation, settings, monkeypatch, django_assert_num_queries
):
    from integrations.services import api_keys

    settings.API_KEY_CACHE_SECONDS = 5
    api_key, plaintext = api_key_create(organisation=organisation, name="ATS")
    api_keys.api_key_authenticate(raw_key=plaintext)
    with django_assert_num_queries(0):  # remembered: no lookup
        assert api_keys.api_key_authenticate(raw_key=plaintext).pk == api_key.pk
    with pytest.raises(api_keys.InvalidApiKey):  # a wrong secret is never taken from memory
        api_keys.api_key_authenticate(raw_key=plaintext[:-2] + "xx")
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())  # as another process would
    assert api_keys.api_key_authenticate(raw_key=plaintext).pk == api_key.pk  # still within 5 s
    later = time.monotonic() + 6
    monkeypatch.setattr(api_keys.time, "monotonic", lambda: later)
    with pytest.raises(api_keys.InvalidApiKey) as refused:
        api_keys.api_key_authenticate(raw_key=plaintext)
    assert refused.value.code == "api_key_revoked"


def test_revoking_here_takes_effect_at_once(organisation, settings):
    from integrations.services import api_keys

    settings.API_KEY_CACHE_SECONDS = 60
    api_key, plaintext = api_key_create(organisation=organisation, name="ATS")
    api_keys.api_key_authenticate(raw_key=plaintext)
    api_keys.api_key_revoke(api_key=api_key)
    with pytest.raises(api_keys.InvalidApiKey):
        api_keys.api_key_authenticate(raw_key=plaintext)
