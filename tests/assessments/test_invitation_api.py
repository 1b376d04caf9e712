from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import AttemptStatus, Invitation, QuestionSet
from tests.factories import CandidateFactory, assessment_stage
from tests.test_api_pagination import _attempt, _invitation, question_set  # noqa: F401 - shared fixture

pytestmark = pytest.mark.django_db

SET_MD = "## Basics\n\n1. What is a token?\n"


@pytest.fixture
def payload(organisation, manager_client):
    imported = manager_client.post("/api/v1/question-sets/import/", {"markdown": SET_MD}, format="json").json()
    stage = assessment_stage(QuestionSet.objects.get(pk=imported["question_set"]["id"]))
    return {
        "candidate_id": CandidateFactory(organisation=organisation).pk,
        "stage_id": stage.pk,
        "expires_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "duration_minutes": 45,
    }


def test_create_returns_the_candidate_link(manager_client, payload, client):
    response = manager_client.post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["url"].endswith(f"/take/{invitation.token}/") and body["state"] == "open"
    assert client.get(f"/take/{invitation.token}/").status_code == 200


def test_revoke_and_extend(manager_client, payload):
    created = manager_client.post("/api/v1/invitations/", payload, format="json").json()
    later = (timezone.now() + timedelta(days=10)).isoformat()
    extended = manager_client.post(f"/api/v1/invitations/{created['id']}/extend/", {"expires_at": later}, format="json")
    assert extended.status_code == 200 and extended.json()["expires_at"][:10] == later[:10]
    earlier = manager_client.post(
        f"/api/v1/invitations/{created['id']}/extend/", {"expires_at": timezone.now().isoformat()}, format="json"
    )
    assert earlier.status_code == 400 and earlier.json()["error"]["code"] == "not_later"
    revoked = manager_client.post(f"/api/v1/invitations/{created['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


def test_window_must_be_valid(manager_client, payload):
    payload["expires_at"] = (timezone.now() - timedelta(days=1)).isoformat()
    response = manager_client.post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_window"
    assert not Invitation.objects.exists()


def test_interviewer_cannot_invite(interviewer_client, payload):
    response = interviewer_client.post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 403 and not Invitation.objects.exists()


INVITATION_FIELDS = [
    "id",
    "candidate_id",
    "question_set_id",
    "stage_id",
    "opens_at",
    "expires_at",
    "duration_minutes",
    "extra_time_minutes",
    "updated_at",
    "state",
    "url",
    "attempt",
    "email_status",
    "email_error",
    "email_id",
]


def test_invitation_detail_answers_exactly_its_fields_in_every_state(manager_client, organisation, question_set):  # noqa: F811
    now = timezone.now()
    started = _attempt(_invitation(organisation, question_set), AttemptStatus.SUBMITTED)
    invitations = {
        "open": _invitation(organisation, question_set),
        "not_open": _invitation(organisation, question_set, opens_at=now + timedelta(hours=1)),
        "expired": _invitation(
            organisation, question_set, opens_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
        ),
        "revoked": _invitation(organisation, question_set, revoked_at=now),
        "started": started.invitation,
    }
    for state, invitation in invitations.items():
        body = manager_client.get(f"/api/v1/invitations/{invitation.pk}/").json()
        assert list(body) == INVITATION_FIELDS
        assert (body["id"], body["state"]) == (invitation.pk, state)
        assert body["url"].endswith(f"/take/{invitation.token}/")
        assert (body["attempt"] is None) == (state != "started")
    attempt = manager_client.get(f"/api/v1/invitations/{started.invitation_id}/").json()["attempt"]
    assert list(attempt) == ["id", "status", "started_at", "deadline", "submitted_at"]
    assert attempt["status"] == "submitted" and attempt["submitted_at"]
    # the id is the attempt's: an ATS polls /attempts/{id}/ without a second lookup
    polled = manager_client.get(f"/api/v1/attempts/{attempt['id']}/")
    assert polled.status_code == 200 and polled.json()["invitation_id"] == started.invitation_id
