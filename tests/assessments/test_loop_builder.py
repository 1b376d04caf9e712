"""Loop builder: service rules (organisation isolation, stage and focus question rules, cloning) and pages."""

import pytest
from django.test import Client

from assessments.models import (
    CodingSpec,
    FocusQuestion,
    Loop,
    QuestionRevision,
    QuestionSet,
    Section,
    SectionItem,
    Stage,
    StageInterviewer,
    StageKind,
)
from assessments.models import TestCase as SpecTestCase
from assessments.services import loops
from common.exceptions import ApplicationError
from organisations.models import Role
from tests.factories import (
    CandidateFactory,
    MembershipFactory,
    QuestionFactory,
    ScorecardFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def question_set(organisation):
    return QuestionSet.objects.create(organisation=organisation, title="Backend screen", slug="backend")


@pytest.fixture
def loop(organisation):
    return loops.loop_create(organisation=organisation, title="Backend", role="Backend engineer")


def _interview(organisation, loop, title="Onsite"):
    return loops.loop_stage_add(organisation=organisation, loop=loop, kind=StageKind.INTERVIEW, title=title)


def test_loop_create_validates(organisation):
    with pytest.raises(ApplicationError) as exc:
        loops.loop_create(organisation=organisation, title="", role="Engineer")
    assert "title" in exc.value.details
    assert not Loop.objects.exists()


def test_stages_are_appended_in_order(organisation, loop, question_set):
    screen = loops.loop_stage_add(
        organisation=organisation,
        loop=loop,
        kind=StageKind.ASSESSMENT,
        title="Screen",
        question_set=question_set,
        duration_minutes=90,
    )
    onsite = _interview(organisation, loop)
    assert (screen.position, onsite.position) == (1, 2)
    assert onsite.question_set is None and onsite.duration_minutes is None


@pytest.mark.parametrize("with_set,duration", [(False, 60), (True, None), (True, 0)])
def test_assessment_stage_needs_set_and_duration(organisation, loop, question_set, with_set, duration):
    with pytest.raises(ApplicationError) as exc:
        loops.loop_stage_add(
            organisation=organisation,
            loop=loop,
            kind=StageKind.ASSESSMENT,
            title="Screen",
            question_set=question_set if with_set else None,
            duration_minutes=duration,
        )
    assert exc.value.code == "assessment_incomplete"
    assert not Stage.objects.exists()


def test_organisation_isolation(organisation, other_organisation, loop):
    foreign_set = QuestionSet.objects.create(organisation=other_organisation, title="Theirs", slug="theirs")
    with pytest.raises(ApplicationError, match="another organisation"):
        loops.loop_stage_add(
            organisation=organisation,
            loop=loop,
            kind=StageKind.ASSESSMENT,
            title="Screen",
            question_set=foreign_set,
            duration_minutes=60,
        )
    stage = _interview(organisation, loop)
    for call in (
        lambda: loops.loop_stage_add(organisation=other_organisation, loop=loop, kind="interview", title="x"),
        lambda: loops.loop_stage_remove(organisation=other_organisation, stage=stage),
        lambda: loops.loop_clone(organisation=other_organisation, loop=loop),
        lambda: loops.stage_interviewer_assign(
            organisation=other_organisation,
            stage=stage,
            user=MembershipFactory(organisation=other_organisation).user,
        ),
    ):
        with pytest.raises(ApplicationError) as exc:
            call()
        assert exc.value.code == "wrong_organisation"
    assert Stage.objects.filter(loop=loop).count() == 1
    assert Loop.objects.count() == 1


def test_interviewer_must_be_a_member(organisation, other_organisation, loop):
    stage = _interview(organisation, loop)
    with pytest.raises(ApplicationError) as exc:
        loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=UserFactory())
    assert exc.value.code == "not_a_member"
    outsider = MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user
    with pytest.raises(ApplicationError):
        loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=outsider)
    member = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=member)
    loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=member)  # idempotent
    assert list(StageInterviewer.objects.filter(stage=stage).values_list("user", flat=True)) == [member.pk]


def test_interviewers_only_on_interview_stages(organisation, loop, question_set):
    screen = loops.loop_stage_add(
        organisation=organisation,
        loop=loop,
        kind=StageKind.ASSESSMENT,
        title="Screen",
        question_set=question_set,
        duration_minutes=60,
    )
    member = MembershipFactory(organisation=organisation).user
    with pytest.raises(ApplicationError) as exc:
        loops.stage_interviewer_assign(organisation=organisation, stage=screen, user=member)
    assert exc.value.code == "not_an_interview"


