"""/api/v1/loops/: an ATS finds a loop's assessment stage here and invites a candidate into it."""

import pytest
from rest_framework.test import APIClient

from assessments.models import Invitation, StageKind
from assessments.services.importing import question_set_import
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from tests.factories import CandidateFactory, LoopFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(organisation):
    question_set = question_set_import(organisation=organisation, text="# Set\n\n## A\n\n1. What is a token?\n")
    loop = LoopFactory(organisation=organisation, title="Data Scientist", role="DS")
    StageFactory(loop=loop, position=2, title="Onsite")
    StageFactory(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set.question_set, duration_minutes=60
    )
    return loop


def test_the_list_gives_each_loop_with_its_stages_in_order(manager_client, loop, organisation):
    LoopFactory(organisation=organisation, title="Old", is_archived=True)
    body = manager_client.get("/api/v1/loops/").json()
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"Data Scientist", "Old"}
    stages = by_title["Data Scientist"]["stages"]
    assert [(s["position"], s["kind"], s["title"]) for s in stages] == [
        (1, "assessment", stages[0]["title"]),
        (2, "interview", "Onsite"),
    ]
    assert stages[0]["question_set_id"] and stages[0]["duration_minutes"] == 60 and stages[1]["question_set_id"] is None
    live = manager_client.get("/api/v1/loops/?is_archived=false").json()["results"]
    assert [row["title"] for row in live] == ["Data Scientist"]


def test_a_stage_id_from_here_invites_into_the_loop(manager_client, loop, organisation):
    detail = manager_client.get(f"/api/v1/loops/{loop.pk}/").json()
    stage = next(s for s in detail["stages"] if s["kind"] == "assessment")
    candidate = CandidateFactory(organisation=organisation)
    payload = {
        "candidate_id": candidate.pk,
        "question_set_id": stage["question_set_id"],
        "stage_id": stage["id"],
        "expires_at": "2099-01-01T00:00:00Z",
        "duration_minutes": stage["duration_minutes"],
    }
    response = manager_client.post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert Invitation.objects.get(pk=response.json()["id"]).stage.loop == loop


def test_the_detail_answers_conditional_requests(manager_client, loop):
    first = manager_client.get(f"/api/v1/loops/{loop.pk}/")
    again = manager_client.get(f"/api/v1/loops/{loop.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert first.status_code == 200 and again.status_code == 304


def test_a_read_only_api_key_reads_loops(loop, organisation):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {api_key_create(organisation=organisation, name='ATS', scope=ApiKeyScope.READ)[1]}"
    )
    assert [row["id"] for row in client.get("/api/v1/loops/").json()["results"]] == [loop.pk]


def test_interviewers_get_403(interviewer_client, loop):
    for url in ("/api/v1/loops/", f"/api/v1/loops/{loop.pk}/"):
        response = interviewer_client.get(url)
        assert response.status_code == 403 and response.json()["error"]["code"] == "role_forbidden"


def test_writes_are_not_offered(manager_client, loop):
    assert manager_client.post("/api/v1/loops/", {"title": "x"}, format="json").status_code == 405
    assert manager_client.delete(f"/api/v1/loops/{loop.pk}/").status_code == 405
    assert manager_client.get("/api/v1/loops/?is_archived=maybe").status_code == 400
