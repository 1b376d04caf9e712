"""NUL characters and absurd nesting in a JSON body are a clear 400 on every route that reads JSON, never a 500."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import QuestionSet
from assessments.services.attempts import attempt_start
from assessments.services.invitations import invitation_create
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from tests.factories import CandidateFactory, QuestionFactory, assessment_stage

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
NUL = "A\u0000B"


@pytest.fixture
def routes(organisation, client, manager_client):
    """(client, method, url, a valid body to spoil, extra headers) for each kind of JSON route."""
    candidate = CandidateFactory(organisation=organisation)
    question = QuestionFactory(organisation=organisation)
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug="screen")
    invitation = invitation_create(
        organisation=organisation,
        candidate=candidate,
        stage=assessment_stage(question_set),
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=1),
    )
    attempt_start(invitation=invitation)
    key = api_key_create(organisation=organisation, name="GH", scope=ApiKeyScope.WRITE)[1]
    basic = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}
    take = f"/take/{invitation.token}/api"
    return {
        "candidate create": (manager_client, "POST", "/api/v1/candidates/", {"name": NUL, "email": "a@example.test"}),
        "candidate patch": (manager_client, "PATCH", f"/api/v1/candidates/{candidate.pk}/", {"name": NUL}),
        "question patch": (manager_client, "PATCH", f"/api/v1/questions/{question.pk}/", {"tags": [NUL]}),
        "events": (client, "POST", f"{take}/events/", {"events": [{"kind": "blur", "data": {}, "at": NUL}]}),
        "events data key": (client, "POST", f"{take}/events/", {"events": [{"kind": "blur", "data": {NUL: 1}}]}),
        "greenhouse send_test": (client, "POST", "/greenhouse/send_test", {"partner_test_id": NUL}, basic),
        "greenhouse response_error": (
            client,
            "POST",
            "/greenhouse/response_error",
            {"api_call": NUL, "errors": [NUL]},
            basic,
        ),
    }


ROUTES = [
    "candidate create",
    "candidate patch",
    "question patch",
    "events",
    "events data key",
    "greenhouse send_test",
    "greenhouse response_error",
]


def _send(route, body: str):
    client, method, url, _, *headers = route
    return client.generic(method, url, body, content_type="application/json", **(headers[0] if headers else {}))


def _assert_clear_400(response, url):
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    body = response.json()
    if url.startswith("/greenhouse/"):
        assert body["errors"][0]["message"]
    else:
        assert set(body["error"]) == {"code", "message", "details"} and body["error"]["message"]


@pytest.mark.parametrize("name", ROUTES)
def test_a_nul_character_in_json_is_a_400(routes, name):
    route = routes[name]
    response = _send(route, json.dumps(route[3]))
    _assert_clear_400(response, route[2])


@pytest.mark.parametrize("name", ROUTES)
def test_absurdly_deep_json_is_a_400(routes, name):
    route = routes[name]
    _assert_clear_400(_send(route, DEEP), route[2])
    _assert_clear_400(_send(route, json.dumps({"events": json.loads("[" * 200 + "]" * 200)})), route[2])


def test_the_database_s_nul_refusal_is_a_400_should_one_get_past_the_parser():
    from api.exception_handlers import api_exception_handler

    response = api_exception_handler(ValueError("A string literal cannot contain NUL (0x00) characters."), {})
    assert response.status_code == 400 and response.data["error"]["code"] == "nul_character"


def test_json_within_the_limits_passes_the_checks():
    from common.json_input import MAX_DEPTH, json_loads_checked

    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # inside the object: MAX_DEPTH levels in all
    assert json_loads_checked(json.dumps({"text": "ünïcode \\u0000 as text", "deep": json.loads(nested)}))
