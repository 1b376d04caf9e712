"""Every invitation belongs to a loop's assessment stage, from the service, the invite page and the REST API;
inviting an e-mail the organisation already has reuses that candidate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Candidate, Invitation, QuestionSet
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from common.exceptions import ApplicationError, ConflictError
from organisations.models import Role
from tests.factories import (
    CandidateFactory,
    LoopFactory,
    MembershipFactory,
    OrganisationFactory,
    StageFactory,
    assessment_stage,
)

pytestmark = pytest.mark.django_db

SET_MD = "## Basics\n\n1. What is a token?\n"
LATER = "2099-01-01T00:00:00Z"


@pytest.fixture
def question_set(organisation) -> QuestionSet:
    return question_set_import(organisation=organisation, text=SET_MD, slug="basics").question_set


@pytest.fixture
def stage(question_set):
    return assessment_stage(question_set, duration_minutes=40, title="Screen")


def _invite(organisation, stage, **extra):
    return invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=stage,
        expires_at=timezone.now() + timedelta(days=1),
        **extra,
    )


# --- the service -----------------------------------------------------------------------------------


def test_the_invitation_takes_the_stage_s_question_set_and_duration(organisation, stage, question_set):
    invitation = _invite(organisation, stage)
    assert (invitation.stage, invitation.question_set, invitation.duration_minutes) == (stage, question_set, 40)
    assert _invite(organisation, stage, duration_minutes=25).duration_minutes == 25


def test_only_a_live_loop_s_assessment_stage_takes_invitations(organisation, stage, question_set):
    interview = StageFactory(loop=stage.loop, position=2)
    with pytest.raises(ApplicationError) as refused:
        _invite(organisation, interview)
    assert refused.value.code == "not_an_assessment_stage" and refused.value.status_code == 400
    archived = assessment_stage(question_set, loop=LoopFactory(organisation=organisation, is_archived=True))
    with pytest.raises(ConflictError) as archived_refused:
        _invite(organisation, archived)
    assert archived_refused.value.code == "loop_archived"
    other = OrganisationFactory()
    with pytest.raises(ApplicationError) as foreign:
        _invite(other, stage)
    assert foreign.value.code == "not_found"
    assert Invitation.objects.count() == 0


# --- the REST API ----------------------------------------------------------------------------------


def test_the_api_refuses_an_invitation_without_a_stage(manager_client, organisation, question_set):
    """What every ATS sent before: a question set and no stage. A 400 that says where stages come from."""
    candidate = CandidateFactory(organisation=organisation)
    body = {"candidate_id": candidate.pk, "question_set_id": question_set.pk, "expires_at": LATER}
    response = manager_client.post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 400
    assert "/api/v1/loops/" in response.json()["error"]["details"]["stage_id"][0]
    assert not Invitation.objects.exists()


def test_the_api_invites_to_a_stage_and_checks_a_question_set_sent_with_it(manager_client, organisation, stage):
    candidate = CandidateFactory(organisation=organisation)
    body = {"candidate_id": candidate.pk, "stage_id": stage.pk, "expires_at": LATER}
    created = manager_client.post("/api/v1/invitations/", body, format="json")
    assert created.status_code == 201
    assert (created.json()["stage_id"], created.json()["question_set_id"]) == (stage.pk, stage.question_set_id)
    assert created.json()["duration_minutes"] == 40  # the stage's
    agreeing = manager_client.post(
        "/api/v1/invitations/", {**body, "question_set_id": stage.question_set_id}, format="json"
    )
    assert agreeing.status_code == 201
    other_set = QuestionSet.objects.create(organisation=organisation, title="Other", slug="other")
    mismatch = manager_client.post("/api/v1/invitations/", {**body, "question_set_id": other_set.pk}, format="json")
    assert mismatch.status_code == 400 and mismatch.json()["error"]["code"] == "question_set_mismatch"
    interview = StageFactory(loop=stage.loop, position=2)
    not_assessment = manager_client.post("/api/v1/invitations/", {**body, "stage_id": interview.pk}, format="json")
    assert not_assessment.status_code == 400
    assert not_assessment.json()["error"]["code"] == "not_an_assessment_stage"
    assert Invitation.objects.count() == 2


def test_the_api_reuses_the_candidate_with_the_e_mail_it_is_given(manager_client, organisation, stage):
    existing = CandidateFactory(organisation=organisation, name="Ada", email="ada@example.com")
    person = {"name": "Ada L.", "email": "ADA@Example.com"}
    body = {"candidate": person, "stage_id": stage.pk, "expires_at": LATER}
    reused = manager_client.post("/api/v1/invitations/", body, format="json")
    assert reused.status_code == 201 and reused.json()["candidate_id"] == existing.pk
    assert Candidate.objects.get(pk=existing.pk).name == "Ada"  # kept as it was
    fresh = manager_client.post(
        "/api/v1/invitations/", {**body, "candidate": {"name": "Bo", "email": "bo@example.com"}}, format="json"
    )
    assert fresh.status_code == 201 and Candidate.objects.get(pk=fresh.json()["candidate_id"]).email == "bo@example.com"
    assert Candidate.objects.count() == 2


def test_the_api_takes_exactly_one_candidate_and_names_an_external_id_clash(manager_client, organisation, stage):
    ann = CandidateFactory(organisation=organisation, email="ann@example.com", external_id="gh-1")
    body = {"stage_id": stage.pk, "expires_at": LATER}
    both = {**body, "candidate_id": ann.pk, "candidate": {"name": "Ann", "email": "ann@example.com"}}
    for wrong in (both, body):
        response = manager_client.post("/api/v1/invitations/", wrong, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "candidate_required"
    clash = {**body, "candidate": {"name": "Ann", "email": "ann@example.com", "external_id": "gh-2"}}
    response = manager_client.post("/api/v1/invitations/", clash, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "candidate_conflict"
    by_id = {**body, "candidate": {"name": "Ann", "email": "ann.new@example.com", "external_id": "gh-1"}}
    assert manager_client.post("/api/v1/invitations/", by_id, format="json").json()["candidate_id"] == ann.pk
    assert Candidate.objects.count() == 1 and Invitation.objects.count() == 1


def test_an_archived_loop_takes_no_invitation_and_leaves_no_candidate(manager_client, organisation, question_set):
    archived = assessment_stage(question_set, loop=LoopFactory(organisation=organisation, is_archived=True))
    body = {"candidate": {"name": "Cy", "email": "cy@example.com"}, "stage_id": archived.pk, "expires_at": LATER}
    response = manager_client.post("/api/v1/invitations/", body, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "loop_archived"
    assert not Candidate.objects.exists()  # the candidate made for it rolled back with it


# --- the invite page -------------------------------------------------------------------------------


@pytest.fixture
def manager(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def test_the_invite_page_offers_the_live_loops_assessment_stages(manager, organisation, stage, question_set):
    StageFactory(loop=stage.loop, position=2, title="Onsite chat")
    assessment_stage(question_set, loop=LoopFactory(organisation=organisation, is_archived=True), title="Old screen")
    page = manager.get("/manage/invitations/").content.decode()
    label = f"{stage.loop.title} — Screen ({question_set.title}, 40 min)"
    assert f'<option value="{stage.pk}">{label}</option>' in page
    assert "Onsite chat" not in page and "Old screen" not in page
    assert 'name="question_set"' not in page


def test_the_invite_page_reuses_an_existing_candidate(manager, organisation, stage):
    existing = CandidateFactory(organisation=organisation, email="ada@example.com")
    form = {"name": "Ada", "email": "Ada@Example.com", "stage": stage.pk, "duration_minutes": "", "days_open": 3}
    response = manager.post("/manage/invitations/", form, follow=True)
    assert "for the existing candidate with this e-mail" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.candidate, invitation.stage, invitation.duration_minutes) == (existing, stage, 40)
    manager.post("/manage/invitations/", {**form, "email": "new@example.com"})
    assert Candidate.objects.count() == 2 and Invitation.objects.count() == 2


def test_the_invite_page_without_an_assessment_stage_says_to_build_a_loop(manager, organisation):
    page = manager.get("/manage/invitations/").content.decode()
    assert 'data-testid="no-stages"' in page and "/manage/loops/new/" in page


# --- the Django admin ------------------------------------------------------------------------------


def test_the_admin_also_invites_only_to_an_assessment_stage_on_its_set(admin_client, organisation, stage):
    candidate = CandidateFactory(organisation=organisation)
    other_set = QuestionSet.objects.create(organisation=organisation, title="Other", slug="other")
    form = {
        "organisation": organisation.pk,
        "candidate": candidate.pk,
        "question_set": other_set.pk,
        "opens_at_0": "2026-01-01",
        "opens_at_1": "09:00:00",
        "expires_at_0": "2099-01-01",
        "expires_at_1": "09:00:00",
        "duration_minutes": 30,
    }
    stageless = admin_client.post("/admin/assessments/invitation/add/", form)
    assert stageless.status_code == 200 and "Choose a loop&#x27;s timed assessment stage." in stageless.content.decode()
    interview = StageFactory(loop=stage.loop, position=2)
    assert admin_client.post("/admin/assessments/invitation/add/", {**form, "stage": interview.pk}).status_code == 200
    assert not Invitation.objects.exists()
    added = admin_client.post("/admin/assessments/invitation/add/", {**form, "stage": stage.pk})
    assert added.status_code == 302
    assert (Invitation.objects.get().stage, Invitation.objects.get().question_set) == (stage, stage.question_set)
