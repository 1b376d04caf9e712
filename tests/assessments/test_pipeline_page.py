"""The loops list and a loop's pipeline: derived statuses, filters, search, roles and query bounds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, Decision, Invitation, QuestionSet, StageKind
from manage.selectors.pipeline import PipelineStatus, loop_pipeline, loop_status_counts
from organisations.models import Role
from rubrics.models import ScorecardStatus
from tests.factories import CandidateFactory, LoopFactory, MembershipFactory, ScorecardFactory, StageFactory

pytestmark = pytest.mark.django_db


def _invite(organisation, candidate, question_set, stage=None, *, attempt_status=None, revoked=False):
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        opens_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
        revoked_at=now if revoked else None,
    )
    if attempt_status:
        Attempt.objects.create(
            organisation=organisation,
            invitation=invitation,
            status=attempt_status,
            started_at=now - timedelta(hours=2),
            deadline=now - timedelta(hours=1),
            submitted_at=None if attempt_status == "in_progress" else now - timedelta(hours=1),
        )
    return invitation


def _scorecard(stage, candidate, *, submitted):
    extra = {"status": ScorecardStatus.SUBMITTED, "submitted_at": timezone.now(), "recommendation": "yes"}
    return ScorecardFactory(stage=stage, candidate=candidate, **(extra if submitted else {}))


@pytest.fixture
def case(organisation):
    loop = LoopFactory(organisation=organisation, title="Backend")
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug="screen")
    screen = StageFactory(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60
    )
    onsite = StageFactory(loop=loop, position=2)
    c = {
        name: CandidateFactory(organisation=organisation, name=name, email=f"{name.lower()}@example.test")
        for name in ("Ada", "Brian", "Chen", "Dana", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo")
    }
    _invite(organisation, c["Ada"], question_set, screen)  # invited
    _invite(organisation, c["Brian"], question_set, screen, attempt_status="in_progress")
    _invite(organisation, c["Chen"], question_set, screen, attempt_status="submitted")
    _invite(organisation, c["Dana"], question_set, screen, attempt_status="graded")
    _invite(organisation, c["Eve"], question_set, screen, attempt_status="graded")
    _scorecard(onsite, c["Eve"], submitted=True)  # scored
    _invite(organisation, c["Farah"], question_set, screen, attempt_status="graded")
    _scorecard(onsite, c["Farah"], submitted=False)  # a draft is not a score: still graded
    _invite(organisation, c["Gus"], question_set, screen, attempt_status="graded")
    _scorecard(onsite, c["Gus"], submitted=True)
    Decision.objects.create(organisation=organisation, candidate=c["Gus"], loop=loop, outcome="hold", reason="r")
    Decision.objects.create(organisation=organisation, candidate=c["Gus"], loop=loop, outcome="advance", reason="r")
    # Invited to the loop's question set without a stage: still this loop's candidate.
    _invite(organisation, c["Hana"], question_set, attempt_status="submitted")
    # A withdrawn invitation nobody started does not count; a started one does.
    _invite(organisation, c["Ivan"], question_set, screen, revoked=True)
    _invite(organisation, c["Jo"], question_set, screen, attempt_status="in_progress", revoked=True)
    # Another loop's candidate.
    other_loop = LoopFactory(organisation=organisation, title="Frontend")
    other_set = QuestionSet.objects.create(organisation=organisation, title="Other", slug="other")
    other_stage = StageFactory(
        loop=other_loop, position=1, kind=StageKind.ASSESSMENT, question_set=other_set, duration_minutes=5
    )
    _invite(organisation, CandidateFactory(organisation=organisation, name="Zed"), other_set, other_stage)
    return {"loop": loop, "other_loop": other_loop, "c": c}


@pytest.fixture
def manager_login(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


def test_statuses_are_derived_from_invitations_attempts_scorecards_and_decisions(organisation, case):
    entries = {e.candidate.name: e for e in loop_pipeline(organisation=organisation, loop=case["loop"])}
    assert {name: e.status for name, e in entries.items()} == {
        "Ada": PipelineStatus.INVITED,
        "Brian": PipelineStatus.IN_PROGRESS,
        "Chen": PipelineStatus.SUBMITTED,
        "Dana": PipelineStatus.GRADED,
        "Eve": PipelineStatus.SCORED,
        "Farah": PipelineStatus.GRADED,
        "Gus": PipelineStatus.DECIDED,
        "Hana": PipelineStatus.SUBMITTED,
        "Jo": PipelineStatus.IN_PROGRESS,
    }
    assert (entries["Gus"].decision_outcome, entries["Gus"].decision_label) == ("advance", "Advance")  # the latest
    assert entries["Eve"].decision_outcome == ""


def test_furthest_attempt_wins_across_invitations(organisation, case):
    question_set = QuestionSet.objects.get(slug="screen")
    _invite(organisation, case["c"]["Ada"], question_set, case["loop"].stages.first(), attempt_status="graded")
    entries = {e.candidate.name: e for e in loop_pipeline(organisation=organisation, loop=case["loop"])}
    assert entries["Ada"].status == PipelineStatus.GRADED


def test_status_counts_per_loop(organisation, case):
    counts = loop_status_counts(organisation=organisation, loops=[case["loop"], case["other_loop"]])
    assert counts[case["loop"].pk] == {
        "invited": 1,
        "in_progress": 2,
        "submitted": 2,
        "graded": 2,
        "scored": 1,
        "decided": 1,
    }
    assert counts[case["other_loop"].pk]["invited"] == 1
    assert sum(counts[case["other_loop"].pk].values()) == 1


def test_loops_page_lists_the_organisations_loops_with_counts(manager_login, organisation, other_organisation, case):
    LoopFactory(organisation=other_organisation, title="Not ours")
    response = manager_login.get("/manage/loops/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Backend" in html and "Frontend" in html
    assert "Not ours" not in html
    assert f"/manage/loops/{case['loop'].pk}/pipeline/" in html
    assert f"/manage/loops/{case['loop'].pk}/calibration/" in html


def test_pipeline_page_lists_candidates_with_report_links(manager_login, case):
    loop = case["loop"]
    response = manager_login.get(f"/manage/loops/{loop.pk}/pipeline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-candidate=") == 9
    assert "Zed" not in html and "Ivan" not in html
    assert f"/manage/candidates/{case['c']['Gus'].pk}/report/?loop={loop.pk}" in html
    assert "Decided: Advance" in html


def test_filter_by_status(manager_login, case):
    html = manager_login.get(f"/manage/loops/{case['loop'].pk}/pipeline/?status=graded").content.decode()
    assert html.count("data-candidate=") == 2
    assert "Dana" in html and "Farah" in html and "Eve" not in html
    # An unknown status is ignored rather than an error.
    html = manager_login.get(f"/manage/loops/{case['loop'].pk}/pipeline/?status=bogus").content.decode()
    assert html.count("data-candidate=") == 9


def test_search_by_name_or_email_combined_with_the_filter(manager_login, case):
    url = f"/manage/loops/{case['loop'].pk}/pipeline/"
    html = manager_login.get(url, {"q": "chen"}).content.decode()
    assert html.count("data-candidate=") == 1 and "Chen" in html
    html = manager_login.get(url, {"q": "DANA@EXAMPLE"}).content.decode()
    assert html.count("data-candidate=") == 1 and "Dana" in html
    html = manager_login.get(url, {"q": "han", "status": "submitted"}).content.decode()  # Hana, not Chen
    assert html.count("data-candidate=") == 1 and "Hana" in html
    html = manager_login.get(url, {"q": "han", "status": "graded"}).content.decode()
    assert "No candidates match" in html
    assert "No candidates match" in manager_login.get(url, {"q": "nobody"}).content.decode()
    nul = manager_login.get(url, {"q": "ch\x00en"})  # a NUL reached the database: a 500 before
    assert nul.status_code == 200 and nul.content.decode().count("data-candidate=") == 1


def test_other_organisations_loop_is_404_and_interviewers_get_403(client, organisation, other_organisation, case):
    url = f"/manage/loops/{case['loop'].pk}/pipeline/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    assert client.get(url).status_code == 404
    assert client.get("/manage/loops/999999/pipeline/").status_code == 404
    assert "Backend" not in client.get("/manage/loops/").content.decode()
    client.force_login(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    assert client.get(url).status_code == 403
    assert client.get("/manage/loops/").status_code == 403


def test_queries_do_not_grow_with_candidates_or_loops(manager_login, organisation, case, django_assert_max_num_queries):
    loop = case["loop"]
    question_set = QuestionSet.objects.get(slug="screen")
    stage = loop.stages.get(position=1)
    for i in range(15):
        candidate = CandidateFactory(organisation=organisation)
        _invite(organisation, candidate, question_set, stage, attempt_status="graded")
        Decision.objects.create(organisation=organisation, candidate=candidate, loop=loop, outcome="reject", reason="r")
        LoopFactory(organisation=organisation, title=f"Extra {i}")
    with django_assert_max_num_queries(10):
        response = manager_login.get(f"/manage/loops/{loop.pk}/pipeline/")
    assert response.content.decode().count("data-candidate=") == 24
    with django_assert_max_num_queries(10):
        assert manager_login.get("/manage/loops/").status_code == 200
