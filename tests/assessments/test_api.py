import pytest

from assessments.models import Candidate, Question

pytestmark = pytest.mark.django_db


def test_manager_creates_and_revises_a_question(manager_client):
    created = manager_client.post(
        "/api/v1/questions/", {"kind": "conceptual", "prompt": "What is BPE?", "tags": ["nlp"]}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["revision"] == 1 and body["prompt"] == "What is BPE?" and body["tags"] == ["nlp"]
    patched = manager_client.patch(f"/api/v1/questions/{body['id']}/", {"prompt": "What is BPE? Why?"}, format="json")
    assert patched.status_code == 200 and patched.json()["prompt"] == "What is BPE? Why?"


def test_interviewer_reads_but_cannot_write(interviewer_client, organisation):
    assert interviewer_client.get("/api/v1/questions/").status_code == 200
    response = interviewer_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_forbidden"
    assert not Question.objects.exists()


def test_invalid_question_gets_field_errors(manager_client):
    response = manager_client.post("/api/v1/questions/", {"kind": "riddle"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["details"]) == {"kind", "prompt"}


def test_candidate_crud_and_duplicate_external_id(manager_client):
    payload = {"name": "Ana", "email": "ana@example.test", "external_id": "gh-1"}
    first = manager_client.post("/api/v1/candidates/", payload, format="json")
    assert first.status_code == 201
    duplicate = manager_client.post("/api/v1/candidates/", payload, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "duplicate_external_id"
    assert Candidate.objects.count() == 1
    cid = first.json()["id"]
    assert (
        manager_client.patch(f"/api/v1/candidates/{cid}/", {"name": "Ana B"}, format="json").json()["name"] == "Ana B"
    )
    assert manager_client.get("/api/v1/candidates/?external_id=gh-1").json()["results"][0]["id"] == cid
    assert manager_client.delete(f"/api/v1/candidates/{cid}/").status_code == 204


def test_rubric_needs_four_anchored_levels(manager_client):
    levels = [{"score": s, "label": f"L{s}", "description": f"anchor {s}"} for s in (1, 2, 3)]
    payload = {"key": "r", "title": "R", "criteria": [{"name": "Depth", "levels": levels}]}
    response = manager_client.post("/api/v1/rubrics/", payload, format="json")
    assert response.status_code == 400
    payload["criteria"][0]["levels"].append({"score": 4, "label": "L4", "description": "anchor 4"})
    created = manager_client.post("/api/v1/rubrics/", payload, format="json")
    assert created.status_code == 201
    assert [lv["score"] for lv in created.json()["criteria"][0]["levels"]] == [1, 2, 3, 4]


def test_user_in_two_organisations_must_choose(manager_client, other_organisation):
    from organisations.models import Membership

    user = manager_client.handler._force_user
    Membership.objects.create(organisation=other_organisation, user=user, role="interviewer")
    response = manager_client.get("/api/v1/questions/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "organisation_required"
    chosen = manager_client.get("/api/v1/questions/", headers={"X-Organisation": other_organisation.slug})
    assert chosen.status_code == 200
