from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from assessments.models import (
    Accommodation,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Candidate,
    CodeSubmission,
    CodingSpec,
    Decision,
    FocusQuestion,
    ImportJob,
    IntegrityEvent,
    Invitation,
    Loop,
    Question,
    QuestionRevision,
    QuestionSet,
    Section,
    SectionItem,
    Stage,
    StageInterviewer,
    StageKind,
)
from assessments.models import TestCase as SpecTestCase
from grading.models import (
    GradingRequest,
    GradingResult,
    ScoreOverride,
    SpecValidation,
    TestResult,
    ValidationStatus,
    Verdict,
)
from organisations.models import ColleagueInvite, Membership, Organisation, Role
from rubrics.models import Criterion, Level, Rating, Rubric, Scorecard, ScorecardAmendment, ScorecardStatus

pytestmark = pytest.mark.django_db

APPS = {"assessments", "grading", "organisations", "rubrics"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS), key=lambda m: m._meta.label
)
# Rows only the system writes: the admin shows them but offers no add form.
VIEW_ONLY = {
    "assessments.Attempt",
    "assessments.AttemptQuestion",
    "assessments.Answer",
    "assessments.CodeSubmission",
    "assessments.IntegrityEvent",
    "assessments.ImportJob",
    "assessments.Accommodation",
    "grading.GradingResult",
    "grading.SpecValidation",
    "grading.TestResult",
    "grading.ScoreOverride",
    "grading.GradingRequest",
    "rubrics.ScorecardAmendment",
    "organisations.ColleagueInvite",  # made on /manage/people/, where its link is shown once
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@dataclass
class Graph:
    revision: QuestionRevision
    spec: CodingSpec
    scorecard: Scorecard


@pytest.fixture
def graph(admin_user: User) -> Graph:
    """One row of every model, wired the way a graded, scored candidate leaves them."""
    now = timezone.now()
    org = Organisation.objects.create(name="Acme", slug="acme")
    Membership.objects.create(organisation=org, user=admin_user, role=Role.ADMIN)
    ColleagueInvite.objects.create(
        organisation=org, name="Nia", email="nia@example.com", role=Role.ADMIN, token_hash="a" * 64, expires_at=now
    )
    candidate = Candidate.objects.create(organisation=org, name="Ada", email="ada@example.com")
    rubric = Rubric.objects.create(organisation=org, key="algo", title="Algorithms")
    criterion = Criterion.objects.create(rubric=rubric, position=1, name="Correctness")
    Level.objects.create(criterion=criterion, score=1, label="Weak", description="Misses the point.")
    question = Question.objects.create(organisation=org, key="two-sum", title="Two sum", kind="coding")
    revision = QuestionRevision.objects.create(
        question=question, number=1, prompt="Return the pair that sums to **target**.", rubric=rubric, is_locked=True
    )
    spec = CodingSpec.objects.create(
        revision=revision,
        function_name="two_sum",
        signature="def two_sum(xs, target)",
        starter_code="def two_sum(xs, target):\n    pass\n",
        reference_solution="def two_sum(xs, target):\n    return [0, 1]\n",
    )
    test_case = SpecTestCase.objects.create(spec=spec, position=1, name="basic", args=[[1, 2], 3], expected=[0, 1])
    question_set = QuestionSet.objects.create(organisation=org, title="Backend screen", slug="backend")
    section = Section.objects.create(question_set=question_set, title="Coding", position=1)
    SectionItem.objects.create(section=section, question=question, position=1)
    loop = Loop.objects.create(organisation=org, title="Backend engineer", role="Backend engineer")
    stage = Stage.objects.create(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, title="Screen", question_set=question_set, duration_minutes=60
    )
    StageInterviewer.objects.create(stage=stage, user=admin_user)
    FocusQuestion.objects.create(stage=stage, question=question, position=1, interviewer=admin_user)
    invitation = Invitation.objects.create(
        organisation=org,
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        opens_at=now,
        expires_at=now + timedelta(days=7),
        duration_minutes=60,
    )
    attempt = Attempt.objects.create(
        organisation=org,
        invitation=invitation,
        status=AttemptStatus.GRADED,
        started_at=now,
        deadline=now + timedelta(hours=1),
        submitted_at=now + timedelta(minutes=30),
    )
    attempt_question = AttemptQuestion.objects.create(attempt=attempt, revision=revision, position=1)
    Answer.objects.create(attempt_question=attempt_question, body="def two_sum(xs, target): ...", version=3)
    IntegrityEvent.objects.create(attempt=attempt, attempt_question=attempt_question, kind="paste", occurred_at=now)
    submission = CodeSubmission.objects.create(
        attempt_question=attempt_question, purpose="final", source="def two_sum(xs, target): ...", status="graded"
    )
    result = GradingResult.objects.create(
        submission=submission, verdict=Verdict.ACCEPTED, score=1.0, test_revision="r1:abc"
    )
    TestResult.objects.create(result=result, test_case=test_case, verdict=Verdict.ACCEPTED, actual=[0, 1])
    ScoreOverride.objects.create(attempt_question=attempt_question, score=0.5, graded_score=1.0, reason="Anything")
    GradingRequest.objects.create(submission=submission, kind="regrade", reason="A checker fix", previous_result=result)
    Accommodation.objects.create(
        organisation=org, invitation=invitation, kind="invitation", minutes=15, reason="Agreed", granted_by=admin_user
    )
    scorecard = Scorecard.objects.create(
        organisation=org,
        candidate=candidate,
        stage=stage,
        interviewer=admin_user,
        status=ScorecardStatus.SUBMITTED,
        recommendation="yes",
        notes="Clear reasoning.",
        submitted_at=now,
    )
    Rating.objects.create(scorecard=scorecard, criterion=criterion, question=question, score=3)
    ScorecardAmendment.objects.create(scorecard=scorecard, author=admin_user, reason="Typo", previous={"notes": ""})
    Decision.objects.create(
        organisation=org,
        candidate=candidate,
        loop=loop,
        outcome="advance",
        reason="Strong screen.",
        decided_by=admin_user,
    )
    ImportJob.objects.create(
        organisation=org, source="# Set\n\n1. Why?\n", question_set=question_set, status="succeeded"
    )
    SpecValidation.objects.create(spec=spec, status=ValidationStatus.PASSED, fingerprint="0" * 64)
    return Graph(revision=revision, spec=spec, scorecard=scorecard)


def test_every_domain_model_is_registered() -> None:
    registered = {model._meta.label for model in REGISTERED}
    expected = {model._meta.label for app in APPS for model in apps.get_app_config(app).get_models()}
    assert registered == expected


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_renders_and_searches(admin_client: Client, graph: Graph, model: type[models.Model]) -> None:
    response = admin_client.get(admin_url(model, "changelist"))
    # Django does not check search_fields at start-up; a bad lookup would only fail on a search.
    search = admin_client.get(admin_url(model, "changelist"), {"q": "a"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert search.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_add_page_renders_unless_view_only(admin_client: Client, model: type[models.Model]) -> None:
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (403 if model._meta.label in VIEW_ONLY else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_change_page_renders(admin_client: Client, graph: Graph, model: type[models.Model]) -> None:
    obj = model._default_manager.get()

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_locked_revision_shows_prompt_read_only(admin_client: Client, graph: Graph) -> None:
    response = admin_client.get(admin_url(QuestionRevision, "change", graph.revision.pk))

    content = response.content.decode()
    assert 'name="prompt"' not in content
    assert "Return the pair that sums to **target**." in content


def test_unlocked_revision_prompt_is_editable(admin_client: Client, graph: Graph) -> None:
    QuestionRevision.objects.filter(pk=graph.revision.pk).update(is_locked=False)

    response = admin_client.get(admin_url(QuestionRevision, "change", graph.revision.pk))

    assert '<textarea name="prompt"' in response.content.decode()


def test_posting_to_a_locked_revision_leaves_its_content_alone(admin_client: Client, graph: Graph) -> None:
    response = admin_client.post(
        admin_url(QuestionRevision, "change", graph.revision.pk), {"prompt": "Tampered", "number": 9, "_save": "Save"}
    )

    assert response.status_code == 302
    graph.revision.refresh_from_db()
    assert (graph.revision.prompt, graph.revision.number) == ("Return the pair that sums to **target**.", 1)


def test_revision_added_here_records_its_author(admin_client: Client, admin_user: User, graph: Graph) -> None:
    question = graph.revision.question
    add_url = admin_url(QuestionRevision, "add")
    assert f"?question={question.pk}" in admin_client.get(admin_url(Question, "change", question.pk)).content.decode()

    response = admin_client.post(
        add_url, {"question": question.pk, "number": 2, "prompt": "Now in O(n).", "_save": "Save"}
    )

    assert response.status_code == 302
    assert QuestionRevision.objects.get(question=question, number=2).created_by == admin_user


def test_locked_revision_spec_and_tests_are_read_only(admin_client: Client, graph: Graph) -> None:
    content = admin_client.get(admin_url(CodingSpec, "change", graph.spec.pk)).content.decode()

    assert 'name="reference_solution"' not in content
    assert 'name="test_cases-0-args"' not in content
    assert 'name="test_cases-TOTAL_FORMS"' in content  # the inline is there, just not editable


def test_submitted_scorecard_is_read_only(admin_client: Client, graph: Graph) -> None:
    content = admin_client.get(admin_url(Scorecard, "change", graph.scorecard.pk)).content.decode()

    assert 'name="notes"' not in content
    assert 'name="ratings-0-score"' not in content
    assert "Clear reasoning." in content


def test_question_changelist_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for org_number in range(3):
        org = Organisation.objects.create(name=f"Org {org_number}", slug=f"org-{org_number}")
        for question_number in range(5):
            question = Question.objects.create(
                organisation=org, key=f"q{question_number}", title=f"Question {question_number}", kind="conceptual"
            )
            for number in (1, 2):
                QuestionRevision.objects.create(question=question, number=number, prompt="Explain.")

    with django_assert_max_num_queries(8):
        response = admin_client.get(admin_url(Question, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 15
    assert '<td class="field-revision_count">2</td>' in response.content.decode()


PASSWORD = "correct horse battery staple"


@pytest.fixture
def organisation_admin() -> User:
    """An organisation's admin who is staff (as ``load_demo`` used to make one) but no platform operator."""
    user = User.objects.create_user("orgadmin", password=PASSWORD, is_staff=True)
    organisation = Organisation.objects.create(name="Acme", slug="acme")
    Membership.objects.create(organisation=organisation, user=user, role=Role.ADMIN)
    return user


@pytest.mark.parametrize("path", ["/admin/", "/admin/assessments/candidate/", "/admin/integrations/apikey/"])
def test_an_organisation_admin_who_is_no_operator_cannot_use_the_admin(
    client: Client, organisation_admin: User, path: str
) -> None:
    client.force_login(organisation_admin)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_admin_login_refuses_the_right_password_of_a_non_operator(client: Client, organisation_admin: User) -> None:
    response = client.post("/admin/login/", {"username": "orgadmin", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Organisation admins manage colleagues" in response.content.decode()


def test_a_platform_operator_logs_in_to_the_admin(client: Client) -> None:
    User.objects.create_superuser("operator", password=PASSWORD)
    response = client.post("/admin/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_says_it_is_for_platform_operators(client: Client, admin_client: Client) -> None:
    login_page = client.get("/admin/login/").content.decode()
    assert "platform operators" in login_page and "/manage/" in login_page
    index = admin_client.get("/admin/").content.decode()
    assert "Loopwright platform operations" in index and "Platform operators only" in index


# An admin edit of a published spec, its tests or its checker unpublishes it, as the bank's pages do.


def _published_and_unlocked(graph: Graph) -> CodingSpec:
    QuestionRevision.objects.filter(pk=graph.revision.pk).update(is_locked=False)
    CodingSpec.objects.filter(pk=graph.spec.pk).update(published_at=timezone.now())
    return CodingSpec.objects.get(pk=graph.spec.pk)


def _change_form(admin_client: Client, url: str) -> dict[str, object]:
    """What the change page would post back unchanged: every editable field and inline row, as rendered."""
    context = admin_client.get(url).context
    forms_ = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms_ += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, object] = {"_save": "Save"}
    for form in forms_:
        for bound in form:
            value = bound.value()
            if value is not None and value is not False:
                data[bound.html_name] = value
                if bound.field.show_hidden_initial:  # a field with a callable default: its initial is posted too
                    data[bound.html_initial_name] = value
    return data


@pytest.mark.parametrize(
    "change",
    [
        {"reference_solution": "def two_sum(xs, target):\n    return [1, 0]\n"},
        {"custom_checker_source": "def check(actual, expected):\n    return True\n"},
        {"cpu_seconds": "1.5"},
        {"test_cases-0-expected": "[1, 0]"},
        {"test_cases-0-checker": "unordered"},
        {"test_cases-0-visibility": "sample"},
        {"test_cases-0-DELETE": "on"},
        None,  # unchanged: stays published
    ],
)
def test_an_admin_edit_of_a_published_spec_or_its_tests_unpublishes_it(
    admin_client: Client, graph: Graph, change: dict[str, str] | None
) -> None:
    spec = _published_and_unlocked(graph)
    TestResult.objects.all().delete()  # grading evidence protects a test that was graded
    url = admin_url(CodingSpec, "change", spec.pk)
    data = _change_form(admin_client, url) | (change or {})

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200 and response.redirect_chain
    spec.refresh_from_db()
    assert (spec.published_at is None) == (change is not None)
    assert ("unpublished it" in response.content.decode()) == (change is not None)


def test_an_admin_edit_add_or_delete_of_one_test_unpublishes_its_spec(admin_client: Client, graph: Graph) -> None:
    spec = _published_and_unlocked(graph)
    test_case = spec.test_cases.get()
    url = admin_url(SpecTestCase, "change", test_case.pk)
    admin_client.post(url, _change_form(admin_client, url))
    assert CodingSpec.objects.get(pk=spec.pk).published_at is not None  # saved unchanged

    admin_client.post(url, _change_form(admin_client, url) | {"weight": "3"})
    assert CodingSpec.objects.get(pk=spec.pk).published_at is None

    _published_and_unlocked(graph)
    add = _change_form(admin_client, url) | {"position": "2", "name": "more"}
    assert admin_client.post(admin_url(SpecTestCase, "add"), add).status_code == 302
    assert CodingSpec.objects.get(pk=spec.pk).published_at is None

    _published_and_unlocked(graph)
    TestResult.objects.all().delete()  # grading evidence protects a test that was graded
    admin_client.post(admin_url(SpecTestCase, "delete", test_case.pk), {"post": "yes"})
    assert not SpecTestCase.objects.filter(pk=test_case.pk).exists()
    assert CodingSpec.objects.get(pk=spec.pk).published_at is None


def test_operators_requeue_failed_gradings_of_any_organisation_from_the_admin(
    admin_client: Client, admin_user: User, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("grading.services.submissions.submission_enqueue", lambda pk, **_: None)
    graded = CodeSubmission.objects.get()
    failed = CodeSubmission.objects.create(
        attempt_question=graded.attempt_question, purpose="samples", source="x", status="failed", delivery_count=5
    )
    response = admin_client.post(
        admin_url(CodeSubmission, "changelist"),
        {"action": "requeue_failed", "_selected_action": [graded.pk, failed.pk]},
        follow=True,
    )
    assert "1 grading requeued; 1 skipped (not failed)." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.requeued_deliveries) == ("queued", 5)
    request = GradingRequest.objects.get(submission=failed)
    assert (request.kind, request.requested_by) == ("requeue", admin_user)
    assert CodeSubmission.objects.get(pk=graded.pk).status == "graded"