def test_focus_questions_rules(organisation, other_organisation, loop):
    stage = _interview(organisation, loop)
    ira = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    hana = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    design = QuestionFactory(organisation=organisation, kind="conceptual", title="Design")
    conflict = QuestionFactory(organisation=organisation, kind="behavioural", title="Conflict")
    with pytest.raises(ApplicationError) as exc:
        loops.stage_focus_questions_set(organisation=organisation, stage=stage, interviewer=ira, questions=[design])
    assert exc.value.code == "not_assigned"
    loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=ira)
    loops.stage_interviewer_assign(organisation=organisation, stage=stage, user=hana)
    for bad, code in (
        (QuestionFactory(organisation=other_organisation), "wrong_organisation"),
        (QuestionFactory(organisation=organisation, kind="coding"), "coding_question"),
    ):
        with pytest.raises(ApplicationError) as exc:
            loops.stage_focus_questions_set(organisation=organisation, stage=stage, interviewer=ira, questions=[bad])
        assert exc.value.code == code
    loops.stage_focus_questions_set(
        organisation=organisation, stage=stage, interviewer=ira, questions=[design, conflict]
    )
    # Hana cannot take a question Ira covers; Ira's list is untouched by the refusal.
    with pytest.raises(ApplicationError) as exc:
        loops.stage_focus_questions_set(organisation=organisation, stage=stage, interviewer=hana, questions=[design])
    assert exc.value.code == "taken"
    # Replacing Ira's list keeps only the new one.
    loops.stage_focus_questions_set(organisation=organisation, stage=stage, interviewer=ira, questions=[conflict])
    assert [(f.question, f.interviewer) for f in FocusQuestion.objects.filter(stage=stage)] == [(conflict, ira)]


def test_stage_remove_refuses_when_in_use(organisation, loop):
    stage = _interview(organisation, loop)
    ScorecardFactory(stage=stage, candidate=CandidateFactory(organisation=organisation))
    with pytest.raises(ApplicationError) as exc:
        loops.loop_stage_remove(organisation=organisation, stage=stage)
    assert exc.value.code == "stage_in_use"
    spare = _interview(organisation, loop, "Spare")
    loops.loop_stage_remove(organisation=organisation, stage=spare)
    assert list(Stage.objects.filter(loop=loop)) == [stage]


def test_clone_copies_everything_and_is_independent(organisation, loop, question_set):
    loops.loop_stage_add(
        organisation=organisation,
        loop=loop,
        kind=StageKind.ASSESSMENT,
        title="Screen",
        question_set=question_set,
        duration_minutes=75,
    )
    onsite = _interview(organisation, loop)
    ira = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    design = QuestionFactory(organisation=organisation)
    loops.stage_interviewer_assign(organisation=organisation, stage=onsite, user=ira)
    loops.stage_focus_questions_set(organisation=organisation, stage=onsite, interviewer=ira, questions=[design])

    copy = loops.loop_clone(organisation=organisation, loop=loop)
    assert copy.pk != loop.pk and copy.title == "Backend (copy)" and copy.role == loop.role
    stages = list(Stage.objects.filter(loop=copy).order_by("position"))
    assert [(s.kind, s.title, s.question_set, s.duration_minutes) for s in stages] == [
        ("assessment", "Screen", question_set, 75),
        ("interview", "Onsite", None, None),
    ]
    assert [a.user for a in stages[1].interviewer_assignments.all()] == [ira]
    assert [(f.question, f.interviewer) for f in stages[1].focus_questions.all()] == [(design, ira)]

    # Independent: changing the copy leaves the original alone.
    other = QuestionFactory(organisation=organisation)
    loops.stage_focus_questions_set(organisation=organisation, stage=stages[1], interviewer=ira, questions=[other])
    loops.loop_stage_remove(organisation=organisation, stage=stages[0])
    assert [f.question for f in onsite.focus_questions.all()] == [design]
    assert Stage.objects.filter(loop=loop).count() == 2


# --- pages ---------------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(organisation):
    return _client(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)


def _urls(loop):
    base = f"/manage/loops/{loop.pk}"
    return [f"{base}/edit/", f"{base}/clone/", f"{base}/preview/"]


