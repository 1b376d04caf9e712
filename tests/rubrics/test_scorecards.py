"""Scorecards: service rules, blind feedback in the selectors, and the API with its role matrix."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from assessments.models import Candidate, QuestionRevision, QuestionSet, Stage, StageInterviewer, StageKind
from common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from organisations.models import Membership, Role
from rubrics.models import Criterion, Level, Rating, Recommendation, Scorecard, ScorecardStatus
from rubrics.selectors.scorecards import scorecard_get_visible, scorecard_list_visible
from rubrics.services.scorecards import scorecard_amend, scorecard_save_draft, scorecard_start, scorecard_submit
from tests.factories import (
    CandidateFactory,
    FocusQuestionFactory,
    MembershipFactory,
    OrganisationFactory,
    QuestionFactory,
    RubricFactory,
    StageFactory,
    StageInterviewerFactory,
    in_loop,
)

pytestmark = pytest.mark.django_db


def _rubric(organisation, criteria=1):
    rubric = RubricFactory(organisation=organisation)
    for position in range(2, criteria + 1):
        criterion = Criterion.objects.create(rubric=rubric, position=position, name=f"Criterion {position}")
        for score in range(1, 5):
            Level.objects.create(criterion=criterion, score=score, label=f"L{score}", description="anchor")
    return rubric


def _member(organisation, role, stage=None):
    membership = MembershipFactory(organisation=organisation, role=role)
    if stage is not None:
        StageInterviewerFactory(stage=stage, user=membership.user)
    return membership


@pytest.fixture
def panel(organisation):
    """An interview stage: q1 (two criteria) is A's focus question, q2 (one criterion) is B's."""
    stage = StageFactory(loop__organisation=organisation)
    a = _member(organisation, Role.INTERVIEWER, stage)
    b = _member(organisation, Role.INTERVIEWER, stage)
    rubric_1, rubric_2 = _rubric(organisation, criteria=2), _rubric(organisation)
    q1 = FocusQuestionFactory(stage=stage, rubric=rubric_1, interviewer=a.user).question
    q2 = FocusQuestionFactory(stage=stage, rubric=rubric_2, interviewer=b.user).question
    candidate = in_loop(CandidateFactory(organisation=organisation), stage)
    return SimpleNamespace(
        org=organisation, stage=stage, a=a, b=b, q1=q1, q2=q2, r1=rubric_1, r2=rubric_2, cand=candidate
    )


def _ratings(question, score=3):
    rubric = question.current_revision.rubric
    return [{"question_id": question.pk, "criterion_id": c.pk, "score": score} for c in rubric.criteria.all()]


def _start(panel, membership, candidate=None, stage=None):
    return scorecard_start(interviewer=membership.user, candidate=candidate or panel.cand, stage=stage or panel.stage)


def _submitted(panel, membership, question, candidate=None, stage=None):
    card = _start(panel, membership, candidate, stage)
    card = scorecard_save_draft(
        scorecard=card, actor=membership.user, version=card.version, ratings=_ratings(question), recommendation="yes"
    )
    return scorecard_submit(scorecard=card, actor=membership.user)


def _visible(membership, candidate=None):
    return set(scorecard_list_visible(membership=membership, candidate=candidate).values_list("pk", flat=True))


# --- services -------------------------------------------------------------------------------------


def test_start_gets_or_creates_one_draft(panel):
    first = _start(panel, panel.a)
    assert first.status == ScorecardStatus.DRAFT and first.version == 0 and first.organisation == panel.org
    assert _start(panel, panel.a) == first
    assert Scorecard.objects.count() == 1


def test_start_refused_when_not_assigned_to_the_stage(panel):
    with pytest.raises(PermissionDeniedError) as caught:
        _start(panel, _member(panel.org, Role.HIRING_MANAGER))
    assert caught.value.code == "not_assigned"
    assert not Scorecard.objects.exists()


def test_start_refused_across_organisations(panel):
    with pytest.raises(ApplicationError) as caught:
        _start(panel, panel.a, candidate=CandidateFactory(organisation=OrganisationFactory()))
    assert caught.value.code == "wrong_org"
    stranger = MembershipFactory(role=Role.ADMIN).user  # assigned to our stage by mistake, not one of us
    StageInterviewer.objects.create(stage=panel.stage, user=stranger)
    with pytest.raises(PermissionDeniedError):
        scorecard_start(interviewer=stranger, candidate=panel.cand, stage=panel.stage)
    assert not Scorecard.objects.exists()


def test_start_refused_for_an_assessment_stage(panel):
    question_set = QuestionSet.objects.create(organisation=panel.org, title="Set", slug="set")
    stage = Stage.objects.create(
        loop=panel.stage.loop, position=99, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=30
    )
    StageInterviewer.objects.create(stage=stage, user=panel.a.user)
    with pytest.raises(ApplicationError) as caught:
        _start(panel, panel.a, stage=stage)
    assert caught.value.code == "not_an_interview"


def test_save_draft_upserts_ratings_and_bumps_version(panel):
    card = _start(panel, panel.a)
    ratings = _ratings(panel.q1, score=2)
    card = scorecard_save_draft(scorecard=card, actor=panel.a.user, version=0, ratings=ratings, notes="n")
    ratings[0] |= {"score": 4, "notes": "why"}
    card = scorecard_save_draft(scorecard=card, actor=panel.a.user, version=1, ratings=ratings[:1], key_takeaways="k")
    assert card.version == 2 and card.notes == "n" and card.key_takeaways == "k"
    assert sorted(card.ratings.values_list("score", "notes")) == [(2, ""), (4, "why")]
    unchanged = scorecard_save_draft(scorecard=card, actor=panel.a.user, version=2, ratings=ratings[:1])
    assert unchanged.version == 2


def test_save_draft_with_stale_version_is_refused_and_changes_nothing(panel):
    card = scorecard_save_draft(scorecard=_start(panel, panel.a), actor=panel.a.user, version=0, notes="new")
    with pytest.raises(ConflictError) as caught:
        scorecard_save_draft(scorecard=card, actor=panel.a.user, version=0, notes="old tab")
    assert caught.value.code == "stale_version" and caught.value.details == {"current_version": 1}
    card.refresh_from_db()
    assert card.notes == "new" and card.version == 1


def test_only_the_owner_writes(panel):
    card = _start(panel, panel.a)
    for write in (
        lambda: scorecard_save_draft(scorecard=card, actor=panel.b.user, version=0, notes="x"),
        lambda: scorecard_submit(scorecard=card, actor=panel.b.user),
        lambda: scorecard_amend(scorecard=card, actor=panel.b.user, reason="x", notes="x"),
    ):
        with pytest.raises(PermissionDeniedError) as caught:
            write()
        assert caught.value.code == "not_owner"
    card.refresh_from_db()
    assert card.notes == "" and card.version == 0


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("score_0", "invalid_rating"),
        ("score_5", "invalid_rating"),
        ("criterion_of_another_rubric", "criterion_not_in_rubric"),
        ("question_not_in_stage", "question_not_in_stage"),
    ],
)
def test_invalid_ratings_are_refused_and_nothing_changes(panel, case, code):
    card = scorecard_save_draft(
        scorecard=_start(panel, panel.a), actor=panel.a.user, version=0, ratings=_ratings(panel.q1)
    )
    rating = _ratings(panel.q1)[0]
    rating |= {
        "score_0": {"score": 0},
        "score_5": {"score": 5},
        "criterion_of_another_rubric": {"criterion_id": panel.r2.criteria.get().pk},
        "question_not_in_stage": {"question_id": QuestionFactory(organisation=panel.org).pk},
    }[case]
    valid_too = _ratings(panel.q2, score=1)
    with pytest.raises(ApplicationError) as caught:
        scorecard_save_draft(scorecard=card, actor=panel.a.user, version=1, ratings=[*valid_too, rating], notes="x")
    assert caught.value.code == code and caught.value.details["index"] == 1
    card.refresh_from_db()
    assert card.version == 1 and card.notes == ""
    assert set(card.ratings.values_list("question_id", "score")) == {(panel.q1.pk, 3)}


def test_criteria_come_from_the_current_revision(panel):
    old_criterion = panel.r1.criteria.first()
    QuestionRevision.objects.create(question=panel.q1, number=2, prompt="New", rubric=panel.r2)
    card = _start(panel, panel.a)
    stale = [{"question_id": panel.q1.pk, "criterion_id": old_criterion.pk, "score": 3}]
    with pytest.raises(ApplicationError) as caught:
        scorecard_save_draft(scorecard=card, actor=panel.a.user, version=0, ratings=stale)
    assert caught.value.code == "criterion_not_in_rubric"


def test_submit_lists_what_is_missing_for_the_assigned_questions(panel):
    card = _start(panel, panel.a)
    first, second = _ratings(panel.q1)
    card = scorecard_save_draft(scorecard=card, actor=panel.a.user, version=0, ratings=[first])
    with pytest.raises(ApplicationError) as caught:
        scorecard_submit(scorecard=card, actor=panel.a.user)
    assert caught.value.code == "incomplete"
    missing = [{"question_id": panel.q1.pk, "criterion_id": second["criterion_id"]}]
    assert caught.value.details == {"ratings": missing, "recommendation": "required"}  # q2 is B's, not asked
    card.refresh_from_db()
    assert card.status == ScorecardStatus.DRAFT and card.submitted_at is None


def test_without_assigned_focus_questions_every_one_is_required(panel):
    c = _member(panel.org, Role.HIRING_MANAGER, panel.stage)
    card = _start(panel, c)
    card = scorecard_save_draft(
        scorecard=card, actor=c.user, version=0, ratings=_ratings(panel.q1), recommendation="no"
    )
    with pytest.raises(ApplicationError) as caught:
        scorecard_submit(scorecard=card, actor=c.user)
    assert [m["question_id"] for m in caught.value.details["ratings"]] == [panel.q2.pk]
    card = scorecard_save_draft(scorecard=card, actor=c.user, version=card.version, ratings=_ratings(panel.q2))
    assert scorecard_submit(scorecard=card, actor=c.user).status == ScorecardStatus.SUBMITTED


def test_submit_locks_once(panel):
    card = _submitted(panel, panel.a, panel.q1)
    assert card.status == ScorecardStatus.SUBMITTED and card.submitted_at is not None and card.version == 2
    with pytest.raises(ConflictError) as caught:
        scorecard_submit(scorecard=card, actor=panel.a.user)
    assert caught.value.code == "already_submitted"


def test_editing_a_submitted_scorecard_without_amendment_is_refused_and_unchanged(panel):
    card = _submitted(panel, panel.a, panel.q1)
    before = (card.version, card.recommendation, sorted(card.ratings.values_list("score", flat=True)))
    with pytest.raises(ConflictError) as caught:
        scorecard_save_draft(
            scorecard=card, actor=panel.a.user, version=card.version, ratings=_ratings(panel.q1, 1), recommendation="no"
        )
    assert caught.value.code == "submitted_use_amendment"
    card.refresh_from_db()
    assert (card.version, card.recommendation, sorted(card.ratings.values_list("score", flat=True))) == before


def test_amendments_keep_the_history(panel):
    card = _submitted(panel, panel.a, panel.q1)
    first = _ratings(panel.q1, score=4)[:1]
    card = scorecard_amend(scorecard=card, actor=panel.a.user, reason="Misclicked", ratings=first)
    card = scorecard_amend(scorecard=card, actor=panel.a.user, reason="Rethought", recommendation="strong_yes")
    history = list(card.amendments.values_list("reason", "previous"))
    assert [reason for reason, _ in history] == ["Misclicked", "Rethought"]
    assert sorted(r["score"] for r in history[0][1]["ratings"]) == [3, 3] and history[0][1]["recommendation"] == "yes"
    assert sorted(r["score"] for r in history[1][1]["ratings"]) == [3, 4] and history[1][1]["recommendation"] == "yes"
    assert card.recommendation == "strong_yes" and card.version == 4 and card.status == ScorecardStatus.SUBMITTED


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reason": "  ", "notes": "x"}, "reason_required"),
        ({"reason": "r", "recommendation": ""}, "invalid_recommendation"),
        ({"reason": "r"}, "no_changes"),
        ({"reason": "r", "notes": "x", "ratings": [{"question_id": 0, "criterion_id": 0, "score": 2}]}, None),
    ],
)
def test_refused_amendments_change_nothing(panel, kwargs, code):
    card = _submitted(panel, panel.a, panel.q1)
    with pytest.raises(ApplicationError) as caught:
        scorecard_amend(scorecard=card, actor=panel.a.user, **kwargs)
    assert caught.value.code == (code or "question_not_in_stage")
    card.refresh_from_db()
    assert card.notes == "" and card.version == 2 and not card.amendments.exists()


def test_a_draft_is_not_amended(panel):
    with pytest.raises(ConflictError) as caught:
        scorecard_amend(scorecard=_start(panel, panel.a), actor=panel.a.user, reason="r", notes="x")
    assert caught.value.code == "not_submitted"


# --- blind feedback (selectors) -------------------------------------------------------------------


def test_an_interviewer_always_sees_their_own_scorecards(panel):
    draft = _start(panel, panel.a)
    assert _visible(panel.a) == {draft.pk}
    submitted = _submitted(panel, panel.a, panel.q1)
    assert _visible(panel.a) == {submitted.pk} and submitted.pk == draft.pk


def test_interviewer_cannot_see_a_submitted_scorecard_until_they_submit_their_own(panel):
    theirs = _submitted(panel, panel.b, panel.q2)
    mine = _start(panel, panel.a)
    assert _visible(panel.a) == {mine.pk}
    with pytest.raises(NotFoundError):
        scorecard_get_visible(membership=panel.a, pk=theirs.pk)
    _submitted(panel, panel.a, panel.q1)
    assert _visible(panel.a) == {mine.pk, theirs.pk}
    assert scorecard_get_visible(membership=panel.a, pk=theirs.pk) == theirs


def test_interviewer_never_sees_another_interviewers_draft(panel):
    _submitted(panel, panel.a, panel.q1)
    theirs = _start(panel, panel.b)
    assert theirs.pk not in _visible(panel.a)
    with pytest.raises(NotFoundError):
        scorecard_get_visible(membership=panel.a, pk=theirs.pk)


def test_submitting_for_another_candidate_reveals_nothing_about_this_one(panel):
    theirs = _submitted(panel, panel.b, panel.q2)
    _submitted(panel, panel.a, panel.q1, candidate=in_loop(CandidateFactory(organisation=panel.org), panel.stage))
    assert theirs.pk not in _visible(panel.a)


def test_an_open_draft_for_the_candidate_blinds_again(panel):
    theirs = _submitted(panel, panel.b, panel.q2)
    _submitted(panel, panel.a, panel.q1)
    later_stage = StageFactory(loop=panel.stage.loop)
    StageInterviewerFactory(stage=later_stage, user=panel.a.user)
    assert theirs.pk in _visible(panel.a)
    _start(panel, panel.a, stage=later_stage)
    assert theirs.pk not in _visible(panel.a)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HIRING_MANAGER])
def test_managers_see_every_submitted_scorecard_and_only_their_own_drafts(panel, role):
    manager = _member(panel.org, role, panel.stage)
    submitted, draft = _submitted(panel, panel.b, panel.q2), _start(panel, panel.a)
    own_draft = _start(panel, manager)
    assert _visible(manager) == {submitted.pk, own_draft.pk}
    with pytest.raises(NotFoundError):
        scorecard_get_visible(membership=manager, pk=draft.pk)


@pytest.mark.parametrize("role", list(Role))
def test_another_organisation_sees_nothing(panel, role):
    submitted = _submitted(panel, panel.b, panel.q2)
    outsider = _member(OrganisationFactory(), role)
    assert _visible(outsider) == set()
    with pytest.raises(NotFoundError):
        scorecard_get_visible(membership=outsider, pk=submitted.pk)


# --- API ------------------------------------------------------------------------------------------


def _client(membership):
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def test_api_flow_start_autosave_submit_amend(panel):
    client = _client(panel.a)
    started = client.post("/api/v1/scorecards/", {"candidate_id": panel.cand.pk, "stage_id": panel.stage.pk})
    assert started.status_code == 201, started.json()
    url = f"/api/v1/scorecards/{started.json()['id']}/"
    body = {"version": 0, "ratings": _ratings(panel.q1), "recommendation": "yes", "key_takeaways": "Solid"}
    saved = client.patch(url, body, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 1 and len(saved.json()["ratings"]) == 2
    stale = client.patch(url, {"version": 0, "notes": "old tab"}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["details"] == {"current_version": 1}
    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    locked = client.patch(url, {"version": 2, "notes": "late"}, format="json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "submitted_use_amendment"
    amended = client.post(f"{url}amend/", {"reason": "Typo", "key_takeaways": "Very solid"}, format="json")
    assert amended.status_code == 200, amended.json()
    card = amended.json()
    assert card["key_takeaways"] == "Very solid" and card["notes"] == "" and card["amendment_count"] == 1
    assert card["amendments"][0]["reason"] == "Typo" and card["amendments"][0]["author"]["id"] == panel.a.user_id
    assert card["amendments"][0]["previous"]["key_takeaways"] == "Solid"


def test_api_rejects_invalid_ratings_with_clear_codes_and_changes_nothing(panel):
    card = _start(panel, panel.a)
    bad = [{**_ratings(panel.q1)[0], "score": 5}]
    response = _client(panel.a).patch(f"/api/v1/scorecards/{card.pk}/", {"version": 0, "ratings": bad}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_rating"
    assert not Rating.objects.exists()


def test_amendment_list_is_for_the_owner_and_managers(panel):
    card = _submitted(panel, panel.b, panel.q2)
    scorecard_amend(scorecard=card, actor=panel.b.user, reason="Second thoughts", notes="x")
    _submitted(panel, panel.a, panel.q1)
    manager = _member(panel.org, Role.HIRING_MANAGER)
    for membership, shown in ((panel.b, 1), (manager, 1), (panel.a, 0)):
        body = _client(membership).get(f"/api/v1/scorecards/{card.pk}/").json()
        assert body["amendment_count"] == 1 and len(body["amendments"]) == shown


def test_api_list_filters_by_candidate_and_stage(panel):
    manager = _member(panel.org, Role.ADMIN)
    card = _submitted(panel, panel.b, panel.q2)
    _submitted(panel, panel.a, panel.q1, candidate=in_loop(CandidateFactory(organisation=panel.org), panel.stage))
    client = _client(manager)
    assert len(client.get("/api/v1/scorecards/").json()["results"]) == 2
    by_candidate = client.get(f"/api/v1/scorecards/?candidate_id={panel.cand.pk}&stage_id={panel.stage.pk}").json()
    assert [c["id"] for c in by_candidate["results"]] == [card.pk]
    assert client.get("/api/v1/scorecards/?candidate_id=nope").status_code == 400


def test_outsider_cannot_start_a_scorecard_on_our_candidate(panel):
    outsider = _member(OrganisationFactory(), Role.ADMIN)
    body = {"candidate_id": panel.cand.pk, "stage_id": panel.stage.pk}
    response = _client(outsider).post("/api/v1/scorecards/", body, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert not Scorecard.objects.exists()


# Role × action × own/other organisation. The caller is assigned to the stage when in our organisation;
# "B's" is another interviewer's submitted scorecard, "C's draft" a third interviewer's draft.
ROLE_MATRIX = {
    # action:             (admin, hiring manager, interviewer) in our organisation; anyone from another
    "list_sees_b": ((1, 1, 0), 0),
    "get_b": ((200, 200, 404), 404),
    "get_c_draft": ((404, 404, 404), 404),
    "start_own": ((201, 201, 201), 404),
    "save_b": ((403, 403, 404), 404),
    "submit_b": ((403, 403, 404), 404),
    "amend_b": ((403, 403, 404), 404),
    "own_flow": ((200, 200, 200), None),
}
ROLES = [Role.ADMIN, Role.HIRING_MANAGER, Role.INTERVIEWER]


def _act(action, client, panel, b_card, c_card):
    b_url = f"/api/v1/scorecards/{b_card.pk}/"
    if action == "list_sees_b":
        return [c["id"] for c in client.get("/api/v1/scorecards/").json()["results"]].count(b_card.pk)
    if action == "get_c_draft":
        return client.get(f"/api/v1/scorecards/{c_card.pk}/").status_code
    if action in ("start_own", "own_flow"):
        started = client.post("/api/v1/scorecards/", {"candidate_id": panel.cand.pk, "stage_id": panel.stage.pk})
        if action == "start_own" or started.status_code != 201:
            return started.status_code
        url = f"/api/v1/scorecards/{started.json()['id']}/"
        body = {"version": 0, "ratings": _ratings(panel.q1) + _ratings(panel.q2), "recommendation": "no"}
        assert client.patch(url, body, format="json").status_code == 200
        assert client.post(f"{url}submit/").status_code == 200
        return client.post(f"{url}amend/", {"reason": "r", "notes": "n"}, format="json").status_code
    requests = {
        "get_b": lambda: client.get(b_url),
        "save_b": lambda: client.patch(b_url, {"version": b_card.version, "notes": "x"}, format="json"),
        "submit_b": lambda: client.post(f"{b_url}submit/"),
        "amend_b": lambda: client.post(f"{b_url}amend/", {"reason": "r", "notes": "x"}, format="json"),
    }
    return requests[action]().status_code


MATRIX_CASES = [
    pytest.param(action, index, own, expected, id=f"{action}-{role.value}-{'own' if own else 'other'}_org")
    for action, (in_ours, from_elsewhere) in sorted(ROLE_MATRIX.items())
    for index, role in enumerate(ROLES)
    for own, expected in ((True, in_ours[index]), (False, from_elsewhere))
    if expected is not None  # an outsider has no scorecard of their own here
]


@pytest.mark.parametrize(("action", "role_index", "own_organisation", "expected"), MATRIX_CASES)
def test_role_matrix(panel, action, role_index, own_organisation, expected):
    b_card = _submitted(panel, panel.b, panel.q2)
    c_card = _start(panel, _member(panel.org, Role.INTERVIEWER, panel.stage))
    if own_organisation:
        caller = _member(panel.org, ROLES[role_index], panel.stage)
    else:
        caller = _member(OrganisationFactory(), ROLES[role_index])
    before = list(Scorecard.objects.filter(pk__in=[b_card.pk, c_card.pk]).order_by("pk").values())
    assert _act(action, _client(caller), panel, b_card, c_card) == expected
    assert list(Scorecard.objects.filter(pk__in=[b_card.pk, c_card.pk]).order_by("pk").values()) == before


# --- the demo loop --------------------------------------------------------------------------------


def test_demo_loop_blind_feedback_across_stages():
    call_command("load_demo", "--skip-publish")
    members = {m.user.username: m for m in Membership.objects.filter(organisation__slug="demo").select_related("user")}
    ira, hana = members["ira"], members["hana"]
    stages = {s.position: s for s in Stage.objects.filter(loop__organisation=ira.organisation)}
    candidate = Candidate.objects.create(organisation=ira.organisation, name="Dana", email="dana@example.test")
    in_loop(candidate, stages[2])
    demo = SimpleNamespace(cand=candidate, stage=stages[2])
    foundations = [f.question for f in stages[2].focus_questions.all()]
    behavioural = [f.question for f in stages[4].focus_questions.all()]

    def fill_and_submit(membership, stage, questions):
        card = _start(demo, membership, stage=stage)
        ratings = [r for question in questions for r in _ratings(question)]
        card = scorecard_save_draft(
            scorecard=card, actor=membership.user, version=0, ratings=ratings, recommendation=Recommendation.YES
        )
        return scorecard_submit(scorecard=card, actor=membership.user)

    fill_and_submit(ira, stages[2], foundations)  # Ira's focus questions in the foundations interview
    hanas = fill_and_submit(hana, stages[4], behavioural)  # none assigned to Hana: she rates them all
    assert hanas.pk in _visible(ira, candidate)
    assert _visible(members["theo"], candidate) == set()  # Theo has not interviewed Dana yet
    _start(demo, ira, stage=stages[4])  # Ira now interviews the same candidate again: blind until she submits
    assert hanas.pk not in _visible(ira, candidate)
    with pytest.raises(NotFoundError):
        scorecard_get_visible(membership=ira, pk=hanas.pk)


def test_submitting_a_scorecard_records_a_webhook_event():
    from integrations.models import WebhookEvent
    from integrations.services import webhook_endpoint_create

    call_command("load_demo", "--skip-publish")
    ira = Membership.objects.select_related("user", "organisation").get(user__username="ira")
    stage = Stage.objects.get(loop__organisation=ira.organisation, position=2)
    webhook_endpoint_create(
        organisation=ira.organisation, url="http://127.0.0.1:9/hook", events=["scorecard.submitted"]
    )
    candidate = in_loop(
        Candidate.objects.create(organisation=ira.organisation, name="Eli", email="eli@example.test"), stage
    )
    card = scorecard_start(interviewer=ira.user, candidate=candidate, stage=stage)
    ratings = [r for focus in stage.focus_questions.all() for r in _ratings(focus.question)]
    card = scorecard_save_draft(scorecard=card, actor=ira.user, version=0, ratings=ratings, recommendation="yes")
    assert not WebhookEvent.objects.exists()
    scorecard_submit(scorecard=card, actor=ira.user)
    event = WebhookEvent.objects.get()
    assert event.type == "scorecard.submitted"
    assert event.payload["data"]["scorecard_id"] == card.pk and event.payload["data"]["recommendation"] == "yes"
    assert event.payload["data"]["submitted_at"].endswith("Z")  # one time format in every payload
