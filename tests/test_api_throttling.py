"""Per-key (and per-person) rate limits in Redis, with the standard headers and a 429 in the stable shape."""

import base64
import logging
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from api.throttling import KEY_PREFIX, Rate, _client, hit, parse_rate
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.API_KEY_RATE_LIMIT = "3/minute"
    settings.API_USER_RATE_LIMIT = "2/minute"
    redis = _client(settings.RATE_LIMIT_REDIS_URL)
    for key in redis.scan_iter(f"{KEY_PREFIX}:user:*"):  # person ids repeat across test databases
        redis.delete(key)


def _key_client(organisation, scope=ApiKeyScope.READ):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {api_key_create(organisation=organisation, name='ATS', scope=scope)[1]}"
    )
    return client


def test_each_response_says_the_limit_what_is_left_and_when_it_resets(organisation):
    client = _key_client(organisation)
    responses = [client.get("/api/v1/candidates/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r["RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
    assert {r["RateLimit-Limit"] for r in responses} == {"3"}
    assert {r["RateLimit-Policy"] for r in responses} == {"3;w=60"}
    assert all(1 <= int(r["RateLimit-Reset"]) <= 60 for r in responses)


def test_over_the_limit_is_a_429_with_retry_after_in_the_stable_shape(organisation):
    client = _key_client(organisation)
    for _ in range(3):
        client.get("/api/v1/candidates/")
    refused = client.get("/api/v1/candidates/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"


def test_limits_are_per_key(organisation):
    first, second = _key_client(organisation), _key_client(organisation)
    for _ in range(4):
        first.get("/api/v1/candidates/")
    assert first.get("/api/v1/candidates/").status_code == 429
    assert second.get("/api/v1/candidates/").status_code == 200


def test_refused_and_failed_requests_count_too(organisation):
    client = _key_client(organisation)
    assert client.get("/api/v1/candidates/999999/").status_code == 404
    assert client.post("/api/v1/candidates/", {}, format="json").status_code == 403  # read-only key
    assert client.get("/api/v1/candidates/")["RateLimit-Remaining"] == "0"


def test_signed_in_people_are_limited_per_person(manager_client):
    assert [manager_client.get("/api/v1/questions/").status_code for _ in range(3)] == [200, 200, 429]


def test_the_candidate_pages_are_not_limited_here(client):
    response = client.get("/take/not-a-token/")
    assert "RateLimit-Limit" not in response


def test_a_new_window_starts_from_zero():
    rate = Rate(limit=2, window=60)
    identity = f"key:window-{uuid.uuid4()}"  # the keys outlive the test
    assert [hit(identity, rate, now=6000.0)[1], hit(identity, rate, now=6059.0)[1]] == [1, 2]
    state, count = hit(identity, rate, now=6060.5)
    assert (count, state.remaining, state.reset) == (1, 1, 60)


def test_an_unreachable_limiter_lets_requests_through_and_says_so(organisation, settings, caplog):
    settings.RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
    client = _key_client(organisation)
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        responses = [client.get("/api/v1/candidates/") for _ in range(5)]
    assert {r.status_code for r in responses} == {200}
    assert "RateLimit-Limit" not in responses[0]
    assert "Rate limiter unreachable" in caplog.text


@pytest.mark.parametrize(
    ("text", "rate"),
    [("600/minute", Rate(600, 60)), ("10/seconds", Rate(10, 1)), ("5000/hour", Rate(5000, 3600)), ("off", None)],
)
def test_rates_parse(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["600", "0/minute", "ten/minute", "5/fortnight"])
def test_a_bad_rate_stops_start_up_with_the_setting_named(settings, text):
    settings.API_USER_RATE_LIMIT = text
    with pytest.raises(ImproperlyConfigured, match="API_USER_RATE_LIMIT"):
        apps.get_app_config("api").ready()


def test_off_means_no_limit_and_no_headers(organisation, settings):
    settings.API_KEY_RATE_LIMIT = "off"
    client = _key_client(organisation)
    responses = [client.get("/api/v1/candidates/") for _ in range(5)]
    assert {r.status_code for r in responses} == {200}
    assert "RateLimit-Limit" not in responses[-1]


def test_greenhouse_calls_share_the_keys_budget(client, organisation):
    _, key = api_key_create(organisation=organisation, name="Greenhouse", scope=ApiKeyScope.WRITE)
    basic = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/candidates/").status_code == 200
    answers = [client.get("/greenhouse/list_tests", HTTP_AUTHORIZATION=basic) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60 and answers[-1].json()["errors"][0]["message"]