def test_pages_roles_and_organisations(organisation, other_organisation, loop):
    manager = _client(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    interviewer = _client(MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user)
    outsider = _client(MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user)
    for url in ["/manage/loops/new/", *_urls(loop)]:
        assert manager.get(url).status_code == 200, url
        assert interviewer.get(url).status_code == 403, url
        assert Client().get(url).status_code == 302, url
    for url in _urls(loop):
        assert outsider.get(url).status_code == 404, url
    stage = _interview(organisation, loop)
    for action in ("remove", "interviewers", "focus"):
        url = f"/manage/loops/{loop.pk}/stages/{stage.pk}/{action}/"
        assert interviewer.post(url).status_code == 403
        assert outsider.post(url).status_code == 404
    assert Stage.objects.filter(pk=stage.pk).exists()
    # The existing loops pages still resolve.
    assert manager.get("/manage/loops/").status_code == 200
    assert manager.get(f"/manage/loops/{loop.pk}/pipeline/").status_code == 200


def test_build_a_loop_through_the_pages(organisation, question_set, manager):
    response = manager.post("/manage/loops/new/", {"title": "Platform", "role": "SRE", "description": ""})
    loop = Loop.objects.get(title="Platform")
    assert response.status_code == 302 and response["Location"].endswith(f"/manage/loops/{loop.pk}/edit/")
    edit = f"/manage/loops/{loop.pk}/edit/"
    bad = manager.post(edit, {"kind": "assessment", "title": "Screen", "question_set": question_set.pk})
    assert bad.status_code == 200 and "needs a question set and a duration" in bad.content.decode()
    manager.post(
        edit, {"kind": "assessment", "title": "Screen", "question_set": question_set.pk, "duration_minutes": 60}
    )
    manager.post(edit, {"kind": "interview", "title": "Systems"})
    screen, systems = Stage.objects.filter(loop=loop).order_by("position")
    ira = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER, user__first_name="Ira").user
    manager.post(f"/manage/loops/{loop.pk}/stages/{systems.pk}/interviewers/", {"user": ira.pk})
    design = QuestionFactory(organisation=organisation, title="Design a rate limiter")
    QuestionFactory(organisation=organisation, kind="coding", title="Two sum coding")
    manager.post(
        f"/manage/loops/{loop.pk}/stages/{systems.pk}/focus/", {"interviewer": ira.pk, "questions": [design.pk]}
    )
    assert [(f.question, f.interviewer) for f in systems.focus_questions.all()] == [(design, ira)]
    page = manager.get(edit).content.decode()
    assert "Design a rate limiter" in page and "Two sum coding" not in page  # coding questions are not offered
    assert "Focus questions for Ira" in page

    response = manager.post(f"/manage/loops/{loop.pk}/clone/", {"title": "Platform 2"})
    copy = Loop.objects.get(title="Platform 2")
    assert response.status_code == 302 and copy.stages.count() == 2

    manager.post(f"/manage/loops/{loop.pk}/stages/{screen.pk}/remove/")
    assert list(Stage.objects.filter(loop=loop)) == [systems]


def test_preview_shows_prompts_without_answers_or_tests(organisation, loop, question_set, manager):
    section = Section.objects.create(question_set=question_set, title="Warm-up", position=1)
    conceptual = QuestionFactory(organisation=organisation, title="Indexes", revision="Why is this **slow**?")
    QuestionRevision.objects.filter(question=conceptual).update(interviewer_notes="SECRET-NOTES")
    coding = QuestionFactory(organisation=organisation, kind="coding", title="Two sum", revision="Find the pair.")
    spec = CodingSpec.objects.create(
        revision=coding.current_revision,
        function_name="two_sum",
        signature="def two_sum(xs, target)",
        starter_code="def two_sum(xs, target):\n    pass\n",
        reference_solution="SECRET-SOLUTION = 1\n",
    )
    SpecTestCase.objects.create(spec=spec, position=1, name="SECRET-HIDDEN-TEST", args=[[1, 2], 3], expected=[0, 1])
    SectionItem.objects.create(section=section, question=conceptual, position=1)
    SectionItem.objects.create(section=section, question=coding, position=2)
    loops.loop_stage_add(
        organisation=organisation,
        loop=loop,
        kind=StageKind.ASSESSMENT,
        title="Screen",
        question_set=question_set,
        duration_minutes=45,
    )
    page = manager.get(f"/manage/loops/{loop.pk}/preview/").content.decode()
    assert "Why is this <strong>slow</strong>?" in page
    assert "Find the pair." in page and "def two_sum(xs, target)" in page and "45 minutes" in page
    for secret in ("SECRET-NOTES", "SECRET-SOLUTION", "SECRET-HIDDEN-TEST"):
        assert secret not in page


def test_loops_pages_link_to_the_builder(client, organisation):
    from assessments.models import Loop
    from organisations.models import Role
    from tests.factories import MembershipFactory

    loop = Loop.objects.create(organisation=organisation, title="ML intern", role="ML intern")
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    assert b"/manage/loops/new/" in client.get("/manage/loops/").content
    pipeline = client.get(f"/manage/loops/{loop.pk}/pipeline/").content.decode()
    assert f"/manage/loops/{loop.pk}/edit/" in pipeline and f"/manage/loops/{loop.pk}/preview/" in pipeline
