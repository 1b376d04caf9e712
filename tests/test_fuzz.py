"""A bounded, seeded fuzz over the candidate's pages and JSON API and the manager pages' forms: no input is a 500.

Schemathesis covers the documented REST API from its schema; this covers what has no schema. Every route
is found by walking the resolver (a new one is fuzzed without a new line here). Inputs are wrong types,
NUL characters, deep nesting, huge numbers, unicode, empty and non-JSON bodies and wrong content types;
JSON routes must also answer every error in the error shape. Seeded, so a failure replays exactly.
"""

import json
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.services.invitations import invitation_create
from organisations.models import Role
from tests.assessments.test_attempts import question_set  # noqa: F401 - a set with every kind of question
from tests.assessments.test_report import case  # noqa: F401 - the report's fixture, for the page objects
from tests.factories import CandidateFactory, MembershipFactory, assessment_stage
from tests.routes import routes_under
from tests.test_page_access import ROUTES as PAGE_ROUTES
from tests.test_page_access import _url, objects  # noqa: F401 - the page matrix's objects

pytestmark = pytest.mark.django_db

SEED = 20261205
CASES_PER_JSON_ROUTE = 14
CASES_PER_PAGE = 6
SCALARS = [
    None,
    True,
    0,
    -1,
    10**40,
    1e308,
    -1e308,
    "",
    "\u0000",
    "a\u0000b",
    "☃ é 中文 🙂 \u202e",
    "<script>alert(1)</script>",
    "x" * 5000,
    "1e999",
    "NaN",
    "2026-13-45T99:99:99Z",
]
FIELDS = ["body", "version", "source", "events", "kind", "question_id", "data", "at", "seconds", "chars", ""]
FORM_FIELDS = [
    "loop", "title", "name", "reason", "outcome", "url", "events", "kind", "description", "scope", "email",
    "duration_minutes", "days_open", "question_set", "nonce", "role", "interviewer", "user", "questions",
    "recommendation", "notes", "key_takeaways", "is_active", "status", "next", "minutes", "question_id", "score",
    "withdraw", "extra_minutes", "extra_percent", "extra_reason",
]  # fmt: skip
FORM_VALUES = ["", "\x00", "a\x00b", "-1", "0", "99999999999999999999999", "1e999", "NaN", "☃🙂\u202e", "x" * 3000]


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if roll < 0.55 or depth > 3:
        return rng.choice(SCALARS)
    if roll < 0.75:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(FIELDS): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _json_body(rng: random.Random) -> tuple[str, str]:
    """A (body, content type) pair: mostly JSON objects with hostile values, sometimes not JSON at all."""
    roll = rng.random()
    if roll < 0.08:
        return "", "application/json"
    if roll < 0.14:
        return "{" * rng.randint(1, 3), "application/json"
    if roll < 0.2:
        return "[" * 50_000 + "]" * 50_000, "application/json"
    if roll < 0.26:
        content_type = rng.choice(["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
        return "body=x&version=1", content_type
    if roll < 0.3:
        return '{"version": 1e999, "body": NaN}', "application/json"
    body = {rng.choice(FIELDS): _value(rng) for _ in range(rng.randint(0, 4))}
    if rng.random() < 0.3:
        body["events"] = [{rng.choice(FIELDS): _value(rng) for _ in range(3)} for _ in range(rng.randint(0, 3))]
    return json.dumps(body), "application/json"


def _fill(route: str, rng: random.Random, ids: list[int]) -> str:
    """Put a real id, another number or a huge one where the route takes an id."""
    path = route
    while "<" in path:
        start = path.index("<")
        name = path[start + 1 : path.index(">")]
        value = rng.choice([*ids, 0, 987654, 2**63]) if name.startswith("int:") else rng.choice(ids)
        path = path[:start] + str(value) + path[path.index(">") + 1 :]
    return "/" + path


def _assert_no_500(response, where: str, *, json_route: bool) -> None:
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if json_route and response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"} and error["code"], (where, error)


@pytest.fixture
def attempt_links(organisation, question_set, client, settings):  # noqa: F811
    settings.CANDIDATE_PREVIEW_RATE_LIMIT = "off"
    links = []
    for _ in range(2):  # one is submitted along the way; the other is left open until the end
        invitation = invitation_create(
            organisation=organisation,
            candidate=CandidateFactory(organisation=organisation),
            stage=assessment_stage(question_set),
            duration_minutes=60,
            expires_at=timezone.now() + timedelta(days=1),
        )
        client.post(f"/take/{invitation.token}/start/")
        state = client.get(f"/take/{invitation.token}/api/state/").json()
        links.append((invitation.token, [question["id"] for question in state["questions"]]))
    return links


def test_the_candidate_pages_and_api_never_answer_500(client, attempt_links, monkeypatch):
    monkeypatch.setattr("assessments.services.submissions.submission_enqueue", lambda pk, **_: None)
    rng = random.Random(SEED)
    routes = sorted(routes_under("take/"), key=lambda route: route.endswith("submit/"))  # submit last
    assert any("/api/events/" in route for route in routes) and any("preview" in route for route in routes)
    for token, question_ids in attempt_links:
        for route in routes:
            json_route = "/api/" in route
            for _ in range(CASES_PER_JSON_ROUTE if json_route else 3):
                path = _fill(route.replace("<str:token>", token), rng, question_ids)
                body, content_type = _json_body(rng)
                method = rng.choice(["GET", "POST", "PUT", "PATCH", "DELETE"])
                response = client.generic(method, path, body, content_type=content_type)
                _assert_no_500(response, f"{method} {path} {body[:80]!r} {content_type}", json_route=json_route)


def test_the_manager_pages_forms_never_answer_500(client, case, objects):  # noqa: F811
    client.force_login(MembershipFactory(organisation=case["organisation"], role=Role.ADMIN).user)
    rng = random.Random(SEED)
    assert set(PAGE_ROUTES) == routes_under("manage/")
    for route in sorted(PAGE_ROUTES):
        url = _url(route, PAGE_ROUTES[route][2], objects)
        for _ in range(CASES_PER_PAGE):
            form = {rng.choice(FORM_FIELDS): rng.choice(FORM_VALUES) for _ in range(rng.randint(0, 6))}
            if rng.random() < 0.3:
                form = {name: [rng.choice(FORM_VALUES), rng.choice(FORM_VALUES)] for name in form}
            response = client.post(url, form)
            _assert_no_500(response, f"POST {url} {str(form)[:120]}", json_route=False)
        response = client.generic("POST", url, "[" * 50_000, content_type="application/json")
        _assert_no_500(response, f"POST {url} deep JSON", json_route=False)
