"""A user of one organisation can never read or change another's objects: every /api/v1/ endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Candidate, ImportJob, Question, QuestionSet
from assessments.services.attempts import attempt_start
from assessments.services.invitations import invitation_create
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from notifications.models import OutgoingEmail
from organisations.models import Role
from rubrics.models import Recommendation, Rubric, ScorecardStatus
from tests.factories import (
    CandidateFactory,
    MembershipFactory,
    QuestionFactory,
    RubricFactory,
    ScorecardFactory,
    StageFactory,
    assessment_stage,
)
from tests.routes import routes_under

pytestmark = pytest.mark.django_db

SEED_MD = "# Set\n\n## Basics\n\n1. What is a token?\n2. What is a corpus?\n"


@pytest.fixture
def owned(organisation, manager_client):
    """One object of every kind, owned by `organisation`."""
    manager_client.post("/api/v1/question-sets/import/", {"markdown": SEED_MD, "slug": "owned"}, format="json")
    question_set = QuestionSet.objects.get(organisation=organisation, slug="owned")
    candidate = CandidateFactory(organisation=organisation, external_id="ext-1")
    stage = assessment_stage(question_set)
    invitation = invitation_create(
        organisation=organisation,
        candidate=candidate,
        stage=stage,
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return {
        "email": OutgoingEmail.objects.get(invitation=invitation, kind="invitation"),
        "invitation": invitation,
        "attempt": attempt_start(invitation=invitation),
        "question": QuestionFactory(organisation=organisation),
        "candidate": candidate,
        "rubric": RubricFactory(organisation=organisation),
        "question_set": question_set,
        "stage": stage,
        "loop": StageFactory(loop__organisation=organisation).loop,
        "import_job": ImportJob.objects.create(organisation=organisation, source=SEED_MD),
        "scorecard": ScorecardFactory(
            stage=StageFactory(loop__organisation=organisation),
            candidate=candidate,
            interviewer=MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user,
            status=ScorecardStatus.SUBMITTED,
            submitted_at=timezone.now(),
            recommendation=Recommendation.YES,
        ),
    }


DETAIL_ROUTES = {
    "/api/v1/questions/{}/": "question",
    "/api/v1/candidates/{}/": "candidate",
    "/api/v1/rubrics/{}/": "rubric",
    "/api/v1/question-sets/{}/": "question_set",
    "/api/v1/question-set-imports/{}/": "import_job",
    "/api/v1/invitations/{}/": "invitation",
    "/api/v1/invitations/{}/revoke/": "invitation",
    "/api/v1/invitations/{}/extend/": "invitation",
    "/api/v1/scorecards/{}/": "scorecard",
    "/api/v1/scorecards/{}/submit/": "scorecard",
    "/api/v1/scorecards/{}/amend/": "scorecard",
    "/api/v1/attempts/{}/": "attempt",
    "/api/v1/attempts/{}/result/": "attempt",
    "/api/v1/attempts/{}/extend/": "attempt",
    "/api/v1/attempts/{}/score-overrides/": "attempt",
    "/api/v1/attempts/{}/regrade/": "attempt",
    "/api/v1/loops/{}/": "loop",
    "/api/v1/emails/{}/": "email",
    "/api/v1/emails/{}/resend/": "email",
}
LIST_ROUTES = [
    "/api/v1/questions/",
    "/api/v1/candidates/",
    "/api/v1/rubrics/",
    "/api/v1/question-sets/",
    "/api/v1/invitations/",
    "/api/v1/scorecards/",
    "/api/v1/attempts/",
    "/api/v1/loops/",
    "/api/v1/emails/",
]
CREATE_ROUTES = [
    "/api/v1/questions/",
    "/api/v1/candidates/",
    "/api/v1/rubrics/",
    "/api/v1/question-sets/import/",
    "/api/v1/scorecards/",
    "/api/v1/invitations/bulk/",
]


def _api_routes() -> set[str]:
    return {"/" + route.replace("<int:pk>", "{}") for route in routes_under("api/v1/", named_only=True)}


def test_every_api_route_is_covered_here():
    covered = set(DETAIL_ROUTES) | set(LIST_ROUTES) | set(CREATE_ROUTES)
    assert _api_routes() == covered


@pytest.mark.parametrize("route", sorted(DETAIL_ROUTES))
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize("outsider", ["outsider_client", "outsider_key_client"])
def test_outsider_cannot_read_or_change_detail(route, method, outsider, owned, request):
    obj = owned[DETAIL_ROUTES[route]]
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    payload = {"name": "x", "prompt": "x", "expires_at": "2099-01-01T00:00:00Z"}
    response = getattr(request.getfixturevalue(outsider), method)(route.format(obj.pk), payload, format="json")
    assert response.status_code in (404, 405)
    if response.status_code == 404:
        assert response.json()["error"]["code"] == "not_found"
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


@pytest.fixture
def outsider_key_client(other_organisation):
    """Another organisation's write-scoped API key."""
    client = APIClient()
    raw_key = api_key_create(organisation=other_organisation, name="Theirs", scope=ApiKeyScope.WRITE)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_outsider_lists_show_nothing_of_ours(route, owned, outsider_client, outsider_key_client, manager_client):
    ours = manager_client.get(route).json()
    assert len(ours["results"]) >= 1
    assert outsider_client.get(route).json()["results"] == []
    assert outsider_key_client.get(route).json()["results"] == []


