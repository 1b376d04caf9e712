from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from assessments.models import CodingSpec, Loop, Question, QuestionKind, StageKind, Visibility
from organisations.models import Membership, Organisation, Role
from rubrics.models import Level, Rubric, RubricKind
from rubrics.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")
    return Organisation.objects.get(slug="demo")


def test_demo_has_users_for_every_role(demo):
    roles = set(Membership.objects.filter(organisation=demo).values_list("role", flat=True))
    assert roles == set(Role.values)


def test_eighteen_written_questions_each_have_a_four_level_rubric(demo):
    written = Question.objects.filter(organisation=demo).exclude(kind=QuestionKind.CODING)
    assert written.count() == 18
    rubric_ids = set()
    for question in written:
        rubric = question.current_revision.rubric
        assert rubric is not None, question.title
        rubric_ids.add(rubric.pk)
        for criterion in rubric.criteria.all():
            assert sorted(criterion.levels.values_list("score", flat=True)) == [1, 2, 3, 4]
    # 13 question-specific rubrics plus one STAR rubric shared by the 5 behavioural questions.
    assert len(rubric_ids) == 14
    star = Rubric.objects.get(organisation=demo, kind=RubricKind.STAR)
    behavioural = written.filter(kind=QuestionKind.BEHAVIOURAL)
    assert {q.current_revision.rubric_id for q in behavioural} == {star.pk}


def test_conceptual_rubrics_are_specific_to_their_question(demo):
    tfidf = Question.objects.get(organisation=demo, title__startswith="What is TF-IDF")
    anchors = " ".join(
        Level.objects.filter(criterion__rubric=tfidf.current_revision.rubric).values_list("description", flat=True)
    ).lower()
    assert "inverse document frequency" in anchors or "idf" in anchors


def test_two_coding_specs_with_enough_tests(demo):
    specs = CodingSpec.objects.filter(revision__question__organisation=demo)
    assert sorted(specs.values_list("function_name", flat=True)) == ["beam_search", "cosine_similarity"]
    for spec in specs:
        assert spec.test_cases.filter(visibility=Visibility.SAMPLE).count() >= 3
        assert spec.test_cases.filter(visibility=Visibility.HIDDEN).count() >= 15
        assert f"def {spec.function_name}" in spec.starter_code
        assert f"def {spec.function_name}" in spec.reference_solution
    beam = specs.get(function_name="beam_search")
    assert "def check" in beam.custom_checker_source


def test_loop_has_assessment_and_interview_stages(demo):
    loop = Loop.objects.get(organisation=demo, title="NLP Machine Learning Intern")
    stages = list(loop.stages.order_by("position"))
    assert stages[0].kind == StageKind.ASSESSMENT and stages[0].question_set.sections.count() == 4
    interviews = [s for s in stages if s.kind == StageKind.INTERVIEW]
    assert interviews and all(s.interviewers.exists() and s.focus_questions.exists() for s in interviews)
    focus = {fq.question_id for s in interviews for fq in s.focus_questions.all()}
    assert len(focus) == 18


def test_load_demo_is_idempotent(demo):
    counts = (Question.objects.count(), Rubric.objects.count(), CodingSpec.objects.count(), Loop.objects.count())
    call_command("load_demo")
    assert (
        Question.objects.count(),
        Rubric.objects.count(),
        CodingSpec.objects.count(),
        Loop.objects.count(),
    ) == counts


def test_the_demo_admin_is_an_organisation_admin_not_a_platform_operator(demo, client):
    ada = User.objects.get(username="ada")
    assert Membership.objects.get(organisation=demo, user=ada).role == Role.ADMIN
    assert not ada.is_superuser and not ada.is_staff
    assert client.post("/accounts/login/", {"username": "ada", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/admin/").status_code == 302  # to the admin's login: not for her
    assert client.get("/manage/people/").status_code == 200


def test_load_demo_demotes_a_demo_admin_an_older_demo_made_a_superuser(demo):
    User.objects.filter(username="ada").update(is_staff=True, is_superuser=True)
    call_command("load_demo", "--skip-publish")
    ada = User.objects.get(username="ada")
    assert not ada.is_superuser and not ada.is_staff


def test_demo_logins_say_how_a_platform_operator_is_made():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "/manage/people/" in out.getvalue() and "createsuperuser" in out.getvalue()
