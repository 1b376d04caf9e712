"""Question sets made from the bank on a page: which questions, in which sections and order, with what weight."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import AttemptQuestion, QuestionSet, SectionItem
from assessments.services.attempts import attempt_start
from assessments.services.invitations import invitation_create
from organisations.models import Role
from tests.factories import CandidateFactory, MembershipFactory, QuestionFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    return client


@pytest.fixture
def bank(organisation):
    return [QuestionFactory(organisation=organisation, title=f"Q{n}") for n in range(1, 4)]


def _post(client, bank_rows, url="/manage/question-sets/new/", title="Screen", feedback="count"):
    data: dict = {"title": title, "hidden_feedback": feedback, "include": []}
    for question, section, position, points in bank_rows:
        data["include"].append(str(question.pk))
        data[f"section-{question.pk}"], data[f"position-{question.pk}"] = section, str(position)
        data[f"points-{question.pk}"] = str(points)
    return client.post(url, data)


def _contents(question_set):
    return [
        (item.section.title, item.section.position, item.position, item.question.title, item.points)
        for item in SectionItem.objects.filter(section__question_set=question_set).order_by(
            "section__position", "position"
        )
    ]


def test_a_manager_makes_a_set_from_the_bank(manager, bank):
    q1, q2, q3 = bank
    response = _post(manager, [(q3, "Warm-up", 1, 1), (q1, "Core", 2, 3), (q2, "Warm-up", 3, 0.5)], feedback="none")
    question_set = QuestionSet.objects.get(title="Screen")
    assert response.status_code == 302 and response["Location"] == f"/manage/question-sets/{question_set.pk}/"
    assert question_set.slug == "screen" and question_set.hidden_feedback == "none"
    assert _contents(question_set) == [
        ("Warm-up", 1, 1, "Q3", 1.0),
        ("Warm-up", 1, 2, "Q2", 0.5),
        ("Core", 2, 1, "Q1", 3.0),
    ]
    page = manager.get(f"/manage/question-sets/{question_set.pk}/").content.decode()
    assert f'name="include" value="{q1.pk}" id="include-{q1.pk}" checked' in page
    assert "Screen" in manager.get("/manage/question-sets/").content.decode()
    assert _post(manager, [(q1, "", 1, 1)], title="Screen").status_code == 302  # same title: its own slug
    assert QuestionSet.objects.filter(slug="screen-2").exists()


def test_editing_replaces_the_contents_and_started_attempts_keep_theirs(manager, bank, organisation):
    q1, q2, q3 = bank
    _post(manager, [(q1, "A", 1, 1), (q2, "A", 2, 1)])
    question_set = QuestionSet.objects.get(title="Screen")
    stage = StageFactory(loop__organisation=organisation, kind="assessment", question_set=question_set)
    invitation = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=stage,
        duration_minutes=30,
        expires_at=timezone.now() + timedelta(days=1),
    )
    attempt = attempt_start(invitation=invitation)
    response = _post(manager, [(q3, "B", 1, 2)], url=f"/manage/question-sets/{question_set.pk}/", title="Screen v2")
    assert response.status_code == 302
    question_set.refresh_from_db()
    assert question_set.title == "Screen v2" and _contents(question_set) == [("B", 1, 1, "Q3", 2.0)]
    pinned = AttemptQuestion.objects.filter(attempt=attempt).order_by("position")
    assert [row.revision.question.title for row in pinned] == ["Q1", "Q2"]  # what the candidate was given


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"include": []}, "Choose at least one question."),
        ({"title": " "}, "A question set needs a title."),
        ({"points": "abc"}, "points must be a number"),
        ({"points": "nan"}, "finite number"),
        ({"points": "0"}, "Points must be above 0"),
        ({"position": "1.5"}, "position must be a number"),
        ({"hidden_feedback": "all"}, "Choose what candidates see"),
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(manager, bank, change, message):
    q1 = bank[0]
    data = {"title": "Screen", "hidden_feedback": "count", "include": [str(q1.pk)]}
    data |= {f"section-{q1.pk}": "A", f"position-{q1.pk}": "1", f"points-{q1.pk}": "1"}
    for key, value in change.items():
        data[key if key in ("include", "title", "hidden_feedback") else f"{key}-{q1.pk}"] = value
    response = manager.post("/manage/question-sets/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not QuestionSet.objects.exists()


def test_only_the_organisations_active_questions_can_go_in(manager, bank, organisation, other_organisation):
    theirs = QuestionFactory(organisation=other_organisation)
    archived = QuestionFactory(organisation=organisation, title="Old", is_archived=True)
    assert "Old" not in manager.get("/manage/question-sets/new/").content.decode()
    for question in (theirs, archived):
        response = _post(manager, [(question, "A", 1, 1)])
        assert response.status_code == 400 and "not in your question bank" in response.content.decode()
    assert not QuestionSet.objects.exists()
