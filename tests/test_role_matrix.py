"""Role × resource × action: every /api/v1/, /interviews/, /take/ and other route, per role, against docs/security.md.

The table names every route the resolver knows but those in ``ELSEWHERE`` (the /manage/ pages have
theirs in ``tests/test_page_access.py``), so a new route cannot ship without its row; other
organisations are ``tests/test_api_isolation.py``'s. Each cell is the status (and, for a refusal, the
error code) that role gets for that action; a refused action changes nothing. Where an interviewer
is let in, the tests below the table check that what they get is filtered: their loops' candidates
only, by name, no candidate link, no hidden test, nobody's scorecard before their own.

The world: loop A has a timed assessment (a question set with a coding question whose hidden test
holds canaries) and an interview stage on which the interviewer, the hiring manager and the admin
are all assigned; candidate "Ann" took loop A's assessment. Loop B has an interview stage only; its
candidate "Bo" is in loop B alone. A colleague submitted a scorecard for each of them. API keys
act for the organisation, never as a person.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import (
    Accommodation,
    Attempt,
    Candidate,
    CodingSpec,
    Invitation,
    Question,
    QuestionRevision,
    QuestionSet,
    Section,
    SectionItem,
    StageKind,
    TestCase,
)
from assessments.services.attempts import attempt_start
from assessments.services.import_jobs import import_job_create
from assessments.services.importing import question_set_import
from grading.models import GradingRequest, ScoreOverride
from integrations.models import ApiKeyScope
from integrations.services.api_keys import api_key_create
from notifications.models import EmailKind, OutgoingEmail
from notifications.services.outbox import email_record
from organisations.models import Role
from rubrics.models import Rating, Recommendation, Rubric, Scorecard, ScorecardStatus
from tests.factories import (
    CandidateFactory,
    FocusQuestionFactory,
    InvitationFactory,
    LoopFactory,
    MembershipFactory,
    QuestionFactory,
    RubricFactory,
    ScorecardFactory,
    StageFactory,
    StageInterviewerFactory,
)
from tests.routes import routes_under

pytestmark = pytest.mark.django_db

INTERVIEWER, MANAGER, ADMIN, KEY_READ, KEY_WRITE, ANONYMOUS = (
    "interviewer",
    "manager",
    "admin",
    "key_read",
    "key_write",
    "anonymous",
)
IDENTITIES = (INTERVIEWER, MANAGER, ADMIN, KEY_READ, KEY_WRITE, ANONYMOUS)
CANARY = "CANARY-7c41"  # in the hidden test's input and expected value
SET_MD = "# Screen\n\n## Basics\n\n1. What is a token?\n2. What is a corpus?\n"

Expect = int | tuple[int, str]  # a status, or with a refusal's error code (a redirect's target)
ROLE = (403, "role_forbidden")
SCOPE = (403, "scope_forbidden")
PERSON = (403, "person_required")
NOT_OWNER = (403, "not_owner")
NOT_IN_LOOP = (403, "not_in_loop")
NO_CREDENTIALS = 401
LOGIN = (302, "/accounts/login/")  # a page sends whoever has no session to sign in (an API key opens no page)


def row(interviewer: Expect, manager: Expect, admin: Expect, key_read: Expect, key_write: Expect, anonymous: Expect):
    return dict(zip(IDENTITIES, (interviewer, manager, admin, key_read, key_write, anonymous), strict=True))


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(IDENTITIES, expect)


def reads(*, interviewer: Expect = 200) -> dict[str, Expect]:
    return row(interviewer, 200, 200, 200, 200, NO_CREDENTIALS)


def manages(success: int) -> dict[str, Expect]:
    """Admins, hiring managers and write keys; a read key is refused by its scope, an interviewer by role."""
    return row(ROLE, success, success, SCOPE, success, NO_CREDENTIALS)


def page(member: Expect) -> dict[str, Expect]:
    return row(member, member, member, LOGIN, LOGIN, LOGIN)


@dataclass(frozen=True)
class Act:
    method: str
    expect: dict[str, Expect]
    args: tuple[str, ...] = ()  # the world's objects filling the route's placeholders, in order
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    query: str = ""
    notes: str = field(default="", compare=False)


def _question_body(world):
    return {"kind": "conceptual", "prompt": "Why?"}


def _invite_body(world):
    return {
        "candidate_id": world["spare"].pk,
        "stage_id": world["assessment_a"].pk,
        "expires_at": "2099-01-01T00:00:00Z",
        "duration_minutes": 30,
    }


def _bulk_invite_body(world):
    rows = [{"name": "Sam Spare", "email": "SAM@example.test"}, {"name": "Nell New", "email": "nell@example.test"}]
    return {"stage_id": world["assessment_a"].pk, "expires_at": "2099-01-01T00:00:00Z", "rows": rows}


def _rubric_body(world):
    levels = [{"score": s, "label": f"L{s}", "description": "anchor"} for s in range(1, 5)]
    return {"key": "new-rubric", "title": "New", "criteria": [{"name": "Depth", "levels": levels}]}


def _start_body(candidate):
    return lambda world: {"candidate_id": world[candidate].pk, "stage_id": world["interview_a"].pk}


ANN, BO = ("interview_a", "ann"), ("interview_a", "bo")  # the scorecard page for Ann / for Bo, both on loop A's stage
TOKEN = ("token",)
BOGUS = ("bogus_token",)

# route → action → what each role gets. "GET other_loop" and the like are the same method on another object.
ROUTES: dict[str, dict[str, Act]] = {
    "": {"GET": Act("GET", row((302, "/interviews/"), 200, 200, LOGIN, LOGIN, LOGIN))},  # where each one starts
    "health/": {"GET": Act("GET", everyone(200))},
    "api/schema/": {"GET": Act("GET", everyone(200))},  # the API's description is public; its data is not
    "api/docs/": {"GET": Act("GET", everyone(200))},
    "api/v1/questions/": {
        "GET": Act("GET", reads()),
        "POST": Act("POST", manages(201), body=_question_body),
    },
    "api/v1/questions/<int:pk>/": {
        "GET": Act("GET", reads(), ("coding_question",)),
        "PATCH": Act("PATCH", manages(200), ("coding_question",), body=lambda w: {"prompt": "Reworded."}),
        "DELETE": Act("DELETE", manages(204), ("coding_question",)),
    },
    "api/v1/question-sets/": {"GET": Act("GET", reads())},
    "api/v1/question-sets/import/": {
        "POST": Act("POST", manages(201), body=lambda w: {"markdown": SET_MD, "slug": "another"}),
    },
    "api/v1/question-set-imports/<int:pk>/": {"GET": Act("GET", reads(interviewer=ROLE), ("import_job",))},
    "api/v1/question-sets/<int:pk>/": {
        "GET": Act("GET", reads(), ("question_set",)),
        "PATCH": Act("PATCH", manages(200), ("question_set",), body=lambda w: {"hidden_feedback": "none"}),
    },
    "api/v1/candidates/": {
        "GET": Act("GET", reads()),
        "GET by_email": Act("GET", reads(interviewer=ROLE), query="?email=ann@example.test"),
        "POST": Act("POST", manages(201), body=lambda w: {"name": "Cy", "email": "cy@example.test"}),
    },
    "api/v1/candidates/<int:pk>/": {
        "GET": Act("GET", reads(), ("ann",)),
        "GET other_loop": Act("GET", reads(interviewer=404), ("bo",)),
        "GET in_no_loop": Act("GET", reads(interviewer=404), ("spare",)),
        "PATCH": Act("PATCH", manages(200), ("ann",), body=lambda w: {"name": "Ann B."}),
        "DELETE": Act("DELETE", manages(204), ("spare",)),
    },
    "api/v1/invitations/": {
        "GET": Act("GET", reads(interviewer=ROLE)),
        "POST": Act("POST", manages(201), body=_invite_body),
    },
    "api/v1/invitations/bulk/": {"POST": Act("POST", manages(201), body=_bulk_invite_body)},
    "api/v1/invitations/<int:pk>/": {"GET": Act("GET", reads(interviewer=ROLE), ("open_invitation",))},
    "api/v1/invitations/<int:pk>/revoke/": {"POST": Act("POST", manages(200), ("open_invitation",))},
    "api/v1/invitations/<int:pk>/extend/": {
        "POST": Act("POST", manages(200), ("open_invitation",), body=lambda w: {"expires_at": "2099-01-01T00:00:00Z"}),
    },
    # The e-mail log holds candidates' addresses: managers and keys only.
    "api/v1/emails/": {"GET": Act("GET", reads(interviewer=ROLE))},
    "api/v1/emails/<int:pk>/": {"GET": Act("GET", reads(interviewer=ROLE), ("email",))},
    "api/v1/emails/<int:pk>/resend/": {"POST": Act("POST", manages(200), ("email",))},
    "api/v1/loops/": {"GET": Act("GET", reads(interviewer=ROLE))},
    "api/v1/loops/<int:pk>/": {"GET": Act("GET", reads(interviewer=ROLE), ("loop_a",))},
    "api/v1/attempts/": {"GET": Act("GET", reads(interviewer=ROLE))},
    "api/v1/attempts/<int:pk>/": {"GET": Act("GET", reads(interviewer=ROLE), ("attempt",))},
    "api/v1/attempts/<int:pk>/result/": {"GET": Act("GET", reads(interviewer=ROLE), ("attempt",))},
    # Extra time, a reviewer's score and a re-grade: managers and write keys. The world's attempt is under way,
    # so the review actions reach their domain refusal (not graded yet; no final submission) once let in.
    "api/v1/attempts/<int:pk>/extend/": {
        "POST": Act("POST", manages(200), ("attempt",), body=lambda w: {"minutes": 15, "reason": "Accommodation"}),
    },
    "api/v1/attempts/<int:pk>/score-overrides/": {
        "POST": Act(
            "POST",
            row(ROLE, (409, "not_graded"), (409, "not_graded"), SCOPE, (409, "not_graded"), NO_CREDENTIALS),
            ("attempt",),
            body=lambda w: {"question_id": w["coding_question"].pk, "score": 0.5, "reason": "x"},
        ),
    },
    "api/v1/attempts/<int:pk>/regrade/": {
        "POST": Act(
            "POST",
            row(ROLE, (404, "not_found"), (404, "not_found"), SCOPE, (404, "not_found"), NO_CREDENTIALS),
            ("attempt",),
            body=lambda w: {"question_id": w["coding_question"].pk, "reason": "x"},
        ),
    },
    "api/v1/rubrics/": {
        "GET": Act("GET", reads()),
        "POST": Act("POST", manages(201), body=_rubric_body),
    },
    "api/v1/rubrics/<int:pk>/": {
        "GET": Act("GET", reads(), ("rubric",)),
        "DELETE": Act("DELETE", manages(204), ("rubric",)),
    },
    "api/v1/scorecards/": {
        "GET": Act("GET", reads()),
        # Starting one's own scorecard is a person's act, for whoever is assigned to the stage.
        "POST": Act("POST", row(201, 201, 201, SCOPE, PERSON, NO_CREDENTIALS), body=_start_body("ann")),
        "POST other_loop": Act(
            "POST", row(404, NOT_IN_LOOP, NOT_IN_LOOP, SCOPE, PERSON, NO_CREDENTIALS), body=_start_body("bo")
        ),
    },
    # The colleague's submitted scorecard for Ann: blind to the interviewer, read-only to everyone else.
    "api/v1/scorecards/<int:pk>/": {
        "GET": Act("GET", reads(interviewer=404), ("colleague_card",)),
        "PATCH": Act(
            "PATCH",
            row(404, NOT_OWNER, NOT_OWNER, SCOPE, PERSON, NO_CREDENTIALS),
            ("colleague_card",),
            body=lambda w: {"version": w["colleague_card"].version, "notes": "changed"},
        ),
    },
    "api/v1/scorecards/<int:pk>/submit/": {
        "POST": Act("POST", row(404, NOT_OWNER, NOT_OWNER, SCOPE, PERSON, NO_CREDENTIALS), ("colleague_card",)),
    },
    "api/v1/scorecards/<int:pk>/amend/": {
        "POST": Act(
            "POST",
            row(404, NOT_OWNER, NOT_OWNER, SCOPE, PERSON, NO_CREDENTIALS),
            ("colleague_card",),
            body=lambda w: {"reason": "r", "notes": "changed"},
        ),
    },
    "api/v1/^(?P<rest>.*)$": {"GET": Act("GET", everyone(404), ("nothing",))},
    "interviews/": {"GET": Act("GET", page(200))},
    "interviews/<int:stage_id>/<int:candidate_id>/": {
        "GET": Act("GET", page(200), ANN),
        "GET other_loop": Act("GET", page(404), BO),
        "POST": Act("POST", page(405), ANN),  # amending is for a submitted scorecard of one's own
    },
    # The link is the candidate's only credential: with it anyone is the candidate (and staff get no link);
    # without it nobody, whatever their role, reaches an attempt.
    "take/<str:token>/": {"GET": Act("GET", everyone(302), TOKEN), "GET bogus": Act("GET", everyone(404), BOGUS)},
    "take/<str:token>/start/": {"POST": Act("POST", everyone(404), BOGUS)},
    "take/<str:token>/attempt/": {
        "GET": Act("GET", everyone(200), TOKEN),
        "GET bogus": Act("GET", everyone(404), BOGUS),
    },
    "take/<str:token>/api/state/": {
        "GET": Act("GET", everyone(200), TOKEN),
        "GET bogus": Act("GET", everyone(404), BOGUS),
    },
    "take/<str:token>/api/clock/": {
        "GET": Act("GET", everyone(200), TOKEN),
        "GET bogus": Act("GET", everyone(404), BOGUS),
    },
    "take/<str:token>/api/answers/<int:question_id>/": {
        "PUT": Act("PUT", everyone(404), (*BOGUS, "attempt_question"), body=lambda w: {"body": "x", "version": 0}),
    },
    "take/<str:token>/api/answers/<int:question_id>/preview/": {
        "POST": Act("POST", everyone(404), (*BOGUS, "attempt_question"), body=lambda w: {"body": "x"}),
    },
    "take/<str:token>/api/answers/<int:question_id>/run-samples/": {
        "POST": Act("POST", everyone(404), (*BOGUS, "attempt_question"), body=lambda w: {"body": "x"}),
    },
    "take/<str:token>/api/submissions/<int:submission_id>/": {
        "GET": Act("GET", everyone(404), (*BOGUS, "attempt_question")),
    },
    "take/<str:token>/api/submit/": {"POST": Act("POST", everyone(404), BOGUS)},
    "take/<str:token>/api/events/": {"POST": Act("POST", everyone(404), BOGUS, body=lambda w: {"events": []})},
}
WATCHED = [
    Candidate,
    Invitation,
    Attempt,
    Accommodation,
    ScoreOverride,
    GradingRequest,
    Question,
    QuestionRevision,
    QuestionSet,
    Rubric,
    Scorecard,
    Rating,
    OutgoingEmail,
]


# Routes whose matrix lives elsewhere, and why.
ELSEWHERE = {
    "manage/": "the hiring managers' and admins' pages: tests/test_page_access.py",
    "admin/": "the Django admin, for platform operators only: tests/test_admin.py",
    "accounts/": "sign-in and the invite-link join page, open to everyone: tests/test_login_lockout.py, "
    "tests/organisations/test_colleague_invites.py",
    "greenhouse/": "Greenhouse's own API, with its own key: tests/integrations/",
}


def test_every_route_has_its_row():
    routes = {route for route in routes_under("") if not route.startswith(tuple(ELSEWHERE))}
    assert routes == set(ROUTES)


# --- the world ------------------------------------------------------------------------------------


def _coding_question(organisation, question_set):
    question = QuestionFactory(organisation=organisation, kind="coding", title="Echo")
    spec = CodingSpec.objects.create(
        revision=question.revisions.get(),
        function_name="echo",
        signature="def echo(value)",
        starter_code="def echo(value):\n    pass\n",
        reference_solution="def echo(value):\n    return value\n",
        published_at=timezone.now(),
    )
    TestCase.objects.create(spec=spec, position=1, name="hidden", args=[CANARY], expected=CANARY, visibility="hidden")
    section = Section.objects.filter(question_set=question_set).order_by("position").first()
    SectionItem.objects.create(section=section, question=question, position=99)
    return question


def _submitted_card(stage, candidate, interviewer):
    return ScorecardFactory(
        stage=stage,
        candidate=candidate,
        interviewer=interviewer,
        status=ScorecardStatus.SUBMITTED,
        submitted_at=timezone.now(),
        recommendation=Recommendation.YES,
        key_takeaways="Sharp.",
    )


@pytest.fixture
def world(organisation):
    question_set = question_set_import(organisation=organisation, text=SET_MD, slug="screen").question_set
    coding_question = _coding_question(organisation, question_set)
    loop_a, loop_b = LoopFactory(organisation=organisation), LoopFactory(organisation=organisation)
    assessment_a = StageFactory(
        loop=loop_a, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60, title="Screen"
    )
    interview_a, interview_b = StageFactory(loop=loop_a), StageFactory(loop=loop_b)
    FocusQuestionFactory(stage=interview_a, rubric=RubricFactory(organisation=organisation))
    people = {
        role: MembershipFactory(organisation=organisation, role=role)
        for role in (Role.INTERVIEWER, Role.HIRING_MANAGER, Role.ADMIN)
    }
    for membership in people.values():
        StageInterviewerFactory(stage=interview_a, user=membership.user)
    colleague = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    for stage in (interview_a, interview_b):
        StageInterviewerFactory(stage=stage, user=colleague)
    ann = CandidateFactory(organisation=organisation, name="Ann Example", email="ann@example.test", external_id="ats-1")
    bo = CandidateFactory(organisation=organisation, name="Bo Elsewhere", email="bo@example.test", external_id="ats-2")
    taken = InvitationFactory(candidate=ann, question_set=question_set, stage=assessment_a)
    attempt = attempt_start(invitation=taken)
    bo_invitation = InvitationFactory(candidate=bo, question_set=question_set, stage=interview_b)
    open_invitation = InvitationFactory(
        candidate=ann, question_set=question_set, expires_at=timezone.now() + timedelta(days=5)
    )
    return {
        "organisation": organisation,
        "people": people,
        "question_set": question_set,
        "coding_question": coding_question,
        "loop_a": loop_a,
        "assessment_a": assessment_a,
        "import_job": import_job_create(organisation=organisation, source=SET_MD, enqueue=False),
        "interview_a": interview_a,
        "interview_b": interview_b,
        "ann": ann,
        "bo": bo,
        "spare": CandidateFactory(organisation=organisation, name="Sam Spare", email="sam@example.test"),
        "attempt": attempt,
        "attempt_question": attempt.questions.order_by("position").first(),
        "tokens": [taken.token, bo_invitation.token, open_invitation.token],
        "token": _Token(taken.token),
        "bogus_token": _Token("not-a-real-link"),
        "open_invitation": open_invitation,
        "email": email_record(
            kind=EmailKind.INVITATION,
            key="matrix",
            to_email=open_invitation.candidate.email,
            organisation_id=organisation.pk,
            invitation=open_invitation,
        ),
        "rubric": RubricFactory(organisation=organisation),
        "colleague_card": _submitted_card(interview_a, ann, colleague),
        "other_loop_card": _submitted_card(interview_b, bo, colleague),
        "nothing": _Token("nothing-here"),
    }


@dataclass(frozen=True)
class _Token:
    pk: str  # fills a placeholder like an object's pk does


def _client(identity: str, world) -> APIClient:
    client = APIClient()
    roles = {INTERVIEWER: Role.INTERVIEWER, MANAGER: Role.HIRING_MANAGER, ADMIN: Role.ADMIN}
    scopes = {KEY_READ: ApiKeyScope.READ, KEY_WRITE: ApiKeyScope.WRITE}
    if identity in roles:
        client.force_login(world["people"][roles[identity]].user)
    elif identity in scopes:
        raw = api_key_create(organisation=world["organisation"], name=identity, scope=scopes[identity])[1]
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _url(route: str, act: Act, world) -> str:
    path = route.replace("^(?P<rest>.*)$", "<rest>")
    for name in act.args:
        start = path.index("<")
        path = path[:start] + str(world[name].pk) + path[path.index(">") + 1 :]
    return "/" + path + act.query


def _snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


def _call(client: APIClient, route: str, act: Act, world):
    body = act.body(world) if act.body else None
    return getattr(client, act.method.lower())(_url(route, act, world), body, format="json")


CASES = [
    pytest.param(route, action, identity, id=f"{route} {action} {identity}")
    for route, actions in sorted(ROUTES.items())
    for action in sorted(actions)
    for identity in IDENTITIES
]


@pytest.mark.parametrize(("route", "action", "identity"), CASES)
def test_role_matrix(world, route, action, identity):
    act = ROUTES[route][action]
    expected = act.expect[identity]
    status, code = expected if isinstance(expected, tuple) else (expected, None)
    client = _client(identity, world)
    before = _snapshot()
    response = _call(client, route, act, world)
    assert response.status_code == status, getattr(response, "content", b"")[:300]
    if code is not None and 300 <= status < 400:
        assert response["Location"].startswith(code)  # where the redirect leads
    elif code is not None:
        assert response.json()["error"]["code"] == code
    if status >= 300:
        assert _snapshot() == before


# --- what an interviewer is let in to, filtered -----------------------------------------------------


@pytest.fixture
def interviewer(world):
    return _client(INTERVIEWER, world)


def _bodies(client, world, identity: str = INTERVIEWER) -> list[str]:
    """Every answer a staff member can read: each GET of the table they are allowed (but the candidate's own)."""
    bodies = []
    for route, actions in ROUTES.items():
        if route.startswith("take/"):
            continue  # reached with the candidate's link only, which no staff read holds (checked here)
        for act in actions.values():
            if act.method == "GET" and act.expect[identity] == 200:
                bodies.append(_call(client, route, act, world).content.decode())
    return bodies


def test_interviewers_list_only_their_loops_candidates_by_name(interviewer, world):
    listed = interviewer.get("/api/v1/candidates/").json()["results"]
    assert listed == [{"id": world["ann"].pk, "name": "Ann Example"}]
    assert interviewer.get(f"/api/v1/candidates/{world['ann'].pk}/").json() == {
        "id": world["ann"].pk,
        "name": "Ann Example",
    }


def test_managers_still_read_every_candidate_in_full(world):
    listed = _client(MANAGER, world).get("/api/v1/candidates/").json()["results"]
    assert {c["id"] for c in listed} == {world[name].pk for name in ("ann", "bo", "spare")}
    assert {"email", "external_id", "created_at", "updated_at"} <= set(listed[0])


def test_nothing_an_interviewer_reads_holds_a_link_personal_data_or_a_hidden_test(interviewer, world):
    bodies = _bodies(interviewer, world)
    assert len(bodies) >= 10
    for body in bodies:
        for token in world["tokens"]:
            assert token not in body
        for secret in ("ann@example.test", "ats-1", "bo@example.test", "Bo Elsewhere", CANARY):
            assert secret not in body


def test_the_search_would_find_a_leak(world):
    """The same search over a manager's reads finds what it looks for, and the canary is in the hidden test:
    the test above can fail."""
    bodies = "".join(_bodies(_client(MANAGER, world), world, MANAGER))
    assert "ann@example.test" in bodies and "Bo Elsewhere" in bodies and world["tokens"][2] in bodies
    assert TestCase.objects.filter(visibility="hidden", args=[CANARY], expected=CANARY).exists()


def test_an_interviewer_sees_colleagues_scorecards_only_after_submitting_and_only_in_that_loop(interviewer, world):
    assert interviewer.get("/api/v1/scorecards/").json()["results"] == []
    started = interviewer.post("/api/v1/scorecards/", _start_body("ann")(world), format="json").json()
    rubric_criteria = world["interview_a"].focus_questions.get().question.current_revision.rubric.criteria.all()
    question_id = world["interview_a"].focus_questions.get().question_id
    ratings = [{"question_id": question_id, "criterion_id": c.pk, "score": 3} for c in rubric_criteria]
    url = f"/api/v1/scorecards/{started['id']}/"
    assert interviewer.patch(url, {"version": 0, "ratings": ratings, "recommendation": "yes"}).status_code == 200
    assert interviewer.post(f"{url}submit/").status_code == 200
    seen = {card["id"] for card in interviewer.get("/api/v1/scorecards/").json()["results"]}
    assert seen == {started["id"], world["colleague_card"].pk}  # not Bo's card from loop B


def test_the_interview_queue_lists_only_the_loops_candidates(world):
    client = _client(INTERVIEWER, world)
    html = client.get("/interviews/").content.decode()
    assert "Ann Example" in html and "Bo Elsewhere" not in html and "Sam Spare" not in html