def test_outsider_creations_land_in_their_own_organisation(owned, outsider_client, other_organisation):
    outsider_client.post("/api/v1/candidates/", {"name": "Eve", "email": "eve@example.test"}, format="json")
    outsider_client.post("/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?"}, format="json")
    outsider_client.post("/api/v1/question-sets/import/", {"markdown": SEED_MD, "slug": "owned"}, format="json")
    assert Candidate.objects.get(name="Eve").organisation == other_organisation
    assert Question.objects.get(key__startswith="why").organisation == other_organisation
    assert QuestionSet.objects.filter(slug="owned").count() == 2
    assert owned["question_set"].sections.count() == 1


def test_outsider_cannot_attach_our_rubric_to_their_question(owned, outsider_client):
    response = outsider_client.post(
        "/api/v1/questions/", {"kind": "conceptual", "prompt": "Why?", "rubric_id": owned["rubric"].pk}, format="json"
    )
    assert response.status_code == 404
    assert not Question.objects.filter(key__startswith="why").exists()
    assert Rubric.objects.filter(pk=owned["rubric"].pk).exists()


@pytest.fixture
def their_stage(outsider_client, other_organisation):
    outsider_client.post("/api/v1/question-sets/import/", {"markdown": SEED_MD, "slug": "theirs"}, format="json")
    return assessment_stage(QuestionSet.objects.get(organisation=other_organisation, slug="theirs"))


def test_outsider_cannot_invite_our_candidate_to_their_stage(owned, outsider_client, their_stage):
    payload = {"candidate_id": owned["candidate"].pk, "stage_id": their_stage.pk, "expires_at": "2099-01-01T00:00:00Z"}
    response = outsider_client.post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 404
    assert owned["candidate"].invitations.count() == 1


def test_outsider_cannot_invite_into_our_stage(owned, outsider_client, other_organisation):
    theirs = CandidateFactory(organisation=other_organisation)
    single = {"candidate_id": theirs.pk, "stage_id": owned["stage"].pk, "expires_at": "2099-01-01T00:00:00Z"}
    assert outsider_client.post("/api/v1/invitations/", single, format="json").status_code == 404
    rows = [{"name": "Eve", "email": "eve@example.test"}]
    bulk = {"stage_id": owned["stage"].pk, "expires_at": "2099-01-01T00:00:00Z", "rows": rows}
    response = outsider_client.post("/api/v1/invitations/bulk/", bulk, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert owned["stage"].invitations.count() == 1 and not Candidate.objects.filter(name="Eve").exists()


def test_inviting_our_candidates_email_elsewhere_never_reuses_our_candidate(owned, outsider_client, their_stage):
    """Reuse by e-mail is within the organisation: the outsider gets a candidate of their own."""
    ours = owned["candidate"]
    person = {"name": "Same Person", "email": ours.email.upper(), "external_id": ours.external_id}
    single = {"candidate": person, "stage_id": their_stage.pk, "expires_at": "2099-01-01T00:00:00Z"}
    created = outsider_client.post("/api/v1/invitations/", single, format="json")
    assert created.status_code == 201 and created.json()["candidate_id"] != ours.pk
    bulk = {"stage_id": their_stage.pk, "expires_at": "2099-01-01T00:00:00Z", "rows": [person], "dry_run": True}
    (row,) = outsider_client.post("/api/v1/invitations/bulk/", bulk, format="json").json()["rows"]
    assert row["candidate_id"] == created.json()["candidate_id"] != ours.pk
    assert ours.invitations.count() == 1


def test_outsider_cannot_find_our_candidate_by_external_id(owned, outsider_client):
    assert outsider_client.get("/api/v1/candidates/?external_id=ext-1").json()["results"] == []


def test_anonymous_gets_stable_error_shape(client):
    response = client.get("/api/v1/questions/")
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_unknown_api_paths_are_a_json_404_in_the_stable_shape(manager_client):
    for path in ("/api/v1/attempts/-3/result/", "/api/v1/nothing-here/"):
        response = manager_client.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "not_found",
            "message": f"No API endpoint at {path}.",
            "details": {},
        }


def test_a_body_that_is_not_json_is_a_415_in_the_stable_shape(manager_client):
    response = manager_client.post("/api/v1/candidates/", "name=Ann", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
