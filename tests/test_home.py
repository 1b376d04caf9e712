"""``/`` and the navigation bar: each role starts where its work is, and a manager sees what needs attention."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import (
    AttemptStatus,
    CodeSubmission,
    Decision,
    DecisionOutcome,
    StageKind,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.attempts import attempt_start
from assessments.services.importing import question_set_import
from assessments.services.invitations import invitation_create
from organisations.models import Role
from rubrics.models import Recommendation, ScorecardStatus
from tests.factories import (
    CandidateFactory,
    LoopFactory,
    MembershipFactory,
    ScorecardFactory,
    StageFactory,
    StageInterviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _signed_in(organisation, role) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


@pytest.fixture
def loop(organisation):
    """A loop with an assessment stage and an interview stage with one interviewer."""
    question_set = question_set_import(organisation=organisation, text="# Set\n\n## A\n\n1. What is a token?\n")
    loop = LoopFactory(organisation=organisation, title="Data Scientist")
    StageFactory(loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set.question_set)
    interview = StageFactory(loop=loop, position=2)
    interviewer = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    StageInterviewerFactory(stage=interview, user=interviewer)
    loop.interview, loop.interviewer = interview, interviewer
    return loop


def _invite(loop, name, expires_in=timedelta(days=3)):
    stage = loop.stages.get(kind=StageKind.ASSESSMENT)
    return invitation_create(
        organisation=loop.organisation,
        candidate=CandidateFactory(organisation=loop.organisation, name=name),
        duration_minutes=30,
        expires_at=timezone.now() + expires_in,
        stage=stage,
    )


def _graded(loop, name):
    attempt = attempt_start(invitation=_invite(loop, name))
    type(attempt).objects.filter(pk=attempt.pk).update(status=AttemptStatus.GRADED, submitted_at=timezone.now())
    return attempt


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"


def test_signing_in_leads_home(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user
    user.set_password("a-password-for-tests")
    user.save()
    response = client.post("/accounts/login/", {"username": user.username, "password": "a-password-for-tests"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_interviewers_go_to_their_interviews(organisation):
    response = _signed_in(organisation, Role.INTERVIEWER).get("/")
    assert response.status_code == 302 and response["Location"] == "/interviews/"


def test_a_platform_operator_outside_every_organisation_goes_to_the_admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_someone_in_no_organisation_gets_403(client):
    client.force_login(UserFactory())
    assert client.get("/").status_code == 403


def test_the_nav_bar_shows_what_each_role_opens(organisation):
    def nav(role):
        url = "/interviews/" if role == Role.INTERVIEWER else "/manage/invitations/"
        page = _signed_in(organisation, role).get(url).content.decode()
        bar = page[page.index('data-testid="staff-nav"') : page.index("</nav>")]
        labels = ("Home", "Loops", "Candidates", "Invitations", "My interviews", "People", "Integrations")
        return [label for label in labels if label in bar]

    assert nav(Role.INTERVIEWER) == ["Home", "My interviews"]
    assert nav(Role.HIRING_MANAGER) == ["Home", "Loops", "Candidates", "Invitations", "My interviews"]
    assert nav(Role.ADMIN) == ["Home", "Loops", "Candidates", "Invitations", "My interviews", "People", "Integrations"]


def test_the_current_page_is_marked_in_the_nav(organisation):
    page = _signed_in(organisation, Role.HIRING_MANAGER).get("/manage/loops/").content.decode()
    assert '<a href="/manage/loops/" aria-current="page">Loops</a>' in page


def test_a_manager_sees_the_loops_and_what_needs_attention(organisation, other_organisation, loop):
    waiting = _graded(loop, "Grace Waiting")
    scored = _graded(loop, "Sam Scored")
    ScorecardFactory(
        stage=loop.interview,
        candidate=scored.invitation.candidate,
        interviewer=loop.interviewer,
        status=ScorecardStatus.SUBMITTED,
        submitted_at=timezone.now(),
        recommendation=Recommendation.YES,
    )
    decided = _graded(loop, "Dee Decided")
    Decision.objects.create(
        organisation=organisation, candidate=decided.invitation.candidate, loop=loop, outcome=DecisionOutcome.REJECT
    )
    failed = attempt_start(invitation=_invite(loop, "Fay Failed"))
    CodeSubmission.objects.create(
        attempt_question=failed.questions.first(),
        purpose=SubmissionPurpose.FINAL,
        source="x",
        status=SubmissionStatus.FAILED,
    )
    _invite(loop, "Eve Expiring", expires_in=timedelta(hours=5))
    _invite(loop, "Lou Later", expires_in=timedelta(days=5))
    other_loop = LoopFactory(organisation=other_organisation)
    assert other_loop.pk  # another organisation's loop never shows

    response = _signed_in(organisation, Role.HIRING_MANAGER).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Data Scientist" in page and other_loop.title not in page
    awaiting = _section(page, "home-awaiting")
    assert "Grace Waiting" in awaiting and "1 of 1 scorecards missing" in awaiting
    assert f"/manage/candidates/{waiting.invitation.candidate_id}/report/?loop={loop.pk}" in awaiting
    assert "Sam Scored" not in awaiting and "Dee Decided" not in awaiting
    assert "Fay Failed" in _section(page, "home-failed") and "Grace" not in _section(page, "home-failed")
    assert f'href="/manage/attempts/{failed.pk}/"' in _section(page, "home-failed")  # its page, stage or none
    expiring = _section(page, "home-expiring")
    assert "Eve Expiring" in expiring and "Lou Later" not in expiring and "Grace" not in expiring


def test_the_report_links_on_home_open_the_report(organisation, loop):
    _graded(loop, "Grace Waiting")
    client = _signed_in(organisation, Role.HIRING_MANAGER)
    page = client.get("/").content.decode()
    section = _section(page, "home-awaiting")
    url = section[section.index('href="') + 6 :].split('"')[0].replace("&amp;", "&")
    report = client.get(url)
    assert report.status_code == 200 and "Grace Waiting" in report.content.decode()


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]
