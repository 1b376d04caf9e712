"""One answer to "too big", whatever the size and however it is sent: 413, ``too_large``, the size and the limit.

Three sizes of one candidate answer (just over its own limit, over the serializers' old 200,000
character bound, over the 2.5 MB request limit), code over its limit, the REST API's import, a JSON
and a form body over the request limit, Greenhouse, and a real socket upload that must read the
answer rather than a reset connection.
"""

import json

import pytest
import requests
from django.conf import settings

from tests.assessments.test_attempts import api, invitation, question_set, started  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db

REQUEST_LIMIT = 2_621_440


def assert_too_large(response, *, size: int | None = None, limit: int, unit: str) -> dict:
    assert response.status_code == 413, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert error["details"]["limit"] == limit and error["details"]["unit"] == unit
    assert error["details"]["size"] > limit
    if size is not None:
        assert error["details"]["size"] == size
    assert str(limit) in error["message"] and str(error["details"]["size"]) in error["message"]
    return error


def questions_by_kind(client, invitation) -> dict[str, int]:  # noqa: F811
    return {question["kind"]: question["id"] for question in started(client, invitation)["questions"]}


@pytest.mark.parametrize("chars", [20_001, 300_000, 3_000_000])
def test_a_written_answer_too_big_gets_one_answer_at_every_size(client, invitation, chars):  # noqa: F811
    written = questions_by_kind(client, invitation)["conceptual"]
    response = api(client, invitation, f"answers/{written}/", "put", {"body": "x" * chars, "version": 0})
    if chars < REQUEST_LIMIT:
        assert_too_large(response, size=chars, limit=20_000, unit="characters")
    else:  # refused before the body is read: the size is the body's, in bytes
        assert_too_large(response, limit=REQUEST_LIMIT, unit="bytes")
    saved = api(client, invitation, "state/").json()
    assert all(question["answer"]["version"] == 0 for question in saved["questions"])  # nothing half-saved


def test_a_preview_is_bounded_by_the_answer_limit(client, invitation):  # noqa: F811
    written = questions_by_kind(client, invitation)["conceptual"]
    response = api(client, invitation, f"answers/{written}/preview/", "post", {"body": "*" * 20_001})
    assert_too_large(response, size=20_001, limit=20_000, unit="characters")


@pytest.mark.parametrize("path", ["answers/{id}/", "answers/{id}/run-samples/"])
def test_code_over_its_limit_is_too_large_for_a_save_and_a_sample_run(client, invitation, path):  # noqa: F811
    coding = questions_by_kind(client, invitation)["coding"]
    source = "#" * (settings.SUBMISSION_MAX_SOURCE_BYTES + 1)
    body = {"source": source} if "run-samples" in path else {"body": source, "version": 0}
    response = api(client, invitation, path.format(id=coding), "post" if "run-samples" in path else "put", body)
    assert_too_large(response, size=len(source), limit=settings.SUBMISSION_MAX_SOURCE_BYTES, unit="bytes")


def test_the_rest_apis_markdown_import_over_its_limit(manager_client):
    markdown = "# Set\n\n1. What is TF-IDF?\n" + "x" * 500_000
    response = manager_client.post("/api/v1/question-sets/import/", {"markdown": markdown}, format="json")
    assert_too_large(response, size=len(markdown), limit=500_000, unit="characters")


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_rest_api_body_over_the_request_limit(manager_client, content_type):
    body = "name=" + "x" * REQUEST_LIMIT
    if content_type == "application/json":
        body = json.dumps({"name": "x" * REQUEST_LIMIT, "email": "a@example.com"})
    response = manager_client.generic("POST", "/api/v1/candidates/", body, content_type=content_type)
    assert_too_large(response, size=len(body.encode()), limit=REQUEST_LIMIT, unit="bytes")


def test_greenhouse_gets_the_same_answer_with_its_own_errors_list(client):
    body = json.dumps({"partner_test_id": "1", "candidate": {"email": "a@example.com", "x": "y" * REQUEST_LIMIT}})
    response = client.post("/greenhouse/send_test", body, content_type="application/json")
    error = assert_too_large(response, size=len(body), limit=REQUEST_LIMIT, unit="bytes")
    assert response.json()["errors"] == [{"message": error["message"]}]


@pytest.mark.django_db(transaction=True)
def test_a_client_uploading_over_a_real_socket_reads_the_answer(live_server):
    body = json.dumps({"body": "x" * (3 * 1024 * 1024), "version": 0}).encode()
    response = requests.put(
        f"{live_server.url}/take/no-such-token/api/answers/1/",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert_too_large(response, size=len(body), limit=REQUEST_LIMIT, unit="bytes")
